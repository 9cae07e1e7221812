/** Start a real lab on a free port for a test, and small real clients to talk to it. */
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { buildLab, type BuildOptions } from '../../src/app.ts';
import type { FastifyInstance } from 'fastify';

export interface RunningLab {
  app: FastifyInstance;
  port: number;
  base: string;
  close(): Promise<void>;
}

export async function startLab(options: BuildOptions = {}): Promise<RunningLab> {
  const app = await buildLab({ feedRate: 0, serveWeb: false, ...options });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { app, port: address.port, base: `http://127.0.0.1:${address.port}`, close: () => app.close() };
}

/** Resolves when the server side of the next accepted connection has closed. */
export function nextServerSocketClosed(app: FastifyInstance): Promise<void> {
  return new Promise((resolve) => {
    app.server.once('connection', (socket: Socket) => socket.once('close', () => resolve()));
  });
}

/**
 * A raw TCP client that records every byte it sends and receives, so a test
 * can compare the lab's counters with what really crossed the socket.
 */
export class RawClient {
  readonly socket: Socket;
  sent = Buffer.alloc(0);
  received = Buffer.alloc(0);
  private waiters: { test: (b: Buffer) => boolean; resolve: () => void }[] = [];
  readonly closed: Promise<void>;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.waiters = this.waiters.filter((w) => (w.test(this.received) ? (w.resolve(), false) : true));
    });
    this.closed = once(socket, 'close').then(() => undefined);
  }

  static async open(port: number): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    return new RawClient(socket);
  }

  write(bytes: string | Uint8Array): void {
    const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes);
    this.sent = Buffer.concat([this.sent, buf]);
    this.socket.write(buf);
  }

  /** Wait until the bytes received so far satisfy `test`. */
  until(test: (received: Buffer) => boolean): Promise<void> {
    if (test(this.received)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  untilText(text: string, times = 1): Promise<void> {
    return this.until((b) => b.toString('latin1').split(text).length - 1 >= times);
  }
}

/** Where the response head ends (just after the blank line), or -1. */
export function headEnd(bytes: Buffer, from = 0): number {
  const i = bytes.indexOf('\r\n\r\n', from, 'latin1');
  return i === -1 ? -1 : i + 4;
}

/** Decode an HTTP/1.1 chunked body: the data and how many bytes were chunk framing. */
export function dechunk(body: Buffer): { data: Buffer; framing: number } {
  const parts: Buffer[] = [];
  let framing = 0;
  let at = 0;
  while (at < body.length) {
    const lineEnd = body.indexOf('\r\n', at, 'latin1');
    if (lineEnd === -1) break;
    const size = parseInt(body.toString('latin1', at, lineEnd), 16);
    framing += lineEnd + 2 - at;
    at = lineEnd + 2;
    if (size === 0) {
      framing += 2; // the final CRLF after the last chunk
      at += 2;
      break;
    }
    parts.push(body.subarray(at, at + size));
    at += size + 2;
    framing += 2;
  }
  return { data: Buffer.concat(parts), framing };
}
