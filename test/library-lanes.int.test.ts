/**
 * The Socket.IO and SockJS lanes on real sockets: byte accounting equal to a
 * raw client's own count (engine.io long polling and SockJS xhr polling spoken
 * by hand on one keep-alive TCP connection, as test/wire.int.test.ts does for
 * the lab's own lanes), resuming after the server cuts the connection, the
 * lab's errors in each library's own shape, and the real library's fallback
 * when a proxy refuses the upgrade.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import SockJS from 'sockjs-client';
import { startLab, nextServerSocketClosed, RawClient, headEnd, type RunningLab } from './support/lab.ts';
import { startClient, type LaneClient } from './support/clients.ts';
import type { LaneId } from '../src/lanes.ts';

let lab: RunningLab | undefined;
let clients: LaneClient[] = [];
afterEach(async () => {
  clients.forEach((c) => c.stop());
  clients = [];
  await lab?.close();
  lab = undefined;
});

interface Exchange { head: string; body: Buffer }

/** Complete HTTP/1.1 responses in `bytes`, with Content-Length or chunked bodies (the chunks joined). */
function responses(bytes: Buffer): (Exchange & { bodyBytes: number })[] {
  const out: (Exchange & { bodyBytes: number })[] = [];
  let at = 0;
  for (;;) {
    const end = headEnd(bytes, at);
    if (end === -1) return out;
    const head = bytes.toString('latin1', at, end);
    const length = /content-length: (\d+)/i.exec(head);
    if (length) {
      if (bytes.length < end + Number(length[1])) return out;
      out.push({ head, body: bytes.subarray(end, end + Number(length[1])), bodyBytes: Number(length[1]) });
      at = end + Number(length[1]);
      continue;
    }
    // Chunked (RFC 9112 §7.1): size line, data, CRLF ... until the 0-size chunk.
    const parts: Buffer[] = [];
    let p = end;
    for (;;) {
      const lineEnd = bytes.indexOf('\r\n', p, 'latin1');
      if (lineEnd === -1) return out;
      const size = parseInt(bytes.toString('latin1', p, lineEnd), 16);
      if (bytes.length < lineEnd + 2 + size + 2) return out;
      parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
      p = lineEnd + 2 + size + 2;
      if (size === 0) break;
    }
    out.push({ head, body: Buffer.concat(parts), bodyBytes: p - end });
    at = p;
  }
}

function request(method: 'GET' | 'POST', path: string, body = ''): string {
  const length = method === 'POST' ? `Content-Type: text/plain;charset=UTF-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` : '';
  return `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: wire-test\r\n${length}\r\n${body}`;
}

/** Send requests one at a time on one connection, as a browser's keep-alive socket would. */
async function exchange(c: RawClient, req: string): Promise<Exchange> {
  const before = responses(c.received).length;
  c.write(req);
  await c.until((b) => responses(b).length > before);
  return responses(c.received)[before]!;
}

function expectCounters(lane: LaneId, want: Record<string, number>) {
  const got = lab!.app.lab.meter.snapshot()[lane];
  expect({ ...got, open: undefined }).toMatchObject(want);
  expect(got.headerBytes + got.payloadBytes + got.framingBytes).toBe(got.bytesIn + got.bytesOut);
}

const seqs = (c: LaneClient) => c.messages.map((m) => m.seq);

