/**
 * HTTP/2 accounting, from the plaintext frames on each TLS connection.
 *
 * The HTTPS listener (./server.ts) terminates TLS itself and hands the http2
 * server a tapped stream, so every decrypted byte passes through here in both
 * directions and is split into frames (RFC 9113 §4.1). Each frame is charged:
 *
 *  - stream 0 (the client preface, SETTINGS, PING, GOAWAY, WINDOW_UPDATE on the
 *    connection) to `connection`;
 *  - a stream's frames to the traffic name of the request that opened it (a lane
 *    id, or api / static / other), known once Fastify routes the request; frames
 *    seen before that wait on the stream and are charged then.
 *
 * Per name, as for HTTP/1.1 (src/wire/meter.ts):
 *    headerBytes  = HEADERS + CONTINUATION frames, 9-byte header included,
 *    payloadBytes = the message JSON the lane delivered (inside DATA frames),
 *    framingBytes = everything else on its streams: DATA frame headers, the
 *                   envelopes, RST_STREAM, WINDOW_UPDATE on the stream, ...
 * so header + payload + framing = bytesIn + bytesOut, every frame counted once.
 * `tls` is what the encryption costs on top: bytes on the TCP socket minus the
 * plaintext (handshake and per-record overhead).
 *
 * The request header blocks are also decoded (HPACK, ./hpack.ts), in order, one
 * decoder per connection, so the wire view can show how each request was sent.
 */
import type { Socket } from 'node:net';
import type { Http2ServerRequest, Http2Session } from 'node:http2';
import { LANE_IDS, OTHER_NAMES, isLaneId, type LaneId, type TrafficName } from '../lanes.ts';
import type { FeedMessage } from '../feed/feed.ts';
import { pageOfUrl, type Counters } from '../wire/meter.ts';
import { FRAME_HEADER_BYTES, FRAME_TYPES, FLAG_END_HEADERS, FrameReader, frameTypeName, headerBlockOf, type Frame } from './frames.ts';
import { HpackDecoder, type DecodedBlock } from './hpack.ts';

type Raw = Omit<Counters, 'headerBytes' | 'framingBytes' | 'open'>;

const zero = (): Raw => ({
  requests: 0, connections: 0, requestHeadBytes: 0, responseHeadBytes: 0,
  payloadBytes: 0, bytesIn: 0, bytesOut: 0, messages: 0,
});

/** One request's header block as it crossed the wire, for the wire view. */
export interface H2RequestView {
  at: number;
  connection: number;
  streamId: number;
  /** The HEADERS (+ CONTINUATION) frames: 9-byte headers + HPACK block. */
  frameBytes: number;
  blockHex: string;
  block: DecodedBlock | undefined;
  /** Why the block could not be decoded, if it could not. */
  error?: string;
}

export interface H2Exchange {
  lane: LaneId;
  /** The lane's first request on its connection (full literals) and its latest one (mostly table references). */
  first: H2RequestView | undefined;
  last: H2RequestView | undefined;
  responseHeadBytes: number;
}

export interface H2ConnectionCounters {
  /** Connections accepted since the start (or reset), and open now. */
  connections: number;
  open: number;
  bytesIn: number;
  bytesOut: number;
  /** Frames on stream 0 (and the 24-byte preface) by type, in bytes. */
  byType: Record<string, number>;
  /** Streams open now on all connections, and the limit the server announced (SETTINGS_MAX_CONCURRENT_STREAMS). */
  streamsOpen: number;
  maxConcurrentStreams: number;
}

export interface TlsCounters {
  connections: number;
  /** Bytes on the TCP sockets (encrypted). */
  bytesIn: number;
  bytesOut: number;
  /** The same connections' plaintext (every HTTP/2 byte). */
  plaintextIn: number;
  plaintextOut: number;
  /** bytesIn + bytesOut - plaintext: what TLS added. */
  overheadBytes: number;
  /** Bytes on the TCP socket until each handshake completed (part of the overhead). */
  handshakeBytes: number;
}

