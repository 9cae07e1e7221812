/**
 * How a chat client reaches the lab's chat: the same commands and events
 * (src/chat/protocol.ts) over three carriers, so a lesson can switch one and
 * watch the cost change.
 *
 *   ws        one WebSocket (GET /chat/ws): commands and events are text frames
 *   longpoll  POST /chat/sessions and /chat/messages; events by GET /chat/longpoll, asked again after each answer
 *   sse       the same POSTs; events on one EventSource (GET /chat/sse)
 */
import type { ClientCommand, ServerEvent } from '../../../src/chat/protocol.ts';
import type { ChatInputLimits } from '../../../src/chat/limits.ts';
import { t } from '../i18n/index.ts';
import { closeWords } from './refusal.ts';

export const CHAT_TRANSPORTS = ['ws', 'longpoll', 'sse'] as const;
export type ChatTransportId = (typeof CHAT_TRANSPORTS)[number];

export interface ChatTransport {
  readonly id: ChatTransportId;
  /** Send a command; resolves with its direct reply (welcome, ack, joined-room, error, ...) when there is one. */
  send(command: ClientCommand & { ref?: string | number }): Promise<ServerEvent | undefined>;
  close(): void;
}

export interface ChatTransportHandlers {
  /** Messages and presence for this member. */
  onEvent(event: ServerEvent): void;
  /** The carrier is open (ws) or the session exists (HTTP). */
  onOpen(): void;
  /**
   * The carrier ended; `reason` says why, in words a student can read (the
   * page's language), `detail` is the server's own close reason when it gave one.
   */
  onClose(reason: string, detail?: string): void;
}

/** Base URL of the lab: the page's own origin unless given. */
function url(path: string, base: string | undefined, ws = false): string {
  const u = new URL(path, base ?? location.href);
  if (ws) u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return u.toString();
}

const limitsByBase = new Map<string, Promise<ChatInputLimits | undefined>>();

/** The chat's input limits as this lab sets them (GET /chat/limits), once per lab; undefined if it cannot say. */
export function chatLimits(base?: string): Promise<ChatInputLimits | undefined> {
  const at = url('/chat/limits', base);
  let limits = limitsByBase.get(at);
  if (!limits) {
    limits = fetch(at).then((res) => (res.ok ? res.json() as Promise<ChatInputLimits> : undefined), () => undefined);
    limitsByBase.set(at, limits);
  }
  return limits;
}

export function openChatTransport(id: ChatTransportId, handlers: ChatTransportHandlers, base?: string): ChatTransport {
  return id === 'ws' ? wsChat(handlers, base) : httpChat(id, handlers, base);
}

function wsChat(handlers: ChatTransportHandlers, base: string | undefined): ChatTransport {
  const socket = new WebSocket(url('/chat/ws', base, true));
  const opened = new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => { handlers.onOpen(); resolve(); }, { once: true });
    socket.addEventListener('error', () => reject(new Error('WebSocket failed to open')), { once: true });
  });
  // A socket that never opens is shown by its close event (onClose); the rejection matters only to a
  // command waiting on `opened`, so it must not also surface as an unhandled rejection in the console.
  opened.catch(() => undefined);
  // Replies carry no id of their own: a join's reply is the next welcome or error, any other command's echoes its `ref`.
  const waiting: { match: (e: ServerEvent) => boolean; resolve: (e: ServerEvent) => void }[] = [];
  socket.addEventListener('message', (msg: MessageEvent<string>) => {
    const event = JSON.parse(msg.data) as ServerEvent;
    const i = waiting.findIndex((w) => w.match(event));
    if (i >= 0) waiting.splice(i, 1)[0]!.resolve(event);
    else handlers.onEvent(event);
  });
  socket.addEventListener('close', (e) => handlers.onClose(
    e.code === 1000 ? t('chat.closedLeft') : t('chat.closedCode', { code: e.code, words: closeWords(e.code) }),
    e.code !== 1000 && e.reason ? e.reason : undefined,
  ));
  let nextRef = 1;
  return {
    id: 'ws',
    async send(command) {
      await opened;
      if (command.type === 'leave') {
        socket.send(JSON.stringify(command));
        return undefined;
      }
      const withRef = command.type === 'join' ? command : { ...command, ref: command.ref ?? `r${nextRef++}` };
      const reply = new Promise<ServerEvent>((resolve) => {
        waiting.push({
          match: withRef.type === 'join'
            ? (e) => e.type === 'welcome' || (e.type === 'error' && !('ref' in e))
            : (e) => 'ref' in e && e.ref === (withRef as { ref: unknown }).ref,
          resolve,
        });
      });
      socket.send(JSON.stringify(withRef));
      return reply;
    },
    close: () => socket.close(1000, 'bye'),
  };
}

