/**
 * Bench client for lane `ws`: a `ws` WebSocket, one message per text frame.
 * Like a browser it offers permessage-deflate; the lab does not accept it, so
 * frames stay plain and their 2-byte headers are what the lab counts.
 */
import WebSocket from 'ws';
import { Cursor } from './tally.ts';
import { requestHeaders } from './headers.ts';
import { RECONNECT_DELAY_MS, REQUEST_TIMEOUT_MS, errorText, type BenchClient, type ClientContext } from './client.ts';

/** How long a clean close (RFC 6455 §7.1.2: close frame each way) may take before the socket is cut. */
export const CLOSE_TIMEOUT_MS = 2_000;

export class WsClient implements BenchClient {
  readonly cursor: Cursor;
  connected = false;
  private socket: WebSocket | undefined;
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
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      const cut = setTimeout(() => socket.terminate(), CLOSE_TIMEOUT_MS);
      socket.once('close', () => {
        clearTimeout(cut);
        resolve();
      });
      if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
      else socket.close(1000);
    });
  }

  /** Resolves once the hello frame has arrived. */
  private open(): Promise<void> {
    const url = `${this.ctx.settings.origin.replace(/^http/, 'ws')}/feed/ws?since=${this.cursor.last}`;
    this.ctx.tally.requests++;
    return new Promise((resolve, reject) => {
      const { origin, headers } = this.ctx.settings;
      const socket = new WebSocket(url, { handshakeTimeout: REQUEST_TIMEOUT_MS, headers: requestHeaders(headers, 'websocket', origin) });
      this.socket = socket;
      let hello = false;
      socket.on('message', (data: Buffer, isBinary) => {
        if (isBinary) return;
        const item = JSON.parse(data.toString()) as { type?: string; seq?: number; ts?: number };
        if (typeof item.seq === 'number' && typeof item.ts === 'number') {
          this.cursor.accept(item.seq, item.ts);
        } else if (item.type === 'hello') {
          hello = true;
          this.connected = true;
          resolve();
        }
      });
      let failure: string | undefined;
      socket.on('error', (err) => { failure = errorText(err); });
      socket.on('close', (code, reason) => {
        this.connected = false;
        if (this.stopped) return resolve();
        const why = failure ?? `closed ${code}${reason.length ? ` ${reason.toString()}` : ''}`;
        if (!hello) return reject(new Error(`ws: ${why}`));
        this.ctx.tally.error(`ws: ${why}`);
        this.reconnectSoon();
      });
    });
  }

  /** Resume from the last seq (`?since=`) after a drop, e.g. a 1013 for a slow consumer. */
  private reconnectSoon(): void {
    this.timer = setTimeout(() => {
      if (this.stopped) return;
      this.ctx.tally.reconnects++;
      this.open().catch((err: unknown) => {
        if (this.stopped) return;
        this.ctx.tally.error(errorText(err));
        this.reconnectSoon();
      });
    }, RECONNECT_DELAY_MS);
  }
}