export interface H2Snapshot {
  /** The https URL's port, when it listens. */
  port: number | null;
  lanes: Record<LaneId, Counters>;
  other: Record<(typeof OTHER_NAMES)[number], Counters>;
  connection: H2ConnectionCounters;
  tls: TlsCounters;
}

interface StreamTally {
  id: number;
  name: TrafficName | undefined;
  /** The page (browser tab, `?page=`) whose lane request opened the stream, if it said. */
  page: string | undefined;
  /** Counted before the stream was routed; charged once it is. */
  pending: Raw;
  closed: boolean;
  request: H2RequestView | undefined;
}

interface Conn {
  id: number;
  tcp: Socket;
  tcpInMark: number;
  tcpOutMark: number;
  plainIn: number;
  plainOut: number;
  streams: Map<number, StreamTally>;
  closedOrder: number[];
  names: Set<string>;
  decoder: HpackDecoder | undefined;
  /** Why the decoder was dropped, for the wire view. */
  decoderLost?: string;
  /** A header block split over HEADERS + CONTINUATION, per direction. */
  blockIn: { streamId: number; parts: Buffer[]; frameBytes: number } | undefined;
  open: boolean;
}

export interface ConnectionTap {
  in(chunk: Buffer): void;
  out(chunk: Buffer): void;
  /** The http2 session created on this connection. */
  session(session: Http2Session): void;
  handshakeDone(): void;
  closed(): void;
}

/** Streams whose counters are kept after they close, for frames that arrive late (WINDOW_UPDATE, RST_STREAM). */
const CLOSED_STREAMS_KEPT = 32;

export class H2Accounting {
  private readonly counters = new Map<TrafficName, Raw>();
  private readonly conns = new Set<Conn>();
  private readonly byProxy = new WeakMap<object, StreamTally>();
  private readonly sessions = new WeakMap<Http2Session, Conn>();
  private readonly exchanges = new Map<LaneId, H2Exchange>();
  /** Lane counters per page id, as the HTTP/1.1 meter keeps them (oldest-used first, dropped at the cap). */
  private readonly pages = new Map<string, Map<LaneId, Raw>>();
  private connection = { connections: 0, bytesIn: 0, bytesOut: 0, byType: {} as Record<string, number> };
  private tls = { connections: 0, bytesIn: 0, bytesOut: 0, plaintextIn: 0, plaintextOut: 0, handshakeBytes: 0 };
  private nextConn = 1;
  private readonly idleWaiters: (() => void)[] = [];
  port: number | null = null;

  constructor(
    readonly maxConcurrentStreams: number,
    private readonly maxPages = 1_000,
    /** A header block (HEADERS + CONTINUATION) longer than this is counted but not kept for decoding (a CONTINUATION flood costs no memory here). */
    private readonly maxHeaderBlockBytes = 64 * 1024,
    private readonly headerTableSize = 4096,
  ) {
    for (const name of [...LANE_IDS, ...OTHER_NAMES]) this.counters.set(name, zero());
  }

