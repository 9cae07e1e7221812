/**
 * Every cap and timer of the STOMP endpoint, with a name. Override any of them
 * through the plugin's options (`app.register(stompPlugin, { limits: {...} })`);
 * bad values are refused at registration, loudly.
 */
import { LabConfigError } from '../config.ts';

export const STOMP_LIMITS = {
  /** Largest frame, command line to NUL (ERROR + close beyond). Must fit in one WebSocket message. */
  maxFrameBytes: 16 * 1024,
  /** Most header lines in one frame. */
  maxHeaders: 32,
  /** Subscriptions one connection may hold at once. */
  maxSubscriptions: 32,
  /** Transactions one connection may have open at once. */
  maxTransactions: 8,
  /** Frames one transaction may buffer before COMMIT. */
  maxTransactionFrames: 100,
  /** MESSAGEs sent with `ack:client(-individual)` and not yet acknowledged, per connection. */
  maxPendingAcks: 1_000,
  /** sx in CONNECTED's `heart-beat`: how often the server can send (0 = never). */
  heartbeatSendMs: 10_000,
  /** sy in CONNECTED's `heart-beat`: how often the server wants to hear from the client (0 = never). */
  heartbeatReceiveMs: 10_000,
  /** A client is declared dead after this many missed receive intervals ("be tolerant"). */
  heartbeatTolerance: 2,
  /** Time a client has to send CONNECT after the WebSocket opens. */
  connectTimeoutMs: 10_000,
  /** A client whose WebSocket send buffer holds more than this is too slow: ERROR and close. */
  maxBufferedBytes: 1024 * 1024,
  /** STOMP connections open at once on this endpoint (close 1013 beyond). */
  maxConnections: 1_000,
} as const;

export type StompLimits = { -readonly [K in keyof typeof STOMP_LIMITS]: number };

export function resolveStompLimits(partial: Partial<StompLimits> = {}, maxWsMessageBytes = Infinity): StompLimits {
  for (const key of Object.keys(partial)) {
    if (!(key in STOMP_LIMITS)) throw new LabConfigError(`unknown STOMP limit "${key}"`);
  }
  const out = { ...STOMP_LIMITS, ...partial } as StompLimits;
  for (const [key, value] of Object.entries(out)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new LabConfigError(`STOMP limit "${key}" must be a finite number >= 0, got ${String(value)}`);
    }
  }
  for (const key of ['maxFrameBytes', 'maxHeaders', 'maxSubscriptions', 'maxTransactionFrames', 'maxPendingAcks', 'connectTimeoutMs', 'maxBufferedBytes', 'maxConnections'] as const) {
    if (out[key] <= 0) throw new LabConfigError(`STOMP limit "${key}" must be > 0`);
  }
  if (out.heartbeatTolerance < 1) throw new LabConfigError('STOMP limit "heartbeatTolerance" must be >= 1');
  if (out.maxFrameBytes > maxWsMessageBytes) {
    // ws would close the socket (1009) before the STOMP layer could answer with an ERROR frame.
    throw new LabConfigError(`STOMP maxFrameBytes ${out.maxFrameBytes} exceeds the lab's maxWsMessageBytes ${maxWsMessageBytes}`);
  }
  return out;
}
