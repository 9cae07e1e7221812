/**
 * Bench client for one long HTTP response (lanes `stream` and `sse`): what the
 * two have in common, as on the server (src/delivery/http-stream.ts). They
 * differ only in the request and in how the body is cut into messages.
 */
import type { LaneId } from '../../lanes.ts';
import type { ClientSettings } from '../protocol.ts';
import { Cursor } from './tally.ts';
import { RECONNECT_DELAY_MS, REQUEST_TIMEOUT_MS, errorText, type BenchClient, type ClientContext } from './client.ts';
import { httpConnection, type HttpConnection } from './connection.ts';

export type StreamItem = { kind: 'hello' } | { kind: 'message'; seq: number; ts: number } | { kind: 'other' };

export interface StreamFraming {
  lane: LaneId;
  /** The request; `resumeFrom` is the last seq held when reconnecting, undefined the first time. */
  request(settings: ClientSettings, resumeFrom: number | undefined): { path: string; headers: Record<string, string> };
  /** A decoder for one response: text in (chunks cut anywhere), items out. */
  decoder(): (text: string) => StreamItem[];
}

export class HttpStreamClient implements BenchClient {
  readonly cursor: Cursor;
  connected = false;
  private readonly http: HttpConnection;
  private stopped = false;
  private close: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: ClientContext, private readonly framing: StreamFraming) {
    this.cursor = new Cursor(ctx.settings.since, ctx.tally);
    this.http = httpConnection(ctx.settings);
  }

  start(): Promise<void> {
    return this.open(undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.close?.();
    await this.http.close();
  }

  /** Resolves once the hello has arrived: from then on the server pushes every message. */
  private async open(resumeFrom: number | undefined): Promise<void> {
    const { path, headers } = this.framing.request(this.ctx.settings, resumeFrom);
    this.ctx.tally.requests++;
    const { res, close } = await this.http.openStream(path, headers, REQUEST_TIMEOUT_MS);
    this.close = close;
    if (this.stopped) return close();
    const decode = this.framing.decoder();
    res.setEncoding('utf8');
    await new Promise<void>((resolve, reject) => {
      const noHello = setTimeout(() => close(), REQUEST_TIMEOUT_MS);
      res.on('data', (chunk: string) => {
        for (const item of decode(chunk)) {
          if (item.kind === 'message') {
            this.cursor.accept(item.seq, item.ts);
          } else if (item.kind === 'hello') {
            clearTimeout(noHello);
            this.connected = true;
            resolve();
          }
        }
      });
      res.on('error', () => {}); // an aborted response; 'close' follows and is handled there
      res.on('close', () => {
        clearTimeout(noHello);
        const wasConnected = this.connected;
        this.connected = false;
        if (this.stopped) return resolve();
        if (!wasConnected) return reject(new Error(`${this.framing.lane}: response closed before its hello`));
        this.ctx.tally.error(`${this.framing.lane}: the server ended the response`);
        this.reconnectSoon();
      });
    });
  }

  /** Resume from the last seq after a drop, the way EventSource does after `retry` ms. */
  private reconnectSoon(): void {
    this.timer = setTimeout(() => {
      if (this.stopped) return;
      this.ctx.tally.reconnects++;
      this.open(this.cursor.last).catch((err: unknown) => {
        if (this.stopped) return;
        this.ctx.tally.error(errorText(err));
        this.reconnectSoon();
      });
    }, RECONNECT_DELAY_MS);
  }
}
