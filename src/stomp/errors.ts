/**
 * Stable error codes for the STOMP endpoint, in the shape of src/errors.ts.
 * A STOMP error reaches the client twice: as an ERROR frame (STOMP 1.2
 * "ERROR": `message` header = `code: text`, body = the detail), and then as the
 * WebSocket close code and reason, because the spec has the server close the
 * connection right after an ERROR frame.
 *
 * Pure data: the codec (frame.ts) and the browser widgets import it.
 */

export const STOMP_ERRORS = {
  // Framing (raised by the codec)
  LAB_ERR_STOMP_FRAME_TOO_LARGE: { close: 1009, message: 'frame is larger than the configured limit' },
  LAB_ERR_STOMP_TOO_MANY_HEADERS: { close: 1009, message: 'frame has more headers than the configured limit' },
  LAB_ERR_STOMP_MALFORMED: { close: 1002, message: 'frame does not follow the STOMP 1.2 grammar' },
  LAB_ERR_STOMP_BAD_ESCAPE: { close: 1002, message: 'header value uses an undefined escape sequence (STOMP 1.2 "Value Encoding")' },
  LAB_ERR_STOMP_BAD_CONTENT_LENGTH: { close: 1002, message: '`content-length` must be a non-negative integer' },
  LAB_ERR_STOMP_BODY_TOO_LONG: { close: 1002, message: 'body is longer than `content-length` (no NUL where the body should end)' },
  LAB_ERR_STOMP_NOT_UTF8: { close: 1007, message: 'command and headers must be UTF-8' },
  // Session (raised by the server)
  LAB_ERR_STOMP_SUBPROTOCOL: { close: 1002, message: 'offer the WebSocket sub-protocol v12.stomp (Sec-WebSocket-Protocol)' },
  LAB_ERR_STOMP_UNKNOWN_COMMAND: { close: 1002, message: 'unknown client command' },
  LAB_ERR_STOMP_NOT_CONNECTED: { close: 1002, message: 'the first frame must be CONNECT or STOMP' },
  LAB_ERR_STOMP_ALREADY_CONNECTED: { close: 1002, message: 'this session is already connected' },
  LAB_ERR_STOMP_VERSION: { close: 1002, message: 'this server speaks STOMP 1.2 only (accept-version must include 1.2)' },
  LAB_ERR_STOMP_HEART_BEAT_INVALID: { close: 1002, message: '`heart-beat` must be two non-negative integers, "cx,cy"' },
  LAB_ERR_STOMP_MISSING_HEADER: { close: 1002, message: 'a required header is missing' },
  LAB_ERR_STOMP_DESTINATION: { close: 1008, message: 'destinations are /topic/<name> (letters, digits, . _ -)' },
  LAB_ERR_STOMP_SUBSCRIPTION: { close: 1008, message: 'subscription id is already in use or unknown' },
  LAB_ERR_STOMP_TOO_MANY_SUBSCRIPTIONS: { close: 1008, message: 'too many subscriptions on this connection' },
  LAB_ERR_STOMP_ACK: { close: 1008, message: 'ACK/NACK names no message waiting for an acknowledgement' },
  LAB_ERR_STOMP_TRANSACTION: { close: 1008, message: 'transaction id is already in use, unknown, or the transaction is too big' },
  LAB_ERR_STOMP_FEED_BODY: { close: 1007, message: 'a SEND to /topic/feed carries {"data": <json>} as its body' },
  LAB_ERR_STOMP_HEART_BEAT_LOST: { close: 1002, message: 'no frame or heart-beat from the client within the negotiated interval' },
  LAB_ERR_STOMP_RATE_LIMITED: { close: 1008, message: 'too many SENDs to /topic/feed (the lab\'s maxPublishPerSecond)' },
  LAB_ERR_STOMP_SLOW_CONSUMER: { close: 1013, message: 'client reads too slowly; its send buffer is full' },
} as const;

export type StompErrorCode = keyof typeof STOMP_ERRORS;

export class StompError extends Error {
  readonly closeCode: number;
  /** The `receipt` of the frame that caused it: echoed as `receipt-id` on the ERROR frame. */
  receiptId: string | undefined;
  constructor(readonly code: StompErrorCode, detail?: string) {
    super(detail ?? STOMP_ERRORS[code].message);
    this.name = 'StompError';
    this.closeCode = STOMP_ERRORS[code].close;
  }

  /** The ERROR frame's `message` header: short, one line. */
  get summary(): string {
    return `${this.code}: ${STOMP_ERRORS[this.code].message}`;
  }
}
