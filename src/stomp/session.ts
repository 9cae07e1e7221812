/**
 * One STOMP 1.2 connection, as a state machine: bytes in, frames out.
 * It knows nothing of WebSocket; server.ts gives it a `StompTransport`.
 *
 *   client                                server
 *   CONNECT accept-version:1.2  ───────▶
 *                               ◀───────  CONNECTED version:1.2, heart-beat
 *   SUBSCRIBE id:0 destination  ───────▶
 *   SEND destination receipt:1  ───────▶
 *                               ◀───────  RECEIPT receipt-id:1
 *                               ◀───────  MESSAGE subscription:0 message-id destination
 *   DISCONNECT receipt:2        ───────▶
 *                               ◀───────  RECEIPT receipt-id:2, then close
 *
 * Any bad frame gets an ERROR frame, then the connection closes ("ERROR":
 * "the server MUST then close the connection just after sending").
 */
import { StompError } from './errors.ts';
import { FrameDecoder, encodeFrame, header, withContentLength, CLIENT_COMMANDS, type Header, type StompFrame } from './frame.ts';
import { checkDestination, type Delivery, type StompBroker } from './broker.ts';
import type { StompLimits } from './limits.ts';

export interface StompTransport {
  /** Send one STOMP frame (or heart-beat EOL) as one WebSocket message. */
  send(bytes: Uint8Array): void;
  /** Close after whatever was sent has gone out. */
  close(code: number, reason: string): void;
  /** Bytes queued but not yet written to the socket. */
  bufferedBytes(): number;
  /** Run `run` every `intervalMs` until cancelled (the lab's one Ticker: no timer per session). */
  every(intervalMs: number, run: () => void): { cancel(): void };
}

export const SERVER_NAME = 'transport-lab/0.1';
const VERSION = '1.2';
const ACK_MODES = ['auto', 'client', 'client-individual'] as const;
type AckMode = (typeof ACK_MODES)[number];

interface Subscription {
  id: string;
  destination: string;
  ack: AckMode;
  unsubscribe: () => void;
}

interface PendingAck {
  subscription: string;
  order: number;
}

type State = 'connecting' | 'connected' | 'closed';

export class StompSession {
  private state: State = 'connecting';
  private readonly decoder: FrameDecoder;
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly transactions = new Map<string, (() => void)[]>();
  private readonly pendingAcks = new Map<string, PendingAck>();
  private nextAck = 1;
  private lastReceived = Date.now();
  private lastSent = Date.now();
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly duties: { cancel(): void }[] = [];
  /** The negotiated intervals, 0 = none (for tests and the widget). */
  heartbeat = { sendMs: 0, receiveMs: 0 };

  constructor(
    readonly id: string,
    private readonly broker: StompBroker,
    private readonly limits: StompLimits,
    private readonly transport: StompTransport,
  ) {
    this.decoder = new FrameDecoder(limits);
    this.connectTimer = setTimeout(() => {
      if (this.state === 'connecting') this.fail(new StompError('LAB_ERR_STOMP_NOT_CONNECTED', `no CONNECT within ${limits.connectTimeoutMs} ms`));
    }, limits.connectTimeoutMs);
    this.connectTimer.unref?.();
  }

  /** Bytes from one WebSocket message. */
  receive(chunk: Uint8Array): void {
    if (this.state === 'closed') return;
    this.lastReceived = Date.now();
    this.decoder.write(chunk);
    let frame: StompFrame | undefined;
    try {
      for (let item = this.decoder.next(); item; item = this.decoder.next()) {
        if (item.type === 'heart-beat') continue;
        frame = item.frame;
        this.onFrame(item.frame);
        if (this.isClosed) return;
        frame = undefined;
      }
    } catch (err) {
      if (!(err instanceof StompError)) throw err;
      const receipt = frame && header(frame, 'receipt');
      if (receipt !== undefined && err.receiptId === undefined) err.receiptId = receipt;
      this.fail(err);
    }
  }

  /** The socket is gone: drop subscriptions and timers. */
  closed(): void {
    this.state = 'closed';
    this.stopTimers();
    for (const sub of this.subscriptions.values()) sub.unsubscribe();
    this.subscriptions.clear();
    this.transactions.clear();
    this.pendingAcks.clear();
  }

