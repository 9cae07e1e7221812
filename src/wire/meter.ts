/**
 * Wire accounting, from the real TCP sockets.
 *
 * The meter watches every socket the HTTP server accepts and reads Node's own
 * byte counters (`socket.bytesRead`, `socket.bytesWritten`). Each time a request
 * starts or a response ends it settles the bytes moved since the last mark to the
 * traffic name the socket is carrying (a lane id, or publish / api / static /
 * other), so the sum over all names is every byte the server moved.
 *
 * Heads are measured, not estimated:
 *  - a request head is the bytes read from the end of the previous exchange to
 *    the moment the request is routed, minus any body bytes (Content-Length);
 *  - a response head is the exact string Node wrote (`res._header`), or for a
 *    WebSocket the exact 101 lines `ws` announced in its 'headers' event.
 * Payload is the message JSON the lanes delivered (reported by `delivered`);
 * framing is everything else in the bodies, so
 *    requestHead + responseHead + payload + framing = bytesIn + bytesOut
 * holds by definition, and tests check each term against what real clients saw.
 *
 * The transports never count bytes: they only label their routes
 * (`config.traffic`) and say which messages they delivered.
 *
 * Per page: a browser tab tags its lane requests and handshakes with `?page=<id>`.
 * Every lane byte and count is then also settled to that page's own counters, so
 * each tab compares its counts with the server's view of its own connections,
 * whatever other tabs, devices or benches do on the same lane at the same time.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { LANE_IDS, OTHER_NAMES, isLaneId, type LaneId, type TrafficName } from '../lanes.ts';
import type { FeedMessage } from '../feed/feed.ts';
import { describeFrameHeader, toHex, OPCODE_NAMES, type LabelledField } from '../framing/ws-frame.ts';
import { tapFrames } from './frame-tap.ts';
import { BODY_CAPTURE_BYTES, BODY_WATCH_MS } from './body-capture.ts';
import { PageLog, type PageLogEntry, type PageLogField } from './page-log.ts';
import type { TimelineRequest } from './timeline.ts';

export interface Counters {
  requests: number;
  connections: number;
  requestHeadBytes: number;
  responseHeadBytes: number;
  headerBytes: number;
  payloadBytes: number;
  framingBytes: number;
  bytesIn: number;
  bytesOut: number;
  messages: number;
  /** Sockets carrying this name right now. */
  open: number;
}

export interface CapturedFrame {
  dir: 'in' | 'out';
  at: number;
  opcode: string;
  headerHex: string;
  headerLength: number;
  payloadLength: number;
  fields: LabelledField[];
  /** The first payload bytes as text (unmasked). */
  preview: string;
}

export interface Exchange {
  at: number;
  requestHead: string;
  /** True when the head rebuilt from the parsed lines has exactly the measured length. */
  requestHeadExact: boolean;
  requestHeadBytes: number;
  responseHead: string;
  responseHeadBytes: number;
  frames: CapturedFrame[];
  /**
   * An HTTP lane's response body as it left the socket, its first
   * BODY_CAPTURE_BYTES at most, one char per byte (latin1): chunk-size lines,
   * the poll envelope, SSE fields and the messages in them, for the wire view to
   * label. Empty until the body starts (and for WebSocket lanes: they have frames).
   */
  bodyStart: string;
}

/** The lanes whose response bodies the wire view labels (their framing is in the body, not in frames). */
const BODY_LANES: ReadonlySet<TrafficName> = new Set(['poll', 'longpoll', 'stream', 'sse']);
/** Streams are captured always (one request per connection); polls only while a wire view has asked for the lane within BODY_WATCH_MS. */
const STREAMING_LANES: ReadonlySet<TrafficName> = new Set(['stream', 'sse']);

type Raw = Omit<Counters, 'headerBytes' | 'framingBytes' | 'open'>;

