/**
 * Bench client for a lane whose connection carries one feed message per
 * socket message (lanes `ws` and `sockjs`): what the two have in common.
 * The server first sends a hello, then each message's JSON; after a drop the
 * client waits, opens a new connection with `?since=` its last seq, and keeps
 * trying until one opens (a failed reconnect is counted and tried again), so
 * a dropped client misses nothing. They differ only in how a connection is
 * opened and closed (a `ws` WebSocket, or a sockjs-client session).
 */
import type { LaneId } from '../../lanes.ts';
import type { ClientSettings } from '../protocol.ts';
import { Cursor } from './tally.ts';
import { RECONNECT_DELAY_MS, errorText, type BenchClient, type ClientContext } from './client.ts';

/** What a connection tells its client. */
export interface SocketEvents {
  /** One socket message (a text frame, a SockJS message). */
  onText(text: string): void;
  /** The connection is gone; `why` says how (a close code, an error). */
  onClose(why: string): void;
}

/** One open connection, as the client holds it. */
export interface MessageSocket {
  /** Close it; resolves once it is closed. */
  close(): Promise<void>;
}

export interface SocketDialer {
  lane: LaneId;
  /** Open a connection that resumes after `since`. */
  open(settings: ClientSettings, since: number, events: SocketEvents): MessageSocket;
}

export class MessageSocketClient implements BenchClient {
  readonly cursor: Cursor;
  connected = false;
  private socket: MessageSocket | undefined;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: ClientContext, private readonly dialer: SocketDialer) {
    this.cursor = new Cursor(ctx.settings.since, ctx.tally);
  }

  start(): Promise<void> {
    return this.open();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.socket?.close();
  }

  /** Resolves once the hello has arrived; rejects if the connection closes before it. */
  private open(): Promise<void> {
    this.ctx.tally.requests++;
    return new Promise((resolve, reject) => {
      let hello = false;
      this.socket = this.dialer.open(this.ctx.settings, this.cursor.last, {
        onText: (text) => {
          const item = JSON.parse(text) as { type?: string; seq?: number; ts?: number };
          if (typeof item.seq === 'number' && typeof item.ts === 'number') {
            this.cursor.accept(item.seq, item.ts);
          } else if (item.type === 'hello') {
            hello = true;
            this.connected = true;
            resolve();
          }
        },
        onClose: (why) => {
          this.connected = false;
          if (this.stopped) return resolve();
          if (!hello) return reject(new Error(`${this.dialer.lane}: ${why}`));
          this.ctx.tally.error(`${this.dialer.lane}: ${why}`);
          this.reconnectSoon();
        },
      });
    });
  }

  /** Resume from the last seq after a drop (e.g. a 1013 for a slow consumer); a failed attempt tries again. */
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
