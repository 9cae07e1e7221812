/**
 * Issue 10, "Unbounded memory": every socket the lab writes to goes through one
 * write path with one backpressure. Each test is named after the failure it pins.
 * A client that never reads is made on real sockets by pausing its TCP socket;
 * the server's buffered bytes are read from the delivery layer's counters
 * (the socket's writableLength after each write), never from RSS or time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { buildLab } from '../src/app.ts';
import { DEFAULTS } from '../src/config.ts';
import { startLab, type RunningLab } from './support/lab.ts';
import type { FastifyInstance } from 'fastify';

let lab: RunningLab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

/** The client's TCP socket: pausing it stops reading, so the kernel buffers fill and then the server's. */
function tcpOf(ws: WebSocket): Socket {
  return (ws as unknown as { _socket: Socket })._socket;
}

/** Every message a client gets is queued from the first byte (a message can arrive with the 101). */
const inbox = new WeakMap<WebSocket, { queue: string[]; wake: (() => void) | undefined }>();

async function open(url: string, protocols?: string[]): Promise<WebSocket> {
  const ws = new WebSocket(url, protocols);
  const box = { queue: [] as string[], wake: undefined as (() => void) | undefined };
  inbox.set(ws, box);
  ws.on('message', (data: Buffer) => {
    box.queue.push(data.toString());
    box.wake?.();
  });
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  return ws;
}

/** The next message the client reads. */
async function nextMessage(ws: WebSocket): Promise<string> {
  const box = inbox.get(ws)!;
  while (box.queue.length === 0) await new Promise<void>((resolve) => { box.wake = resolve; });
  return box.queue.shift()!;
}

/** Send `make(i)` until `done()`, at most `max` times, letting the client's own buffer drain between rounds (no sleeps). */
async function flood(ws: WebSocket, make: (i: number) => string, done: () => boolean, max: number): Promise<number> {
  let i = 0;
  while (!done() && i < max) {
    for (let k = 0; k < 50 && i < max; k++) ws.send(make(i++));
    await new Promise((resolve) => setImmediate(resolve));
    while (ws.bufferedAmount > 1024 * 1024 && !done()) await once(tcpOf(ws), 'drain');
  }
  return i;
}

/** Read what is left, and the close that follows it. */
async function readToClose(ws: WebSocket): Promise<{ code: number; reason: string; messages: string[] }> {
  const messages = inbox.get(ws)!.queue;
  const closed = once(ws, 'close') as Promise<[number, Buffer]>;
  tcpOf(ws).resume();
  const [code, reason] = await closed;
  return { code, reason: reason.toString(), messages };
}

