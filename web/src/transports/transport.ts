/**
 * What every browser transport has in common: a two-method interface and the
 * few helpers they all use. The page treats every lane alike through it.
 *
 *   const lane = pollTransport({ since: 42, intervalMs: 1000 });
 *   lane.start(onMessage, onEvent);   // connects, and reconnects after a drop
 *   lane.stop();                      // disconnects; start() again resumes
 *
 * A transport only moves messages. Counting, charts and the DOM live elsewhere.
 */
import type { LaneId } from '../../../src/lanes.ts';
import { toWebSocketUrl } from '../h2/protocol.ts';

/** One feed message, as every lane delivers it: `{"seq","ts","data"}`. */
export interface FeedMessage {
  seq: number;
  /** Publish time on the server, ms since the Unix epoch (fractional). */
  ts: number;
  data: unknown;
}

/** What a transport reports besides messages. */
export type TransportEvent =
  /** The browser sends a request (or opens a connection) on this lane. */
  | { type: 'request' }
  /** A response (or connection) is up and messages can flow. */
  | { type: 'open' }
  /**
   * The feed this lane reads from: reported once at first contact, and again
   * when it changes (the server restarted). `since` is where reading starts.
   */
  | { type: 'epoch'; epoch: string; since: number }
  /** The server said "still here" on an idle stream. */
  | { type: 'heartbeat' }
  /**
   * The connection dropped or a request failed; the transport tries again after
   * `retryInMs` (undefined when the browser picks the moment, as EventSource does).
   */
  | { type: 'retry'; reason: string; retryInMs?: number }
  /**
   * This page can never open this lane, so the transport does not try again:
   * e.g. `ws://` from an https page on another device (mixed content).
   */
  | { type: 'unavailable'; reason: string };

export type OnMessage = (message: FeedMessage) => void;
export type OnEvent = (event: TransportEvent) => void;

export interface Transport {
  readonly lane: LaneId;
  /** The last seq received; reconnects ask for what comes after it. */
  readonly lastSeq: number | undefined;
  start(onMessage: OnMessage, onEvent: OnEvent): void;
  stop(): void;
}

export interface TransportOptions {
  /**
   * Deliver messages after this seq. Undefined means "from now on"
   * (the server then starts at its newest message).
   */
  since?: number;
  /** The feed `since` belongs to, if known: a different one means the server restarted. */
  epoch?: string;
  /** Where the lab runs; defaults to the page's own origin. */
  base?: string;
}

/** Waits between reconnect attempts: start small, double on each failure, cap it. */
export const RETRY_FIRST_MS = 500;
export const RETRY_MAX_MS = 10_000;

export function nextRetryMs(previous: number | undefined): number {
  return previous === undefined ? RETRY_FIRST_MS : Math.min(previous * 2, RETRY_MAX_MS);
}

/**
 * This tab's page id, when the page set one: every lane request and handshake then
 * carries `&page=<id>`, and the server counts that traffic under the page as well
 * (GET /api/stats?page=<id>), so a tab's counts are compared with its own connections.
 */
let pageTag: string | undefined;

export function tagLaneRequests(page: string | undefined): void {
  pageTag = page;
}

/** `path?since=N&...&page=P`, resolved against the lab's origin (ws: or wss: for WebSockets). */
/**
 * Is this URL on the lab's HTTPS port? That port speaks only HTTP/2, and the lab
 * has no WebSocket over HTTP/2 (RFC 8441), so a library lane stays on its HTTP
 * transports there instead of failing an upgrade on every connect.
 */
export function isHttp2Only(url: string): boolean {
  return new URL(url).protocol === 'https:';
}

export function feedUrl(path: string, params: Record<string, number | undefined>, base?: string, websocket = false): string {
  const url = new URL(path, base ?? location.href);
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  if (pageTag !== undefined) url.searchParams.set('page', pageTag);
  return (websocket ? toWebSocketUrl(url) : url).href;
}

/** The lab's HTTP errors are `{"error": "LAB_ERR_…", "message": "…"}`. */
export async function readLabError(response: Response): Promise<{ code: string; message: string }> {
  try {
    const body = (await response.json()) as { error?: unknown; message?: unknown };
    return { code: String(body.error ?? `HTTP_${response.status}`), message: String(body.message ?? response.statusText) };
  } catch {
    return { code: `HTTP_${response.status}`, message: response.statusText };
  }
}