interface SocketState {
  name: TrafficName;
  /** The page that sent the current request (its `?page=`), if it said. */
  page: string | undefined;
  /** `${page} ${name}` pairs this socket has carried, for the page's `connections`. */
  pageNames: Set<string>;
  inMark: number;
  outMark: number;
  names: Set<TrafficName>;
  res: ServerResponse | undefined;
  resHeadCounted: boolean;
  /** Request bytes read so far for the current request, and its declared body size. */
  reqIn: number;
  reqBody: number | undefined;
  reqHeadCounted: boolean;
  req: IncomingMessage | undefined;
  exchange: Exchange | undefined;
  /** The server's number for this connection, when it was accepted, and its page's log entry for the current request. */
  conn: number;
  opened: number;
  entry: PageLogEntry | undefined;
}

const zero = (): Raw => ({
  requests: 0, connections: 0, requestHeadBytes: 0, responseHeadBytes: 0,
  payloadBytes: 0, bytesIn: 0, bytesOut: 0, messages: 0,
});

/** A page id: what `?page=` may carry (anything else is not counted per page). */
export const PAGE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** The `page` query parameter of a request URL, when it is a valid page id. */
export function pageOfUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const q = url.indexOf('?');
  if (q === -1 || url.indexOf('page=', q) === -1) return undefined; // the common case, without parsing
  const page = new URLSearchParams(url.slice(q + 1)).get('page') ?? undefined;
  return page !== undefined && PAGE_ID_PATTERN.test(page) ? page : undefined;
}

const kState = Symbol('wireState');
type Tracked = Socket & { [kState]?: SocketState };

export class WireMeter {
  private readonly counters = new Map<TrafficName, Raw>();
  private readonly sockets = new Set<Tracked>();
  private readonly exchanges = new Map<LaneId, Exchange>();
  /** The newest exchange whose response head went out (a long poll's newest is usually still held). */
  private readonly answered = new Map<LaneId, Exchange>();
  private readonly watchedWs = new WeakSet<Socket>();
  /** When a wire view last asked for each lane (poll bodies are captured only while one is open). */
  private readonly viewedAt = new Map<LaneId, number>();
  /** Per lane, how to untap the one socket whose frames are followed (the newest). */
  private readonly tapped = new Map<LaneId, () => void>();
  /** Lane counters per page id; oldest-used first, so the least recently active page is dropped at the cap. */
  private readonly pages = new Map<string, Map<LaneId, Raw>>();

  private nextConn = 1;
  /** Each page's lane requests, one entry each, filled with the same figures as the page's counters. */
  readonly log: PageLog;

  constructor(private readonly framesKept = 8, private readonly maxPages = 1_000, pageLog = { entries: 2_000, pages: 20 }) {
    this.log = new PageLog(pageLog.entries, pageLog.pages);
    for (const name of [...LANE_IDS, ...OTHER_NAMES]) this.counters.set(name, zero());
  }

  /** Start watching every connection the server accepts. */
  attach(server: Server): void {
    server.on('connection', (socket: Tracked) => {
      socket[kState] = {
        name: 'other', page: undefined, pageNames: new Set(), inMark: 0, outMark: 0, names: new Set(), res: undefined, resHeadCounted: true,
        reqIn: 0, reqBody: undefined, reqHeadCounted: true, req: undefined, exchange: undefined,
        conn: this.nextConn++, opened: Date.now(), entry: undefined,
      };
      this.sockets.add(socket);
      socket.once('close', () => {
        this.settle(socket);
        this.sockets.delete(socket);
      });
    });
  }