  get isClosed(): boolean {
    return this.state === 'closed';
  }

  get subscriptionCount(): number {
    return this.subscriptions.size;
  }

  private onFrame(frame: StompFrame): void {
    const { command } = frame;
    if (!(CLIENT_COMMANDS as readonly string[]).includes(command)) {
      throw new StompError('LAB_ERR_STOMP_UNKNOWN_COMMAND', `"${command}" is not a STOMP 1.2 client command`);
    }
    if (this.state === 'connecting' && command !== 'CONNECT' && command !== 'STOMP') {
      throw new StompError('LAB_ERR_STOMP_NOT_CONNECTED', `got ${command} before CONNECT`);
    }
    // "Only the SEND, MESSAGE, and ERROR frames MAY have a body."
    if (command !== 'SEND' && frame.body.length > 0) {
      throw new StompError('LAB_ERR_STOMP_MALFORMED', `${command} frames carry no body (got ${frame.body.length} bytes)`);
    }
    switch (command) {
      case 'CONNECT':
      case 'STOMP':
        return this.onConnect(frame);
      case 'SEND':
        return this.inTransaction(frame, () => this.onSend(frame));
      case 'SUBSCRIBE':
        this.onSubscribe(frame);
        break;
      case 'UNSUBSCRIBE':
        this.onUnsubscribe(frame);
        break;
      case 'ACK':
      case 'NACK':
        return this.inTransaction(frame, () => this.onAck(frame));
      case 'BEGIN':
        this.onBegin(frame);
        break;
      case 'COMMIT':
      case 'ABORT':
        this.onEnd(frame);
        break;
      case 'DISCONNECT':
        return this.onDisconnect(frame);
    }
    this.receipt(frame);
  }

  private onConnect(frame: StompFrame): void {
    if (this.state !== 'connecting') throw new StompError('LAB_ERR_STOMP_ALREADY_CONNECTED');
    // "If the accept-version header is missing, it means that the clients only supports version 1.0."
    const accepted = (header(frame, 'accept-version') ?? '1.0').split(',').map((v) => v.trim());
    if (!accepted.includes(VERSION)) {
      const err = new StompError('LAB_ERR_STOMP_VERSION', `client accepts ${accepted.join(', ')}; this server speaks ${VERSION}`);
      this.fail(err, [['version', VERSION]]);
      return;
    }
    // `host` is REQUIRED by 1.2, but @stomp/stompjs leaves it out unless told to; the lab has one virtual host.
    const [cx, cy] = parseHeartBeat(header(frame, 'heart-beat'));
    const { heartbeatSendMs: sx, heartbeatReceiveMs: sy } = this.limits;
    // "Heart-beating": each side uses the larger of what one can do and the other wants; 0 on either side = none.
    this.heartbeat = {
      sendMs: sx === 0 || cy === 0 ? 0 : Math.max(sx, cy),
      receiveMs: sy === 0 || cx === 0 ? 0 : Math.max(sy, cx),
    };
    this.state = 'connected';
    clearTimeout(this.connectTimer);
    this.sendFrame('CONNECTED', [
      ['version', VERSION],
      ['heart-beat', `${sx},${sy}`],
      ['session', this.id],
      ['server', SERVER_NAME],
    ]);
    this.startHeartbeats();
  }

  private onSend(frame: StompFrame): void {
    const destination = required(frame, 'destination');
    checkDestination(destination);
    // Forward content-type and user headers; the broker's own headers are set per copy.
    const forwarded = frame.headers.filter(([name]) => !FRAME_HEADERS.has(name));
    this.broker.send(destination, firstOnly(forwarded), frame.body, this);
  }

