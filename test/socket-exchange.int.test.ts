/**
 * Lesson 1's socket exchange (GET /api/lessons/socket-exchange): a real TCP
 * exchange on node:net, every call in order beside its C name, bytes from the
 * sockets' own counters; bad input and too many at once refused in the lab's shape.
 */
import { afterEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { resolveOptions } from '../src/config.ts';
import { LabError } from '../src/errors.ts';
import { replyTo, socketExchangeApi, type SocketExchange } from '../src/lessons/socket-exchange.ts';
import { startLab, type RunningLab } from './support/lab.ts';

let lab: RunningLab | undefined;
let bare: FastifyInstance | undefined;
afterEach(async () => {
  await lab?.close();
  await bare?.close();
  lab = bare = undefined;
});

const get = (query = '') => fetch(`${lab!.base}/api/lessons/socket-exchange${query}`);

describe('GET /api/lessons/socket-exchange', () => {
  it('runs listen, connect, accept, write, read, close in order, with the bytes the sockets counted', async () => {
    lab = await startLab();
    const res = await get(`?message=${encodeURIComponent('안녕하세요')}`);
    expect(res.status).toBe(200);
    const x = await res.json() as SocketExchange;
    const request = Buffer.byteLength('안녕하세요\n');
    const reply = Buffer.byteLength(replyTo('안녕하세요'));
    expect(request).toBe(16); // 5 Hangul syllables × 3 bytes of UTF-8, and the newline
    expect(x.client).toEqual({ bytesWritten: request, bytesRead: reply });
    expect(x.server).toEqual({ bytesWritten: reply, bytesRead: request });
    expect(x.serverSockets).toBe(2);
    expect(x.serverPort).toBeGreaterThan(0);
    expect(x.clientPort).toBeGreaterThan(0);
    expect(x.clientPort).not.toBe(x.serverPort);

    const c = (side: string, name: string) => x.calls.findIndex((call) => call.side === side && call.c.includes(name));
    // The order TCP imposes, whatever order Node reports the two sides in.
    expect(c('server', 'listen()')).toBe(0);
    expect(x.calls[0]!.c).toEqual(['socket()', 'bind()', 'listen()']);
    expect(c('client', 'connect()')).toBeLessThan(c('server', 'accept()'));
    expect(c('client', 'write()')).toBeLessThan(c('server', 'read()'));
    expect(c('server', 'read()')).toBeLessThan(c('server', 'write()'));
    expect(c('server', 'write()')).toBeLessThan(c('client', 'read()'));
    expect(c('client', 'read()')).toBeLessThan(c('client', 'shutdown(SHUT_WR)'));
    // Every read and write, summed per side, is what the socket counted.
    const sum = (side: string, name: string) => x.calls.filter((call) => call.side === side && call.c.includes(name)).reduce((n, call) => n + call.bytes!, 0);
    expect(sum('client', 'write()')).toBe(request);
    expect(sum('server', 'read()')).toBe(request);
    expect(sum('server', 'write()')).toBe(reply);
    expect(sum('client', 'read()')).toBe(reply);
    // Offsets only go forward, and the accepted socket's remote port is the client's.
    const times = x.calls.map((call) => call.atMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(x.totalMs).toBeGreaterThanOrEqual(times.at(-1)!);
    expect(x.calls[c('server', 'accept()')]!.remote).toBe(`127.0.0.1:${x.clientPort}`);
    expect(x.calls.map((call) => call.step)).toEqual(expect.arrayContaining(['listen', 'connect', 'accept', 'connected', 'write', 'read', 'end', 'eof', 'close', 'closeListener']));
    expect(x.calls.filter((call) => call.c.includes('close()'))).toHaveLength(3);
  });

  it('refuses a message that is too long, on several lines, or an unknown parameter', async () => {
    lab = await startLab({ socketDemoMaxMessageBytes: 8 });
    const tooLong = await get(`?message=${encodeURIComponent('안녕하세요')}`); // 15 bytes
    expect(tooLong.status).toBe(413);
    expect(await tooLong.json()).toMatchObject({ error: 'LAB_ERR_PAYLOAD_TOO_LARGE' });
    for (const query of ['?message=a%0Ab', '?message=', '?port=22']) {
      const res = await get(query);
      expect(res.status, query).toBe(400);
      expect(await res.json(), query).toMatchObject({ error: 'LAB_ERR_BODY_INVALID' });
    }
    expect((await get('?message=ok')).status).toBe(200);
  });

  it('refuses exchanges beyond socketDemoMaxConcurrent with 503 and Retry-After, and serves again once one ends', async () => {
    const held: (() => void)[] = [];
    let onHeld = () => {};
    const heldRun = (message: string) => new Promise<SocketExchange>((resolve) => {
      held.push(() => resolve({ message } as SocketExchange));
      onHeld();
    });
    /** Resolves once `n` exchanges are running (held). */
    const running = (n: number) => new Promise<void>((resolve) => {
      onHeld = () => { if (held.length >= n) resolve(); };
      onHeld();
    });
    bare = Fastify();
    bare.decorate('lab', { options: resolveOptions({ socketDemoMaxConcurrent: 2 }) } as never);
    bare.setErrorHandler((err, _request, reply) => {
      if (err instanceof LabError) return reply.code(err.status).send(err.toJSON());
      return reply.code(400).send({ error: 'LAB_ERR_BODY_INVALID', message: (err as Error).message });
    });
    await bare.register(socketExchangeApi, { run: heldRun });
    await bare.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}/api/lessons/socket-exchange`;
    const first = fetch(`${base}?message=one`);
    const second = fetch(`${base}?message=two`);
    await running(2);
    const third = await fetch(`${base}?message=three`);
    expect(third.status).toBe(503);
    expect(third.headers.get('retry-after')).toBe('2');
    expect(await third.json()).toMatchObject({ error: 'LAB_ERR_SOCKET_DEMO_BUSY' });
    held.shift()!();
    expect(await (await first).json()).toEqual({ message: 'one' });
    const fourth = fetch(`${base}?message=four`);
    await running(2);
    held.splice(0).forEach((release) => release());
    expect(await (await second).json()).toEqual({ message: 'two' });
    expect(await (await fourth).json()).toEqual({ message: 'four' });
  });
});
