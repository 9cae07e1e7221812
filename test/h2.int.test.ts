/**
 * HTTP/2 beside HTTP/1.1: the same lanes over TLS + h2, counted to the byte.
 * Every figure the lab reports under `h2` is checked against the client's own
 * count of the plaintext frames it sent and received.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import tls from 'node:tls';
import net from 'node:net';
import { once } from 'node:events';
import { buildLab, openHttps } from '../src/app.ts';
import { makeSelfSigned, type TlsMaterial } from '../src/h2/cert.ts';
import type { LaneId } from '../src/lanes.ts';
import { startLab, type RunningLab } from './support/lab.ts';
import { CountingH2Client } from './support/h2-client.ts';

let material: TlsMaterial;
beforeAll(async () => {
  const { cert, key } = await makeSelfSigned();
  material = { cert, key, selfSigned: true, source: 'test', fingerprint256: '' };
});

let lab: RunningLab | undefined;
let httpsPort = 0;
async function start(): Promise<RunningLab> {
  lab = await startLab();
  httpsPort = (await openHttps(lab.app, 0, material)).port;
  return lab;
}
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

const payloadOf = (running: RunningLab, seqs: number[]) =>
  running.app.lab.feed.readSince(0).messages.filter((m) => seqs.includes(m.seq)).reduce((n, m) => n + m.bytes, 0);
const seqsIn = (text: string) => [...text.matchAll(/"seq":(\d+)/g)].map((m) => Number(m[1]));

/**
 * What each HTTP lane's client does over h2: returns the streams it used and the seqs it received.
 * Not ws (an HTTP/1.1 upgrade), nor the library lanes, whose clients pick their own transports.
 */
const runs: Record<Exclude<LaneId, 'ws' | 'socketio' | 'sockjs'>, (c: CountingH2Client, running: RunningLab) => Promise<{ streams: number[]; seqs: number[] }>> = {
  async poll(c, running) {
    running.app.lab.feed.publish('a');
    const first = await c.get('/feed/poll?since=0');
    running.app.lab.feed.publish('b');
    const second = await c.get('/feed/poll?since=1');
    const third = await c.get('/feed/poll?since=2');
    return { streams: [first.streamId, second.streamId, third.streamId], seqs: [...seqsIn(first.body), ...seqsIn(second.body), ...seqsIn(third.body)] };
  },
  async longpoll(c, running) {
    const held = c.get('/feed/longpoll?since=0&wait=10000');
    await waitForHeld(running, 'longpoll');
    running.app.lab.feed.publish('a');
    const answer = await held;
    return { streams: [answer.streamId], seqs: seqsIn(answer.body) };
  },
  async stream(c, running) {
    const reading = c.read('/feed/stream?since=0', (body) => body.includes('"seq":3'));
    await waitForHeld(running, 'stream');
    for (const d of ['a', 'b', 'c']) running.app.lab.feed.publish(d);
    const got = await reading;
    return { streams: [got.streamId], seqs: seqsIn(got.body) };
  },
  async sse(c, running) {
    const reading = c.read('/feed/sse?since=0', (body) => body.includes('"seq":2'));
    await waitForHeld(running, 'sse');
    for (const d of ['a', 'b']) running.app.lab.feed.publish(d);
    const got = await reading;
    return { streams: [got.streamId], seqs: seqsIn(got.body) };
  },
};

/** Resolves once the lane holds a request (its handler has run). */
async function waitForHeld(running: RunningLab, lane: LaneId): Promise<void> {
  while (running.app.lab.held.count(lane) === 0) await new Promise((r) => setImmediate(r));
}