  private onSubscribe(frame: StompFrame): void {
    const id = required(frame, 'id');
    const destination = required(frame, 'destination');
    checkDestination(destination);
    const ack = (header(frame, 'ack') ?? 'auto') as AckMode;
    if (!ACK_MODES.includes(ack)) throw new StompError('LAB_ERR_STOMP_MALFORMED', `ack must be auto, client or client-individual, got "${ack}"`);
    if (this.subscriptions.has(id)) throw new StompError('LAB_ERR_STOMP_SUBSCRIPTION', `subscription id "${id}" is already in use on this connection`);
    if (this.subscriptions.size >= this.limits.maxSubscriptions) {
      throw new StompError('LAB_ERR_STOMP_TOO_MANY_SUBSCRIPTIONS', `${this.subscriptions.size} subscriptions already (maxSubscriptions)`);
    }
    const unsubscribe = this.broker.subscribe(destination, (delivery) => this.deliver(sub, delivery));
    const sub: Subscription = { id, destination, ack, unsubscribe };
    this.subscriptions.set(id, sub);
  }

  private onUnsubscribe(frame: StompFrame): void {
    const id = required(frame, 'id');
    const sub = this.subscriptions.get(id);
    if (!sub) throw new StompError('LAB_ERR_STOMP_SUBSCRIPTION', `no subscription with id "${id}"`);
    sub.unsubscribe();
    this.subscriptions.delete(id);
    for (const [ackId, pending] of this.pendingAcks) if (pending.subscription === id) this.pendingAcks.delete(ackId);
  }

  private onAck(frame: StompFrame): void {
    const id = required(frame, 'id');
    const pending = this.pendingAcks.get(id);
    if (!pending) throw new StompError('LAB_ERR_STOMP_ACK', `no MESSAGE with ack "${id}" is waiting for ${frame.command}`);
    const sub = this.subscriptions.get(pending.subscription);
    if (sub?.ack === 'client') {
      // "client": the acknowledgement is cumulative, it covers every earlier message of the subscription.
      for (const [ackId, p] of this.pendingAcks) {
        if (p.subscription === pending.subscription && p.order <= pending.order) this.pendingAcks.delete(ackId);
      }
    } else {
      this.pendingAcks.delete(id);
    }
    // A topic keeps no copy to redeliver: NACK tells the server the message was not consumed, and it is dropped.
  }

  private onBegin(frame: StompFrame): void {
    const tx = required(frame, 'transaction');
    if (this.transactions.has(tx)) throw new StompError('LAB_ERR_STOMP_TRANSACTION', `transaction "${tx}" is already open`);
    if (this.transactions.size >= this.limits.maxTransactions) {
      throw new StompError('LAB_ERR_STOMP_TRANSACTION', `${this.transactions.size} transactions already open (maxTransactions)`);
    }
    this.transactions.set(tx, []);
  }

  private onEnd(frame: StompFrame): void {
    const tx = required(frame, 'transaction');
    const queued = this.transactions.get(tx);
    if (!queued) throw new StompError('LAB_ERR_STOMP_TRANSACTION', `no open transaction "${tx}"`);
    this.transactions.delete(tx);
    if (frame.command === 'COMMIT') for (const apply of queued) apply();
  }

  private onDisconnect(frame: StompFrame): void {
    this.receipt(frame);
    this.state = 'closed';
    this.transport.close(1000, 'DISCONNECT');
  }

  /** SEND and ACK/NACK inside a transaction wait for COMMIT. */
  private inTransaction(frame: StompFrame, apply: () => void): void {
    const tx = header(frame, 'transaction');
    if (tx === undefined) {
      apply();
    } else {
      const queued = this.transactions.get(tx);
      if (!queued) throw new StompError('LAB_ERR_STOMP_TRANSACTION', `no open transaction "${tx}"`);
      if (queued.length >= this.limits.maxTransactionFrames) {
        throw new StompError('LAB_ERR_STOMP_TRANSACTION', `transaction "${tx}" holds ${queued.length} frames already (maxTransactionFrames)`);
      }
      queued.push(apply);
    }
    this.receipt(frame);
  }

  private deliver(sub: Subscription, delivery: Delivery): void {
    // A client that does not read is cut off by the transport's write path (close 1013), past maxBufferedBytes.
    if (this.state !== 'connected') return;
    const headers: Header[] = [
      ['subscription', sub.id],
      ['message-id', delivery.messageId],
      ['destination', delivery.destination],
    ];
    if (sub.ack !== 'auto') {
      if (this.pendingAcks.size >= this.limits.maxPendingAcks) {
        this.fail(new StompError('LAB_ERR_STOMP_ACK', `${this.pendingAcks.size} messages wait for ACK (maxPendingAcks)`));
        return;
      }
      const ackId = String(this.nextAck++);
      this.pendingAcks.set(ackId, { subscription: sub.id, order: this.nextAck });
      headers.push(['ack', ackId]);
    }
    headers.push(...delivery.headers);
    this.sendFrame('MESSAGE', withContentLength(headers, delivery.body), delivery.body);
  }