  /** A request was routed: from here on its socket carries `name`. */
  onRequest(req: IncomingMessage, res: ServerResponse, name: TrafficName): void {
    const socket = req.socket as Tracked;
    const st = socket[kState];
    if (!st) return; // not a socket we accepted (e.g. fastify.inject)
    // Bytes written since the last mark still belong to the previous exchange.
    this.settleOut(socket, st);
    st.name = name;
    st.page = isLaneId(name) ? pageOfUrl(req.url) : undefined;
    if (st.page !== undefined) this.touchPage(st.page);
    st.entry = st.page !== undefined ? this.log.open(st.page, name as LaneId, req, st.conn, st.opened) : undefined;
    this.add(st, 'requests', 1);
    if (!st.names.has(name)) {
      st.names.add(name);
      this.bucket(name).connections++;
    }
    const pageName = st.page !== undefined ? `${st.page} ${name}` : undefined;
    if (pageName !== undefined && !st.pageNames.has(pageName)) {
      st.pageNames.add(pageName);
      this.pageBucket(st.page!, name as LaneId).connections++;
    }
    st.res = res;
    st.resHeadCounted = false;
    st.reqIn = 0;
    st.reqHeadCounted = false;
    const length = req.headers['content-length'];
    st.reqBody = req.headers['transfer-encoding'] ? undefined : length ? Number(length) : 0;
    st.req = req;
    // The head text is rebuilt only when someone looks at the wire view (not on every request).
    st.exchange = isLaneId(name)
      ? withRequest({ at: Date.now(), requestHead: '', requestHeadExact: false, requestHeadBytes: 0, responseHead: '', responseHeadBytes: 0, frames: [], bodyStart: '' }, req)
      : undefined;
    if (st.exchange) {
      this.exchanges.set(name as LaneId, st.exchange);
      if (BODY_LANES.has(name) && (STREAMING_LANES.has(name) || Date.now() - (this.viewedAt.get(name as LaneId) ?? -Infinity) < BODY_WATCH_MS)) {
        captureBody(socket, res, st.exchange);
      }
    }
    this.settle(socket);
    // No body: everything read since the previous exchange is this request's head.
    if (st.reqBody === 0) this.countRequestHead(st, st.reqIn);
    // Settle again when the response ends; shared listeners, so a long-polling lane's
    // thousands of requests a second allocate no closures here.
    (res as Metered)[kMeter] = this;
    (res as Metered)[kSocket] = socket; // Node detaches res.socket before 'finish' listeners run
    res.on('finish', settleOnEnd);
    res.on('close', settleOnEnd);
  }

  /** The request timeline's record of this request, for its page log entry's times. */
  linkTiming(req: IncomingMessage, timing: TimelineRequest | undefined): void {
    const entry = (req.socket as Tracked)[kState]?.entry;
    if (entry) this.log.linkTiming(entry, timing);
  }

  /**
   * A WebSocket handshake is about to be answered: `ws` hands us the exact
   * status and header lines it will write (its 'headers' event).
   */
  onUpgradeHeaders(req: IncomingMessage, lines: readonly string[]): void {
    const st = (req.socket as Tracked)[kState];
    if (!st) return;
    // ws writes lines.concat('\r\n').join('\r\n'): each line ends in CRLF, then a blank line.
    const head = lines.join('\r\n') + '\r\n\r\n';
    st.resHeadCounted = true; // the fake ServerResponse never writes; count the real head here
    this.add(st, 'responseHeadBytes', Buffer.byteLength(head, 'latin1'));
    if (st.entry) st.entry.responseHead = head;
    if (st.exchange) {
      st.exchange.responseHead = head;
      st.exchange.responseHeadBytes = Buffer.byteLength(head, 'latin1');
      this.answered.set(st.name as LaneId, st.exchange);
    }
  }

