/**
 * An HTTP/2 client over TLS that counts, on its own side, every plaintext byte
 * and frame it sends and receives, per stream: the reference the lab's h2
 * counters are checked against. TLS is opened by hand on a raw TCP socket
 * (so the encrypted bytes are counted too) and the decrypted side is tapped
 * before it reaches `http2.connect` (through `createConnection`).
 */
import http2 from 'node:http2';
import net from 'node:net';
import tls from 'node:tls';
import { once } from 'node:events';
import { Duplex } from 'node:stream';
import { FRAME_HEADER_BYTES, FRAME_TYPES, FrameReader, CLIENT_PREFACE, type Frame } from '../../src/h2/frames.ts';

export interface StreamCount {
  sent: number;
  received: number;
  headSent: number;
  headReceived: number;
  /** HEADERS frames the client sent on this stream, each with its size. */
  headersFramesSent: number[];
}

export class CountingH2Client {
  readonly streams = new Map<number, StreamCount>();
  /** Preface and stream-0 frames. */
  connection = { sent: 0, received: 0 };
  plaintext = { sent: 0, received: 0 };
  readonly session: http2.ClientHttp2Session;
  readonly tcp: net.Socket;

  private constructor(tcp: net.Socket, tlsSocket: tls.TLSSocket, url: string) {
    this.tcp = tcp;
    const sent = new FrameReader((f) => this.count(f, 'sent'), {
      expectPreface: true,
      onPreface: () => { this.connection.sent += CLIENT_PREFACE.length; },
    });
    const received = new FrameReader((f) => this.count(f, 'received'));
    const tap = new ClientTap(tlsSocket, (chunk) => {
      this.plaintext.sent += chunk.length;
      sent.write(chunk);
    }, (chunk) => {
      this.plaintext.received += chunk.length;
      received.write(chunk);
    });
    this.session = http2.connect(url, { createConnection: () => tap });
  }

  static async open(port: number): Promise<CountingH2Client> {
    const tcp = net.connect(port, '127.0.0.1');
    await once(tcp, 'connect');
    // The lab's certificate is self-signed: accepted here, for loopback only.
    const tlsSocket = tls.connect({ socket: tcp, servername: 'localhost', ALPNProtocols: ['h2'], rejectUnauthorized: false });
    await once(tlsSocket, 'secureConnect');
    if (tlsSocket.alpnProtocol !== 'h2') throw new Error(`ALPN gave ${String(tlsSocket.alpnProtocol)}`);
    return new CountingH2Client(tcp, tlsSocket, `https://localhost:${port}`);
  }

  /** GET `path`; resolves with the status and the whole body once the stream ends. */
  get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; streamId: number }> {
    const req = this.session.request({ ':path': path, ...headers });
    return new Promise((resolve, reject) => {
      let status = 0;
      let body = '';
      req.setEncoding('utf8');
      req.on('response', (headers) => { status = Number(headers[':status']); });
      req.on('data', (d: string) => { body += d; });
      req.on('end', () => resolve({ status, body, streamId: req.id! }));
      req.on('error', reject);
      req.end();
    });
  }

  /** Open a long response and read it until `done(body)` says so, then cancel it (RST_STREAM). */
  read(path: string, done: (body: string) => boolean): Promise<{ status: number; body: string; streamId: number }> {
    const req = this.session.request({ ':path': path });
    return new Promise((resolve, reject) => {
      let status = 0;
      let body = '';
      req.setEncoding('utf8');
      req.on('response', (headers) => { status = Number(headers[':status']); });
      req.on('data', (d: string) => {
        body += d;
        if (done(body)) {
          req.close(http2.constants.NGHTTP2_CANCEL);
          resolve({ status, body, streamId: req.id! });
        }
      });
      req.on('error', reject);
      req.end();
    });
  }

  /** Close the session and wait until the TCP socket is closed. */
  async close(): Promise<void> {
    const closed = once(this.tcp, 'close');
    this.session.close();
    await closed;
  }

  /** The sum of the given streams' counts. */
  total(ids: readonly number[]): StreamCount {
    const out: StreamCount = { sent: 0, received: 0, headSent: 0, headReceived: 0, headersFramesSent: [] };
    for (const id of ids) {
      const s = this.streams.get(id);
      if (!s) continue;
      out.sent += s.sent;
      out.received += s.received;
      out.headSent += s.headSent;
      out.headReceived += s.headReceived;
      out.headersFramesSent.push(...s.headersFramesSent);
    }
    return out;
  }

  private count(f: Frame, dir: 'sent' | 'received'): void {
    const bytes = FRAME_HEADER_BYTES + f.length;
    if (f.streamId === 0) {
      this.connection[dir] += bytes;
      return;
    }
    let s = this.streams.get(f.streamId);
    if (!s) this.streams.set(f.streamId, (s = { sent: 0, received: 0, headSent: 0, headReceived: 0, headersFramesSent: [] }));
    s[dir] += bytes;
    if (f.type === FRAME_TYPES.HEADERS || f.type === FRAME_TYPES.CONTINUATION) {
      if (dir === 'sent') s.headSent += bytes;
      else s.headReceived += bytes;
      if (dir === 'sent' && f.type === FRAME_TYPES.HEADERS) s.headersFramesSent.push(bytes);
    }
  }
}

class ClientTap extends Duplex {
  constructor(private readonly inner: tls.TLSSocket, private readonly onSent: (b: Buffer) => void, onReceived: (b: Buffer) => void) {
    super();
    inner.on('data', (chunk: Buffer) => {
      onReceived(chunk);
      if (!this.push(chunk)) inner.pause();
    });
    inner.on('end', () => this.push(null));
    inner.on('close', () => this.destroy());
    inner.on('error', (err) => this.destroy(err));
  }

  override _read(): void {
    this.inner.resume();
  }

  override _write(chunk: Buffer, _e: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.onSent(chunk);
    this.inner.write(chunk, cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.inner.end(cb);
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.inner.destroy();
    cb(err);
  }
}
