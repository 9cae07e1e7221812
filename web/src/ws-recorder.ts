/**
 * Every WebSocket message the dashboard's lanes send and receive, recorded in
 * the browser for the HAR export (web/src/har.ts), the way Chrome DevTools
 * keeps them for its Network panel's Messages tab (`_webSocketMessages`).
 *
 * The recorder replaces `globalThis.WebSocket` with a subclass that listens to
 * its own messages, so the lanes' code (and socket.io-client's and
 * sockjs-client's, which look the constructor up once when their module is
 * first evaluated) needs no change. That is why this module is the dashboard's
 * first import. The lab's own channels under /api/ (the stats push) are not
 * recorded: they are not the lanes' traffic.
 *
 * Bounded: the newest RECORDED_MESSAGES_KEPT messages, oldest dropped first, and
 * counted (a long run at a high rate would otherwise grow without end).
 */

export const RECORDED_MESSAGES_KEPT = 20_000;

/** One message, as Chrome writes it in a HAR: `time` in seconds since the Unix epoch, opcode 1 text / 2 binary (RFC 6455 §5.2). */
export interface RecordedMessage {
  type: 'send' | 'receive';
  time: number;
  opcode: 1 | 2;
  data: string;
}

export interface RecordedSocket {
  /** The URL as the page opened it (ws: or wss:). */
  url: string;
  opened: number;
  messages: RecordedMessage[];
}

const sockets: RecordedSocket[] = [];
let kept = 0;
let dropped = 0;

export function recordedSockets(): { sockets: readonly RecordedSocket[]; dropped: number } {
  return { sockets, dropped };
}

const nowSeconds = () => (performance.timeOrigin + performance.now()) / 1000;

function record(socket: RecordedSocket, type: RecordedMessage['type'], data: unknown): void {
  // Text frames carry strings; binary ones arrive as ArrayBuffer (or Blob, unread here: its bytes are not at hand).
  const message: RecordedMessage = typeof data === 'string'
    ? { type, time: nowSeconds(), opcode: 1, data }
    : { type, time: nowSeconds(), opcode: 2, data: data instanceof ArrayBuffer ? toBase64(new Uint8Array(data)) : ArrayBuffer.isView(data) ? toBase64(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)) : '' };
  socket.messages.push(message);
  if (++kept > RECORDED_MESSAGES_KEPT) {
    const oldest = sockets.find((s) => s.messages.length > 0);
    oldest?.messages.shift();
    kept--;
    dropped++;
  }
}

function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text);
}

const Native = globalThis.WebSocket;
const recordOf = new WeakMap<WebSocket, RecordedSocket>();

class RecordingWebSocket extends Native {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols);
    if (new URL(this.url).pathname.startsWith('/api/')) return;
    const socket: RecordedSocket = { url: this.url, opened: Date.now(), messages: [] };
    sockets.push(socket);
    recordOf.set(this, socket);
    this.addEventListener('message', (event: MessageEvent) => record(socket, 'receive', event.data));
  }

  override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
    super.send(data);
    const socket = recordOf.get(this);
    if (socket) record(socket, 'send', data);
  }
}

if (Native && globalThis.WebSocket === Native) globalThis.WebSocket = RecordingWebSocket;
