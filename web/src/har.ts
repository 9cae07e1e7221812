/**
 * The dashboard's run as a HAR 1.2 file (http://www.softwareishard.com/blog/har-12-spec/),
 * which Chrome DevTools (Network panel, "Import HAR file"), Firefox and other
 * HAR viewers open: one entry per lane request of this page, the lab's own
 * WebSocket messages as Chrome's `_webSocketMessages`.
 *
 * Where each part comes from, since a page cannot see its own requests whole:
 *  - request and response heads, their sizes, bytes each way, the connection,
 *    the times: the lab's server-side socket counters for this page
 *    (GET /api/pages/:page/log, src/wire/page-log.ts). A browser never shows
 *    a page the request headers it sends nor the size of either head;
 *  - WebSocket messages: recorded in the page as they were sent and received
 *    (web/src/ws-recorder.ts), matched to their handshake by URL.
 * So `headersSize` is exact (the bytes the server's socket read and wrote), and
 * `timings` are the server's: `wait` from the request being routed to its
 * response head, `receive` to the response's end (the connection's, for a
 * WebSocket); `send` is 0 and `blocked`, `dns`, `connect` are -1 (not seen).
 *
 * Pure: builds the object, never touches the page (main.ts downloads it).
 */
import type { LaneId } from '../../src/lanes.ts';
import type { Counters } from '../../src/wire/meter.ts';
import type { PageLogAnswer, PageLogEntry } from '../../src/wire/page-log.ts';
import type { RecordedMessage, RecordedSocket } from './ws-recorder.ts';

export interface HarNameValue { name: string; value: string }

export interface HarEntry {
  pageref: string;
  startedDateTime: string;
  time: number;
  request: {
    method: string; url: string; httpVersion: string; cookies: []; headers: HarNameValue[];
    queryString: HarNameValue[]; headersSize: number; bodySize: number;
  };
  response: {
    status: number; statusText: string; httpVersion: string; cookies: []; headers: HarNameValue[];
    content: { size: number; mimeType: string }; redirectURL: string; headersSize: number; bodySize: number;
  };
  cache: Record<string, never>;
  timings: { blocked: number; dns: number; connect: number; send: number; wait: number; receive: number; ssl: number };
  connection: string;
  comment?: string;
  /** Custom fields (HAR 1.2: custom fields start with an underscore). */
  _resourceType: 'fetch' | 'xhr' | 'eventsource' | 'websocket';
  _lane: LaneId;
  /** Feed messages the lab delivered on this request, their JSON bytes, and every byte each way on the socket (heads included). */
  _messages: number;
  _payloadBytes: number;
  _bytesIn: number;
  _bytesOut: number;
  _webSocketMessages?: RecordedMessage[];
}

export interface Har {
  log: {
    version: '1.2';
    creator: { name: string; version: string; comment?: string };
    pages: { startedDateTime: string; id: string; title: string; pageTimings: { onContentLoad: number; onLoad: number } }[];
    entries: HarEntry[];
    comment: string;
    /** The server's counters for this page's lanes, taken at the same moment as the entries. */
    _pageCounters: Record<LaneId, Counters> | undefined;
    _dropped: PageLogAnswer['dropped'];
    _droppedWebSocketMessages: number;
    _userAgent: string;
  };
}

export interface HarInput {
  log: PageLogAnswer & { counters?: Record<LaneId, Counters> };
  sockets: readonly RecordedSocket[];
  droppedMessages: number;
  /** The lab's origin as the page reached it (http://host:port). */
  origin: string;
  pageTitle: string;
  pageOpened: number;
  userAgent: string;
  creatorVersion: string;
}

const PAGE_ID = 'page_1';

/** Lanes whose browser client uses XMLHttpRequest rather than fetch (the libraries' polling transports). */
const XHR_LANES: readonly string[] = ['socketio', 'sockjs'];

export const HAR_COMMENT =
  'Exported by Transport Lab. headersSize, bodySize, headers and times come from the lab\'s server-side socket counters ' +
  'for this page (the bytes its sockets read and wrote): a page cannot see the request headers the browser sends, nor ' +
  'the size of either head. Times are the server\'s: wait = routed to response head, receive = to the end; send 0, ' +
  'blocked/dns/connect -1 (not seen). WebSocket messages were recorded in the page (_webSocketMessages).';

