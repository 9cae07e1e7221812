/**
 * The one write path: every socket the lab writes to (feed lanes, chat,
 * STOMP, /api/live) writes through an Outlet, so every one of them has the
 * same backpressure (issue 10, item 5):
 *
 *  - `send()` writes at once and answers whether the consumer is still under
 *    the high-water mark. A producer that can wait (the pump, which re-reads
 *    the ring buffer) stops and resumes on `onceDrained`; a producer that
 *    cannot (a chat reply, a STOMP RECEIPT) keeps writing.
 *  - Past `cutOffBytes` buffered the consumer is not reading: it is cut off
 *    (WebSocket close 1013, RFC 6455 §7.4.1 "Try Again Later"; an HTTP stream
 *    gets a last line with LAB_ERR_SLOW_CONSUMER and ends), nothing more is
 *    written to it, and after `graceMs` the socket is destroyed if the peer
 *    never read its way to the end. Server memory per consumer is therefore
 *    bounded by `cutOffBytes` plus one write.
 *
 * Backpressure follows Node's own signal: "blocked" means over our high-water
 * mark *and* the socket asked for a 'drain' (`writableNeedDrain`), and the
 * resume is that 'drain' event; no per-frame write callback (issue 15, item 3).
 * So the effective high-water mark is never below the socket's own (16 KiB).
 */
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { LabError } from '../errors.ts';
import type { HeldKind } from './held.ts';

export interface OutletLimits {
  /** Over this many buffered bytes a pausable producer waits for 'drain'. */
  highWaterBytes: number;
  /** Over this many the consumer is cut off. */
  cutOffBytes: number;
  /** How long a cut-off consumer has to read its way to the close before the socket is destroyed. */
  graceMs: number;
}

export interface KindCounters {
  /** Consumers cut off for not reading. */
  cutOffs: number;
  /** The most bytes one consumer of this kind had buffered in the server, after any write. */
  peakBufferedBytes: number;
}

/** The delivery layer's counters per kind; emits `cutoff` (kind, LabError) when a consumer is cut off. */
export class DeliveryStats extends EventEmitter {
  private readonly kinds = new Map<HeldKind, KindCounters>();

  counters(kind: HeldKind): KindCounters {
    let c = this.kinds.get(kind);
    if (!c) this.kinds.set(kind, (c = { cutOffs: 0, peakBufferedBytes: 0 }));
    return c;
  }

  snapshot(): Partial<Record<HeldKind, KindCounters>> {
    return Object.fromEntries([...this.kinds].map(([k, c]) => [k, { ...c }]));
  }
}

const TEXT = { binary: false } as const;
const BINARY = { binary: true } as const;

export abstract class Outlet {
  /** True once cut off (or closed by its owner): nothing more is written. */
  cut = false;
  /** The owner's clean-up when the outlet cuts the consumer off (stop the pump, release the slot). */
  onCutOff: ((err: LabError) => void) | undefined;
  private readonly counters: KindCounters;
  private graceTimer: NodeJS.Timeout | undefined;

  protected constructor(readonly kind: HeldKind, protected readonly limits: OutletLimits, private readonly stats: DeliveryStats) {
    this.counters = stats.counters(kind);
  }

  /** Bytes accepted but not yet handed to the kernel. */
  abstract get bufferedBytes(): number;
  /** Call `resume` once, when the socket has drained. */
  abstract onceDrained(resume: () => void): void;
  protected abstract needsDrain(): boolean;
  /** Say why, as far as the protocol allows, and close. */
  protected abstract farewell(err: LabError): void;
  protected abstract destroy(): void;

  /** Over the high-water mark, with a 'drain' to come. */
  get blocked(): boolean {
    return this.bufferedBytes > this.limits.highWaterBytes && this.needsDrain();
  }

  /** Cut the consumer off (idempotent). */
  cutOff(err: LabError = new LabError('LAB_ERR_SLOW_CONSUMER')): void {
    if (this.cut) return;
    this.cut = true;
    this.counters.cutOffs++;
    this.onCutOff?.(err);
    this.farewell(err);
    this.graceTimer = setTimeout(() => this.destroy(), this.limits.graceMs);
    this.graceTimer.unref();
    this.stats.emit('cutoff', this.kind, err);
  }

  /** The socket closed: no grace needed any more. */
  protected closed(): void {
    this.cut = true;
    if (this.graceTimer) clearTimeout(this.graceTimer);
  }

