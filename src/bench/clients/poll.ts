/**
 * Bench client for lane `poll`: asks every interval, and again at once while
 * the server says `more`. Clients are spread over the interval, as independent
 * users would be, rather than all asking in the same millisecond.
 */
import { performance } from 'node:perf_hooks';
import { Cursor } from './tally.ts';
import { requestHeaders } from './headers.ts';
import {
  REQUEST_TIMEOUT_MS, describeFailure, errorText, type BenchClient, type ClientContext, type PollAnswer,
} from './client.ts';
import { httpConnection, type HttpConnection } from './connection.ts';

export class PollClient implements BenchClient {
  readonly cursor: Cursor;
  connected = false;
  private readonly http: HttpConnection;
  private timer: NodeJS.Timeout | undefined;
  private nextAt = 0;
  private stopped = false;

  constructor(private readonly ctx: ClientContext) {
    this.cursor = new Cursor(ctx.settings.since, ctx.tally);
    this.http = httpConnection(ctx.settings);
  }

  async start(): Promise<void> {
    await this.poll();
    this.connected = true;
    this.nextAt = performance.now() + Math.random() * this.ctx.settings.pollIntervalMs;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.http.close();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), Math.max(0, this.nextAt - performance.now()));
  }

  private async tick(): Promise<void> {
    this.nextAt += this.ctx.settings.pollIntervalMs;
    try {
      while (!this.stopped && await this.poll());
    } catch (err) {
      if (this.stopped) return;
      this.ctx.tally.error(errorText(err));
    }
    // Fell more than an interval behind (a slow answer): poll on the next beat, not in a burst.
    this.nextAt = Math.max(this.nextAt, performance.now());
    this.schedule();
  }

  /** One request; true when the answer was cut short (`more`) and the client should ask again. */
  private async poll(): Promise<boolean> {
    const path = `/feed/poll?since=${this.cursor.last}`;
    this.ctx.tally.requests++;
    const { origin, headers } = this.ctx.settings;
    const answer = await this.http.getText(path, requestHeaders(headers, 'fetch', origin), REQUEST_TIMEOUT_MS);
    if (answer.status !== 200) throw new Error(describeFailure(answer, path));
    const body = JSON.parse(answer.body) as PollAnswer;
    for (const m of body.messages) this.cursor.accept(m.seq, m.ts);
    return body.more;
  }
}
