/**
 * The request timeline's geometry, pure: where each request's bars sit in a
 * sliding window, like a browser's network panel. The times come from the
 * server's sockets (GET /api/timeline/:lane); this only places them.
 *
 *   start ──waiting── firstByte ──receiving── end (or now, while held)
 *
 * "Waiting" is from the request to the response head (a long poll waits
 * here); "receiving" is from the head to the end of the body (a stream, an
 * SSE response or a WebSocket stays here for as long as it is open).
 */
import type { TimelineConnection, TimelineRequest } from '../../../src/wire/timeline.ts';
import { t } from '../i18n/index.ts';

export type { TimelineConnection, TimelineRequest };

export interface TimelineData {
  now: number;
  requests: TimelineRequest[];
  connections: TimelineConnection[];
}

/** How many colours connections cycle through (the CSS defines --conn-0 … --conn-5). */
export const CONNECTION_COLOURS = 6;

export interface TimelineRow {
  id: number;
  conn: number;
  method: string;
  path: string;
  status: number | null;
  /** Percent of the window width. */
  left: number;
  waitWidth: number;
  receiveWidth: number;
  /** Still open at `now` (a held long poll, a stream, an open WebSocket). */
  open: boolean;
  waitingMs: number;
  receivingMs: number;
  /** Colour slot of the connection: the same connection keeps its colour between refreshes. */
  colour: number;
}

export interface TimelineLayout {
  windowStart: number;
  windowMs: number;
  rows: TimelineRow[];
  /** Requests that touched the window (before `maxRows` cut the oldest off). */
  requestsInWindow: number;
  /** Distinct TCP connections those requests used. */
  connectionsInWindow: number;
  /** Requests open right now. */
  openNow: number;
  /** Whole seconds back from `now`, as percent of the width: the axis. */
  ticks: { left: number; label: string }[];
}

const clampPct = (x: number) => Math.max(0, Math.min(100, x));

export function layoutTimeline(data: TimelineData, windowMs: number, maxRows: number): TimelineLayout {
  const now = data.now;
  const windowStart = now - windowMs;
  const pct = (t: number) => clampPct(((t - windowStart) / windowMs) * 100);
  const visible = data.requests
    .filter((r) => (r.end ?? now) >= windowStart && r.start <= now)
    .sort((a, b) => a.start - b.start || a.id - b.id);
  const rows = visible.slice(-maxRows).map((r): TimelineRow => {
    const headAt = r.firstByte ?? now; // no head yet: still waiting
    const endAt = r.end ?? now;
    const left = pct(r.start);
    const headPct = pct(Math.min(headAt, endAt));
    return {
      id: r.id, conn: r.conn, method: r.method, path: r.path, status: r.status,
      left,
      waitWidth: headPct - left,
      receiveWidth: r.firstByte === null ? 0 : pct(endAt) - headPct,
      open: r.end === null,
      waitingMs: Math.max(0, Math.min(headAt, endAt) - r.start),
      receivingMs: r.firstByte === null ? 0 : Math.max(0, endAt - r.firstByte),
      colour: r.conn % CONNECTION_COLOURS,
    };
  });
  const ticks: TimelineLayout['ticks'] = [];
  for (let s = Math.floor(windowMs / 1000); s >= 0; s--) {
    ticks.push({ left: pct(now - s * 1000), label: s === 0 ? t('tl.now') : `−${s} s` });
  }
  return {
    windowStart, windowMs, rows, ticks,
    requestsInWindow: visible.length,
    connectionsInWindow: new Set(visible.map((r) => r.conn)).size,
    openNow: visible.filter((r) => r.end === null).length,
  };
}

/** A bar's tooltip: the numbers behind it. */
export function rowTitle(row: TimelineRow): string {
  const ms = (n: number) => `${Math.round(n).toLocaleString('en-US')} ms`;
  return t('tl.rowTitle', {
    method: row.method, path: row.path, status: row.status ?? '…', conn: row.conn,
    waiting: ms(row.waitingMs), receiving: ms(row.receivingMs), open: row.open ? t('tl.stillOpen') : '',
  });
}
