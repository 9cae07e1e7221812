/**
 * Minimal real clients for every lane (Node side), for integration tests.
 * Each keeps every message it received, in order, plus the hello it was sent.
 * Socket.IO and SockJS are their real client libraries.
 */
import WebSocket from 'ws';
import { io, type Socket as IoSocket } from 'socket.io-client';
import SockJS from 'sockjs-client';
import { NdjsonDecoder } from '../../src/framing/ndjson.ts';
import { SseDecoder } from '../../src/framing/sse.ts';
import type { LaneId } from '../../src/lanes.ts';

export interface Msg { seq: number; ts: number; data: unknown }
export interface Hello { type: 'hello'; epoch: string; since: number; head: number; firstSeq: number; truncated: boolean }

export interface LaneClient {
  lane: LaneId;
  messages: Msg[];
  hello: Hello | undefined;
  /** Resolves when the client is connected and will see the next publish. */
  ready: Promise<void>;
  waitFor(count: number): Promise<void>;
  lastSeq(): number;
  stop(): void;
}

export interface ClientOptions {
  /** SSE: send this Last-Event-ID. */
  lastEventId?: number;
  /** Socket.IO: its transports, in order (default: polling, then the upgrade to websocket). */
  socketioTransports?: ('polling' | 'websocket')[];
  /** SockJS: the transports it may use (default: all, best first). */
  sockjsTransports?: string[];
}

export function startClient(lane: LaneId, base: string, since?: number, opts: ClientOptions = {}): LaneClient {
  const messages: Msg[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let stopped = false;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => { markReady = resolve; });
  const client: LaneClient = {
    lane, messages, hello: undefined, ready,
    waitFor(count) {
      if (messages.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    lastSeq: () => messages.at(-1)?.seq ?? since ?? 0,
    stop: () => { stopped = true; abort.abort(); ws?.terminate(); sio?.disconnect(); sjs?.close(); },
  };
  const push = (m: Msg) => {
    messages.push(m);
    for (const w of [...waiters]) if (messages.length >= w.count) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); }
  };
  const onHello = (h: Hello) => { client.hello = h; markReady(); };
  const abort = new AbortController();
  let ws: WebSocket | undefined;
  let sio: IoSocket | undefined;
  let sjs: WebSocket | InstanceType<typeof SockJS> | undefined;
  const q = since === undefined ? '' : `?since=${since}`;

  const pollLoop = async (path: string, extra: string) => {
    let cursor = since;
    let first = true;
    while (!stopped) {
      const qs = cursor === undefined ? `?${extra}` : `?since=${cursor}&${extra}`;
      // With a cursor, nothing published from now on can be missed, even before the server holds the request.
      if (cursor !== undefined) markReady();
      const res = await fetch(`${base}${path}${qs}`, { signal: abort.signal }).catch(() => undefined);
      if (!res) return;
      const body = await res.json().catch(() => undefined) as { messages: Msg[]; head: number; firstSeq: number; truncated: boolean; epoch: string } | undefined;
      if (!body) return; // stopped while the answer was being read
      if (first) {
        onHello({ type: 'hello', epoch: body.epoch, since: cursor ?? body.head, head: body.head, firstSeq: body.firstSeq, truncated: body.truncated });
        first = false;
      }
      for (const m of body.messages) push(m);
      cursor = body.messages.at(-1)?.seq ?? cursor ?? body.head;
      if (path === '/feed/poll') await new Promise((r) => setTimeout(r, 10)); // the poll interval
    }
  };

  const readBody = async (url: string, headers: Record<string, string>, onText: (t: string) => void) => {
    const res = await fetch(url, { signal: abort.signal, headers }).catch(() => undefined);
    if (!res?.body) return;
    const decoder = new TextDecoder();
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        onText(decoder.decode(value, { stream: true }));
      }
    } catch { /* aborted */ }
  };

  switch (lane) {
    case 'poll':
      void pollLoop('/feed/poll', '');
      break;
    case 'longpoll':
      // A held request is only "ready" once the server holds it; the first answer comes at once.
      void pollLoop('/feed/longpoll', 'wait=10000');
      break;
    case 'stream': {
      const d = new NdjsonDecoder();
      void readBody(`${base}/feed/stream${q}`, {}, (t) => {
        for (const line of d.push(t) as (Msg | Hello | { type: 'heartbeat' })[]) {
          if ('type' in line) { if (line.type === 'hello') onHello(line); } else push(line);
        }
      });
      break;
    }
    case 'sse': {
      const d = new SseDecoder();
      const headers: Record<string, string> = opts.lastEventId === undefined ? {} : { 'last-event-id': String(opts.lastEventId) };
      void readBody(`${base}/feed/sse${q}`, headers, (t) => {
        for (const ev of d.push(t)) {
          if (ev.event === 'hello') onHello(JSON.parse(ev.data) as Hello);
          else if (ev.event === 'message') push(JSON.parse(ev.data) as Msg);
        }
      });
      break;
    }
    case 'ws': {
      ws = new WebSocket(`${base.replace('http', 'ws')}/feed/ws${q}`);
      ws.on('message', (data) => {
        const m = JSON.parse(data.toString()) as Msg | Hello;
        if ('type' in m) onHello(m); else push(m);
      });
      ws.on('error', () => {});
      break;
    }
    case 'socketio': {
      // auth is read again on every reconnect: resume after the last seq received.
      sio = io(`${base}/feed`, {
        auth: (cb) => cb(messages.length > 0 || since !== undefined ? { since: client.lastSeq() } : {}),
        transports: opts.socketioTransports ?? ['polling', 'websocket'],
      });
      sio.on('hello', (h: Hello) => onHello(h));
      sio.on('message', (m: Msg) => push(m));
      break;
    }
    case 'sockjs': {
      const s = new SockJS(`${base}/sockjs/feed${q}`, undefined, opts.sockjsTransports ? { transports: opts.sockjsTransports } : {});
      sjs = s;
      s.onmessage = (event: { data: string }) => {
        const m = JSON.parse(event.data) as Msg | Hello;
        if ('type' in m) onHello(m); else push(m);
      };
      break;
    }
    default:
      lane satisfies never;
  }
  return client;
}