  /**
   * A library answers this upgrade itself (engine.io, SockJS) and emits no
   * 'headers' event we could read: take its response head from the bytes it
   * writes, up to the blank line (RFC 9112 §2.1), then follow the frames.
   */
  watchLibraryUpgrade(req: IncomingMessage): void {
    const socket = req.socket as Tracked;
    const st = socket[kState];
    if (!st) return;
    const write = socket.write;
    let seen = Buffer.alloc(0);
    socket.write = function (this: Socket, chunk: unknown, ...rest: unknown[]) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, typeof rest[0] === 'string' ? rest[0] as BufferEncoding : 'utf8') : Buffer.from(chunk as Uint8Array);
      seen = Buffer.concat([seen, bytes]);
      const end = seen.indexOf('\r\n\r\n', 0, 'latin1');
      if (end !== -1) {
        socket.write = write; // the head is complete: stop looking at writes
        onHead(seen.toString('latin1', 0, end + 4));
      }
      return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
    } as Socket['write'];
    const onHead = (head: string) => {
      st.resHeadCounted = true;
      const bytes = Buffer.byteLength(head, 'latin1');
      this.add(st, 'responseHeadBytes', bytes);
      if (st.entry) st.entry.responseHead = head;
      if (st.exchange) {
        st.exchange.responseHead = head;
        st.exchange.responseHeadBytes = bytes;
        this.answered.set(st.name as LaneId, st.exchange);
      }
      if (head.startsWith('HTTP/1.1 101')) queueMicrotask(() => this.watchFrames(req));
    };
  }

  /** Follow the frames of an upgraded socket, so the wire view can show real frame headers. */
  watchFrames(req: IncomingMessage): void {
    const socket = req.socket as Tracked;
    const st = socket[kState];
    const exchange = st?.exchange;
    if (!st || !exchange || this.watchedWs.has(socket)) return;
    this.watchedWs.add(socket);
    // Only the newest connection of a lane is shown: the one before it is untapped, so
    // a thousand WebSockets on a lane pay for one tap, not a thousand.
    const lane = st.name as LaneId;
    this.tapped.get(lane)?.();
    const live = () => this.exchanges.get(lane) === exchange;
    const untap = tapFrames(socket, 32, (dir, f) => {
      exchange.frames.push({
        dir,
        at: Date.now(),
        opcode: OPCODE_NAMES[f.header.opcode] ?? 'reserved',
        headerHex: toHex(f.headerBytes),
        headerLength: f.header.headerLength,
        payloadLength: f.header.payloadLength,
        fields: describeFrameHeader(f.header),
        preview: f.header.opcode === 0x2 ? toHex(f.preview) : new TextDecoder().decode(f.preview),
      });
      if (exchange.frames.length > this.framesKept) exchange.frames.shift();
    }, live);
    this.tapped.set(lane, untap);
    socket.once('close', () => {
      untap();
      if (this.tapped.get(lane) === untap) this.tapped.delete(lane);
    });
  }

  /** A lane wrote these messages to this socket (payload = their JSON bytes). */
  delivered(socket: Socket, lane: LaneId, messages: readonly FeedMessage[]): void {
    let bytes = 0;
    for (const m of messages) bytes += m.bytes;
    const st = (socket as Tracked)[kState];
    this.addTo(lane, st?.page, 'messages', messages.length);
    this.addTo(lane, st?.page, 'payloadBytes', bytes);
    if (st?.entry) {
      st.entry.messages += messages.length;
      st.entry.payloadBytes += bytes;
    }
  }

  /** Application bytes a client sent on a lane (WebSocket publishes). */
  received(lane: LaneId, bytes: number, socket?: Socket): void {
    const st = socket && (socket as Tracked)[kState];
    this.addTo(lane, st?.page, 'payloadBytes', bytes);
    if (st?.entry) st.entry.payloadBytes += bytes;
  }

  /**
   * One page's lane counters (zeros for a page not seen yet), open sockets settled
   * first; `open` counts that page's sockets whose latest request was the lane.
   */
  pageSnapshot(page: string): Record<LaneId, Counters> {
    const open = new Map<TrafficName, number>();
    for (const socket of this.sockets) {
      this.settle(socket);
      const st = socket[kState]!;
      if (st.page === page) open.set(st.name, (open.get(st.name) ?? 0) + 1);
    }
    const counters = this.pages.get(page);
    const out = {} as Record<LaneId, Counters>;
    for (const lane of LANE_IDS) out[lane] = withDerived(counters?.get(lane) ?? zero(), open.get(lane) ?? 0);
    return out;
  }

  /** Counters per name, with open sockets settled first so the numbers are current. */
  snapshot(): Record<TrafficName, Counters> {
    const open = new Map<TrafficName, number>();
    for (const socket of this.sockets) {
      this.settle(socket);
      const name = socket[kState]!.name;
      open.set(name, (open.get(name) ?? 0) + 1);
    }
    const out = {} as Record<TrafficName, Counters>;
    for (const [name, c] of this.counters) out[name] = withDerived(c, open.get(name) ?? 0);
    return out;
  }

  /** The lane's last answered exchange (or the newest, when none was answered yet). */
  exchange(lane: LaneId): Exchange | undefined {
    this.viewedAt.set(lane, Date.now());
    for (const socket of this.sockets) this.settle(socket);
    const ex = this.answered.get(lane) ?? this.exchanges.get(lane);
    const req = ex && (ex as RequestOf)[kRequest];
    if (ex && req && ex.requestHead === '') {
      ex.requestHead = rebuildHead(req);
      ex.requestHeadExact = Buffer.byteLength(ex.requestHead, 'latin1') === ex.requestHeadBytes;
    }
    return ex;
  }

  /** Zero every counter (pages keep theirs: each page runs from its own baseline). Open sockets keep flowing and count from here on. */
  reset(): void {
    for (const socket of this.sockets) this.settle(socket);
    for (const name of this.counters.keys()) this.counters.set(name, zero());
    for (const socket of this.sockets) {
      const st = socket[kState]!;
      st.names = new Set([st.name]);
      this.bucket(st.name).connections++;
    }
    this.exchanges.clear();
    this.answered.clear();
  }

  private bucket(name: TrafficName): Raw {
    let c = this.counters.get(name);
    if (!c) this.counters.set(name, (c = zero()));
    return c;
  }

  private pageBucket(page: string, lane: LaneId): Raw {
    let lanes = this.pages.get(page);
    if (!lanes) {
      // At the cap, forget the page that has been quiet longest (its tab is most likely closed).
      if (this.pages.size >= this.maxPages) this.pages.delete(this.pages.keys().next().value!);
      this.pages.set(page, (lanes = new Map()));
    }
    let c = lanes.get(lane);
    if (!c) lanes.set(lane, (c = zero()));
    return c;
  }

  /** A request from `page`: it becomes the most recently active. */
  private touchPage(page: string): void {
    const lanes = this.pages.get(page);
    if (!lanes) return;
    this.pages.delete(page);
    this.pages.set(page, lanes);
  }

  /** Count on `name`, and on the page's own counters when the socket carries a page's lane traffic. */
  private addTo(name: TrafficName, page: string | undefined, field: keyof Raw, n: number): void {
    this.bucket(name)[field] += n;
    if (page !== undefined && isLaneId(name)) this.pageBucket(page, name)[field] += n;
  }

  private add(st: SocketState, field: keyof Raw, n: number): void {
    this.addTo(st.name, st.page, field, n);
    // The page's log entry for this request takes the same figures as the page's counters.
    if (st.entry && field in st.entry && field !== 'requests') st.entry[field as PageLogField] += n;
  }

  private settleOut(socket: Tracked, st: SocketState): void {
    const written = socket.bytesWritten ?? st.outMark;
    if (written > st.outMark) {
      this.add(st, 'bytesOut', written - st.outMark);
      st.outMark = written;
    }
  }

  /** Settle one socket now (a response ended). */
  settleSocket(socket: Socket): void {
    this.settle(socket as Tracked);
  }

  private settle(socket: Tracked): void {
    const st = socket[kState];
    if (!st) return;
    const read = socket.bytesRead;
    if (read > st.inMark) {
      this.add(st, 'bytesIn', read - st.inMark);
      st.reqIn += read - st.inMark;
      st.inMark = read;
    }
    this.settleOut(socket, st);
    const res = st.res as (ServerResponse & { _header?: string | null }) | undefined;
    if (res && !st.resHeadCounted && res.headersSent && typeof res._header === 'string') {
      // Node keeps the exact status line and header lines it wrote in `_header`.
      st.resHeadCounted = true;
      const bytes = Buffer.byteLength(res._header, 'latin1');
      this.add(st, 'responseHeadBytes', bytes);
      if (st.entry) st.entry.responseHead = res._header;
      if (st.exchange) {
        st.exchange.responseHead = res._header;
        st.exchange.responseHeadBytes = bytes;
        this.answered.set(st.name as LaneId, st.exchange);
      }
    }
    if (!st.reqHeadCounted && res?.writableFinished) {
      // The body has been read in full by now: the head is what remains. A chunked
      // request body has no declared size, so fall back to the rebuilt head there.
      this.countRequestHead(st, st.reqBody !== undefined ? st.reqIn - st.reqBody : Buffer.byteLength(rebuildHead(st.req!), 'latin1'));
    }
  }

  private countRequestHead(st: SocketState, bytes: number): void {
    st.reqHeadCounted = true;
    this.add(st, 'requestHeadBytes', bytes);
    if (st.exchange) this.noteRequestHead(st, bytes);
  }

  private noteRequestHead(st: SocketState, bytes: number): void {
    st.exchange!.requestHeadBytes = bytes;
  }
}

