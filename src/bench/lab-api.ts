/**
 * The bench talks to the lab only through its public API, so the same code
 * measures an in-process server and one at --url: GET /api/stats for the
 * counters and the server's CPU and memory, POST /api/feed to pause, set and
 * run the feed. All of it is `api` traffic, never counted in a lane.
 */
import type { StatsSnapshot } from '../api/stats.ts';
import { BenchError } from './errors.ts';
import { errorText } from './clients/client.ts';

/** How long one API call may take before the server counts as unreachable. */
export const API_TIMEOUT_MS = 5_000;

export interface FeedSettings {
  rate?: number;
  payloadBytes?: number;
  running?: boolean;
}

export class LabApi {
  constructor(readonly origin: string) {}

  async stats(): Promise<StatsSnapshot> {
    const body = await this.call('GET', '/api/stats');
    const stats = body as Partial<StatsSnapshot>;
    if (!stats.lanes || !stats.feed || !stats.process) {
      throw new BenchError('LAB_ERR_BENCH_UNREACHABLE', `${this.origin} answered /api/stats, but not like a Transport Lab server`);
    }
    return stats as StatsSnapshot;
  }

  async feed(settings: FeedSettings): Promise<Required<FeedSettings>> {
    return await this.call('POST', '/api/feed', settings) as Required<FeedSettings>;
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(this.origin + path, {
        method,
        signal: AbortSignal.timeout(API_TIMEOUT_MS),
        ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
    } catch (err) {
      const cause = (err as { cause?: unknown }).cause ?? err;
      throw new BenchError('LAB_ERR_BENCH_UNREACHABLE', `cannot reach the lab at ${this.origin} (${method} ${path}: ${errorText(cause)})`);
    }
    const text = await res.text();
    if (!res.ok) {
      throw new BenchError('LAB_ERR_BENCH_UNREACHABLE', `${method} ${this.origin}${path} answered ${res.status}: ${text.slice(0, 200)}`);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new BenchError('LAB_ERR_BENCH_UNREACHABLE', `${this.origin}${path} did not answer JSON: is it a Transport Lab server?`);
    }
  }
}