describe('HTTP/2 over TLS on the HTTPS port', () => {
  it.each(Object.keys(runs) as (keyof typeof runs)[])('%s: the lab\'s h2 counters equal the client\'s own frame counts', async (lane) => {
    const running = await start();
    const client = await CountingH2Client.open(httpsPort);
    const { streams, seqs } = await runs[lane](client, running);
    expect(seqs.length, 'messages received').toBeGreaterThan(0);
    await client.close();
    await running.app.lab.h2.whenIdle();

    const h2 = running.app.lab.h2.snapshot();
    const got = h2.lanes[lane];
    const mine = client.total(streams);
    expect({
      requests: got.requests, connections: got.connections,
      requestHeadBytes: got.requestHeadBytes, responseHeadBytes: got.responseHeadBytes,
      bytesIn: got.bytesIn, bytesOut: got.bytesOut, messages: got.messages, payloadBytes: got.payloadBytes,
    }).toEqual({
      requests: streams.length, connections: 1,
      requestHeadBytes: mine.headSent, responseHeadBytes: mine.headReceived,
      bytesIn: mine.sent, bytesOut: mine.received, messages: seqs.length, payloadBytes: payloadOf(running, seqs),
    });
    expect(got.headerBytes + got.payloadBytes + got.framingBytes).toBe(got.bytesIn + got.bytesOut);
    // Nothing of it leaked into the HTTP/1.1 figures.
    expect(running.app.lab.meter.snapshot()[lane].requests).toBe(0);
    // The connection's own frames (preface, SETTINGS, PING, WINDOW_UPDATE on stream 0, GOAWAY).
    expect([h2.connection.bytesIn, h2.connection.bytesOut]).toEqual([client.connection.sent, client.connection.received]);
    // Every plaintext byte is in exactly one bucket.
    const buckets = [...Object.values(h2.lanes), ...Object.values(h2.other)];
    expect(buckets.reduce((n, c) => n + c.bytesIn, 0) + h2.connection.bytesIn).toBe(client.plaintext.sent);
    expect(buckets.reduce((n, c) => n + c.bytesOut, 0) + h2.connection.bytesOut).toBe(client.plaintext.received);
    // TLS: the encrypted bytes on the TCP socket, and what encryption added.
    expect([h2.tls.bytesIn, h2.tls.bytesOut]).toEqual([client.tcp.bytesWritten, client.tcp.bytesRead]);
    expect(h2.tls.overheadBytes).toBe(client.tcp.bytesWritten + client.tcp.bytesRead - client.plaintext.sent - client.plaintext.received);
    expect(h2.tls.handshakeBytes).toBeGreaterThan(0);
    expect(h2.tls.handshakeBytes).toBeLessThan(h2.tls.overheadBytes);
  });

  it('HPACK: the second identical poll\'s HEADERS frame is much smaller than the first', async () => {
    const running = await start();
    const client = await CountingH2Client.open(httpsPort);
    const first = await client.get('/feed/poll?since=0');
    const second = await client.get('/feed/poll?since=0');
    const [firstSize] = client.streams.get(first.streamId)!.headersFramesSent;
    const [secondSize] = client.streams.get(second.streamId)!.headersFramesSent;
    expect(secondSize! * 1.3).toBeLessThan(firstSize!);
    // The wire view shows the same two blocks, decoded: the authority went from a literal into the table.
    const ex = running.app.lab.h2.exchange('poll')!;
    expect([ex.first!.frameBytes, ex.last!.frameBytes]).toEqual([firstSize, secondSize]);
    expect(ex.last!.streamId).toBe(second.streamId);
    const authority = (view: typeof ex.first) => view!.block!.fields.find((f) => f.name === ':authority')!;
    expect(authority(ex.first)).toMatchObject({ kind: 'literal-indexed' });
    expect(authority(ex.last)).toMatchObject({ kind: 'indexed', table: 'dynamic', bytes: 1 });
    await client.close();
  });

  it('GET /api/stats carries the h2 figures beside the HTTP/1.1 lanes', async () => {
    const running = await start();
    const client = await CountingH2Client.open(httpsPort);
    await client.get('/feed/poll?since=0');
    const stats = JSON.parse((await client.get('/api/stats')).body);
    expect(stats.h2.port).toBe(httpsPort);
    expect(stats.h2.lanes.poll.requests).toBe(1);
    expect(stats.h2.other.api.requests).toBe(1);
    expect(stats.h2.connection).toMatchObject({ open: 1, maxConcurrentStreams: running.app.lab.options.h2MaxConcurrentStreams });
    expect(stats.lanes.poll.requests).toBe(0);
    await client.close();
  });

  it('regression: an h2 request had no client address (per-address limits saw every h2 client as "unknown")', async () => {
    const app = await buildLab({ feedRate: 0, serveWeb: false });
    app.get('/who', async (request) => ({ address: request.raw.socket.remoteAddress, port: request.raw.socket.remotePort }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    lab = { app, port: 0, base: '', close: () => app.close() };
    const { port } = await openHttps(app, 0, material);
    const client = await CountingH2Client.open(port);
    const who = JSON.parse((await client.get('/who')).body);
    expect(who).toEqual({ address: '127.0.0.1', port: client.tcp.localPort });
    await client.close();
  });

  it('a request header block past h2MaxHeaderBlockBytes is counted but not kept for the wire view', async () => {
    lab = await startLab({ h2MaxHeaderBlockBytes: 200 });
    const { port } = await openHttps(lab.app, 0, material);
    const client = await CountingH2Client.open(port);
    const big = await client.get('/feed/poll?since=0', { 'x-note': 'n'.repeat(400) });
    expect(big.status).toBe(200);
    await client.get('/feed/poll?since=0');
    await client.close();
    await lab.app.lab.h2.whenIdle();
    const mine = client.total([...client.streams.keys()].filter((id) => id % 2 === 1));
    expect(lab.app.lab.h2.snapshot().lanes.poll.requestHeadBytes).toBe(mine.headSent);
    // The big block was not kept, and the connection's table is out of step after it: the next one says why it is not decoded.
    const ex = lab.app.lab.h2.exchange('poll')!;
    expect(ex.last!.block).toBeUndefined();
    expect(ex.last!.error).toMatch(/h2MaxHeaderBlockBytes/);
  });

  it('refuses a client that does not offer h2 (ALPN), so the port speaks one protocol', async () => {
    await start();
    const tcp = net.connect(httpsPort, '127.0.0.1');
    await once(tcp, 'connect');
    const socket = tls.connect({ socket: tcp, servername: 'localhost', ALPNProtocols: ['http/1.1'], rejectUnauthorized: false });
    const [err] = await once(socket, 'error');
    expect((err as Error).message).toMatch(/no application protocol/i);
  });

  // Regression: after a GOAWAY for a protocol error the TLS connection stayed open (RFC 9113 §5.4.1 says close it).
  it('closes the connection after bad HPACK (GOAWAY COMPRESSION_ERROR) and keeps serving the next client', async () => {
    const running = await start();
    const tcp = net.connect(httpsPort, '127.0.0.1');
    await once(tcp, 'connect');
    const socket = tls.connect({ socket: tcp, servername: 'localhost', ALPNProtocols: ['h2'], rejectUnauthorized: false });
    await once(socket, 'secureConnect');
    // Preface, empty SETTINGS, then HEADERS on stream 1 whose block indexes entry 0x3e (62), an empty dynamic table.
    socket.write(Buffer.concat([
      Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'),
      Buffer.from('000000040000000000', 'hex'),
      Buffer.from('0000010105000000 01be'.replace(/ /g, ''), 'hex'),
    ]));
    socket.resume();
    await once(socket, 'close');
    await running.app.lab.h2.whenIdle();
    const client = await CountingH2Client.open(httpsPort);
    expect((await client.get('/feed/poll?since=0')).status).toBe(200);
    await client.close();
  });
});
