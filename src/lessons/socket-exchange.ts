/**
 * Lesson 1's socket API, live: the lab makes one small TCP exchange on
 * `node:net` and reports every call as it happened, beside the BSD socket
 * call underneath it (the seed notes' socket/bind/listen/accept/connect/
 * read/write/close).
 *
 *   GET /api/lessons/socket-exchange?message=안녕하세요
 *
 *   server: net.createServer().listen(0, '127.0.0.1')   socket() bind() listen()
 *   client: net.connect(port)                          socket() connect()
 *   client: 'connect'                                  connect() returns
 *   server: 'connection'                               accept()  → a new socket
 *   client: socket.write('안녕하세요\n')                 write()   16 bytes
 *   server: 'data'                                     read()    16 bytes
 *   server: socket.write('echo: 안녕하세요\n')           write()
 *   client: 'data'                                     read()
 *   client: socket.end()                               shutdown(SHUT_WR): FIN
 *   server: 'end'                                      read() returns 0
 *   …       'close'                                    close()
 *
 * The exchange is on its own ephemeral loopback port, not on the lab's, so no
 * lane or meter sees it. It only reads (nothing in the lab changes), so it is a
 * GET; each call runs one exchange, bounded in size (socketDemoMaxMessageBytes),
 * time (socketDemoWaitMs) and number at once (socketDemoMaxConcurrent).
 * Byte figures are the sockets' own counters (`bytesWritten`, `bytesRead`).
 */
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { LabError } from '../errors.ts';

export type SocketSide = 'client' | 'server';

/** What happened, by a stable name the page words in its own language. */
export type SocketStep = 'listen' | 'connect' | 'accept' | 'connected' | 'write' | 'read' | 'end' | 'eof' | 'close' | 'closeListener';

export interface SocketCall {
  /** Milliseconds since the exchange began (the server's listen()), µs resolution. */
  atMs: number;
  side: SocketSide;
  step: SocketStep;
  /** What the Node program called, or the event Node raised. */
  node: string;
  /** The C socket calls underneath (man 2 socket, bind, listen, accept, connect, read, write, shutdown, close). */
  c: string[];
  /** Bytes the call moved (write, read), counted by the socket. */
  bytes?: number;
  /** The text written or read (UTF-8). */
  data?: string;
  /** The socket's own address and its peer's, `ip:port`, where the step has them. */
  local?: string;
  remote?: string;
}

export interface SocketExchange {
  message: string;
  calls: SocketCall[];
  /** The listening socket's port and the port the client's socket was given (the accepted socket's remote port). */
  serverPort: number;
  clientPort: number;
  /** Totals from the sockets' own counters after both closed. */
  client: { bytesWritten: number; bytesRead: number };
  server: { bytesWritten: number; bytesRead: number };
  /** Sockets the server side had open at its busiest: the listening one and the accepted one. */
  serverSockets: number;
  totalMs: number;
}

/** What the server writes back for a line it read. */
export function replyTo(line: string): string {
  return `echo: ${line}\n`;
}

/** One line of text without control characters (the newline is the request's end). */
const MESSAGE = /^[^\u0000-\u001f\u007f]*$/u;

export interface SocketExchangeApiOptions {
  /** The exchange itself (a test may hold it, to see the concurrency cap at work). */
  run?: typeof runSocketExchange;
}

export async function socketExchangeApi(app: FastifyInstance, opts: SocketExchangeApiOptions = {}): Promise<void> {
  const { options } = app.lab;
  const run = opts.run ?? runSocketExchange;
  let running = 0;

  app.get<{ Querystring: { message?: string } }>('/api/lessons/socket-exchange', {
    config: { traffic: 'api' },
    schema: {
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { message: { type: 'string', minLength: 1 } },
      },
    },
  }, async (request, reply) => {
    const message = request.query.message ?? 'hello';
    if (!MESSAGE.test(message)) throw new LabError('LAB_ERR_BODY_INVALID', '`message` must be one line of text, without control characters');
    if (Buffer.byteLength(message) > options.socketDemoMaxMessageBytes) {
      throw new LabError('LAB_ERR_PAYLOAD_TOO_LARGE', `\`message\` may be at most ${options.socketDemoMaxMessageBytes} bytes of UTF-8`);
    }
    if (running >= options.socketDemoMaxConcurrent) {
      reply.header('retry-after', String(options.retryAfterSeconds));
      throw new LabError('LAB_ERR_SOCKET_DEMO_BUSY');
    }
    running++;
    try {
      return await run(message, options.socketDemoWaitMs);
    } finally {
      running--;
    }
  });
}