/**
 * `since` is ahead of the server's newest message: the server restarted and
 * its feed counts from 1 again. Every lane reacts the same way: start over at 0.
 */
export const SINCE_AHEAD = 'LAB_ERR_SINCE_AHEAD';

/** A 503 carries Retry-After (seconds): wait that long rather than our own backoff. */
export function retryAfterMs(response: Response, fallback: number): number {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : fallback;
}

/**
 * GET one of the feed's HTTP lanes. A refusal throws, carrying its response so
 * the retry can read Retry-After; a `since` ahead of the server's head (it
 * restarted) answers 'start over' after moving the position back to 0.
 */
export async function fetchFeed(url: string, signal: AbortSignal, position: FeedPosition): Promise<Response & { body: ReadableStream<Uint8Array> } | 'start over'> {
  const response = await fetch(url, { signal });
  if (response.ok && response.body) return response as Response & { body: ReadableStream<Uint8Array> };
  const error = await readLabError(response);
  if (error.code === SINCE_AHEAD) {
    position.startOver();
    return 'start over';
  }
  throw Object.assign(new Error(`${error.code}: ${error.message}`), { response });
}

/** The wait after a failed request: a 503's Retry-After (a cap was reached), else our own backoff. */
export function retryDelay(err: unknown, backoffMs: number): number {
  const response = (err as { response?: Response }).response;
  return response?.status === 503 ? retryAfterMs(response, backoffMs) : backoffMs;
}

export function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

/** The message shapes the lanes send, checked once here rather than trusted. */
export function isFeedMessage(value: unknown): value is FeedMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return Number.isInteger(m.seq) && typeof m.ts === 'number' && 'data' in m;
}

/** The first thing stream, SSE and WebSocket send: where this response starts. */
export interface Hello {
  type: 'hello';
  epoch: string;
  since: number;
  head: number;
  firstSeq: number;
  truncated: boolean;
}

export function isHello(value: unknown): value is Hello {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'hello' &&
    typeof (value as { epoch?: unknown }).epoch === 'string';
}

/** The poll and long-poll answer. */
export interface PollEnvelope {
  epoch: string;
  head: number;
  firstSeq: number;
  truncated: boolean;
  more: boolean;
  messages: FeedMessage[];
}

/** Where an answer to a request without `since` started: just before its first message, or at `head`. */
export function startOf(answer: PollEnvelope): number {
  const first = answer.messages[0];
  return first ? first.seq - 1 : answer.head;
}

/**
 * Where a client is in the feed, and the resume rules every lane shares:
 * keep the last seq and ask from it after a drop (nothing lost, nothing twice);
 * if the feed's epoch changes under us (the server restarted), start over at 0.
 */
export class FeedPosition {
  /** The last seq received; undefined until the server says where "now" is. */
  lastSeq: number | undefined;
  private epoch: string | undefined; // the feed our seqs belong to
  private announced: string | undefined; // the epoch last reported with an 'epoch' event

  constructor(since?: number, epoch?: string) {
    this.lastSeq = since;
    this.epoch = epoch;
  }

  /**
   * First word from feed `epoch` (a hello, or a poll answer) for a request that
   * asked from `asked`; `start` is where the server says reading starts.
   * Returns false when a new feed still had our seq: we were reset to 0, ask again.
   */
  enter(epoch: string, asked: number | undefined, start: number, onEvent: OnEvent): boolean {
    if (epoch !== this.epoch && this.epoch !== undefined && (asked ?? start) !== 0) {
      this.startOver();
      return false;
    }
    this.epoch = epoch;
    if (this.announced !== epoch) {
      this.announced = epoch;
      onEvent({ type: 'epoch', epoch, since: asked ?? start });
    }
    this.lastSeq ??= start;
    return true;
  }

  /** A message arrived: remember its seq (the next request asks after it), then hand it on. */
  deliver(message: FeedMessage, onMessage: OnMessage): void {
    this.lastSeq = message.seq;
    onMessage(message);
  }

  /** The server restarted (a new epoch, or `since` beyond its head): its feed counts from 1 again. */
  startOver(): void {
    this.lastSeq = 0;
    this.epoch = undefined;
  }
}
