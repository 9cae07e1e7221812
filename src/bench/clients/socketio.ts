/**
 * Bench client for lane `socketio`: the real socket.io-client, over WebSocket
 * by default, or held to long polling (`--transports socketio=polling`). In Node
 * its polling goes through an XMLHttpRequest polyfill that opens a new TCP
 * connection per request unless it is given an agent: each client gets its own
 * keep-alive agent with two sockets, as a browser tab would use for the held GET
 * and the POSTs beside it. (The browser's polling-then-upgrade is shown on the
 * dashboard.) It reconnects by itself; `auth` is read again on each attempt, so
 * it resumes after the last seq it received.
 */
import { Agent } from 'node:http';
import { io, type Socket } from 'socket.io-client';
import { Cursor } from './tally.ts';
import { requestHeaders } from './headers.ts';
import { RECONNECT_DELAY_MS, REQUEST_TIMEOUT_MS, type BenchClient, type ClientContext } from './client.ts';

export class SocketioClient implements BenchClient {
  readonly cursor: Cursor;
  connected = false;
  private socket: Socket | undefined;
  /** Polling only: the client's own connections (a GET held, a POST beside it). */
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 2 });

  constructor(private readonly ctx: ClientContext) {
    this.cursor = new Cursor(ctx.settings.since, ctx.tally);
  }

  start(): Promise<void> {
    const { origin, headers, transport } = this.ctx.settings;
    const polling = transport === 'polling';
    return new Promise((resolve, reject) => {
      const socket = (this.socket = io(`${origin}/feed`, {
        auth: (cb) => cb({ since: this.cursor.last }),
        transports: [polling ? 'polling' : 'websocket'],
        // engine.io-client types `agent` as a string, but hands it to the XMLHttpRequest polyfill, which takes an http.Agent.
        ...(polling && { upgrade: false, agent: this.agent as unknown as string }),
        extraHeaders: requestHeaders(headers, polling ? 'fetch' : 'websocket', origin),
        reconnectionDelay: RECONNECT_DELAY_MS,
        timeout: REQUEST_TIMEOUT_MS,
        forceNew: true, // one engine.io connection per client, as separate users would have
      }));
      let first = true;
      socket.io.on('reconnect_attempt', () => { this.ctx.tally.reconnects++; });
      socket.on('hello', () => {
        this.ctx.tally.requests++;
        this.connected = true;
        if (first) resolve();
        first = false;
      });
      socket.on('message', (m: { seq: number; ts: number }) => this.cursor.accept(m.seq, m.ts));
      socket.on('disconnect', (reason) => {
        this.connected = false;
        if (reason !== 'io client disconnect') this.ctx.tally.error(`socketio: ${reason}`);
      });
      socket.on('connect_error', (err) => {
        if (first) {
          first = false;
          socket.disconnect();
          reject(new Error(`socketio: ${err.message}`));
        } else {
          this.ctx.tally.error(`socketio: ${err.message}`);
        }
      });
    });
  }

  async stop(): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    const engine = socket.io.engine;
    socket.disconnect();
    socket.io.engine?.close();
    if (engine && engine.readyState !== 'closed') await new Promise<void>((resolve) => engine.once('close', () => resolve()));
    this.agent.destroy();
  }
}