function httpChat(id: 'longpoll' | 'sse', handlers: ChatTransportHandlers, base: string | undefined): ChatTransport {
  let session: string | undefined;
  let closed = false;
  let source: EventSource | undefined;
  const abort = new AbortController();

  const post = async (path: string, body: unknown): Promise<ServerEvent> => {
    const res = await fetch(url(path, base), {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: abort.signal,
    });
    const json = await res.json() as ServerEvent | { error: string; message: string; retryAfterMs?: number };
    if ('error' in json) return { type: 'error', code: json.error, message: json.message, ...(json.retryAfterMs !== undefined && { retryAfterMs: json.retryAfterMs }) };
    return json;
  };

  const pollLoop = async () => {
    let since = 0;
    while (!closed && session) {
      let res: Response;
      try {
        res = await fetch(url(`/chat/longpoll?session=${encodeURIComponent(session)}&since=${since}`, base), { signal: abort.signal });
      } catch {
        if (!closed) handlers.onClose(t('chat.pollFailed'));
        return;
      }
      if (!res.ok) {
        handlers.onClose(res.status === 404 ? t('chat.sessionEnded') : t('chat.pollStatus', { status: res.status }));
        return;
      }
      const answer = await res.json() as { head: number; firstSeq: number; truncated: boolean; events: ServerEvent[] };
      if (answer.truncated) handlers.onEvent({ type: 'truncated', firstSeq: answer.firstSeq });
      for (const event of answer.events) handlers.onEvent(event);
      since = answer.head;
    }
  };

  const listen = () => {
    source = new EventSource(url(`/chat/sse?session=${encodeURIComponent(session!)}`, base));
    source.onmessage = (e: MessageEvent<string>) => handlers.onEvent(JSON.parse(e.data) as ServerEvent);
    source.addEventListener('truncated', (e: MessageEvent<string>) => handlers.onEvent(JSON.parse(e.data) as ServerEvent));
    source.onerror = () => {
      // EventSource reconnects by itself (with Last-Event-ID) unless the session is gone.
      if (closed) source?.close();
    };
  };

  return {
    id,
    async send(command) {
      if (command.type === 'join') {
        const reply = await post('/chat/sessions', command);
        if (reply.type === 'welcome' && reply.session) {
          session = reply.session;
          handlers.onOpen();
          if (id === 'longpoll') void pollLoop();
          else listen();
        }
        return reply;
      }
      if (!session) return { type: 'error', code: 'LAB_ERR_CHAT_NOT_JOINED', message: 'join with a nickname first' };
      const reply = await post(`/chat/messages?session=${encodeURIComponent(session)}`, command);
      if (reply.type === 'bye') {
        closed = true;
        source?.close();
        handlers.onClose(t('chat.closedLeft'));
      }
      return reply;
    },
    close() {
      if (session && !closed) {
        // Its own request, not aborted below: the server should hear the goodbye (else the member times out).
        void fetch(url(`/chat/messages?session=${encodeURIComponent(session)}`, base), {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"leave"}', keepalive: true,
        }).catch(() => {});
      }
      closed = true;
      source?.close();
      abort.abort();
    },
  };
}
