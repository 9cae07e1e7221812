/**
 * The server's counters, pushed over the /api/live WebSocket every 250 ms.
 *
 * A WebSocket on purpose: it is not one of the browser's six HTTP/1.1
 * connections per origin, so watching the lanes never starves them
 * (an SSE or polling loop here would take a connection from the lanes).
 * One socket per page, shared by every widget: `liveStats()`.
 */
import type { StatsSnapshot } from '../../src/api/stats.ts';

export type { StatsSnapshot };
export type LiveState = 'connecting' | 'open' | 'closed';

/** Reconnect delay after the stats channel drops. */
export const LIVE_RETRY_MS = 1_000;

type Listener = (snapshot: StatsSnapshot) => void;

export class LiveStats {
  snapshot: StatsSnapshot | undefined;
  state: LiveState = 'closed';
  /** Snapshots received since the page opened. */
  received = 0;
  private socket: WebSocket | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<Listener>();

  constructor(private readonly base = location.href) {}

  connect(): void {
    if (this.socket) return;
    const url = new URL('/api/live', this.base);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = (this.socket = new WebSocket(url));
    this.state = 'connecting';
    ws.onopen = () => { this.state = 'open'; };
    ws.onmessage = (event: MessageEvent<string>) => {
      this.snapshot = JSON.parse(event.data) as StatsSnapshot;
      this.received++;
      for (const listener of this.listeners) listener(this.snapshot);
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

  /** Call `listener` with every snapshot from now on; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The current snapshot, or the first one to arrive. */
  first(): Promise<StatsSnapshot> {
    if (this.snapshot) return Promise.resolve(this.snapshot);
    return new Promise((resolve) => {
      const off = this.subscribe((s) => {
        off();
        resolve(s);
      });
    });
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
