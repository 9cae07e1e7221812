/**
 * Chaos switches, the WebSocket handshake guard (Origin, version, refused
 * upgrades), CORS, the handshake playground and the request timeline.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import WebSocket from 'ws';
import { startLab, RawClient, headEnd, type RunningLab } from './support/lab.ts';
import { startClient, type LaneClient } from './support/clients.ts';
import { normaliseRequest } from '../src/inspect/playground.ts';
import { openSecondOrigin } from '../src/app.ts';

let lab: RunningLab;
let clients: LaneClient[] = [];
afterEach(async () => {
  clients.forEach((c) => c.stop());
  clients = [];
  await lab?.close();
});

const post = (path: string, body: unknown) => fetch(lab.base + path, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
});
const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const upgrade = (extra = '', path = '/feed/ws') =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`;

async function rawAnswer(request: string): Promise<string> {
  const c = await RawClient.open(lab.port);
  c.write(request);
  await c.until((b) => headEnd(b) > 0);
  c.socket.destroy();
  return c.received.toString('latin1');
}

describe('chaos switches', () => {
  it('delayMs holds a lane\'s bytes back by that much, and only that lane\'s', async () => {
    lab = await startLab();
    await post('/api/chaos', { lane: 'ws', delayMs: 300 });
    const slow = startClient('ws', lab.base, 0);
    const fast = startClient('sse', lab.base, 0);
    clients.push(slow, fast);
    await Promise.all([slow.ready, fast.ready]);
    const published = lab.app.lab.feed.publish('x');
    await fast.waitFor(1);
    const fastAt = Date.now();
    expect(slow.messages).toHaveLength(0); // still on its way
    await slow.waitFor(1);
    expect(Date.now() - published.ts).toBeGreaterThanOrEqual(300);
    expect(fastAt - published.ts).toBeLessThan(300);
  });

  it('bufferBytes makes stream/sse behave like a buffering proxy, and releases on switch-off', async () => {
    lab = await startLab();
    await post('/api/chaos', { lane: 'stream', bufferBytes: 2000 });
    const c = startClient('stream', lab.base, 0);
    clients.push(c);
    for (let i = 0; i < 5; i++) lab.app.lab.feed.publish(i); // ~250 bytes: held back
    const control = startClient('ws', lab.base, 0);
    clients.push(control);
    await control.waitFor(5); // the unbuffered lane has them all
    expect(c.messages).toHaveLength(0);
    await post('/api/chaos', { lane: 'stream', bufferBytes: 0 });
    await c.waitFor(5);
    expect(c.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('drop cuts the lane\'s connections now; the client resumes with nothing lost', async () => {
    lab = await startLab();
    const ws = new WebSocket(lab.base.replace('http', 'ws') + '/feed/ws?since=0');
    await once(ws, 'open');
    const closed = once(ws, 'close') as Promise<[number]>;
    const res = await post('/api/chaos/drop', { lane: 'ws' });
    expect(await res.json()).toEqual({ lane: 'ws', dropped: 1 });
    expect((await closed)[0]).toBe(1006); // no close frame: the connection just went
  });

  it('refuses switches a lane does not have, and values past the caps', async () => {
    lab = await startLab({ maxChaosDelayMs: 1000 });
    for (const bad of [{ lane: 'poll', bufferBytes: 10 }, { lane: 'ws', delayMs: 5000 }, { lane: 'tcp', delayMs: 1 }, { lane: 'sse', refuseUpgrade: true }]) {
      const res = await post('/api/chaos', bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
  });

  it('shows in the stats while on, and reset turns everything off', async () => {
    lab = await startLab();
    await post('/api/chaos', { lane: 'poll', delayMs: 100 });
    await post('/api/security', { originCheck: true });
    const stats = await (await fetch(lab.base + '/api/stats')).json() as { switches: { chaos: { poll: { delayMs: number } }; security: { originCheck: boolean } } };
    expect(stats.switches.chaos.poll.delayMs).toBe(100);
    expect(stats.switches.security.originCheck).toBe(true);
    const after = await (await post('/api/switches/reset', {})).json() as typeof stats;
    expect(after.switches ?? after).toBeDefined();
    expect(lab.app.lab.chaos.active).toBe(false);
    expect(lab.app.lab.security.switches).toEqual({ originCheck: false, cors: false });
  });
});

describe('the WebSocket handshake guard', () => {
  it('refuses upgrades with 403 while refuseUpgrade is on; the other lanes keep working', async () => {
    lab = await startLab();
    await post('/api/chaos', { lane: 'ws', refuseUpgrade: true });
    const answer = await rawAnswer(upgrade());
    expect(answer).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
    expect(answer).toContain('LAB_ERR_UPGRADE_REFUSED');
    const sse = startClient('sse', lab.base, 0);
    clients.push(sse);
    lab.app.lab.feed.publish('fine');
    await sse.waitFor(1);
    // The dashboard's own stats channel is never refused.
    const live = new WebSocket(lab.base.replace('http', 'ws') + '/api/live');
    await once(live, 'open');
    live.close();
  });

  it('answers Sec-WebSocket-Version: 8 with 426 and the version it speaks (RFC 6455 §4.4)', async () => {
    lab = await startLab();
    const answer = await rawAnswer(upgrade().replace('Version: 13', 'Version: 8'));
    expect(answer).toMatch(/^HTTP\/1\.1 426 Upgrade Required\r\n/);
    expect(answer).toMatch(/sec-websocket-version: 13\r\n/i);
  });

  it('a missing Sec-WebSocket-Key gets ws\'s own 400', async () => {
    lab = await startLab();
    const answer = await rawAnswer(upgrade().replace(`Sec-WebSocket-Key: ${KEY}\r\n`, ''));
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
  });

  it('checks Origin only when the allowlist is on: the cross-site WebSocket hijack, then its fix', async () => {
    lab = await startLab();
    const foreign = 'Origin: http://evil.example\r\n';
    expect(await rawAnswer(upgrade(foreign))).toMatch(/^HTTP\/1\.1 101 /);
    await post('/api/security', { originCheck: true });
    const refused = await rawAnswer(upgrade(foreign));
    expect(refused).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
    expect(refused).toContain('LAB_ERR_ORIGIN_REFUSED');
    // The lab's own origin, and clients that send no Origin, still get in.
    expect(await rawAnswer(upgrade(`Origin: http://localhost:${lab.port}\r\n`))).toMatch(/^HTTP\/1\.1 101 /);
    expect(await rawAnswer(upgrade())).toMatch(/^HTTP\/1\.1 101 /);
  });
});

describe('CORS on the HTTP lanes', () => {
  it('answers a preflight only when the CORS switch is on, and counts it under the lane', async () => {
    lab = await startLab();
    const preflight = () => fetch(lab.base + '/feed/poll', {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:9', 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-lab-client' },
    });
    const off = await preflight();
    expect(off.headers.get('access-control-allow-origin')).toBeNull();
    await post('/api/security', { cors: true });
    const on = await preflight();
    expect(on.status).toBe(204);
    expect(on.headers.get('access-control-allow-origin')).toBe('http://localhost:9');
    const get = await fetch(lab.base + '/feed/poll', { headers: { origin: 'http://localhost:9' } });
    expect(get.headers.get('access-control-allow-origin')).toBe('http://localhost:9');
    expect(lab.app.lab.meter.snapshot().poll.requests).toBe(3);
  });
});

describe('the handshake playground', () => {
  it('sends the edited request over a real socket to the lab and returns the raw answer', async () => {
    lab = await startLab();
    const send = (request: string) => post('/api/playground/handshake', { request });
    const ok = await (await send(upgrade().replace(/\r\n/g, '\n'))).json() as { status: number; received: string; sent: string; headBytes: number };
    expect(ok.status).toBe(101);
    expect(ok.sent).toBe(upgrade());
    expect(ok.received).toContain('Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n');
    expect(ok.received.slice(ok.headBytes)).toContain('"type":"hello"'); // the first frame, as bytes
    expect((await (await send(upgrade().replace('Version: 13', 'Version: 8'))).json() as { status: number }).status).toBe(426);
    expect((await (await send(upgrade().replace(/Sec-WebSocket-Key: .*\r\n/, ''))).json() as { status: number }).status).toBe(400);
    await post('/api/security', { originCheck: true });
    expect((await (await send(upgrade('Origin: http://evil.example\r\n'))).json() as { status: number }).status).toBe(403);
    // None of that counted as lane traffic.
    expect(lab.app.lab.meter.snapshot().ws.requests).toBe(0);
  });

  it('reaches nothing but the lab\'s own WebSocket endpoints, and bounds the request', async () => {
    lab = await startLab({ playgroundMaxRequestBytes: 512 });
    for (const request of ['GET /api/stats HTTP/1.1\nHost: x\n', 'POST /feed/ws HTTP/1.1\n', 'GET http://elsewhere.example/feed/ws HTTP/1.1\n', 'hello']) {
      const res = await post('/api/playground/handshake', { request });
      expect(res.status, request).toBe(400);
      expect((await res.json() as { error: string }).error).toBe('LAB_ERR_PLAYGROUND_TARGET');
    }
    const big = await post('/api/playground/handshake', { request: upgrade(`X-Pad: ${'a'.repeat(600)}\r\n`) });
    expect(big.status).toBe(413);
  });

  it('normalises textarea line ends and adds the blank line', () => {
    expect(normaliseRequest('GET /feed/ws HTTP/1.1\nHost: x')).toBe('GET /feed/ws HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(normaliseRequest('GET /feed/ws HTTP/1.1\r\n\r\n')).toBe('GET /feed/ws HTTP/1.1\r\n\r\n');
  });
});

describe('the request timeline', () => {
  it('short polling is many requests on one connection; a stream is one request held open', async () => {
    lab = await startLab();
    const poll = startClient('poll', lab.base, 0);
    const stream = startClient('stream', lab.base, 0);
    clients.push(poll, stream);
    await stream.ready;
    for (let i = 0; i < 3; i++) {
      lab.app.lab.feed.publish(i);
      await poll.waitFor(i + 1);
    }
    const tl = (await (await fetch(lab.base + '/api/timeline/poll')).json()) as { requests: { conn: number; start: number; firstByte: number; end: number; status: number }[] };
    expect(tl.requests.length).toBeGreaterThanOrEqual(3);
    expect(tl.requests.every((r) => r.status === 200 && r.firstByte >= r.start && r.end >= r.firstByte)).toBe(true);
    const st = (await (await fetch(lab.base + '/api/timeline/stream')).json()) as { requests: { end: number | null; firstByte: number | null }[]; connections: unknown[] };
    expect(st.requests).toHaveLength(1);
    expect(st.requests[0]!.firstByte).not.toBeNull();
    expect(st.requests[0]!.end).toBeNull(); // still open
    expect(st.connections).toHaveLength(1);
  });
});

describe('the second origin', () => {
  it('serves the cross-origin page config from another port, pointing at the lab', async () => {
    lab = await startLab();
    const second = await openSecondOrigin(lab.app, 0);
    expect(lab.app.lab.secondOrigin).toBe(second);
    expect(second).toMatch(/^http:\/\/localhost:\d+$/);
    expect(new URL(second).port).not.toBe(String(lab.port));
    // The lab is named by the host name the page was reached by (classroom devices use the lab's address).
    const config = await (await fetch(second.replace('localhost', '127.0.0.1') + '/config.json')).json();
    expect(config).toEqual({ labOrigin: `http://127.0.0.1:${lab.port}` });
  });
});


describe('the frame inspector endpoint', () => {
  const open = async (query = '') => {
    const ws = new WebSocket(lab.base.replace('http', 'ws') + '/inspect/echo' + query, { perMessageDeflate: query.includes('deflate') });
    const [welcome] = await once(ws, 'message') as [Buffer];
    return { ws, id: (JSON.parse(welcome.toString()) as { id: number; deflate: boolean }).id, welcome: JSON.parse(welcome.toString()) as { deflate: boolean } };
  };
  const frames = async (id: number) => (await (await fetch(`${lab.base}/api/inspect/frames/${id}`)).json()) as { frames: { dir: string; opcode: string; fin: boolean; rsv1: boolean; masked: boolean; headerHex: string; wireHex: string; unmaskedHex: string; text: string | null; payloadLength: number }[] };

  it('shows the client frame masked as it arrived, then unmasked, and the echo unmasked', async () => {
    lab = await startLab();
    const { ws, id } = await open();
    ws.send('Hello');
    await once(ws, 'message');
    const { frames: got } = await frames(id);
    const inbound = got.find((f) => f.dir === 'in' && f.opcode === 'text')!;
    expect(inbound.masked).toBe(true);
    expect(inbound.headerHex).toMatch(/^81 85( [0-9a-f]{2}){4}$/);
    expect(inbound.unmaskedHex).toBe('48 65 6c 6c 6f');
    expect(inbound.wireHex).not.toBe(inbound.unmaskedHex);
    const echo = got.filter((f) => f.dir === 'out' && f.opcode === 'text').at(-1)!;
    expect(echo.headerHex).toBe('81 05');
    expect(echo.text).toBe('Hello');
    ws.close(4000, 'bye');
    await once(ws, 'close');
    const closing = (await frames(id)).frames.filter((f) => f.opcode === 'close');
    expect(closing.map((f) => [f.dir, f.text])).toEqual([['in', '4000 bye'], ['out', '4000 bye']]);
  });

  it('shows the 16- and 64-bit length forms, fragments and ping/pong', async () => {
    lab = await startLab();
    const { ws, id } = await open();
    ws.send(Buffer.alloc(256), { binary: true });
    await once(ws, 'message');
    ws.send(Buffer.alloc(65_536), { binary: true });
    await once(ws, 'message');
    ws.send(JSON.stringify({ cmd: 'fragments', text: 'Hello', parts: 2 }));
    const [whole] = await once(ws, 'message') as [Buffer];
    expect(whole.toString()).toBe('Hello');
    ws.send(JSON.stringify({ cmd: 'ping', data: 'hi' }));
    await once(ws, 'ping');
    const pongSeen = async () => (await frames(id)).frames.some((f) => f.dir === 'in' && f.opcode === 'pong');
    while (!(await pongSeen())) await new Promise((r) => setImmediate(r));
    const got = (await frames(id)).frames;
    expect(got.find((f) => f.dir === 'out' && f.payloadLength === 256)!.headerHex).toBe('82 7e 01 00');
    expect(got.find((f) => f.dir === 'out' && f.payloadLength === 65_536)!.headerHex).toBe('82 7f 00 00 00 00 00 01 00 00');
    const parts = got.filter((f) => f.dir === 'out' && (f.opcode === 'continuation' || f.text === 'Hel'));
    expect(parts.map((f) => [f.opcode, f.fin, f.text])).toEqual([['text', false, 'Hel'], ['continuation', true, 'lo']]);
    expect(got.find((f) => f.dir === 'in' && f.opcode === 'pong')!.masked).toBe(true);
    ws.close();
  });

  it('negotiates permessage-deflate only when asked: RSV1 and a compressed payload', async () => {
    lab = await startLab();
    const { ws, id, welcome } = await open('?deflate=1');
    expect(welcome.deflate).toBe(true);
    ws.send('Hello Hello Hello Hello');
    await once(ws, 'message');
    const echo = (await frames(id)).frames.filter((f) => f.dir === 'out' && f.opcode === 'text').at(-1)!;
    expect(echo.rsv1).toBe(true);
    expect(echo.payloadLength).toBeLessThan(23);
    ws.close();
    // The lanes never compress, even when the client offers it.
    const lane = new WebSocket(lab.base.replace('http', 'ws') + '/feed/ws', { perMessageDeflate: true });
    await once(lane, 'open');
    expect(lane.extensions).toBe('');
    lane.close();
  });
});
