/**
 * Stable error codes of the chat, in the shape of src/errors.ts. Over HTTP an
 * error is `{ "error": code, "message": text }` with `status`; over WebSocket
 * it is an `{"type":"error","code","message"}` event and the connection stays
 * open: a chat client that typed a taken nickname should simply try another.
 *
 * Pure data, so the browser widgets can import it.
 */

export const CHAT_ERRORS = {
  LAB_ERR_CHAT_NOT_JSON: { status: 400, message: 'a chat command is one JSON object' },
  LAB_ERR_CHAT_BINARY: { status: 400, message: 'chat commands are text frames' },
  LAB_ERR_CHAT_FRAME_TOO_LARGE: { status: 413, message: 'command is larger than the configured limit' },
  LAB_ERR_CHAT_BAD_COMMAND: { status: 400, message: 'unknown command or unexpected fields (see docs/chat-and-stomp.md)' },
  LAB_ERR_CHAT_NOT_JOINED: { status: 409, message: 'join with a nickname first' },
  LAB_ERR_CHAT_ALREADY_JOINED: { status: 409, message: 'this connection has already joined' },
  LAB_ERR_CHAT_NICK_INVALID: { status: 400, message: 'nickname: letters, digits, spaces, _ . -, no space at either end' },
  LAB_ERR_CHAT_NICK_TAKEN: { status: 409, message: 'someone in the chat already uses this nickname' },
  LAB_ERR_CHAT_NICK_INVISIBLE: { status: 400, message: 'nickname holds an invisible, control, format or filler character (e.g. U+200B, U+3164)' },
  LAB_ERR_CHAT_NICK_CONFUSABLE: { status: 409, message: 'nickname looks like one already in the chat (Unicode TS #39 confusables)' },
  LAB_ERR_CHAT_ROOM_INVALID: { status: 400, message: 'room name: letters, digits, _ . -' },
  LAB_ERR_CHAT_NOT_IN_ROOM: { status: 409, message: 'join the room before sending to it or leaving it' },
  LAB_ERR_CHAT_TOO_MANY_ROOMS: { status: 409, message: 'room limit reached' },
  LAB_ERR_CHAT_MODE_INVALID: { status: 400, message: '`to` must be "all", "self", "others" or "room"' },
  LAB_ERR_CHAT_TEXT_INVALID: { status: 400, message: 'text must be a non-empty string without control characters (except newline and tab)' },
  LAB_ERR_CHAT_TEXT_TOO_LONG: { status: 413, message: 'text is longer than the configured limit' },
  LAB_ERR_CHAT_RATE_LIMITED: { status: 429, message: 'too many commands; wait and try again' },
  LAB_ERR_CHAT_FULL: { status: 503, message: 'the chat is full' },
  LAB_ERR_CHAT_SINCE_INVALID: { status: 400, message: '`since` (or Last-Event-ID) must be an event number no higher than the mailbox head' },
  LAB_ERR_CHAT_SESSION_UNKNOWN: { status: 404, message: 'no such chat session (it ended or timed out); join again' },
} as const;

export type ChatErrorCode = keyof typeof CHAT_ERRORS;

export class ChatError extends Error {
  readonly status: number;
  constructor(readonly code: ChatErrorCode, detail?: string, readonly retryAfterMs?: number) {
    super(detail ?? CHAT_ERRORS[code].message);
    this.name = 'ChatError';
    this.status = CHAT_ERRORS[code].status;
  }

  /** HTTP body, like every other lab error. */
  toJSON() {
    return { error: this.code, message: this.message, ...(this.retryAfterMs !== undefined && { retryAfterMs: this.retryAfterMs }) };
  }
}
