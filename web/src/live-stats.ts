/**
 * The server's counters, pushed over the /api/live WebSocket every 250 ms.
 *
 * A WebSocket on purpose: it is not one of the browser's six HTTP/1.1
 * connections per origin, so watching the lanes never starves them
 * (an SSE or polling loop here would take a connection from the lanes).
 * One socket per page, shared by every widget: `liveStats()`.
 *
 * One case cannot have the socket: a page served over https from another
 * device (a student's phone on https://192.168.…). The lab speaks WebSocket
 * on its http port only (no RFC 8441), and a secure page may not open a
 * `ws://` URL unless it points at the device itself (Mixed Content §4.3:
 * only loopback is "potentially trustworthy"). That page asks GET /api/stats
 * instead, every LIVE_POLL_MS, on its HTTP/2 connection, where one more
 * stream takes nothing from the lanes. The snapshot is the same object.
 */
import type { StatsSnapshot } from '../../src/api/stats.ts';
import { discoverPorts, lanesForThisPage, mayOpenWebSocket, portsKnown, toWebSocketUrl } from './h2/protocol.ts';
import { SnapshotListeners, type SnapshotListener } from './snapshots.ts';

export type { StatsSnapshot };
export type LiveState = 'connecting' | 'open' | 'closed';

/** Reconnect delay after the stats channel drops. */
export const LIVE_RETRY_MS = 1_000;

/** How often an https page that may not open the stats WebSocket asks for the counters instead (the server pushes every 250 ms). */
export const LIVE_POLL_MS = 250;

/** Anything else the channel carries: objects with a `type` (the class messages, src/class/protocol.ts). */
type MessageListener = (message: { type: string } & Record<string, unknown>) => void;

export class LiveStats {
  snapshot: StatsSnapshot | undefined;
  state: LiveState = 'closed';
  /** Snapshots received since the page opened. */
  received = 0;
  /** How the counters arrive: pushed on the WebSocket, or asked for (an https page on another device). */
  transport: 'websocket' | 'polling' = 'websocket';
  private socket: WebSocket | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private polling: AbortController | undefined;
  private readonly listeners = new SnapshotListeners();
  private readonly messageListeners = new Set<MessageListener>();
  private readonly openListeners = new Set<() => void>();

  /** `page`: this tab's page id, to get its own view of the lanes (see page-run.ts). */
  constructor(private readonly base = location.href, readonly page?: string) {}

  connect(): void {
    if (this.socket || this.polling) return;
    if (!portsKnown()) {
      // Over https the channel goes to the http port (WebSockets stay HTTP/1.1): learn it first.
      void discoverPorts().catch(() => undefined).then(() => this.connect());
      return;
    }
    const url = toWebSocketUrl(new URL('/api/live', this.base));
    if (this.page !== undefined) url.searchParams.set('page', this.page);
    if (!mayOpenWebSocket(url)) {
      this.poll();
      return;
    }
    const ws = (this.socket = new WebSocket(url));
    this.state = 'connecting';
    ws.onopen = () => {
      this.state = 'open';
      for (const listener of this.openListeners) listener();
    };
    ws.onmessage = (event: MessageEvent<string>) => {
      const message = JSON.parse(event.data) as StatsSnapshot | ({ type: string } & Record<string, unknown>);
      if ('type' in message && typeof message.type === 'string') {
        for (const listener of this.messageListeners) listener(message);
        return;
      }
      this.snapshot = lanesForThisPage(message as StatsSnapshot);
      this.received++;
      this.listeners.emit(this.snapshot);
    };
    ws.onclose = () => {
      if (this.socket !== ws) return;
      this.socket = undefined;
      this.state = 'closed';
      this.timer = setTimeout(() => this.connect(), LIVE_RETRY_MS);
    };
  }

  /** The counters without the socket: GET /api/stats on this page's own (HTTP/2) connection, again and again. */
  private poll(): void {
    const controller = (this.polling = new AbortController());
    this.transport = 'polling';
    this.state = 'connecting';
    const url = new URL('/api/stats', this.base);
    if (this.page !== undefined) url.searchParams.set('page', this.page);
    const ask = async () => {
      try {
        const response = await fetch(url, { cache: 'no-store', signal: controller.signal });
        if (!response.ok) throw new Error(`GET /api/stats: ${response.status}`);
        const snapshot = (await response.json()) as StatsSnapshot;
        if (this.state !== 'open') {
          this.state = 'open';
          for (const listener of this.openListeners) listener();
        }
        this.snapshot = lanesForThisPage(snapshot);
        this.received++;
        this.listeners.emit(this.snapshot);
      } catch {
        if (controller.signal.aborted) return;
        this.state = 'connecting';
      }
      if (!controller.signal.aborted) this.timer = setTimeout(() => void ask(), this.state === 'open' ? LIVE_POLL_MS : LIVE_RETRY_MS);
    };
    void ask();
  }

  close(): void {
    clearTimeout(this.timer);
    this.polling?.abort();
    this.polling = undefined;
    const ws = this.socket;
    this.socket = undefined;
    this.state = 'closed';
    if (ws?.readyState === WebSocket.CONNECTING) ws.onopen = () => ws.close();
    else ws?.close();
  }

  /** Send a message to the server on this channel (false when it is not open, or when the counters are polled: nothing to send on). */
  send(message: object): boolean {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /** Call `listener` with every typed message (not a snapshot) from now on. */
  onMessage(listener: MessageListener): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  /** Call `listener` each time the channel (re)opens: a joiner says who it is again. */
  onOpen(listener: () => void): () => void {
    this.openListeners.add(listener);
    return () => this.openListeners.delete(listener);
  }

  /** Call `listener` with every snapshot from now on; returns the unsubscribe function. */
  subscribe(listener: SnapshotListener): () => void {
    return this.listeners.subscribe(listener);
  }

  /** The current snapshot, or the first one to arrive. */
  first(): Promise<StatsSnapshot> {
    return this.listeners.first(this.snapshot);
  }
}

let shared: LiveStats | undefined;

/** The page's one stats channel, opened on first use. */
export function liveStats(): LiveStats {
  if (!shared) {
    shared = new LiveStats();
    shared.connect();
  }
  return shared;
}