describe('a client that floods commands and never reads is cut off, and what waits for it stays bounded', () => {
  it('chat replies flood (was: RSS 104 -> 329 MB, never dropped): cut off with 1013, the others see it "lost"', async () => {
    const cutOffBytes = 256 * 1024;
    lab = await startLab({
      slowConsumerGraceMs: 60_000,
      chatLimits: { rateBurst: 1_000_000, ratePerSecond: 1_000_000, maxBufferedBytes: cutOffBytes },
    });
    const url = `${lab.base.replace('http', 'ws')}/chat/ws`;
    const bystander = await open(url);
    bystander.send(JSON.stringify({ type: 'join', nick: 'bystander' }));
    await nextMessage(bystander);
    const flooder = await open(url);
    flooder.send(JSON.stringify({ type: 'join', nick: 'flooder' }));
    await nextMessage(flooder);
    const joined = JSON.parse(await nextMessage(bystander)) as { event: string };
    expect(joined.event).toBe('join');

    const leave = (async () => {
      for (;;) {
        const e = JSON.parse(await nextMessage(bystander)) as { type: string; event?: string; reason: string };
        if (e.type === 'presence' && e.event === 'leave') return e;
      }
    })();
    tcpOf(flooder).pause();
    let cut = false;
    const cutoff = once(lab.app.lab.delivery, 'cutoff').then((args) => { cut = true; return args as [string, Error]; });
    const text = '가'.repeat(500); // 1,500 bytes of UTF-8 per message
    const sent = await flood(flooder, () => JSON.stringify({ type: 'say', to: 'self', text }), () => cut, 40_000);
    const [kind] = await cutoff;
    expect(kind).toBe('chat');
    expect(sent).toBeLessThan(40_000);
    const counters = lab.app.lab.delivery.counters('chat');
    expect(counters.cutOffs).toBe(1);
    // Bounded: the cap, plus the one message whose write crossed it.
    expect(counters.peakBufferedBytes).toBeGreaterThan(cutOffBytes);
    expect(counters.peakBufferedBytes).toBeLessThanOrEqual(cutOffBytes + 2_000);
    expect((await leave).reason).toBe('lost');

    // When it reads again, it finds its messages and then the documented close.
    const end = await readToClose(flooder);
    expect(end.code).toBe(1013);
    expect(end.reason).toMatch(/^LAB_ERR_SLOW_CONSUMER/);
    expect(end.messages.length).toBeGreaterThan(0);
    bystander.close();
  });

  it('STOMP RECEIPT flood (was: RSS 108 -> 248 MB, never dropped): ERROR, then close 1013', async () => {
    lab = await startLab({ slowConsumerGraceMs: 60_000 });
    const maxBufferedBytes = 1024 * 1024; // STOMP_LIMITS.maxBufferedBytes
    const ws = await open(`${lab.base.replace('http', 'ws')}/stomp`, ['v12.stomp']);
    ws.send('CONNECT\naccept-version:1.2\nhost:lab\nheart-beat:0,0\n\n\0');
    expect(await nextMessage(ws)).toMatch(/^CONNECTED\n/);
    tcpOf(ws).pause();
    let cut = false;
    const cutoff = once(lab.app.lab.delivery, 'cutoff').then((args) => { cut = true; return args as [string, Error]; });
    const receipt = 'r'.repeat(4000); // each RECEIPT echoes it: about 4 KB the server must write
    const sent = await flood(ws, (i) => `SEND\ndestination:/topic/nobody\nreceipt:${receipt}${i}\n\n\0`, () => cut, 20_000);
    expect((await cutoff)[0]).toBe('stomp');
    expect(sent).toBeLessThan(20_000);
    const counters = lab.app.lab.delivery.counters('stomp');
    expect(counters.peakBufferedBytes).toBeLessThanOrEqual(maxBufferedBytes + 4_100);

    const end = await readToClose(ws);
    expect(end.messages.at(-1)).toMatch(/^ERROR\nmessage:LAB_ERR_STOMP_SLOW_CONSUMER/);
    expect(end.code).toBe(1013);
  });
});

describe('/api/live', () => {
  it('/api/live never-reading clients (was: +51 MB in 10 min, still rising): skipped while blocked, then cut off with 1013', async () => {
    const maxLiveSkipped = 3;
    lab = await startLab({ statsPushMs: 1, maxLiveSkipped, slowConsumerGraceMs: 60_000 });
    const url = `${lab.base.replace('http', 'ws')}/api/live`;
    const reader = await open(url);
    const sleeper = await open(url);
    tcpOf(sleeper).pause();
    const [kind] = await once(lab.app.lab.delivery, 'cutoff') as [string];
    expect(kind).toBe('live');
    // A blocked listener gets no more snapshots: what waits for it stays near the high-water mark.
    const snapshotBytes = JSON.stringify(await (await fetch(`${lab.base}/api/stats`)).json()).length;
    expect(lab.app.lab.delivery.counters('live').peakBufferedBytes).toBeLessThanOrEqual(DEFAULTS.writeHighWaterBytes + 2 * snapshotBytes);
    expect(lab.app.lab.held.count('live')).toBe(1);
    // The reading dashboard was served all along.
    expect(JSON.parse(await nextMessage(reader))).toHaveProperty('feed');

    const end = await readToClose(sleeper);
    expect(end.code).toBe(1013);
    expect(end.reason).toMatch(/^LAB_ERR_SLOW_CONSUMER/);
    reader.close();
  });

  it('refuses the (maxLiveConnections + 1)th listener with close 1013 LAB_ERR_LIVE_FULL, and admits again after one leaves', async () => {
    lab = await startLab({ maxLiveConnections: 2 });
    const url = `${lab.base.replace('http', 'ws')}/api/live`;
    const first = await open(url);
    const second = await open(url);
    await Promise.all([nextMessage(first), nextMessage(second)]);
    const third = new WebSocket(url);
    const [code, reason] = await once(third, 'close') as [number, Buffer];
    expect(code).toBe(1013);
    expect(reason.toString()).toMatch(/^LAB_ERR_LIVE_FULL/);
    expect(lab.app.lab.held.count('live')).toBe(2);

    const gone = once(first, 'close');
    first.close();
    await gone;
    await new Promise<void>((resolve) => {
      const check = () => (lab!.app.lab.held.count('live') === 1 ? resolve() : setImmediate(check));
      check();
    });
    const fourth = await open(url);
    expect(JSON.parse(await nextMessage(fourth))).toHaveProperty('feed');
    second.close();
    fourth.close();
  });
});