  private receipt(frame: StompFrame): void {
    const receipt = header(frame, 'receipt');
    if (receipt !== undefined) this.sendFrame('RECEIPT', [['receipt-id', receipt]]);
  }

  private sendFrame(command: string, headers: Header[], body?: Uint8Array): void {
    this.transport.send(encodeFrame({ command, headers, ...(body && { body }) }));
    this.lastSent = Date.now();
  }

  /** ERROR frame, then close. */
  private fail(err: StompError, extra: Header[] = []): void {
    if (this.state === 'closed') return;
    const headers: Header[] = [['message', err.summary], ...extra];
    if (err.receiptId !== undefined) headers.push(['receipt-id', err.receiptId]);
    headers.push(['content-type', 'text/plain']);
    const body = new TextEncoder().encode(err.message);
    this.sendFrame('ERROR', withContentLength(headers, body), body);
    this.state = 'closed';
    this.transport.close(err.closeCode, `${err.code}: ${err.message}`);
  }

  /** The transport cut this client off for not reading: ERROR (it may still read it), then nothing more. */
  cutOff(): StompFrame {
    const err = new StompError('LAB_ERR_STOMP_SLOW_CONSUMER', `more than ${this.limits.maxBufferedBytes} bytes waiting to be sent`);
    this.state = 'closed';
    this.stopTimers();
    const body = new TextEncoder().encode(err.message);
    return { command: 'ERROR', headers: withContentLength([['message', err.summary], ['content-type', 'text/plain']], body), body };
  }

  private stopTimers(): void {
    clearTimeout(this.connectTimer);
    for (const duty of this.duties) duty.cancel();
    this.duties.length = 0;
  }

  private startHeartbeats(): void {
    const { sendMs, receiveMs } = this.heartbeat;
    if (sendMs > 0) {
      // Checked at half the interval so no gap ever exceeds it.
      this.duties.push(this.transport.every(sendMs / 2, () => {
        if (Date.now() - this.lastSent >= sendMs / 2) {
          this.transport.send(HEART_BEAT);
          this.lastSent = Date.now();
        }
      }));
    }
    if (receiveMs > 0) {
      const allowed = receiveMs * this.limits.heartbeatTolerance;
      this.duties.push(this.transport.every(receiveMs, () => {
        const silent = Date.now() - this.lastReceived;
        if (silent > allowed) {
          this.fail(new StompError('LAB_ERR_STOMP_HEART_BEAT_LOST', `nothing received for ${silent} ms (negotiated ${receiveMs} ms, tolerance x${this.limits.heartbeatTolerance})`));
        }
      }));
    }
  }
}

const HEART_BEAT = new Uint8Array([0x0a]);

/** Headers that describe the frame itself, not the message: never copied into MESSAGE. */
const FRAME_HEADERS = new Set(['destination', 'receipt', 'transaction', 'content-length', 'subscription', 'message-id', 'ack']);

function required(frame: StompFrame, name: string): string {
  const value = header(frame, name);
  if (value === undefined || value === '') {
    throw new StompError('LAB_ERR_STOMP_MISSING_HEADER', `${frame.command} requires the "${name}" header`);
  }
  return value;
}

function parseHeartBeat(value: string | undefined): [number, number] {
  if (value === undefined) return [0, 0];
  const match = /^\s*([0-9]{1,9})\s*,\s*([0-9]{1,9})\s*$/.exec(value);
  if (!match) throw new StompError('LAB_ERR_STOMP_HEART_BEAT_INVALID', `heart-beat "${value}" is not "cx,cy"`);
  return [Number(match[1]), Number(match[2])];
}

/** "If a client or a server receives repeated frame header entries, only the first header entry SHOULD be used." */
function firstOnly(headers: readonly Header[]): Header[] {
  const seen = new Set<string>();
  return headers.filter(([name]) => (seen.has(name) ? false : (seen.add(name), true)));
}
