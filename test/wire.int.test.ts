/**
 * Wire accounting, checked against raw TCP clients: each test sends known bytes
 * on a real socket, keeps every byte it receives, and compares the lab's
 * counters with its own count, to the byte.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { startLab, nextServerSocketClosed, RawClient, headEnd, dechunk, type RunningLab } from './support/lab.ts';
import { applyMask, decodeFrameHeader, encodeFrameHeader } from '../src/framing/ws-frame.ts';
import type { LaneId } from '../src/lanes.ts';

let lab: RunningLab;
afterEach(async () => {
  await lab?.close();
});

const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: wire-test\r\n${extra}\r\n`;
const json = (m: unknown) => JSON.stringify(m);

/** Split a stream of complete HTTP/1.1 responses with Content-Length bodies. */
function responses(bytes: Buffer): { head: string; body: Buffer }[] {
  const out: { head: string; body: Buffer }[] = [];
  let at = 0;
  while (at < bytes.length) {
    const end = headEnd(bytes, at);
    if (end === -1) break;
    const head = bytes.toString('latin1', at, end);
    const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
    out.push({ head, body: bytes.subarray(end, end + length) });
    at = end + length;
  }
  return out;
}

function expectCounters(lane: LaneId | 'other', want: Record<string, number>) {
  const got = lab.app.lab.meter.snapshot()[lane];
  expect({ ...got, open: undefined }).toMatchObject(want);
  // The invariant, for the record: heads + payload + framing = all bytes, both ways.
  expect(got.headerBytes + got.payloadBytes + got.framingBytes).toBe(got.bytesIn + got.bytesOut);
}