function withDerived(c: Raw, open: number): Counters {
  const headerBytes = c.requestHeadBytes + c.responseHeadBytes;
  return { ...c, headerBytes, framingBytes: c.bytesIn + c.bytesOut - headerBytes - c.payloadBytes, open };
}

const kMeter = Symbol('wireMeter');
const kSocket = Symbol('wireSocket');
type Metered = ServerResponse & { [kMeter]?: WireMeter; [kSocket]?: Socket };

function settleOnEnd(this: Metered): void {
  this[kMeter]?.settleSocket(this[kSocket]!);
}

const kRequest = Symbol('request');
type RequestOf = Exchange & { [kRequest]?: IncomingMessage };

/**
 * Keep the request beside an exchange until its head is asked for. A symbol key:
 * JSON.stringify skips it, so the wire view never serialises the request.
 */
function withRequest(ex: Exchange, req: IncomingMessage): Exchange {
  (ex as RequestOf)[kRequest] = req;
  return ex;
}

/** The request head as the parser saw it, rebuilt line by line ("Name: value" with one space). */
function rebuildHead(req: IncomingMessage): string {
  let head = `${req.method} ${req.url} HTTP/${req.httpVersion}\r\n`;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) head += `${raw[i]}: ${raw[i + 1]}\r\n`;
  return head + '\r\n';
}

