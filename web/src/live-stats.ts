/**
 * The server's counters, pushed over the /api/live WebSocket every 250 ms.
 *
 * A WebSocket on purpose: it is not one of the browser's six HTTP/1.1
 * connections per origin, so watching the lanes never starves them
 * (an SSE or polling loop here would take a connection from the lanes).
 * One socket per page, shared by every widget: `liveStats()`.
 */
import type { StatsSnapshot } from '../../src/api/stats.ts';
import { discoverPorts, lanesForThisPage, portsKnown, toWebSocketUrl } from './h2/protocol.ts';
import { SnapshotListeners, type SnapshotListener } from './snapshots.ts';

export type { StatsSnapshot };
export type LiveState = 'connecting' | 'open' | 'closed';

/** Reconnect delay after the stats channel drops. */
export const LIVE_RETRY_MS = 1_000;

/** Anything else the channel carries: objects with a `type` (the class messages, src/class/protocol.ts). */
type MessageListener = (message: { type: string } & Record<string, unknown>) => void;

export class LiveStats {
  snapshot: StatsSnapshot | undefined;
  state: LiveState = 'closed';
  /** Snapshots received since the page opened. */
  received = 0;
  private socket: WebSocket | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new SnapshotListeners();
  private readonly messageListeners = new Set<MessageListener>();
  private readonly openListeners = new Set<() => void>();

  /** `page`: this tab's page id, to get its own view of the lanes (see page-run.ts). */
  constructor(private readonly base = location.href, readonly page?: string) {}

  connect(): void {
    if (this.socket) return;
    if (!portsKnown()) {
      // Over https the channel goes to the http port (WebSockets stay HTTP/1.1): learn it first.
      void discoverPorts().catch(() => undefined).then(() => this.connect());
      return;
    }
    const url = toWebSocketUrl(new URL('/api/live', this.base));
    if (this.page !== undefined) url.searchParams.set('page', this.page);
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

  close(): void {
    clearTimeout(this.timer);
    const ws = this.socket;
    this.socket = undefined;
    this.state = 'closed';
    if (ws?.readyState === WebSocket.CONNECTING) ws.onopen = () => ws.close();
    else ws?.close();
  }

  /** Send a message to the server on this channel (false when it is not open). */
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