  /**
   * A TLS connection was accepted and negotiated h2. Returns the two taps:
   * `in` for decrypted bytes from the client, `out` for plaintext to it.
   */
  watch(tcp: Socket): ConnectionTap {
    const conn: Conn = {
      id: this.nextConn++, tcp, tcpInMark: 0, tcpOutMark: 0, plainIn: 0, plainOut: 0,
      streams: new Map(), closedOrder: [], names: new Set(), decoder: new HpackDecoder(this.headerTableSize),
      blockIn: undefined, open: true,
    };
    this.conns.add(conn);
    this.connection.connections++;
    this.tls.connections++;
    const keep = new Set<number>([FRAME_TYPES.HEADERS, FRAME_TYPES.CONTINUATION]);
    const readIn = new FrameReader((f) => this.onFrame(conn, 'in', f), {
      expectPreface: true,
      keepPayloadOf: keep,
      onPreface: (bytes) => {
        this.connection.bytesIn += bytes;
        this.connection.byType.preface = (this.connection.byType.preface ?? 0) + bytes;
      },
    });
    const readOut = new FrameReader((f) => this.onFrame(conn, 'out', f));
    return {
      in: (chunk) => {
        conn.plainIn += chunk.length;
        readIn.write(chunk);
      },
      out: (chunk) => {
        conn.plainOut += chunk.length;
        readOut.write(chunk);
      },
      session: (session) => {
        this.sessions.set(session, conn);
      },
      handshakeDone: () => {
        this.tls.handshakeBytes += tcp.bytesRead + tcp.bytesWritten;
      },
      closed: () => {
        this.settleTcp(conn);
        conn.open = false;
        for (const tally of conn.streams.values()) this.closeStream(conn, tally);
        this.conns.delete(conn);
        if (this.conns.size === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
      },
    };
  }

  /** A request arrived on an h2 stream and was routed: its stream's bytes belong to `name`. */
  onRequest(req: Http2ServerRequest, name: TrafficName): void {
    const stream = req.stream;
    const conn = stream.session && this.sessions.get(stream.session);
    if (!conn || stream.id === undefined) return;
    const tally = this.tallyOf(conn, stream.id);
    this.byProxy.set(req.socket, tally);
    tally.name = name;
    tally.page = isLaneId(name) ? pageOfUrl(req.url) : undefined;
    // A connection counts once per name, and once per page and name (tabs share one h2 connection).
    const keys = [name, pageKey(name, tally.page)];
    this.bucketsOf(tally).forEach((c, i) => {
      c.requests++;
      if (!conn.names.has(keys[i]!)) {
        conn.names.add(keys[i]!);
        c.connections++;
      }
      add(c, tally.pending);
    });
    tally.pending = zero();
    if (isLaneId(name) && tally.request) {
      const ex = this.exchanges.get(name);
      const sameConnection = ex?.first?.connection === tally.request.connection;
      this.exchanges.set(name, { lane: name, first: sameConnection ? ex!.first : tally.request, last: tally.request, responseHeadBytes: ex?.responseHeadBytes ?? 0 });
    }
    stream.once('close', () => this.closeStream(conn, tally));
  }

  /** True when `socket` is the socket of an HTTP/2 request (what `request.raw.socket` returns for one). */
  owns(socket: object): boolean {
    return this.byProxy.has(socket);
  }

  /** A lane wrote these messages on an h2 stream (payload = their JSON bytes). */
  delivered(socket: object, lane: LaneId, messages: readonly FeedMessage[]): void {
    let bytes = 0;
    for (const m of messages) bytes += m.bytes;
    for (const c of this.bucketsOf(this.byProxy.get(socket), lane)) {
      c.messages += messages.length;
      c.payloadBytes += bytes;
    }
  }

  /** Application bytes a client sent on a lane's stream. */
  received(socket: object, lane: LaneId, bytes: number): void {
    for (const c of this.bucketsOf(this.byProxy.get(socket), lane)) c.payloadBytes += bytes;
  }

  /**
   * One page's h2 lane counters (zeros for a page not seen yet), like the HTTP/1.1
   * meter's `pageSnapshot`; `open` counts that page's streams open now.
   */
  pageSnapshot(page: string): Record<LaneId, Counters> {
    const open = new Map<TrafficName, number>();
    for (const conn of this.conns) {
      for (const tally of conn.streams.values()) {
        if (!tally.closed && tally.name && tally.page === page) open.set(tally.name, (open.get(tally.name) ?? 0) + 1);
      }
    }
    const lanes = this.pages.get(page);
    const out = {} as Record<LaneId, Counters>;
    for (const id of LANE_IDS) out[id] = finish(lanes?.get(id) ?? zero(), open.get(id) ?? 0);
    return out;
  }

  snapshot(): H2Snapshot {
    const open = new Map<TrafficName, number>();
    let streamsOpen = 0;
    let connectionsOpen = 0;
    for (const conn of this.conns) {
      this.settleTcp(conn);
      connectionsOpen++;
      for (const tally of conn.streams.values()) {
        if (tally.closed) continue;
        streamsOpen++;
        if (tally.name) open.set(tally.name, (open.get(tally.name) ?? 0) + 1);
      }
    }
    const counters = (name: TrafficName): Counters => finish(this.bucket(name), open.get(name) ?? 0);
    const lanes = {} as H2Snapshot['lanes'];
    for (const id of LANE_IDS) lanes[id] = counters(id);
    const other = {} as H2Snapshot['other'];
    for (const name of OTHER_NAMES) other[name] = counters(name);
    const t = this.tls;
    return {
      port: this.port,
      lanes,
      other,
      connection: {
        connections: this.connection.connections, open: connectionsOpen,
        bytesIn: this.connection.bytesIn, bytesOut: this.connection.bytesOut, byType: { ...this.connection.byType },
        streamsOpen, maxConcurrentStreams: this.maxConcurrentStreams,
      },
      tls: { ...t, overheadBytes: t.bytesIn + t.bytesOut - t.plaintextIn - t.plaintextOut },
    };
  }

  /** Resolves once no h2 connection is open (every byte of the closed ones is counted by then). */
  whenIdle(): Promise<void> {
    if (this.conns.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  exchange(lane: LaneId): H2Exchange | undefined {
    return this.exchanges.get(lane);
  }

  /** Zero every counter. Open connections keep flowing and count from here on. */
  reset(): void {
    for (const conn of this.conns) this.settleTcp(conn);
    for (const name of this.counters.keys()) this.counters.set(name, zero());
    this.connection = { connections: this.conns.size, bytesIn: 0, bytesOut: 0, byType: {} };
    this.tls = { connections: this.conns.size, bytesIn: 0, bytesOut: 0, plaintextIn: 0, plaintextOut: 0, handshakeBytes: 0 };
    for (const conn of this.conns) {
      conn.names = new Set();
      for (const tally of conn.streams.values()) {
        tally.pending = zero();
        if (tally.closed || !tally.name) continue;
        if (!conn.names.has(tally.name)) {
          conn.names.add(tally.name);
          this.bucket(tally.name).connections++;
        }
        if (tally.page) conn.names.add(pageKey(tally.name, tally.page)); // pages keep their own baseline
      }
    }
    this.exchanges.clear();
  }

  private onFrame(conn: Conn, dir: 'in' | 'out', f: Frame): void {
    const bytes = FRAME_HEADER_BYTES + f.length;
    const isHead = f.type === FRAME_TYPES.HEADERS || f.type === FRAME_TYPES.CONTINUATION;
    if (f.streamId === 0) {
      if (dir === 'in') this.connection.bytesIn += bytes;
      else this.connection.bytesOut += bytes;
      const type = frameTypeName(f.type);
      this.connection.byType[type] = (this.connection.byType[type] ?? 0) + bytes;
      return;
    }
    const tally = this.tallyOf(conn, f.streamId);
    for (const c of tally.name ? this.bucketsOf(tally) : [tally.pending]) {
      if (dir === 'in') {
        c.bytesIn += bytes;
        if (isHead) c.requestHeadBytes += bytes;
      } else {
        c.bytesOut += bytes;
        if (isHead) c.responseHeadBytes += bytes;
      }
    }
    if (dir === 'out') {
      if (isHead && tally.name && isLaneId(tally.name)) {
        const ex = this.exchanges.get(tally.name);
        if (ex?.last?.streamId === f.streamId && ex.last.connection === conn.id) ex.responseHeadBytes = f.type === FRAME_TYPES.HEADERS ? bytes : ex.responseHeadBytes + bytes;
      }
    }
    if (dir === 'in' && isHead) this.onHeaderFrame(conn, tally, f, bytes);
  }

  /** Collect HEADERS + CONTINUATION into one block (§6.10) and decode it, in order, to keep the table in step. */
  private onHeaderFrame(conn: Conn, tally: StreamTally, f: Frame, bytes: number): void {
    if (f.type === FRAME_TYPES.HEADERS) conn.blockIn = { streamId: f.streamId, parts: [], frameBytes: 0 };
    const block = conn.blockIn;
    if (!block || block.streamId !== f.streamId) return;
    block.frameBytes += bytes;
    if (block.frameBytes > this.maxHeaderBlockBytes) {
      // Too big to keep: forget it, and stop decoding this connection (its table is out of step now).
      conn.blockIn = undefined;
      conn.decoder = undefined;
      conn.decoderLost = `not decoded: an earlier header block on this connection was larger than ${this.maxHeaderBlockBytes} bytes (h2MaxHeaderBlockBytes)`;
      return;
    }
    block.parts.push(headerBlockOf(f));
    if (!(f.flags & FLAG_END_HEADERS)) return;
    conn.blockIn = undefined;
    const raw = Buffer.concat(block.parts);
    const view: H2RequestView = { at: Date.now(), connection: conn.id, streamId: f.streamId, frameBytes: block.frameBytes, blockHex: raw.toString('hex'), block: undefined };
    if (!conn.decoder) {
      view.error = conn.decoderLost ?? 'not decoded';
    } else {
      try {
        view.block = conn.decoder.decode(raw);
      } catch (err) {
        // The http2 server refuses the connection for this too (COMPRESSION_ERROR); stop decoding it.
        conn.decoder = undefined;
        conn.decoderLost = `not decoded: an earlier block was not valid HPACK (${(err as Error).message})`;
        view.error = (err as Error).message;
      }
    }
    // Trailers (a second block on the same stream) are not the request head.
    if (!tally.request) tally.request = view;
  }

  private tallyOf(conn: Conn, streamId: number): StreamTally {
    let tally = conn.streams.get(streamId);
    if (!tally) {
      tally = { id: streamId, name: undefined, page: undefined, pending: zero(), closed: false, request: undefined };
      conn.streams.set(streamId, tally);
    }
    return tally;
  }

  private closeStream(conn: Conn, tally: StreamTally): void {
    if (tally.closed) return;
    tally.closed = true;
    tally.request = undefined;
    if (!tally.name) {
      // Never routed (reset before its request was handled): its bytes are still counted.
      add(this.bucket('other'), tally.pending);
      tally.pending = zero();
      tally.name = 'other';
    }
    conn.closedOrder.push(tally.id);
    while (conn.closedOrder.length > CLOSED_STREAMS_KEPT) conn.streams.delete(conn.closedOrder.shift()!);
  }


  private settleTcp(conn: Conn): void {
    const read = conn.tcp.bytesRead;
    const written = conn.tcp.bytesWritten;
    this.tls.bytesIn += read - conn.tcpInMark;
    this.tls.bytesOut += written - conn.tcpOutMark;
    conn.tcpInMark = read;
    conn.tcpOutMark = written;
    this.tls.plaintextIn += conn.plainIn;
    this.tls.plaintextOut += conn.plainOut;
    conn.plainIn = 0;
    conn.plainOut = 0;
  }

  /** The counters a stream's bytes go to: its name's, and its page's when it has one. */
  private bucketsOf(tally: StreamTally | undefined, name = tally?.name): Raw[] {
    if (!name) return [];
    const global = this.bucket(name);
    if (!tally?.page || !isLaneId(name)) return [global];
    return [global, this.pageBucket(tally.page, name)];
  }

  private pageBucket(page: string, lane: LaneId): Raw {
    let lanes = this.pages.get(page);
    if (lanes) {
      // Most recently active last, so the cap drops the page quiet longest.
      this.pages.delete(page);
      this.pages.set(page, lanes);
    } else {
      if (this.pages.size >= this.maxPages) this.pages.delete(this.pages.keys().next().value!);
      this.pages.set(page, (lanes = new Map()));
    }
    let c = lanes.get(lane);
    if (!c) lanes.set(lane, (c = zero()));
    return c;
  }

  private bucket(name: TrafficName): Raw {
    let c = this.counters.get(name);
    if (!c) this.counters.set(name, (c = zero()));
    return c;
  }
}

function finish(c: Raw, open: number): Counters {
  const headerBytes = c.requestHeadBytes + c.responseHeadBytes;
  return { ...c, headerBytes, framingBytes: c.bytesIn + c.bytesOut - headerBytes - c.payloadBytes, open };
}

const pageKey = (name: TrafficName, page: string | undefined) => (page === undefined ? name : `${page} ${name}`);

function add(into: Raw, from: Raw): void {
  for (const key of Object.keys(from) as (keyof Raw)[]) into[key] += from[key];
}
