/**
 * Every WebSocket message the dashboard's lanes send and receive, recorded in
 * the browser for the HAR export (web/src/har.ts), the way Chrome DevTools
 * keeps them for its Network panel's Messages tab (`_webSocketMessages`).
 *
 * The recorder wraps WebSocket.prototype's `send`, `onmessage` and
 * `addEventListener('message')`, so the lanes' code, socket.io-client's and
 * sockjs-client's need no change: every socket the page opens, whoever opens
 * it, is recorded from its first handler or send. The lab's own channels
 * under /api/ (the stats push) are not recorded: they are not the lanes' traffic.
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

/**
 * The libraries keep the constructor they found when their module ran, and a bundler
 * may run a shared chunk (socket.io-client, sockjs-client) before this module: so the
 * recorder patches WebSocket.prototype, which every socket shares whoever constructed
 * it, rather than replacing the constructor.
 */
const recordOf = new WeakMap<WebSocket, RecordedSocket | null>();
/** A message event is recorded once, however many handlers (onmessage and listeners) see it. */
const seen = new WeakSet<Event>();

function socketOf(ws: WebSocket): RecordedSocket | null {
  let socket = recordOf.get(ws);
  if (socket === undefined) {
    socket = new URL(ws.url).pathname.startsWith('/api/') ? null : { url: ws.url, opened: Date.now(), messages: [] };
    if (socket) sockets.push(socket);
    recordOf.set(ws, socket);
  }
  return socket;
}

function onReceive(ws: WebSocket, event: Event): void {
  if (seen.has(event)) return;
  seen.add(event);
  const socket = socketOf(ws);
  if (socket) record(socket, 'receive', (event as MessageEvent).data);
}

function install(proto: WebSocket): void {
  const send = proto.send;
  proto.send = function (this: WebSocket, data: string | ArrayBufferLike | Blob | ArrayBufferView) {
    send.call(this, data);
    const socket = socketOf(this);
    if (socket) record(socket, 'send', data);
  };
  const addEventListener = proto.addEventListener;
  proto.addEventListener = function (this: WebSocket, type: string, listener: unknown, options?: unknown) {
    if (type === 'message' && listener) {
      const ws = this;
      // Recorded before the handler runs, at the moment the page receives it.
      socketOf(ws);
      const inner = listener as EventListenerOrEventListenerObject;
      const wrapped = (event: Event) => {
        onReceive(ws, event);
        return typeof inner === 'function' ? inner.call(ws, event) : inner.handleEvent(event);
      };
      wrappers.set(inner, wrapped);
      return addEventListener.call(this, type, wrapped, options as AddEventListenerOptions);
    }
    return addEventListener.call(this, type, listener as EventListenerOrEventListenerObject, options as AddEventListenerOptions);
  } as WebSocket['addEventListener'];
  const removeEventListener = proto.removeEventListener;
  proto.removeEventListener = function (this: WebSocket, type: string, listener: unknown, options?: unknown) {
    const wrapped = type === 'message' && listener ? wrappers.get(listener as EventListenerOrEventListenerObject) : undefined;
    return removeEventListener.call(this, type, (wrapped ?? listener) as EventListenerOrEventListenerObject, options as EventListenerOptions);
  } as WebSocket['removeEventListener'];
  const onmessage = Object.getOwnPropertyDescriptor(proto, 'onmessage');
  if (onmessage?.set && onmessage.get) {
    const handlers = new WeakMap<WebSocket, unknown>();
    Object.defineProperty(proto, 'onmessage', {
      configurable: true,
      enumerable: onmessage.enumerable ?? true,
      get(this: WebSocket) {
        return handlers.has(this) ? handlers.get(this) : onmessage.get!.call(this);
      },
      set(this: WebSocket, handler: unknown) {
        handlers.set(this, handler);
        socketOf(this);
        const ws = this;
        onmessage.set!.call(this, typeof handler === 'function'
          ? function (this: WebSocket, event: MessageEvent) { onReceive(ws, event); return (handler as (e: MessageEvent) => unknown).call(ws, event); }
          : handler);
      },
    });
  }
}

const wrappers = new WeakMap<EventListenerOrEventListenerObject, EventListener>();

if (typeof WebSocket !== 'undefined') install(WebSocket.prototype);
