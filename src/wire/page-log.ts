/**
 * Every lane request one page (a browser tab, `?page=<id>`) made, as the
 * server's sockets saw it: the exact request head (its raw header lines and
 * measured size), the response head Node or `ws` wrote, the bytes each way
 * and the messages delivered on it, the connection that carried it, and when
 * it started, answered and ended (the request timeline's clock).
 *
 *   GET /api/pages/:page/log    { page, now, entries, dropped, counters }   (src/api/page-log.ts)
 *
 * The dashboard builds its HAR export from it (web/src/har.ts): a browser
 * cannot see the request headers it sends, nor the size of either head on the
 * wire, so those come from here. The meter fills an entry through the same
 * calls that fill the page's counters, so the entries of a lane add up to the
 * page's counters for that lane, to the byte, as long as none was dropped.
 *
 * Bounded: the newest `pageLogEntries` entries per page, for the
 * `pageLogPages` most recently active pages; what is dropped is counted, per
 * lane, so a long run's totals still add up.
 */
import type { IncomingMessage } from 'node:http';
import { LANE_IDS, type LaneId } from '../lanes.ts';
import type { TimelineRequest } from './timeline.ts';

/** The figures an entry carries that the page's lane counters carry too. */
export const PAGE_LOG_FIELDS = ['requestHeadBytes', 'responseHeadBytes', 'bytesIn', 'bytesOut', 'payloadBytes', 'messages'] as const;
export type PageLogField = (typeof PAGE_LOG_FIELDS)[number];
export type PageLogTotals = Record<PageLogField | 'requests', number>;

export interface PageLogEntry extends Record<PageLogField, number> {
  id: number;
  lane: LaneId;
  /** The server's number for the TCP connection, and when it was accepted (ms since the Unix epoch). */
  conn: number;
  connOpened: number;
  method: string;
  /** Path and query, as the request line had them. */
  url: string;
  httpVersion: string;
  /** The request's header lines as received: name, value, name, value… (Node's rawHeaders). */
  requestHeaders: string[];
  /** The response's status line and header lines as written, up to the blank line; '' until written. */
  responseHead: string;
  status: number | null;
  /** ms since the Unix epoch: routed, response head written, response ended (or the connection, for a WebSocket). */
  start: number;
  firstByte: number | null;
  end: number | null;
}

export interface PageLogAnswer {
  page: string;
  now: number;
  entries: PageLogEntry[];
  /** Entries dropped at the cap, and what they carried, per lane. */
  dropped: Record<LaneId, PageLogTotals>;
}

interface PageEntries {
  entries: PageLogEntry[];
  dropped: Record<LaneId, PageLogTotals> | undefined;
}

/** An entry and the timeline's record of the same request, read when the log is asked for. */
const kTiming = Symbol('timing');
type Timed = PageLogEntry & { [kTiming]?: TimelineRequest };

export class PageLog {
  private nextId = 1;
  /** Oldest-used first, so the page quiet longest is forgotten at the cap. */
  private readonly pages = new Map<string, PageEntries>();

  constructor(private readonly entriesPerPage: number, private readonly maxPages: number) {}

  /** A request of `page` on `lane` was routed: its entry, which the meter fills from here on. */
  open(page: string, lane: LaneId, req: IncomingMessage, conn: number, connOpened: number): PageLogEntry {
    let log = this.pages.get(page);
    if (log) {
      this.pages.delete(page);
    } else if (this.pages.size >= this.maxPages) {
      this.pages.delete(this.pages.keys().next().value!);
    }
    this.pages.set(page, (log ??= { entries: [], dropped: undefined }));
    const entry: PageLogEntry = {
      id: this.nextId++, lane, conn, connOpened, method: req.method ?? 'GET', url: req.url ?? '',
      httpVersion: `HTTP/${req.httpVersion}`, requestHeaders: req.rawHeaders, responseHead: '', status: null,
      start: Date.now(), firstByte: null, end: null,
      requestHeadBytes: 0, responseHeadBytes: 0, bytesIn: 0, bytesOut: 0, payloadBytes: 0, messages: 0,
    };
    log.entries.push(entry);
    if (log.entries.length > this.entriesPerPage) {
      const gone = log.entries.shift()!;
      log.dropped ??= Object.fromEntries(LANE_IDS.map((l) => [l, zeroTotals()])) as Record<LaneId, PageLogTotals>;
      const totals = log.dropped[gone.lane];
      totals.requests++;
      for (const field of PAGE_LOG_FIELDS) totals[field] += gone[field];
    }
    return entry;
  }

  /** The request timeline's record of the same request: its first byte and end are exact (writeHead, 'finish'). */
  linkTiming(entry: PageLogEntry, timing: TimelineRequest | undefined): void {
    if (timing) (entry as Timed)[kTiming] = timing;
  }

  answer(page: string): PageLogAnswer {
    const log = this.pages.get(page);
    const entries = (log?.entries ?? []).map((e) => {
      const timing = (e as Timed)[kTiming];
      const status = e.status ?? (timing?.status ?? statusOf(e.responseHead));
      return { ...e, status, ...(timing && { start: timing.start, firstByte: timing.firstByte, end: timing.end }) };
    });
    const dropped = log?.dropped ?? Object.fromEntries(LANE_IDS.map((l) => [l, zeroTotals()])) as Record<LaneId, PageLogTotals>;
    return { page, now: Date.now(), entries, dropped };
  }
}

function zeroTotals(): PageLogTotals {
  return { requests: 0, requestHeadBytes: 0, responseHeadBytes: 0, bytesIn: 0, bytesOut: 0, payloadBytes: 0, messages: 0 };
}

/** The status code of a response head (`HTTP/1.1 200 OK`), or null before it is written. */
export function statusOf(head: string): number | null {
  const m = /^HTTP\/\d\.\d (\d{3})/.exec(head);
  return m ? Number(m[1]) : null;
}