/**
 * One exchange, start to finish. Resolves once the client's, the accepted and
 * the listening socket are all closed; rejects (and destroys them) if that
 * takes longer than `waitMs`.
 */
export function runSocketExchange(message: string, waitMs: number): Promise<SocketExchange> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const calls: SocketCall[] = [];
    const at = () => Math.round((performance.now() - started) * 1000) / 1000;
    const log = (side: SocketSide, step: SocketStep, node: string, c: string[], more: Partial<SocketCall> = {}) => {
      calls.push({ atMs: at(), side, step, node, c, ...more });
    };
    const ends = (socket: Socket) => ({ local: `${socket.localAddress}:${socket.localPort}`, remote: `${socket.remoteAddress}:${socket.remotePort}` });
    const request = `${message}\n`;
    let accepted: Socket | undefined;
    let client: Socket | undefined;
    let serverPort = 0;
    let serverSockets = 1;
    let open = 3; // the listening, the client's and the accepted socket
    let failed = false;

    const server: Server = createServer();
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      clearTimeout(timer);
      client?.destroy();
      accepted?.destroy();
      server.close();
      reject(new LabError('LAB_ERR_INTERNAL', `the socket exchange failed: ${err.message}`));
    };
    const timer = setTimeout(() => fail(new Error(`not finished after ${waitMs} ms`)), waitMs);
    const closed = () => {
      if (--open > 0 || failed) return;
      clearTimeout(timer);
      resolve({
        message,
        calls,
        serverPort,
        clientPort: accepted?.remotePort ?? 0,
        client: { bytesWritten: client!.bytesWritten, bytesRead: client!.bytesRead },
        server: { bytesWritten: accepted!.bytesWritten, bytesRead: accepted!.bytesRead },
        serverSockets,
        totalMs: at(),
      });
    };

    server.on('error', fail);
    server.on('connection', (socket) => {
      accepted = socket;
      serverSockets++;
      // accept() returns a new socket for this one client; the listening socket keeps listening.
      log('server', 'accept', "server.on('connection', socket)", ['accept()'], ends(socket));
      let line = '';
      socket.on('data', (chunk: Buffer) => {
        log('server', 'read', "socket.on('data', chunk)", ['read()'], { bytes: chunk.length, data: chunk.toString('utf8') });
        line += chunk.toString('utf8');
        const end = line.indexOf('\n');
        if (end === -1) return;
        const answer = replyTo(line.slice(0, end));
        socket.write(answer);
        log('server', 'write', `socket.write(${JSON.stringify(answer)})`, ['write()'], { bytes: Buffer.byteLength(answer), data: answer });
      });
      socket.on('end', () => {
        // The client's FIN: read() returned 0. The server has said everything, so it ends its side too.
        log('server', 'eof', "socket.on('end')", ['read() → 0']);
        socket.end();
        log('server', 'end', 'socket.end()', ['shutdown(SHUT_WR)']);
      });
      socket.on('error', fail);
      socket.on('close', () => {
        log('server', 'close', "socket.on('close')", ['close()']);
        // The listening socket is closed last: it served its one client.
        server.close();
        log('server', 'closeListener', 'server.close()', ['close()'], { local: `127.0.0.1:${serverPort}` });
        closed();
      });
    });
    server.on('close', closed);

    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      serverPort = (server.address() as AddressInfo).port;
      // Port 0: the system picks a free port at bind().
      log('server', 'listen', "net.createServer().listen(0, '127.0.0.1')", ['socket()', 'bind()', 'listen()'], { local: `127.0.0.1:${serverPort}` });
      client = connect({ port: serverPort, host: '127.0.0.1' });
      log('client', 'connect', `net.connect(${serverPort}, '127.0.0.1')`, ['socket()', 'connect()'], { remote: `127.0.0.1:${serverPort}` });
      client.on('error', fail);
      client.on('connect', () => {
        // The TCP handshake is done (RFC 9293 §3.5): connect() returns.
        log('client', 'connected', "socket.on('connect')", ['connect()'], ends(client!));
        client!.write(request);
        log('client', 'write', `socket.write(${JSON.stringify(request)})`, ['write()'], { bytes: Buffer.byteLength(request), data: request });
      });
      client.on('data', (chunk: Buffer) => {
        log('client', 'read', "socket.on('data', chunk)", ['read()'], { bytes: chunk.length, data: chunk.toString('utf8') });
        if (chunk.includes(0x0a)) {
          client!.end();
          log('client', 'end', 'socket.end()', ['shutdown(SHUT_WR)']);
        }
      });
      client.on('end', () => log('client', 'eof', "socket.on('end')", ['read() → 0']));
      client.on('close', () => {
        log('client', 'close', "socket.on('close')", ['close()']);
        closed();
      });
    });
  });
}