describe('Socket.IO and SockJS lanes: bytes counted to the byte', () => {
  it('socketio: engine.io long polling by hand (handshake, namespace connect with auth, polls), every byte placed', async () => {
    lab = await startLab();
    for (let i = 0; i < 3; i++) lab.app.lab.feed.publish(`m${i}`);
    const closed = nextServerSocketClosed(lab.app);
    const c = await RawClient.open(lab.port);
    const posts: string[] = [];

    const handshake = await exchange(c, request('GET', '/socket.io/?EIO=4&transport=polling'));
    expect(handshake.body.toString()).toMatch(/^0\{"sid":/); // engine.io OPEN packet
    const sid = JSON.parse(handshake.body.toString().slice(1)).sid as string;
    const url = `/socket.io/?EIO=4&transport=polling&sid=${sid}`;
    // socket.io CONNECT (4 = engine.io MESSAGE, 0 = socket.io CONNECT) to /feed, auth resumes after 0.
    const connect = '40/feed,{"since":0}';
    posts.push(connect);
    expect((await exchange(c, request('POST', url, connect))).body.toString()).toBe('ok');

    // Poll until the three messages came; engine.io separates packets with U+001E.
    const packets: string[] = [];
    const polls: Exchange[] = [];
    while (packets.filter((p) => p.startsWith('42/feed,["message"')).length < 3) {
      const poll = await exchange(c, request('GET', url));
      polls.push(poll);
      packets.push(...poll.body.toString().split('\x1e'));
    }
    c.socket.end();
    await closed;

    const messages = packets.filter((p) => p.startsWith('42/feed,["message"')).map((p) => JSON.parse(p.slice('42/feed,'.length))[1]);
    expect(messages.map((m: { seq: number }) => m.seq)).toEqual([1, 2, 3]);
    expect(packets[0]).toMatch(/^40\/feed,\{"sid":/);
    expect(packets[1]).toMatch(/^42\/feed,\["hello",\{"type":"hello"/);
    const payload = messages.reduce((n: number, m: unknown) => n + Buffer.byteLength(JSON.stringify(m)), 0);
    const all = responses(c.received);
    const bodies = all.reduce((n, r) => n + r.body.length, 0);
    const postBodies = posts.reduce((n, p) => n + Buffer.byteLength(p), 0);
    expectCounters('socketio', {
      requests: all.length, connections: 1, messages: 3,
      bytesIn: c.sent.length, bytesOut: c.received.length,
      requestHeadBytes: c.sent.length - postBodies,
      responseHeadBytes: all.reduce((n, r) => n + r.head.length, 0),
      payloadBytes: payload,
      // The OPEN packet, "ok", the CONNECT, the hello, and every 42/feed,["message",…] around the JSON.
      framingBytes: bodies + postBodies - payload,
    });
  });

  it('sockjs: xhr polling by hand (o, then a["…"] frames with the JSON escaped inside), every byte placed', async () => {
    lab = await startLab();
    for (let i = 0; i < 3; i++) lab.app.lab.feed.publish(`m${i}`);
    const closed = nextServerSocketClosed(lab.app);
    const c = await RawClient.open(lab.port);
    const url = '/sockjs/feed/000/wiretest/xhr?since=0';
    const open = await exchange(c, request('POST', url));
    expect(open.body.toString()).toBe('o\n');
    const strings: string[] = [];
    while (strings.length < 4) { // the hello and three messages
      const poll = await exchange(c, request('POST', url));
      const frame = poll.body.toString();
      expect(frame).toMatch(/^a\[.*\]\n$/);
      strings.push(...(JSON.parse(frame.slice(1)) as string[]));
    }
    c.socket.end();
    await closed;

    expect(JSON.parse(strings[0]!)).toMatchObject({ type: 'hello', since: 0, head: 3 });
    const messages = strings.slice(1).map((s) => JSON.parse(s) as { seq: number });
    expect(messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    const payload = strings.slice(1).reduce((n, s) => n + Buffer.byteLength(s), 0);
    const all = responses(c.received);
    const heads = all.reduce((n, r) => n + r.head.length, 0);
    expectCounters('sockjs', {
      requests: all.length, connections: 1, messages: 3,
      bytesIn: c.sent.length, bytesOut: c.received.length,
      requestHeadBytes: c.sent.length, // empty POSTs: all head
      responseHeadBytes: heads,
      payloadBytes: payload,
      // Chunk sizes, o\n, a[ ], the quotes and backslashes SockJS adds around each JSON string, the hello.
      framingBytes: c.received.length - heads - payload,
    });
  });

  it('socketio over WebSocket only: the library\'s own counts agree with the meter (messages and payload)', async () => {
    lab = await startLab();
    const c = startClient('socketio', lab.base, 0, { socketioTransports: ['websocket'] });
    clients.push(c);
    await c.ready;
    for (let i = 0; i < 20; i++) lab.app.lab.feed.publish({ i });
    await c.waitFor(20);
    const got = lab.app.lab.meter.snapshot().socketio;
    expect(got.messages).toBe(20);
    expect(got.payloadBytes).toBe(c.messages.reduce((n, m) => n + Buffer.byteLength(JSON.stringify(m)), 0));
    // One upgrade, its 101 head measured from the bytes engine.io wrote.
    expect(lab.app.lab.meter.exchange('socketio')?.responseHead).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    expect(got.requests).toBe(1);
  });
});

describe('Socket.IO and SockJS lanes: resume, errors, fallback', () => {
  it('socketio: the server drops the connection; socket.io-client reconnects by itself with auth.since, no gap, no duplicate', async () => {
    lab = await startLab();
    const feed = lab.app.lab.feed;
    const c = startClient('socketio', lab.base, 0);
    clients.push(c);
    await c.ready;
    for (let i = 0; i < 5; i++) feed.publish(i);
    await c.waitFor(5);
    const helloCount = () => c.hello;
    const firstHello = helloCount();
    expect(lab.app.lab.chaos.drop('socketio')).toBeGreaterThan(0); // as a network failure would
    for (let i = 5; i < 12; i++) feed.publish(i); // published while the client is away
    await c.waitFor(12);
    expect(c.hello).not.toBe(firstHello); // a second hello: it did reconnect
    expect(seqs(c)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it('socketio: a bad auth.since is refused with connect_error carrying the lab\'s error', async () => {
    lab = await startLab();
    const socket = io(`${lab.base}/feed`, { auth: { since: 'soon' }, transports: ['websocket'], reconnection: false });
    const err = await new Promise<Error & { data?: unknown }>((resolve) => socket.on('connect_error', resolve));
    socket.disconnect();
    expect(err.data).toEqual({ error: 'LAB_ERR_SINCE_INVALID', message: expect.any(String) });
  });

  it('sockjs: a bad ?since closes with the lab\'s close code and reason', async () => {
    lab = await startLab();
    const socket = new SockJS(`${lab.base}/sockjs/feed?since=soon`);
    const event = await new Promise<{ code: number; reason: string }>((resolve) => { socket.onclose = resolve; });
    expect(event.code).toBe(1008);
    expect(event.reason).toMatch(/^LAB_ERR_SINCE_INVALID: /);
  });

  it('socketio: with upgrades refused (chaos), the real client stays on long polling and still gets every message', async () => {
    lab = await startLab();
    lab.app.lab.chaos.set('socketio', { refuseUpgrade: true });
    const c = startClient('socketio', lab.base, 0);
    clients.push(c);
    await c.ready;
    // Its upgrade attempt was refused by the lab's guard (403), as a strict proxy would.
    await expect.poll(() => lab!.app.lab.timeline.snapshot('socketio').requests.some((r) => r.status === 403)).toBe(true);
    for (let i = 0; i < 10; i++) lab.app.lab.feed.publish(i);
    await c.waitFor(10);
    expect(seqs(c)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(lab.app.lab.timeline.snapshot('socketio').requests.some((r) => r.status === 101)).toBe(false);
  });
});