describe('publishing is rate-limited per connection and per address', () => {
  it('POST /feed/messages past the address budget: 429 with Retry-After and LAB_ERR_RATE_LIMITED, no seq taken; accepted again later', async () => {
    let now = 1_000_000;
    lab = await startLab({ clock: () => now, maxPublishPerSecond: 100, maxPublishPerSecondPerAddress: 2 });
    const post = () => fetch(`${lab!.base}/feed/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"data":"hi"}' });
    expect((await post()).status).toBe(201);
    expect((await post()).status).toBe(201);
    const refused = await post();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toMatchObject({ error: 'LAB_ERR_RATE_LIMITED' });
    expect(lab.app.lab.feed.head).toBe(2);
    now += 500; // half a second: one token back
    const again = await post();
    expect(again.status).toBe(201);
    expect(await again.json()).toMatchObject({ seq: 3 });
  });

  it('a ws lane connection past its budget is closed with 1008 LAB_ERR_RATE_LIMITED; nothing past the budget is published', async () => {
    const now = 5_000;
    lab = await startLab({ clock: () => now, maxPublishPerSecond: 3 });
    const ws = await open(`${lab.base.replace('http', 'ws')}/feed/ws`);
    await nextMessage(ws); // hello
    const closed = once(ws, 'close') as Promise<[number, Buffer]>;
    for (let i = 0; i < 5; i++) ws.send(JSON.stringify({ data: i }));
    const [code, reason] = await closed;
    expect(code).toBe(1008);
    expect(reason.toString()).toMatch(/^LAB_ERR_RATE_LIMITED/);
    expect(lab.app.lab.feed.head).toBe(3);
  });

  it('a STOMP SEND to /topic/feed past the budget gets ERROR LAB_ERR_STOMP_RATE_LIMITED and close 1008', async () => {
    const now = 5_000;
    lab = await startLab({ clock: () => now, maxPublishPerSecond: 2 });
    const ws = await open(`${lab.base.replace('http', 'ws')}/stomp`, ['v12.stomp']);
    const frames = inbox.get(ws)!.queue;
    const closed = once(ws, 'close') as Promise<[number, Buffer]>;
    ws.send('CONNECT\naccept-version:1.2\nhost:lab\nheart-beat:0,0\n\n\0');
    for (let i = 0; i < 3; i++) ws.send(`SEND\ndestination:/topic/feed\n\n{"data":${i}}\0`);
    const [code] = await closed;
    expect(code).toBe(1008);
    expect(frames.at(-1)).toMatch(/^ERROR\nmessage:LAB_ERR_STOMP_RATE_LIMITED/);
    expect(lab.app.lab.feed.head).toBe(2);
  });
});

describe('a cut-off HTTP stream says why in its own format', () => {
  it('stream of 60 KB messages to a reader that stopped: the last line is LAB_ERR_SLOW_CONSUMER, the lane slot is free at once', async () => {
    let app: FastifyInstance | undefined;
    try {
      app = await buildLab({ feedRate: 0, serveWeb: false, maxConsumerLag: 50, slowConsumerGraceMs: 60_000 });
      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      const res = await fetch(`${base}/feed/stream`);
      const reader = res.body!.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      expect(first).toMatch(/"type":"hello"/);
      // The reader does not read; publish until the lab gives up on it (bounded).
      const big = 'x'.repeat(60 * 1024);
      let cut = false;
      const cutoff = once(app.lab.delivery, 'cutoff').then(() => { cut = true; });
      for (let i = 0; i < 5_000 && !cut; i++) {
        app.lab.feed.publish(big);
        if (i % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      await cutoff;
      expect(app.lab.held.count('stream')).toBe(0);
      // Every write is at most one message: the peak stays within the high-water mark plus one message.
      expect(app.lab.delivery.counters('stream').peakBufferedBytes).toBeLessThanOrEqual(DEFAULTS.writeCutOffBytes);
      let text = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      const lines = text.trimEnd().split('\n');
      expect(JSON.parse(lines.at(-1)!)).toMatchObject({ type: 'error', error: 'LAB_ERR_SLOW_CONSUMER' });
    } finally {
      await app?.close();
    }
  });
});
