/**
 * The HTTPS listener: the same lab over TLS, speaking HTTP/2 only.
 *
 *   TCP socket ─ tls.TLSSocket (ALPN: h2) ─ PlaintextTap ─ http2 session ─ app.routing(req, res)
 *
 * TLS is terminated here rather than by `http2.createSecureServer`, so the
 * decrypted bytes can be read on their way to and from the http2 session (the
 * tap), and the frames counted exactly (./accounting.ts). Requests go into the
 * same Fastify router as HTTP/1.1 through Node's compatibility objects
 * (Http2ServerRequest / Http2ServerResponse): one set of routes, one feed, the
 * same lanes. A lane that writes its response with `reply.raw.write` works
 * unchanged: each write becomes a DATA frame instead of an HTTP/1.1 chunk.
 *
 * Only `h2` is offered by ALPN (RFC 7301), so every byte on this port is
 * HTTP/2 and its counters mean one thing. A client that offers only http/1.1
 * (a browser opening `wss://`, which needs HTTP/1.1 unless the server supports
 * RFC 8441) is refused in the handshake: WebSockets stay on the http port.
 */
import { Duplex } from 'node:stream';
import http2 from 'node:http2';
import tls from 'node:tls';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { H2Accounting, ConnectionTap } from './accounting.ts';
import type { TlsMaterial } from './cert.ts';
import { FRAME_TYPES, FrameReader } from './frames.ts';

export interface HttpsListener {
  port: number;
  url: string;
  close(): Promise<void>;
}

export interface HttpsOptions {
  port: number;
  host: string;
  tls: TlsMaterial;
  accounting: H2Accounting | undefined;
  maxConcurrentStreams: number;
  /** Time given to open sessions to finish after GOAWAY at close. */
  graceMs: number;
}

export async function listenHttps(app: FastifyInstance, options: HttpsOptions): Promise<HttpsListener> {
  const h2 = http2.createServer({
    // RFC 9113 §6.5.2: how many streams a client may have open at once on one connection.
    settings: { maxConcurrentStreams: options.maxConcurrentStreams },
  });
  const route = app.routing as unknown as (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void;
  h2.on('request', (req, res) => route(req, res));
  const sessions = new Set<http2.ServerHttp2Session>();
  const sockets = new Set<Socket>();
  let created: http2.ServerHttp2Session | undefined;
  h2.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
    created = session;
  });

  const server = tls.createServer({ key: options.tls.key, cert: options.tls.cert, ALPNProtocols: ['h2'] });
  server.on('connection', (tcp: Socket) => {
    sockets.add(tcp);
    tcp.once('close', () => sockets.delete(tcp));
  });
  server.on('secureConnection', (socket: tls.TLSSocket) => {
    // A client that named no protocol gets none; one that offered only others was refused by the handshake.
    if (socket.alpnProtocol !== 'h2') return socket.destroy();
    const tcp = (socket as unknown as { _parent?: Socket })._parent ?? socket;
    const tap = options.accounting?.watch(tcp);
    tap?.handshakeDone();
    const duplex = new PlaintextTap(socket, tap);
    if (tap) socket.once('close', () => tap.closed());
    created = undefined;
    h2.emit('connection', duplex); // creates the session synchronously ('session' above)
    const session = created as http2.ServerHttp2Session | undefined;
    if (!session) return socket.destroy();
    tap?.session(session);
    // The session's socket is a JS stream with no address of its own; give it the TCP peer's,
    // so per-address rules (publish limits) see the real client (session.socket writes through).
    (session.socket as unknown as { _peername: object })._peername = { address: tcp.remoteAddress, port: tcp.remotePort, family: tcp.remoteFamily };
    session.once('close', () => socket.destroy());
    session.on('error', () => {}); // a protocol error is reported to the client by GOAWAY
  });
  server.on('tlsClientError', () => {
    // A browser that does not trust the certificate yet aborts the handshake: nothing to do.
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  if (options.accounting) options.accounting.port = port;
  const host = options.host === '127.0.0.1' || options.host === '0.0.0.0' ? 'localhost' : options.host;
  return {
    port,
    url: `https://${host}:${port}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // GOAWAY (RFC 9113 §6.8), then cut what has not finished within the grace period.
      for (const session of sessions) session.close();
      const timer = setTimeout(() => sockets.forEach((s) => s.destroy()), options.graceMs);
      await closed;
      clearTimeout(timer);
    },
  };
}

/**
 * The decrypted side of a TLS connection, passed to the http2 session with both
 * directions copied to the accounting first. Backpressure goes through: when the
 * session stops reading, the TLS socket is paused.
 *
 * It also watches for a GOAWAY carrying an error code: RFC 9113 §5.4.1 says the
 * connection must then be closed, and a session that reaches its socket through
 * a JS stream only sends the frame, so the TLS connection is ended here.
 */
class PlaintextTap extends Duplex {
  private fatal = false;
  private readonly outFrames = new FrameReader((f) => {
    if (f.type === FRAME_TYPES.GOAWAY && f.payload && f.payload.length >= 8 && f.payload.readUInt32BE(4) !== 0) this.fatal = true;
  }, { keepPayloadOf: new Set([FRAME_TYPES.GOAWAY]) });

  constructor(private readonly inner: tls.TLSSocket, private readonly tap: ConnectionTap | undefined) {
    super();
    inner.on('data', (chunk: Buffer) => {
      tap?.in(chunk);
      if (!this.push(chunk)) inner.pause();
    });
    inner.on('end', () => this.push(null));
    inner.on('error', (err) => this.destroy(err));
    inner.on('close', () => this.destroy());
  }

  override _read(): void {
    this.inner.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    this.tap?.out(chunk);
    this.outFrames.write(chunk);
    this.inner.write(chunk, callback);
    if (this.fatal) this.inner.end(() => this.inner.destroy());
  }

  override _final(callback: (err?: Error | null) => void): void {
    this.inner.end(callback);
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.inner.destroy();
    callback(err);
  }
}
