/**
 * The handshake playground: a student edits a raw HTTP request, the lab sends it
 * over a real TCP socket to its own WebSocket endpoint and shows the raw answer,
 * so a missing `Sec-WebSocket-Key`, `Sec-WebSocket-Version: 8` or a foreign
 * `Origin` gets the real 400 / 426 / 403.
 *
 * It is no proxy: it connects only to this lab's own port on loopback, and only
 * sends `GET <one of the lab's WebSocket paths> HTTP/1.1`, bounded in size and time.
 */
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { LabError } from '../errors.ts';

export const PLAYGROUND_PATHS = ['/feed/ws', '/chat/ws', '/stomp'] as const;

export interface PlaygroundResult {
  sent: string;
  /** The answer as text (latin1, byte for byte), and the same bytes in base64 for frames. */
  received: string;
  receivedBase64: string;
  status: number | null;
  headBytes: number;
  durationMs: number;
  closedBy: 'server' | 'lab';
}

/** Local ports of the playground's own sockets, so its traffic counts under `api`, not as lane traffic. */
const playgroundPorts = new Set<number>();

export function isPlaygroundSocket(socket: Socket): boolean {
  return socket.remotePort !== undefined && playgroundPorts.has(socket.remotePort) && socket.remoteAddress?.endsWith('127.0.0.1') === true;
}

/** Textarea line ends become CRLF; the request ends with exactly one blank line. */
export function normaliseRequest(text: string): string {
  return text.replace(/\r?\n/g, '\r\n').replace(/(\r\n)*$/, '') + '\r\n\r\n';
}

export function checkTarget(raw: string): void {
  // One request per run: bytes after the first blank line would be a second
  // request on the same connection (HTTP/1.1 pipelining, RFC 9112 §9.3),
  // sent to a path the playground never checked.
  if (raw.indexOf('\r\n\r\n') !== raw.length - 4) {
    throw new LabError('LAB_ERR_PLAYGROUND_TARGET', 'one request per run: remove what follows the blank line that ends the request head');
  }
  const line = /^GET (\S+) HTTP\/1\.1\r\n/.exec(raw);
  const path = line?.[1]?.split('?')[0];
  if (!path || !(PLAYGROUND_PATHS as readonly string[]).includes(path)) {
    throw new LabError('LAB_ERR_PLAYGROUND_TARGET', `the request line must be GET ${PLAYGROUND_PATHS.join(' | ')} HTTP/1.1`);
  }
}

export async function playgroundApi(app: FastifyInstance): Promise<void> {
  const { options } = app.lab;

  app.post<{ Body: { request: string } }>('/api/playground/handshake', {
    config: { traffic: 'api' },
    bodyLimit: options.playgroundMaxRequestBytes * 2 + 256,
    schema: {
      body: {
        type: 'object', required: ['request'], additionalProperties: false,
        properties: { request: { type: 'string', minLength: 1 } },
      },
    },
  }, async (request) => {
    const raw = normaliseRequest(request.body.request);
    if (Buffer.byteLength(raw, 'latin1') > options.playgroundMaxRequestBytes) {
      throw new LabError('LAB_ERR_PAYLOAD_TOO_LARGE', `the request may be at most ${options.playgroundMaxRequestBytes} bytes`);
    }
    checkTarget(raw);
    const port = (app.server.address() as AddressInfo).port;
    return exchange(port, raw, options.playgroundMaxResponseBytes, options.playgroundWaitMs);
  });
}

function exchange(port: number, raw: string, maxBytes: number, waitMs: number): Promise<PlaygroundResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect({ port, host: '127.0.0.1' });
    let received = Buffer.alloc(0);
    let closedBy: PlaygroundResult['closedBy'] = 'server';
    const finish = () => {
      clearTimeout(timer);
      if (socket.localPort) playgroundPorts.delete(socket.localPort);
      const headEnd = received.indexOf('\r\n\r\n');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(received.toString('latin1', 0, 20))?.[1];
      resolve({
        sent: raw,
        received: received.toString('latin1'),
        receivedBase64: received.toString('base64'),
        status: status ? Number(status) : null,
        headBytes: headEnd === -1 ? 0 : headEnd + 4,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        closedBy,
      });
    };
    // After 101 the connection stays open: the lab hangs up once the first frames had time to arrive.
    const timer = setTimeout(() => {
      closedBy = 'lab';
      socket.destroy();
    }, waitMs);
    socket.once('connect', () => {
      playgroundPorts.add(socket.localPort!);
      socket.write(raw, 'latin1');
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]).subarray(0, maxBytes);
      if (received.length >= maxBytes) {
        closedBy = 'lab';
        socket.destroy();
      }
    });
    socket.on('error', () => {});
    socket.once('close', finish);
  });
}