/**
 * Keep the first BODY_CAPTURE_BYTES of this response's body as they are written
 * to the socket: below Node's HTTP layer, so the chunk-size lines it adds are
 * there too. Node may write the head and the first chunk in one call; the body
 * starts after the blank line that ends the head (RFC 9112 §2.1).
 */
function captureBody(socket: Socket, res: ServerResponse, exchange: Exchange): void {
  const write = socket.write;
  let seen = '';
  let headEnd = -1;
  let done = false;
  const stop = () => {
    done = true; // inert from now on, even if a later wrapper keeps this one in the chain
    if (socket.write === tap) socket.write = write;
    res.off('finish', stop);
    res.off('close', stop);
  };
  const tap = function (this: Socket, chunk: unknown, ...rest: unknown[]) {
    if (done) return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
    const text = typeof chunk === 'string'
      ? Buffer.from(chunk, typeof rest[0] === 'string' ? rest[0] as BufferEncoding : 'utf8').toString('latin1')
      : Buffer.from(chunk as Uint8Array).toString('latin1');
    seen += text;
    if (headEnd === -1) headEnd = seen.indexOf('\r\n\r\n');
    if (headEnd !== -1) {
      exchange.bodyStart = seen.slice(headEnd + 4, headEnd + 4 + BODY_CAPTURE_BYTES);
      if (seen.length - headEnd - 4 >= BODY_CAPTURE_BYTES) stop();
    }
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as Socket['write'];
  socket.write = tap;
  // The response ends before the cap (a poll's envelope): the socket's next request is not this exchange's.
  res.once('finish', stop);
  res.once('close', stop);
}