  /** After a write: count, cut off past the cap, and say whether the producer may go on. */
  protected settle(): boolean {
    const n = this.bufferedBytes;
    if (n > this.counters.peakBufferedBytes) this.counters.peakBufferedBytes = n;
    if (n > this.limits.cutOffBytes) {
      this.cutOff(new LabError('LAB_ERR_SLOW_CONSUMER', `more than ${this.limits.cutOffBytes} bytes wait to be sent; reconnect and resume`));
      return false;
    }
    return n <= this.limits.highWaterBytes || !this.needsDrain();
  }
}

/** A WebSocket (ws). `raw` is its TCP socket (the upgrade request's `socket`), whose 'drain' we follow. */
export class WsOutlet extends Outlet {
  constructor(readonly socket: WebSocket, private readonly raw: Socket, kind: HeldKind, limits: OutletLimits, stats: DeliveryStats) {
    super(kind, limits, stats);
    socket.once('close', () => this.closed());
  }

  /** One message; returns false when the producer should wait for `onceDrained` (or was cut off). */
  send(data: Buffer | Uint8Array | string, binary = false): boolean {
    if (this.cut || this.socket.readyState !== 1) return false;
    this.socket.send(data, binary ? BINARY : TEXT);
    return this.settle();
  }

  get bufferedBytes(): number {
    return this.socket.bufferedAmount;
  }

  onceDrained(resume: () => void): void {
    this.raw.once('drain', resume);
  }

  protected needsDrain(): boolean {
    return this.raw.writableNeedDrain;
  }

  /** The close frame queues behind what is buffered: a client that reads again sees 1013 and the reason. */
  protected farewell(err: LabError): void {
    this.socket.close(err.closeCode, err.closeReason());
  }

  protected destroy(): void {
    this.socket.terminate();
  }
}

/** A long HTTP response (stream, SSE). `lastWords` renders the error in the response's own format. */
export class HttpOutlet extends Outlet {
  constructor(private readonly res: ServerResponse, kind: HeldKind, limits: OutletLimits, stats: DeliveryStats,
    private readonly lastWords?: (err: LabError) => string) {
    super(kind, limits, stats);
    res.once('close', () => this.closed());
  }

  send(chunk: Buffer | string): boolean {
    if (this.cut || this.res.writableEnded || this.res.destroyed) return false;
    this.res.write(chunk);
    return this.settle();
  }

  get bufferedBytes(): number {
    return this.res.writableLength;
  }

  onceDrained(resume: () => void): void {
    this.res.once('drain', resume);
  }

  protected needsDrain(): boolean {
    // An HTTP/2 compat response has no writableNeedDrain; past our high-water mark
    // (at least the stream's 16 KiB) its stream has asked for a 'drain', which it forwards.
    return (this.res as { writableNeedDrain?: boolean }).writableNeedDrain ?? true;
  }

  /** The status line has long gone: the error travels as the stream's last message, then the response ends. */
  protected farewell(err: LabError): void {
    if (this.res.writableEnded || this.res.destroyed) return;
    const last = this.lastWords?.(err);
    if (last) this.res.end(last);
    else this.res.end();
  }

  protected destroy(): void {
    this.res.destroy();
  }

  /** Ends the response normally (shutdown, drop): not a cut-off. */
  end(): void {
    if (this.cut) return;
    this.cut = true;
    if (!this.res.writableEnded) this.res.end();
  }
}

/** The lab's limits for every outlet, and its counters: what a lane, the chat, STOMP and /api/live are given. */
export class Outlets {
  constructor(
    private readonly options: { writeHighWaterBytes: number; writeCutOffBytes: number; slowConsumerGraceMs: number },
    readonly stats: DeliveryStats,
  ) {}

  private limits(cutOffBytes: number | undefined): OutletLimits {
    return {
      highWaterBytes: this.options.writeHighWaterBytes,
      cutOffBytes: cutOffBytes ?? this.options.writeCutOffBytes,
      graceMs: this.options.slowConsumerGraceMs,
    };
  }

  /** `raw`: the upgraded request's TCP socket. `cutOffBytes` overrides writeCutOffBytes (chat and STOMP have their own named caps). */
  ws(socket: WebSocket, raw: Socket, kind: HeldKind, cutOffBytes?: number): WsOutlet {
    return new WsOutlet(socket, raw, kind, this.limits(cutOffBytes), this.stats);
  }

  http(res: ServerResponse, kind: HeldKind, lastWords?: (err: LabError) => string, cutOffBytes?: number): HttpOutlet {
    return new HttpOutlet(res, kind, this.limits(cutOffBytes), this.stats, lastWords);
  }
}