describe('wire accounting equals what a raw client sent and received', () => {
  it('poll: two polls and a 404 on one keep-alive connection, split by name', async () => {
    lab = await startLab();
    for (let i = 0; i < 3; i++) lab.app.lab.feed.publish(`m${i}`);
    const closed = nextServerSocketClosed(lab.app);
    const c = await RawClient.open(lab.port);
    const polls = [get('/feed/poll?since=0'), get('/feed/poll?since=1')];
    const notFound = get('/nope');
    for (const [i, req] of polls.entries()) {
      c.write(req);
      await c.until((b) => responses(b).length === i + 1);
    }
    const pollBytesIn = c.sent.length;
    const pollBytesOut = c.received.length;
    c.write(notFound);
    await c.until((b) => responses(b).length === 3);
    c.socket.end();
    await closed;

    const [r1, r2, r404] = responses(c.received);
    const messages = [...JSON.parse(r1!.body.toString()).messages, ...JSON.parse(r2!.body.toString()).messages];
    expect(messages.map((m: { seq: number }) => m.seq)).toEqual([1, 2, 3, 2, 3]);
    const payload = messages.reduce((n: number, m: unknown) => n + Buffer.byteLength(json(m)), 0);
    const bodies = r1!.body.length + r2!.body.length;
    expectCounters('poll', {
      requests: 2, connections: 1, messages: 5,
      bytesIn: pollBytesIn, bytesOut: pollBytesOut,
      requestHeadBytes: polls[0]!.length + polls[1]!.length,
      responseHeadBytes: r1!.head.length + r2!.head.length,
      payloadBytes: payload,
      framingBytes: bodies - payload, // the envelope around the messages
    });
    expectCounters('other', {
      requests: 1, bytesIn: notFound.length, bytesOut: r404!.head.length + r404!.body.length,
      requestHeadBytes: notFound.length, responseHeadBytes: r404!.head.length,
    });
    // Every byte the server moved is under some name.
    const totals = Object.values(lab.app.lab.meter.snapshot()).reduce((t, c) => ({ in: t.in + c.bytesIn, out: t.out + c.bytesOut }), { in: 0, out: 0 });
    expect(totals).toEqual({ in: c.sent.length, out: c.received.length });
  });

  it('longpoll: a held request answered by a publish, and one that times out empty', async () => {
    lab = await startLab();
    const closed = nextServerSocketClosed(lab.app);
    const c = await RawClient.open(lab.port);
    const held = get('/feed/longpoll?since=0&wait=30000');
    c.write(held);
    await new Promise<void>((resolve) => {
      const check = () => (lab.app.lab.held.count('longpoll') === 1 ? resolve() : setImmediate(check));
      check();
    });
    lab.app.lab.feed.publish('news');
    await c.until((b) => responses(b).length === 1);
    const timesOut = get('/feed/longpoll?since=1&wait=1');
    c.write(timesOut);
    await c.until((b) => responses(b).length === 2);
    c.socket.end();
    await closed;

    const [r1, r2] = responses(c.received);
    const [m] = JSON.parse(r1!.body.toString()).messages;
    expect(JSON.parse(r2!.body.toString()).messages).toEqual([]);
    const payload = Buffer.byteLength(json(m));
    expectCounters('longpoll', {
      requests: 2, connections: 1, messages: 1,
      bytesIn: held.length + timesOut.length, bytesOut: c.received.length,
      requestHeadBytes: held.length + timesOut.length,
      responseHeadBytes: r1!.head.length + r2!.head.length,
      payloadBytes: payload,
      framingBytes: r1!.body.length + r2!.body.length - payload,
    });
  });

  it('stream: chunked NDJSON, chunk lines and newlines counted as framing', async () => {
    lab = await startLab();
    const closed = nextServerSocketClosed(lab.app);
    const c = await RawClient.open(lab.port);
    const req = get('/feed/stream?since=0');
    c.write(req);
    await c.untilText('"type":"hello"');
    for (let i = 0; i < 3; i++) lab.app.lab.feed.publish({ i });
    await c.untilText('"seq":3');
    c.socket.destroy();
    await closed;

    const end = headEnd(c.received);
    const head = c.received.toString('latin1', 0, end);
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head).toMatch(/transfer-encoding: chunked/i);
    expect(head).toMatch(/content-type: application\/x-ndjson/i);
    const { data } = dechunk(c.received.subarray(end));
    const lines = data.toString().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const messages = lines.filter((l) => 'seq' in l);
    expect(messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    const payload = messages.reduce((n, m) => n + Buffer.byteLength(json(m)), 0);
    expectCounters('stream', {
      requests: 1, connections: 1, messages: 3,
      bytesIn: req.length, bytesOut: c.received.length,
      requestHeadBytes: req.length, responseHeadBytes: end,
      payloadBytes: payload,
      framingBytes: c.received.length - end - payload,
    });
  });

  it('sse: resumes from Last-Event-ID; `id: `, `data: ` and blank lines are framing', async () => {
    lab = await startLab();
    for (let i = 0; i < 4; i++) lab.app.lab.feed.publish(i);
    const closed = nextServerSocketClosed(lab.app);
    const c = await RawClient.open(lab.port);
    const req = get('/feed/sse', 'Accept: text/event-stream\r\nLast-Event-ID: 2\r\n');
    c.write(req);
    await c.untilText('id: 4\n');
    c.socket.destroy();
    await closed;

    const end = headEnd(c.received);
    expect(c.received.toString('latin1', 0, end)).toMatch(/content-type: text\/event-stream/i);
    const { data } = dechunk(c.received.subarray(end));
    const text = data.toString();
    expect(text.startsWith('retry: 2000\n\nevent: hello\n')).toBe(true);
    const events = [...text.matchAll(/id: (\d+)\ndata: (.*)\n\n/g)];
    expect(events.map((e) => Number(e[1]))).toEqual([3, 4]);
    const payload = events.reduce((n, e) => n + Buffer.byteLength(e[2]!), 0);
    // Per message, SSE adds "id: N\n" + "data: " + "\n\n" around the JSON.
    const perMessage = events.reduce((n, e) => n + `id: ${e[1]}\n`.length + 'data: '.length + 2, 0);
    expect(perMessage).toBe(2 * (6 + 6 + 2));
    expectCounters('sse', {
      requests: 1, connections: 1, messages: 2,
      bytesIn: req.length, bytesOut: c.received.length,
      requestHeadBytes: req.length, responseHeadBytes: end,
      payloadBytes: payload,
      framingBytes: c.received.length - end - payload,
    });
  });

  it('ws: the RFC 6455 handshake, frames both ways and the closing handshake', async () => {
    lab = await startLab();
    const closed = nextServerSocketClosed(lab.app);
    const c = await RawClient.open(lab.port);
    const handshake = get('/feed/ws?since=0',
      'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n');
    c.write(handshake);
    await c.untilText('\r\n\r\n');
    const end = headEnd(c.received);
    const head = c.received.toString('latin1', 0, end);
    expect(head).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    // RFC 6455 §1.3: base64(SHA-1(key + GUID)).
    expect(head).toContain('Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n');

    const frames = () => {
      const out: { opcode: number; payload: Buffer; headerLength: number }[] = [];
      let at = end;
      for (;;) {
        const h = decodeFrameHeader(c.received.subarray(at));
        if (!h || c.received.length < at + h.headerLength + h.payloadLength) return out;
        out.push({ opcode: h.opcode, headerLength: h.headerLength, payload: c.received.subarray(at + h.headerLength, at + h.headerLength + h.payloadLength) });
        at += h.headerLength + h.payloadLength;
      }
    };
    await c.until(() => frames().length === 1); // hello
    lab.app.lab.feed.publish('a');
    lab.app.lab.feed.publish('b');
    // A client frame is always masked (§5.3).
    const publish = Buffer.from('{"data":"hi"}');
    const key = randomBytes(4);
    c.write(Buffer.concat([encodeFrameHeader({ opcode: 1, payloadLength: publish.length, maskingKey: key }), applyMask(publish, key)]));
    await c.until(() => frames().length === 4);
    const closePayload = Buffer.from([0x03, 0xe8]); // 1000, normal closure
    const closeKey = randomBytes(4);
    c.write(Buffer.concat([encodeFrameHeader({ opcode: 8, payloadLength: 2, maskingKey: closeKey }), applyMask(closePayload, closeKey)]));
    await c.closed;
    await closed;

    const got = frames();
    expect(got.map((f) => f.opcode)).toEqual([1, 1, 1, 1, 8]);
    const messages = got.slice(1, 4).map((f) => JSON.parse(f.payload.toString()));
    expect(messages.map((m) => m.data)).toEqual(['a', 'b', 'hi']);
    const payloadOut = got.slice(1, 4).reduce((n, f) => n + f.payload.length, 0);
    expectCounters('ws', {
      requests: 1, connections: 1, messages: 3,
      bytesIn: c.sent.length, bytesOut: c.received.length,
      requestHeadBytes: handshake.length, responseHeadBytes: end,
      payloadBytes: payloadOut + publish.length,
      framingBytes: c.sent.length - handshake.length - publish.length + c.received.length - end - payloadOut,
    });

    // The wire view kept the real heads and the frames it saw, decoded.
    const ex = lab.app.lab.meter.exchange('ws')!;
    expect(ex.requestHead).toBe(handshake);
    expect(ex.requestHeadExact).toBe(true);
    expect(ex.responseHead).toBe(head);
    const inbound = ex.frames.find((f) => f.dir === 'in' && f.opcode === 'text')!;
    expect(inbound.fields.find((f) => f.field === 'masking key')!.value).toBe([...key].map((b) => b.toString(16).padStart(2, '0')).join(' '));
    expect(inbound.preview).toBe('{"data":"hi"}');
    const outbound = ex.frames.filter((f) => f.dir === 'out' && f.opcode === 'text');
    expect(outbound.at(-1)!.headerHex).toBe(`81 ${got[3]!.payload.length.toString(16).padStart(2, '0')}`);
  });

  it('a browser-like handshake gets the accept computed from its own key', async () => {
    lab = await startLab();
    const key = randomBytes(16).toString('base64');
    const c = await RawClient.open(lab.port);
    c.write(get('/feed/ws', `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n`));
    await c.untilText('\r\n\r\n');
    const accept = createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
    expect(c.received.toString('latin1')).toContain(`Sec-WebSocket-Accept: ${accept}\r\n`);
    c.socket.destroy();
  });

  it('reset zeroes the counters; open connections count on from there', async () => {
    lab = await startLab();
    const c = await RawClient.open(lab.port);
    c.write(get('/feed/stream'));
    await c.untilText('"type":"hello"');
    lab.app.lab.meter.reset();
    const before = c.received.length;
    lab.app.lab.feed.publish('after reset');
    await c.untilText('after reset');
    const s = lab.app.lab.meter.snapshot().stream;
    expect(s).toMatchObject({ requests: 0, connections: 1, open: 1, messages: 1, bytesIn: 0, bytesOut: c.received.length - before });
    c.socket.destroy();
  });
});

it('the wire view shows the last answered long poll, not the one still held', async () => {
  lab = await startLab();
  await fetch(`${lab.base}/feed/longpoll?wait=0`);
  const held = fetch(`${lab.base}/feed/longpoll?wait=30000`);
  await new Promise<void>((resolve) => {
    const check = () => (lab.app.lab.held.count('longpoll') === 1 ? resolve() : setImmediate(check));
    check();
  });
  const ex = lab.app.lab.meter.exchange('longpoll')!;
  expect(ex.requestHead).toMatch(/wait=0 HTTP/);
  expect(ex.responseHead).toMatch(/^HTTP\/1\.1 200 OK/);
  lab.app.lab.feed.publish('answer it');
  await held;
});
