/**
 * A client's HTTP connection, over HTTP/1.1 or HTTP/2: what the poll, long-poll,
 * stream and SSE clients ask of it (a short answer, or a response that stays
 * open). One per client either way, as a browser has one per origin:
 *
 *   h1  a keep-alive `node:http` Agent with one socket (RFC 9112 §9.3)
 *   h2  one `node:http2` session over TLS to the lab's https port; each request
 *       is a stream on it (RFC 9113 §5), its headers HPACK-compressed
 *
 * The lab's certificate is self-signed: an h2 client accepts it without a
 * check, which the bench allows only for a loopback origin (options refuse
 * --protocol h2 with a remote --url).
 */
import { Agent, request } from 'node:http';
import http2 from 'node:http2';
import type { Readable } from 'node:stream';
import type { ClientSettings } from '../protocol.ts';

export interface Answer {
  status: number;
  body: string;
}

export interface OpenStream {
  /** The response body, as it arrives. */
  res: Readable;
  /** Cut it (the client is done, or gave up). */
  close(): void;
}

export interface HttpConnection {
  /** GET `path` and read the whole body (poll and long-poll answers are short JSON). */
  getText(path: string, headers: Record<string, string>, timeoutMs: number, onSent?: () => void): Promise<Answer>;
  /** Open a response that stays open (stream, sse); resolves once a 200 head has arrived. */
  openStream(path: string, headers: Record<string, string>, timeoutMs: number): Promise<OpenStream>;
  /** Close the connection; resolves once its socket is closed. */
  close(): Promise<void>;
}

export function httpConnection(settings: ClientSettings): HttpConnection {
  return settings.protocol === 'h2' ? new H2Connection(settings.origin) : new H1Connection(settings.origin);
}

class H1Connection implements HttpConnection {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });

  constructor(private readonly origin: string) {}

  getText(path: string, headers: Record<string, string>, timeoutMs: number, onSent?: () => void): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = request(this.origin + path, { agent: this.agent, headers }, (res) => {
        res.setEncoding('utf8');
        let body = '';
        res.on('data', (chunk: string) => { body += chunk; });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
      req.on('error', reject);
      if (onSent) req.once('finish', onSent);
      req.end();
    });
  }

  openStream(path: string, headers: Record<string, string>, timeoutMs: number): Promise<OpenStream> {
    return new Promise((resolve, reject) => {
      const req = request(this.origin + path, { agent: this.agent, headers }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`HTTP ${res.statusCode} from ${path.split('?')[0]}`));
          return;
        }
        req.setTimeout(0);
        resolve({ res, close: () => req.destroy() });
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end();
    });
  }

  close(): Promise<void> {
    const sockets = [...Object.values(this.agent.sockets), ...Object.values(this.agent.freeSockets)].flat().filter((s) => s !== undefined);
    this.agent.destroy();
    return Promise.all(sockets.map((s) => (s.closed ? undefined : new Promise<void>((resolve) => s.once('close', () => resolve())))))
      .then(() => undefined);
  }
}

class H2Connection implements HttpConnection {
  private session: http2.ClientHttp2Session | undefined;

  constructor(private readonly origin: string) {}

  getText(path: string, headers: Record<string, string>, timeoutMs: number, onSent?: () => void): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const stream = this.stream(path, headers, timeoutMs, reject);
      let status = 0;
      let body = '';
      stream.setEncoding('utf8');
      stream.on('response', (head) => { status = Number(head[':status']); });
      stream.on('data', (chunk: string) => { body += chunk; });
      stream.on('end', () => resolve({ status, body }));
      if (onSent) stream.once('finish', onSent);
    });
  }

  openStream(path: string, headers: Record<string, string>, timeoutMs: number): Promise<OpenStream> {
    return new Promise((resolve, reject) => {
      const stream = this.stream(path, headers, timeoutMs, reject);
      stream.on('response', (head) => {
        const status = Number(head[':status']);
        if (status !== 200) {
          stream.close();
          reject(new Error(`HTTP ${status} from ${path.split('?')[0]}`));
          return;
        }
        stream.setTimeout(0);
        resolve({ res: stream, close: () => stream.close(http2.constants.NGHTTP2_CANCEL) });
      });
    });
  }

  close(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (!session || session.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      session.once('close', () => resolve());
      session.destroy();
    });
  }

  /** A request on the client's one session, opening it (again) when there is none. */
  private stream(path: string, headers: Record<string, string>, timeoutMs: number, reject: (err: Error) => void): http2.ClientHttp2Stream {
    if (!this.session || this.session.closed || this.session.destroyed) {
      // Loopback only (see above): the lab's self-signed certificate is accepted unchecked.
      const session = http2.connect(this.origin, { rejectUnauthorized: false });
      session.on('error', () => {}); // each stream reports its own failure
      this.session = session;
    }
    const stream = this.session.request({ ':path': path, ...lowerCase(headers) });
    stream.setTimeout(timeoutMs, () => stream.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    stream.on('error', reject);
    stream.end();
    return stream;
  }
}

/** HTTP/2 field names are lower case (RFC 9113 §8.2.1). */
function lowerCase(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