export function buildHar(input: HarInput): Har {
  const unmatched = [...input.sockets];
  const entries = [...input.log.entries]
    .sort((a, b) => a.start - b.start || a.id - b.id)
    .map((e) => toEntry(e, input, unmatched));
  return {
    log: {
      version: '1.2',
      creator: { name: 'Transport Lab', version: input.creatorVersion },
      pages: [{
        startedDateTime: new Date(input.pageOpened).toISOString(),
        id: PAGE_ID,
        title: input.pageTitle,
        pageTimings: { onContentLoad: -1, onLoad: -1 },
      }],
      entries,
      comment: HAR_COMMENT,
      _pageCounters: input.log.counters,
      _dropped: input.log.dropped,
      _droppedWebSocketMessages: input.droppedMessages,
      _userAgent: input.userAgent,
    },
  };
}

function toEntry(e: PageLogEntry, input: HarInput, unmatched: RecordedSocket[]): HarEntry {
  const websocket = e.status === 101;
  const base = websocket ? input.origin.replace(/^http/, 'ws') : input.origin;
  const url = new URL(e.url, base);
  const { statusText, headers: responseHeaders } = parseResponseHead(e.responseHead);
  const end = e.end ?? input.log.now;
  const wait = e.firstByte === null ? Math.max(0, end - e.start) : Math.max(0, e.firstByte - e.start);
  const receive = e.firstByte === null ? 0 : Math.max(0, end - e.firstByte);
  // A WebSocket's bytes after the 101 are frames, not an HTTP body: they stay in _bytesIn/_bytesOut.
  const requestBody = websocket ? 0 : Math.max(0, e.bytesIn - e.requestHeadBytes);
  const responseBody = websocket || e.responseHead === '' ? 0 : Math.max(0, e.bytesOut - e.responseHeadBytes);
  const mimeType = responseHeaders.find((h) => h.name.toLowerCase() === 'content-type')?.value ?? 'x-unknown';
  const entry: HarEntry = {
    pageref: PAGE_ID,
    startedDateTime: new Date(e.start).toISOString(),
    time: wait + receive,
    request: {
      method: e.method,
      url: url.href,
      httpVersion: e.httpVersion,
      cookies: [],
      headers: pairs(e.requestHeaders),
      queryString: [...url.searchParams].map(([name, value]) => ({ name, value })),
      headersSize: e.requestHeadBytes,
      bodySize: requestBody,
    },
    response: {
      // HAR 1.2: 0 when the response never came (a held request cut short).
      status: e.status ?? 0,
      statusText,
      httpVersion: e.responseHead === '' ? '' : e.httpVersion,
      cookies: [],
      headers: responseHeaders,
      content: { size: responseBody, mimeType },
      redirectURL: '',
      headersSize: e.responseHead === '' ? -1 : e.responseHeadBytes,
      bodySize: e.responseHead === '' ? -1 : responseBody,
    },
    cache: {},
    timings: { blocked: -1, dns: -1, connect: -1, send: 0, wait, receive, ssl: -1 },
    connection: String(e.conn),
    _resourceType: websocket ? 'websocket' : e.lane === 'sse' ? 'eventsource' : XHR_LANES.includes(e.lane) ? 'xhr' : 'fetch',
    _lane: e.lane,
    _messages: e.messages,
    _payloadBytes: e.payloadBytes,
    _bytesIn: e.bytesIn,
    _bytesOut: e.bytesOut,
  };
  if (e.end === null) entry.comment = 'still open when exported';
  if (websocket) {
    // The page's socket with the same path and query (the lanes' URLs carry since=, sid=, page=).
    const at = unmatched.findIndex((s) => { const u = new URL(s.url); return u.pathname + u.search === url.pathname + url.search; });
    entry._webSocketMessages = at === -1 ? [] : unmatched.splice(at, 1)[0]!.messages;
  }
  return entry;
}

/** Node's rawHeaders (name, value, name, value…) as HAR name/value pairs, in the order received. */
export function pairs(raw: readonly string[]): HarNameValue[] {
  const out: HarNameValue[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push({ name: raw[i]!, value: raw[i + 1]! });
  return out;
}

/** A response head (`HTTP/1.1 200 OK\r\nname: value\r\n…\r\n\r\n`) as its reason phrase and header pairs. */
export function parseResponseHead(head: string): { statusText: string; headers: HarNameValue[] } {
  if (head === '') return { statusText: '', headers: [] };
  const [statusLine = '', ...lines] = head.split('\r\n');
  const statusText = statusLine.split(' ').slice(2).join(' ');
  const headers = lines.filter((l) => l !== '').map((l) => {
    const colon = l.indexOf(':');
    return { name: l.slice(0, colon), value: l.slice(colon + 1).trim() };
  });
  return { statusText, headers };
}
