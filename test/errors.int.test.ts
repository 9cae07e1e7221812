/**
 * Bad input gets its documented answer, and everyone else keeps being served.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import WebSocket from 'ws';
import { startLab, RawClient, headEnd, type RunningLab } from './support/lab.ts';
import { startClient, type LaneClient } from './support/clients.ts';
import { LabError } from '../src/errors.ts';

let lab: RunningLab;
let bystander: LaneClient;
afterEach(async () => {
  bystander?.stop();
  await lab?.close();
});

async function getJson(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(lab.base + path, { headers });
  return { status: res.status, headers: res.headers, body: await res.json() as { error: string; message: string } };
}

async function wsClose(path: string, send?: (ws: WebSocket) => void): Promise<{ code: number; reason: string }> {
  const ws = new WebSocket(lab.base.replace('http', 'ws') + path);
  if (send) ws.on('open', () => send(ws));
  const [code, reason] = await once(ws, 'close') as [number, Buffer];
  return { code, reason: reason.toString() };
}

describe('HTTP lanes refuse bad parameters with 400 and a stable code', () => {
  beforeEach(async () => {
    lab = await startLab();
    lab.app.lab.feed.publish('one');
  });

  it.each([
    ['/feed/poll?since=abc', 'LAB_ERR_SINCE_INVALID'],
    ['/feed/poll?since=-1', 'LAB_ERR_SINCE_INVALID'],
    ['/feed/poll?since=1.5', 'LAB_ERR_SINCE_INVALID'],
    ['/feed/poll?since=2', 'LAB_ERR_SINCE_AHEAD'],
    ['/feed/longpoll?since=x', 'LAB_ERR_SINCE_INVALID'],
    ['/feed/longpoll?since=0&wait=soon', 'LAB_ERR_WAIT_INVALID'],
    ['/feed/longpoll?since=0&wait=-5', 'LAB_ERR_WAIT_INVALID'],
    ['/feed/stream?since=9', 'LAB_ERR_SINCE_AHEAD'],
    ['/feed/sse?since=%20', 'LAB_ERR_SINCE_INVALID'],
  ])('%s -> 400 %s', async (path, code) => {
    const { status, body, headers } = await getJson(path);
    expect(status).toBe(400);
    expect(headers.get('content-type')).toMatch(/application\/json/);
    expect(body.error).toBe(code);
    expect(body.message.length).toBeGreaterThan(0);
  });

  it('an invalid Last-Event-ID gets its own code', async () => {
    const { status, body } = await getJson('/feed/sse', { 'last-event-id': 'banana' });
    expect([status, body.error]).toEqual([400, 'LAB_ERR_LAST_EVENT_ID_INVALID']);
  });

  it('unknown paths get 404 in the same shape', async () => {
    const { status, body } = await getJson('/feed/carrier-pigeon');
    expect([status, body.error]).toEqual([404, 'LAB_ERR_NOT_FOUND']);
  });
});

describe('publishing', () => {
  beforeEach(async () => {
    lab = await startLab({ maxPublishBytes: 1024 });
    bystander = startClient('ws', lab.base, 0);
    await bystander.ready;
  });

  const post = (body: string, type = 'application/json') =>
    fetch(lab.base + '/feed/messages', { method: 'POST', headers: { 'content-type': type }, body });

  it('accepts a valid message with 201 and delivers it', async () => {
    const res = await post('{"data":{"hello":"world"}}');
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ seq: 1 });
    await bystander.waitFor(1);
    expect(bystander.messages[0]!.data).toEqual({ hello: 'world' });
  });

  it.each([
    ['{"data":', 400, 'LAB_ERR_BODY_INVALID'],
    ['{"nodata":1}', 400, 'LAB_ERR_BODY_INVALID'],
    ['{"data":1,"extra":2}', 400, 'LAB_ERR_BODY_INVALID'],
    [`{"data":"${'x'.repeat(2000)}"}`, 413, 'LAB_ERR_PAYLOAD_TOO_LARGE'],
  ])('refuses %s', async (body, status, code) => {
    const res = await post(body.length > 60 ? body : body);
    expect(res.status).toBe(status);
    expect((await res.json() as { error: string }).error).toBe(code);
    expect(lab.app.lab.feed.head).toBe(0); // nothing half-published
  });

  it('WebSocket frames publish too; bad ones close with the right code and a reason', async () => {
    const ws = new WebSocket(lab.base.replace('http', 'ws') + '/feed/ws');
    await once(ws, 'open');
    ws.send('{"data":"via ws"}');
    await bystander.waitFor(1);
    expect(bystander.messages[0]!.data).toBe('via ws');
    ws.close();

    expect(await wsClose('/feed/ws', (w) => w.send('not json'))).toEqual({ code: 1007, reason: 'LAB_ERR_WS_NOT_JSON: frame is not valid JSON' });
    expect(await wsClose('/feed/ws', (w) => w.send('{"text":"hi"}'))).toMatchObject({ code: 1008, reason: expect.stringMatching(/^LAB_ERR_WS_BAD_MESSAGE/) });
    expect(await wsClose('/feed/ws', (w) => w.send(Buffer.from([1, 2, 3])))).toMatchObject({ code: 1003, reason: expect.stringMatching(/^LAB_ERR_WS_BINARY/) });
    expect((await wsClose('/feed/ws', (w) => w.send(JSON.stringify({ data: 'x'.repeat(70_000) })))).code).toBe(1009);
    expect(await wsClose('/feed/ws?since=oops')).toMatchObject({ code: 1008, reason: expect.stringMatching(/^LAB_ERR_SINCE_INVALID/) });

    // The bystander saw exactly the one good message and is still connected.
    await post('{"data":"still here"}');
    await bystander.waitFor(2);
    expect(bystander.messages.map((m) => m.data)).toEqual(['via ws', 'still here']);
  });
});

describe('caps', () => {
  it('refuses held connections past the per-lane cap with 503 + Retry-After, or close 1013', async () => {
    lab = await startLab({ maxHeldPerLane: 1, retryAfterSeconds: 7 });
    const held = fetch(lab.base + '/feed/longpoll?wait=30000');
    await new Promise<void>((resolve) => {
      const check = () => (lab.app.lab.held.count('longpoll') === 1 ? resolve() : setImmediate(check));
      check();
    });
    const refused = await fetch(lab.base + '/feed/longpoll?wait=30000');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('7');
    expect((await refused.json() as { error: string }).error).toBe('LAB_ERR_LANE_BUSY');

    const stream = await RawClient.open(lab.port);
    stream.write('GET /feed/stream HTTP/1.1\r\nHost: x\r\n\r\n');
    await stream.untilText('hello');
    const second = await fetch(lab.base + '/feed/stream');
    expect(second.status).toBe(503);

    const ok = new WebSocket(lab.base.replace('http', 'ws') + '/feed/ws');
    await once(ok, 'open');
    expect(await wsClose('/feed/ws')).toMatchObject({ code: 1013, reason: expect.stringMatching(/^LAB_ERR_LANE_BUSY/) });
    ok.close();
    lab.app.lab.feed.publish('release the held long poll');
    expect((await held).status).toBe(200);
    stream.socket.destroy();
  });

  it.each(['stream', 'ws'] as const)('a %s consumer that stops reading is cut off, and memory stays bounded', async (lane) => {
    lab = await startLab({ writeHighWaterBytes: 16 * 1024, maxConsumerLag: 200 });
    bystander = startClient('poll', lab.base, 0);
    const subscribersBefore = lab.app.lab.feed.subscriberCount;
    const c = await RawClient.open(lab.port);
    const ws = 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n';
    c.write(`GET /feed/${lane} HTTP/1.1\r\nHost: x\r\n${lane === 'ws' ? ws : ''}\r\n`);
    await c.until((b) => headEnd(b) > 0);
    c.socket.pause(); // stop reading: the kernel buffers fill, then the server's
    const big = 'x'.repeat(8 * 1024);
    const released = new Promise<void>((resolve) => {
      const check = () => (lab.app.lab.held.count(lane) === 0 ? resolve() : setTimeout(check, 5));
      check();
    });
    // Publish until the lab gives up on the consumer (bounded: at most 20,000 messages).
    for (let i = 0; i < 20_000 && lab.app.lab.held.count(lane) > 0; i++) {
      lab.app.lab.feed.publish(big);
      if (i % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    await released;
    expect(lab.app.lab.feed.subscriberCount).toBe(subscribersBefore);
    // Others were served all along.
    await bystander.waitFor(1);
    c.socket.destroy();
  });
});

describe('shutdown', () => {
  it('closes WebSockets with 1001, ends streams cleanly and answers long polls', async () => {
    lab = await startLab();
    const ws = new WebSocket(lab.base.replace('http', 'ws') + '/feed/ws');
    await once(ws, 'open');
    const closed = once(ws, 'close') as Promise<[number, Buffer]>;
    const stream = await RawClient.open(lab.port);
    stream.write('GET /feed/stream HTTP/1.1\r\nHost: x\r\n\r\n');
    await stream.untilText('hello');
    const longpoll = fetch(lab.base + '/feed/longpoll?wait=30000');
    await new Promise<void>((resolve) => {
      const check = () => (lab.app.lab.held.count('longpoll') === 1 ? resolve() : setImmediate(check));
      check();
    });

    await lab.close();
    const [code, reason] = await closed;
    expect(code).toBe(1001);
    expect(reason.toString()).toMatch(/^LAB_ERR_SHUTDOWN/);
    // A chunked response that ends cleanly ends with the zero-length chunk.
    await stream.closed;
    expect(stream.received.toString('latin1').endsWith('0\r\n\r\n')).toBe(true);
    const answer = await longpoll;
    expect(answer.status).toBe(200);
    expect((await answer.json() as { messages: unknown[] }).messages).toEqual([]);
  });
});

describe('regressions', () => {
  it('a stream closed by the server does not write after end when a message follows (was a crash: ERR_STREAM_WRITE_AFTER_END)', async () => {
    lab = await startLab();
    const c = await RawClient.open(lab.port);
    c.write('GET /feed/stream HTTP/1.1\r\nHost: x\r\n\r\n');
    await c.untilText('hello');
    lab.app.lab.held.closeAll(new LabError('LAB_ERR_SHUTDOWN'), 'stream');
    lab.app.lab.feed.publish('right after the close');
    await c.untilText('0\r\n\r\n'); // the response ended cleanly
    expect(lab.app.lab.meter.snapshot().stream.messages).toBe(0);
    const res = await fetch(lab.base + '/feed/poll?since=0'); // and the server is still up
    expect(res.status).toBe(200);
    c.socket.destroy();
  });

  it('messages published while a WebSocket is closing are not counted as delivered (ws drops them)', async () => {
    lab = await startLab();
    const ws = new WebSocket(lab.base.replace('http', 'ws') + '/feed/ws');
    let received = 0;
    ws.on('message', (d) => { if (!d.toString().includes('"hello"')) received++; });
    await once(ws, 'open');
    lab.app.lab.held.closeAll(new LabError('LAB_ERR_SHUTDOWN'), 'ws');
    for (let i = 0; i < 5; i++) lab.app.lab.feed.publish(i);
    await once(ws, 'close');
    expect(lab.app.lab.meter.snapshot().ws.messages).toBe(received);
  });
});
