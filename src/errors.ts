/**
 * Stable error codes (like engine.io's error table and ws's WS_ERR_* codes).
 * HTTP answers carry `{ "error": code, "message": text }`; WebSocket closes
 * carry the close code and `code: text` as the reason.
 */
import { STATUS_CODES } from 'node:http';

export const ERRORS = {
  LAB_ERR_SINCE_INVALID: { status: 400, close: 1008, message: '`since` must be a non-negative integer' },
  LAB_ERR_SINCE_AHEAD: { status: 400, close: 1008, message: '`since` is beyond the newest message (did the server restart? compare `epoch`)' },
  LAB_ERR_WAIT_INVALID: { status: 400, close: 1008, message: '`wait` must be an integer number of milliseconds' },
  LAB_ERR_LAST_EVENT_ID_INVALID: { status: 400, close: 1008, message: '`Last-Event-ID` must be a non-negative integer' },
  LAB_ERR_BODY_INVALID: { status: 400, close: 1008, message: 'request body does not match the schema' },
  LAB_ERR_PAYLOAD_TOO_LARGE: { status: 413, close: 1009, message: 'message is larger than the configured limit' },
  LAB_ERR_NOT_FOUND: { status: 404, close: 1008, message: 'no such path' },
  LAB_ERR_LANE_BUSY: { status: 503, close: 1013, message: 'too many held connections on this lane; retry later' },
  LAB_ERR_JSON_TOO_DEEP: { status: 400, close: 1008, message: 'JSON is nested deeper than the configured limit (maxJsonDepth)' },
  LAB_ERR_WS_NOT_JSON: { status: 400, close: 1007, message: 'frame is not valid JSON' },
  LAB_ERR_WS_BINARY: { status: 400, close: 1003, message: 'this endpoint accepts text frames only' },
  LAB_ERR_WS_BAD_MESSAGE: { status: 400, close: 1008, message: 'frame must be {"data": <json>}' },
  LAB_ERR_SLOW_CONSUMER: { status: 503, close: 1013, message: 'consumer fell too far behind; reconnect and resume' },
  LAB_ERR_LIVE_FULL: { status: 503, close: 1013, message: 'too many /api/live listeners (maxLiveConnections); retry later' },
  LAB_ERR_RATE_LIMITED: { status: 429, close: 1008, message: 'too many publishes (maxPublishPerSecond); wait and try again' },
  LAB_ERR_UPGRADE_REFUSED: { status: 403, close: 1008, message: 'WebSocket upgrades are refused here (chaos switch: a strict proxy)' },
  LAB_ERR_ORIGIN_REFUSED: { status: 403, close: 1008, message: 'this Origin may not open a WebSocket here (Origin allowlist is on)' },
  LAB_ERR_TEACHER_ONLY: { status: 403, close: 1008, message: 'only the teacher may do this: send the teacher key (Authorization: Bearer <key>) or use this machine' },
  LAB_ERR_CROSS_SITE: { status: 403, close: 1008, message: 'control requests are accepted only from the lab\'s own pages (Origin / Sec-Fetch-Site)' },
  LAB_ERR_CONTENT_TYPE: { status: 415, close: 1003, message: 'state-changing requests must be Content-Type: application/json' },
  LAB_ERR_WS_VERSION: { status: 426, close: 1002, message: 'only Sec-WebSocket-Version: 13 is supported (RFC 6455 §4.4)' },
  LAB_ERR_PLAYGROUND_TARGET: { status: 400, close: 1008, message: 'the playground only sends `GET <a WebSocket endpoint of this lab> HTTP/1.1`' },
  LAB_ERR_SOCKET_DEMO_BUSY: { status: 503, close: 1013, message: 'too many socket exchanges at once (socketDemoMaxConcurrent); retry later' },
  LAB_ERR_PAGE_INVALID: { status: 400, close: 1008, message: '`page` must be 1-64 letters, digits, "-" or "_"' },
  LAB_ERR_INSPECT_COMMAND: { status: 400, close: 1008, message: 'inspector command refused (close code 1000 or 3000-4999, reason <= 123 bytes, ping data <= 125 bytes of UTF-8)' },
  LAB_ERR_UPGRADE_REQUIRED: { status: 426, close: 1002, message: 'this path is a WebSocket endpoint: send the opening handshake (RFC 6455 §4.1)' },
  LAB_ERR_BAD_REQUEST: { status: 400, close: 1002, message: 'malformed HTTP request' },
  LAB_ERR_REQUEST_TIMEOUT: { status: 408, close: 1002, message: 'the request did not arrive in time' },
  LAB_ERR_HEADERS_TOO_LARGE: { status: 431, close: 1009, message: 'request header fields are larger than the server accepts' },
  LAB_ERR_CLASS_BAD_MESSAGE: { status: 400, close: 1008, message: 'not a class message: join, ping or report, with the fields of docs/protocol.md' },
  LAB_ERR_CLASS_RATE: { status: 429, close: 1008, message: 'too many class messages from this device; it may reconnect and join again' },
  LAB_ERR_CLASS_FULL: { status: 503, close: 1013, message: 'the class has as many devices as it takes (classMaxDevices); try again later' },
  LAB_ERR_SHUTDOWN: { status: 503, close: 1001, message: 'server is shutting down' },
  LAB_ERR_INTERNAL: { status: 500, close: 1011, message: 'internal error' },
} as const;

export type ErrorCode = keyof typeof ERRORS;

export class LabError extends Error {
  readonly status: number;
  readonly closeCode: number;
  constructor(readonly code: ErrorCode, detail?: string) {
    super(detail ?? ERRORS[code].message);
    this.name = 'LabError';
    this.status = ERRORS[code].status;
    this.closeCode = ERRORS[code].close;
  }

  toJSON() {
    return { error: this.code, message: this.message };
  }

  /** RFC 6455 §5.5: a close frame's payload is at most 125 bytes, 2 of them the code. */
  closeReason(): string {
    return truncateUtf8(`${this.code}: ${this.message}`, 123);
  }
}

/**
 * A whole HTTP/1.1 response in the lab's error shape, for the places that
 * write to a raw socket (a request Node could not parse, an Upgrade refused
 * before Fastify has a reply). The connection is closed after it.
 */
export function rawErrorResponse(err: LabError, headers: Record<string, string> = {}): string {
  const body = JSON.stringify(err.toJSON());
  const lines = [
    `HTTP/1.1 ${err.status} ${STATUS_CODES[err.status] ?? 'Error'}`,
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

export function truncateUtf8(text: string, maxBytes: number): string {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= maxBytes) return text;
  // Cut on a character boundary: drop continuation bytes (10xxxxxx) at the cut.
  let end = maxBytes;
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8');
}
