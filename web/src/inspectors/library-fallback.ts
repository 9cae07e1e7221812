/**
 * The real libraries' own fallback, watched: socket.io-client and
 * sockjs-client connect to the lab's `socketio` and `sockjs` lanes with their
 * default transports, and this module records what each tried, what it landed
 * on, when the first message came, and (from the lab's wire meter, per page)
 * what it cost in requests and bytes.
 *
 *   Socket.IO: long polling first (it always works), then a WebSocket probe in
 *   the background. Where the upgrade is refused the probe fails
 *   (`upgradeError`) and the session simply stays on long polling.
 *
 *   SockJS: GET /info, then its transports best first (websocket, then
 *   xhr-streaming, …); a transport that closes before the session opens
 *   makes it try the next one.
 *
 * Each client tags its requests with its own `?page=<id>`, so
 * GET /api/stats?page=<id> answers for its connections alone, whatever else
 * runs on the lab. SockJS reports neither its attempts nor their failures, so
 * its `_connect` and `_transportClose` (sockjs-client 1.6, lib/main.js) are
 * wrapped on the instance to see them; nothing else of the library changes.
 */
import { io, type Socket } from 'socket.io-client';
import SockJS from 'sockjs-client';
import type { LaneId } from '../../../src/lanes.ts';
import type { Counters } from '../../../src/wire/meter.ts';

export const LIBRARIES = ['socketio', 'sockjs'] as const;
export type Library = (typeof LIBRARIES)[number];

export interface LibraryAttempt {
  transport: string;
  outcome: 'trying' | 'connected' | 'failed';
  /** ms after the start. */
  atMs: number;
  durationMs?: number;
  reason?: string;
}

export interface LibraryRun {
  readonly library: Library;
  readonly page: string;
  readonly attempts: readonly LibraryAttempt[];
  /** The transport messages arrive on now. */
  readonly transport: string | undefined;
  readonly firstMessageMs: number | undefined;
  readonly messages: number;
  stop(): void;
}

export interface LibraryCost {
  requests: number;
  headerBytes: number;
  framingBytes: number;
  /** Every byte of these connections, both directions. */
  bytes: number;
  messages: number;
}

interface State {
  attempts: LibraryAttempt[];
  transport: string | undefined;
  firstMessageMs: number | undefined;
  messages: number;
}

/** Start one library on its lane; `onChange` runs after every attempt, landing and message. */
export function startLibraryFallback(library: Library, base: string, onChange: (run: LibraryRun) => void): LibraryRun {
  const page = `fallback-${library}-${Math.random().toString(36).slice(2, 10)}`;
  const t0 = performance.now();
  const state: State = { attempts: [], transport: undefined, firstMessageMs: undefined, messages: 0 };
  const now = () => performance.now() - t0;
  let stopped = false;
  let stopClient = () => {};
  const run: LibraryRun = {
    library, page,
    get attempts() { return state.attempts; },
    get transport() { return state.transport; },
    get firstMessageMs() { return state.firstMessageMs; },
    get messages() { return state.messages; },
    stop: () => {
      stopped = true;
      stopClient();
    },
  };
  const changed = () => { if (!stopped) onChange(run); };
  const attempt = (transport: string) => {
    const a: LibraryAttempt = { transport, outcome: 'trying', atMs: now() };
    state.attempts.push(a);
    changed();
    return a;
  };
  const end = (a: LibraryAttempt | undefined, outcome: 'connected' | 'failed', reason?: string) => {
    if (!a || a.outcome !== 'trying') return;
    Object.assign(a, { outcome, durationMs: now() - a.atMs, ...(reason && { reason }) });
    if (outcome === 'connected') state.transport = a.transport;
    changed();
  };
  const message = () => {
    state.messages++;
    state.firstMessageMs ??= now();
    changed();
  };

  if (library === 'socketio') {
    const url = new URL('/feed', base);
    url.searchParams.set('page', page);
    const polling = attempt('polling');
    let probe: LibraryAttempt | undefined;
    const socket: Socket = io(url.href, { forceNew: true, reconnection: false });
    // engine.io-client starts its WebSocket probe right after the session opens on polling.
    socket.io.on('open', () => {
      end(polling, 'connected');
      const engine = socket.io.engine;
      if (engine.transport.name === 'polling') probe = attempt('websocket (upgrade)');
      engine.on('upgrade', (transport) => {
        end(probe, 'connected');
        state.transport = transport.name;
        changed();
      });
      engine.on('upgradeError', (err: Error) => end(probe, 'failed', err.message));
    });
    socket.on('connect_error', (err) => end(polling, 'failed', err.message));
    socket.on('message', message);
    stopClient = () => socket.disconnect();
  } else {
    const url = new URL('/sockjs/feed', base);
    url.searchParams.set('page', page);
    const socket = new SockJS(url.href);
    const inner = socket as unknown as {
      _connect(): void;
      _transportClose(code: number, reason: string): void;
      _transport: { transportName: string } | null;
    };
    let current: LibraryAttempt | undefined;
    const connect = inner._connect.bind(inner);
    inner._connect = () => {
      connect();
      if (inner._transport) current = attempt(inner._transport.transportName);
    };
    const transportClose = inner._transportClose.bind(inner);
    inner._transportClose = (code, reason) => {
      if (socket.readyState === SockJS.CONNECTING) end(current, 'failed', `${code} ${reason}`);
      transportClose(code, reason);
    };
    socket.onopen = () => end(current, 'connected');
    socket.onmessage = (event: { data: string }) => {
      if (!event.data.includes('"type":"hello"')) message();
    };
    socket.onclose = (event: { code: number; reason: string }) => end(current, 'failed', `${event.code} ${event.reason}`);
    stopClient = () => socket.close();
  }
  return run;
}

/** What the lab's wire meter counted for one page's connections on `lane`. */
export async function libraryCost(base: string, lane: LaneId, page: string): Promise<LibraryCost> {
  const response = await fetch(new URL(`/api/stats?page=${encodeURIComponent(page)}`, base));
  if (!response.ok) throw new Error(`GET /api/stats: ${response.status}`);
  const c = ((await response.json()) as { lanes: Record<LaneId, Counters> }).lanes[lane];
  return { requests: c.requests, headerBytes: c.headerBytes, framingBytes: c.framingBytes, bytes: c.bytesIn + c.bytesOut, messages: c.messages };
}
