/**
 * Bench client for lane `sockjs`: the real sockjs-client (in Node it has
 * WebSocket, xhr-streaming and xhr-polling). Each message is one SockJS
 * message holding the feed message's JSON. After a drop it reconnects with
 * `?since=` its last seq, as the browser client does.
 */
import SockJS from 'sockjs-client';
import { Cursor } from './tally.ts';
import { RECONNECT_DELAY_MS, type BenchClient, type ClientContext } from './client.ts';

export class SockjsClient implements BenchClient {
  readonly cursor: Cursor;
  connected = false;
  private socket: InstanceType<typeof SockJS> | undefined;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: ClientContext) {
    this.cursor = new Cursor(ctx.settings.since, ctx.tally);
  }

  start(): Promise<void> {
    return this.open();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const socket = this.socket;
    if (!socket || socket.readyState === SockJS.CLOSED) return;
    await new Promise<void>((resolve) => {
      socket.addEventListener('close', () => resolve());
      socket.close();
    });
  }

  /** Resolves once the hello has arrived. */
  private open(): Promise<void> {
    this.ctx.tally.requests++;
    return new Promise((resolve, reject) => {
      const socket = (this.socket = new SockJS(`${this.ctx.settings.origin}/sockjs/feed?since=${this.cursor.last}`));
      let hello = false;
      socket.onmessage = (event: { data: string }) => {
        const item = JSON.parse(event.data) as { type?: string; seq?: number; ts?: number };
        if (typeof item.seq === 'number' && typeof item.ts === 'number') {
          this.cursor.accept(item.seq, item.ts);
        } else if (item.type === 'hello') {
          hello = true;
          this.connected = true;
          resolve();
        }
      };
      socket.onclose = (event: { code: number; reason: string }) => {
        this.connected = false;
        if (this.stopped) return resolve();
        const why = `closed ${event.code} ${event.reason}`.trim();
        if (!hello) return reject(new Error(`sockjs: ${why}`));
        this.ctx.tally.error(`sockjs: ${why}`);
        this.timer = setTimeout(() => {
          if (this.stopped) return;
          this.ctx.tally.reconnects++;
          this.open().catch((err: unknown) => this.ctx.tally.error(String(err)));
        }, RECONNECT_DELAY_MS);
      };
    });
  }
}
