/**
 * The bench talks to the lab only through its public API, so the same code
 * measures an in-process server and one at --url: GET /api/stats for the
 * counters and the server's CPU and memory, POST /api/feed to pause, set and
 * run the feed. All of it is `api` traffic, never counted in a lane.
 *
 * The calls share one keep-alive connection. A server may close an idle
 * keep-alive connection at any moment (RFC 9112 §9.3: "a client, server, or
 * proxy MAY close the transport connection at any time"), and a request sent
 * just then meets a reset. Both calls are safe to repeat (a GET, and a POST that
 * sets absolute values), so a call that failed that way is sent once more on a
 * new connection (RFC 9110 §9.2.2: idempotent requests may be retried).
 */
import { Agent, request, type IncomingMessage } from 'node:http';
import type { StatsSnapshot } from '../api/stats.ts';
import { BenchError } from './errors.ts';
import { errorText } from './clients/client.ts';

/**
 * How long one API call may take before the server counts as unreachable. Long:
 * a bench drives the lab to full CPU on purpose, and a lab in the bench's own
 * process answers a control call only when its event loop gets to it (a
 * 1,000-client long-poll run once took more than 5 s to pause the feed).
 */
export const API_TIMEOUT_MS = 30_000;
/** Error codes that mean the server closed a kept-alive connection as the request went out. */
export const STALE_CONNECTION_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE']);

export interface FeedSettings {
  rate?: number;
  payloadBytes?: number;
  running?: boolean;
}

/** What a call is for, so a failure can say so ("start the feed"). */
function purposeOf(method: string, path: string, body: unknown): string {
  if (path === '/api/stats') return 'read the counters';
  if (path === '/api/h2') return 'find the HTTPS port';
  if (method === 'POST' && path === '/api/feed') {
    const running = (body as FeedSettings).running;
    return running === true ? 'start the feed' : running === false ? 'pause the feed' : 'set the feed';
  }
  return `${method} ${path}`;
}

export class LabApi {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });

  constructor(readonly origin: string, private readonly timeoutMs = API_TIMEOUT_MS) {}

  async stats(): Promise<StatsSnapshot> {
    const body = await this.call('GET', '/api/stats');
    const stats = body as Partial<StatsSnapshot>;
    if (!stats.lanes || !stats.feed || !stats.process) {
      throw new BenchError('LAB_ERR_BENCH_UNREACHABLE', `${this.origin} answered GET /api/stats, but not like a Transport Lab server`);
    }
    return stats as StatsSnapshot;
  }

  async feed(settings: FeedSettings): Promise<Required<FeedSettings>> {
    return await this.call('POST', '/api/feed', settings) as Required<FeedSettings>;
  }

  /** The lab's HTTPS (HTTP/2) origin on the same host, from GET /api/h2. */
  async httpsOrigin(): Promise<string> {
    const { https } = await this.call('GET', '/api/h2') as { https?: number | null };
    if (typeof https !== 'number') {
      throw new BenchError('LAB_ERR_BENCH_UNREACHABLE', `the lab at ${this.origin} has no HTTPS port for --protocol h2 (started with HTTPS_PORT=off?)`);
    }
    const url = new URL(this.origin);
    url.protocol = 'https:';
    url.port = String(https);
    return url.origin;
  }

  /** Close the kept-alive connection (the process would exit anyway: idle sockets do not hold it). */
  close(): void {
    this.agent.destroy();
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const what = `${method} ${path}${body === undefined ? '' : ` ${JSON.stringify(body)}`} (to ${purposeOf(method, path, body)})`;
    let answer: { status: number; text: string };
    try {
      answer = await this.send(method, path, body);
    } catch (first) {
      if (!isStaleConnection(first)) throw unreachable(this.origin, what, first);
      try {
        answer = await this.send(method, path, body);
      } catch (second) {
        throw unreachable(this.origin, what, second, `the kept-alive connection was closed under it (${errorText(first)}), and again on a new connection`);
      }
    }
    if (answer.status < 200 || answer.status >= 300) {
      throw new BenchError('LAB_ERR_BENCH_UNREACHABLE', `${what} at ${this.origin} answered ${answer.status}: ${answer.text.slice(0, 200)}`);
    }
    try {
      return JSON.parse(answer.text) as unknown;
    } catch {
      throw new BenchError('LAB_ERR_BENCH_UNREACHABLE', `${what} at ${this.origin} did not answer JSON: is it a Transport Lab server?`);
    }
  }

  private send(method: string, path: string, body: unknown): Promise<{ status: number; text: string }> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(this.origin + path, {
        method, agent: this.agent,
        headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      }, (res: IncomingMessage) => {
        res.setEncoding('utf8');
        let text = '';
        res.on('data', (chunk: string) => { text += chunk; });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', (err) => reject(Object.assign(err, { reused: req.reusedSocket })));
      });
      req.setTimeout(this.timeoutMs, () => req.destroy(Object.assign(new Error(`no answer in ${this.timeoutMs} ms`), { code: 'ETIMEDOUT' })));
      req.on('error', (err) => reject(Object.assign(err, { reused: req.reusedSocket })));
      req.end(payload);
    });
  }
}

/** A reset on a connection kept from an earlier call: the server had closed it. */
function isStaleConnection(err: unknown): boolean {
  const e = err as { code?: string; reused?: boolean };
  return e.reused === true && e.code !== undefined && STALE_CONNECTION_CODES.has(e.code);
}

function unreachable(origin: string, what: string, err: unknown, history?: string): BenchError {
  const why = history ? `${history}: ${errorText(err)}` : errorText(err);
  return new BenchError('LAB_ERR_BENCH_UNREACHABLE', `cannot reach the lab at ${origin}: ${what} failed: ${why}`);
}
