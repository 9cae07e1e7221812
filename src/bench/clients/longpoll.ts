/**
 * Bench client for lane `longpoll`: one request held by the server until there
 * is news (RFC 6202 §2), then at once the next one, from the last seq.
 */
import { Cursor } from './tally.ts';
import { requestHeaders } from './headers.ts';
import {
  RECONNECT_DELAY_MS, REQUEST_TIMEOUT_MS, delay, describeFailure, errorText,
  type BenchClient, type ClientContext, type PollAnswer,
} from './client.ts';
import { httpConnection, type HttpConnection } from './connection.ts';

export class LongpollClient implements BenchClient {
  readonly cursor: Cursor;
  connected = false;
  private readonly http: HttpConnection;
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly ctx: ClientContext) {
    this.cursor = new Cursor(ctx.settings.since, ctx.tally);
    this.http = httpConnection(ctx.settings);
  }

  /** Connected once the first request is on the wire: the server holds it until there is news. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const sent = () => {
        if (this.connected) return;
        this.connected = true;
        resolve();
      };
      this.loop = (async () => {
        while (!this.stopped) {
          const { origin, longpollWaitMs, headers } = this.ctx.settings;
          const path = `/feed/longpoll?since=${this.cursor.last}&wait=${longpollWaitMs}`;
          this.ctx.tally.requests++;
          try {
            const answer = await this.http.getText(path, requestHeaders(headers, 'fetch', origin), longpollWaitMs + REQUEST_TIMEOUT_MS, sent);
            if (answer.status !== 200) throw new Error(describeFailure(answer, path));
            for (const m of (JSON.parse(answer.body) as PollAnswer).messages) this.cursor.accept(m.seq, m.ts);
          } catch (err) {
            if (this.stopped) return;
            if (!this.connected) { // the very first request never left: this client failed to connect
              this.stopped = true;
              reject(err);
              return;
            }
            this.ctx.tally.error(errorText(err));
            await delay(RECONNECT_DELAY_MS);
            this.ctx.tally.reconnects++;
          }
        }
      })();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.http.close();
    await this.loop;
  }
}
