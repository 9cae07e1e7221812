/**
 * Regression tests for issue 10 ("no input can crash or exhaust the lab"):
 * each failure found by trying the lab as an attacker would, named after it.
 * Every test also checks that a bystander on the feed keeps being served.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import WebSocket from 'ws';
import { startLab, RawClient, headEnd, type RunningLab } from './support/lab.ts';
import { startClient, type LaneClient } from './support/clients.ts';

let lab: RunningLab;
let bystander: LaneClient;

beforeEach(async () => {
  lab = await startLab();
  bystander = startClient('ws', lab.base, 0);
  await bystander.ready;
});
afterEach(async () => {
  bystander.stop();
  await lab.close();
});

/** A ws client that keeps every text message and how it closed. */
class Peer {
  readonly texts: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly waiters = new Set<() => void>();

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.texts.push(data.toString());
      for (const wake of [...this.waiters]) wake();
    });
    ws.on('error', () => {});
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static async open(path: string, protocols?: string[]): Promise<Peer> {
    const peer = new Peer(new WebSocket(lab.base.replace('http', 'ws') + path, protocols));
    await once(peer.ws, 'open');
    return peer;
  }

  /** The first text message (from index `from`) that passes `match`. */
  next(match: (text: string) => boolean, from = 0): Promise<string> {
    return new Promise((resolve) => {
      const check = () => {
        const found = this.texts.slice(from).find(match);
        if (found === undefined) return;
        this.waiters.delete(check);
        resolve(found);
      };
      this.waiters.add(check);
      check();
    });
  }
}

/** Publish one message over HTTP and check the bystander gets it with the next seq: no hole. */
async function publishAndSeeNoHole(): Promise<void> {
  const expected = lab.app.lab.feed.head + 1;
  const res = await fetch(lab.base + '/feed/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"data":"after"}' });
  expect(res.status).toBe(201);
  expect((await res.json() as { seq: number }).seq).toBe(expected);
  await bystander.waitFor(expected);
  expect(bystander.messages.map((m) => m.seq)).toEqual(Array.from({ length: expected }, (_, i) => i + 1));
}

const deep = (levels: number) => `{"data":${'['.repeat(levels)}${']'.repeat(levels)}}`;

describe('inspector commands that made ws throw', () => {
  const refusals: [string, unknown][] = [
    ['close code 5', { cmd: 'close', code: 5 }],
    ['close code 999', { cmd: 'close', code: 999 }],
    ['close code 1005', { cmd: 'close', code: 1005 }],
    ['close code as the string "4000"', { cmd: 'close', code: '4000' }],
    ['a close reason of 100 × "가" (300 bytes of UTF-8)', { cmd: 'close', code: 4000, reason: '가'.repeat(100) }],
    ['ping data of 50 × "가" (150 bytes of UTF-8)', { cmd: 'ping', data: '가'.repeat(50) }],
  ];
  it.each(refusals)('regression: %s on /inspect/echo no longer kills the process', async (_name, command) => {
    const peer = await Peer.open('/inspect/echo');
    await peer.next((t) => t.includes('"welcome"'));
    peer.ws.send(JSON.stringify(command));
    const refusal = JSON.parse(await peer.next((t) => t.includes('LAB_ERR_INSPECT_COMMAND'))) as { type: string; error: string; message: string };
    expect(refusal).toMatchObject({ type: 'error', error: 'LAB_ERR_INSPECT_COMMAND' });
    expect(refusal.message.length).toBeGreaterThan(0);
    // The socket stays open and still echoes.
    peer.ws.send('still here');
    await peer.next((t) => t === 'still here');
    peer.ws.close();
    await publishAndSeeNoHole();
  });

  it('a valid close with a reason of 41 × "가" (123 bytes) still closes with that code and reason', async () => {
    const peer = await Peer.open('/inspect/echo');
    await peer.next((t) => t.includes('"welcome"'));
    peer.ws.send(JSON.stringify({ cmd: 'close', code: 4000, reason: '가'.repeat(41) }));
    expect(await peer.closed).toEqual({ code: 4000, reason: '가'.repeat(41) });
  });
});

describe('deeply nested JSON', () => {
  it('regression: 6,000 levels of nesting over /feed/ws no longer kill the process at publish', async () => {
    const peer = await Peer.open('/feed/ws');
    peer.ws.send(deep(6_000));
    const { code, reason } = await peer.closed;
    expect(code).toBe(1008);
    expect(reason).toMatch(/^LAB_ERR_JSON_TOO_DEEP: /);
    await publishAndSeeNoHole();
  });

  it('regression: 6,000 levels of nesting in a STOMP SEND no longer kill the process at publish', async () => {
    const peer = await Peer.open('/stomp', ['v12.stomp']);
    peer.ws.send('CONNECT\naccept-version:1.2\nhost:lab\n\n\0');
    await peer.next((t) => t.startsWith('CONNECTED'));
    peer.ws.send(`SEND\ndestination:/topic/feed\ncontent-type:application/json\n\n${deep(6_000)}\0`);
    const error = await peer.next((t) => t.startsWith('ERROR'));
    expect(error).toMatch(/LAB_ERR_STOMP_FEED_BODY/);
    expect(error).toMatch(/nested deeper than 64/);
    await peer.closed;
    await publishAndSeeNoHole();
  });

  it('regression: 6,000 levels over POST /feed/messages answer 400 before a seq is taken (no hole)', async () => {
    const stream = startClient('stream', lab.base, 0);
    await stream.ready;
    try {
      const res = await fetch(lab.base + '/feed/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: deep(6_000) });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'LAB_ERR_JSON_TOO_DEEP' });
      expect(lab.app.lab.feed.head).toBe(0);
      // A poll from before the refused publish still answers, and the stream client survives the next publish.
      await publishAndSeeNoHole();
      const poll = await fetch(lab.base + '/feed/poll?since=0');
      expect(poll.status).toBe(200);
      await stream.waitFor(1);
      expect(stream.messages.map((m) => m.seq)).toEqual([1]);
    } finally {
      stream.stop();
    }
  });

  it('65 levels are refused and 64 accepted (maxJsonDepth counts the {"data":…} object as one level)', async () => {
    const post = (body: string) => fetch(lab.base + '/feed/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect((await post(deep(64))).status).toBe(400);
    expect((await post(deep(63))).status).toBe(201);
  });

  it('a chat command nested too deep gets an error event and the member stays', async () => {
    const peer = await Peer.open('/chat/ws');
    peer.ws.send(`{"type":"join","nick":${'['.repeat(100)}${']'.repeat(100)}}`);
    const error = JSON.parse(await peer.next((t) => t.includes('"error"'))) as { code: string };
    expect(error.code).toBe('LAB_ERR_CHAT_NOT_JSON');
    peer.ws.send(JSON.stringify({ type: 'join', nick: 'Alice' }));
    await peer.next((t) => t.includes('"welcome"'));
    peer.ws.close();
  });
});

describe('an unexpected exception in a handler closes only that socket', () => {
  it('regression: a publish that throws inside the /feed/ws message handler closes that socket with 1011 and the feed carries on', async () => {
    const feed = lab.app.lab.feed;
    const publish = feed.publish;
    feed.publish = () => { throw new TypeError('simulated bug'); };
    try {
      const peer = await Peer.open('/feed/ws');
      peer.ws.send('{"data":"boom"}');
      const { code, reason } = await peer.closed;
      expect(code).toBe(1011);
      expect(reason).toMatch(/^LAB_ERR_INTERNAL: /);
    } finally {
      feed.publish = publish;
    }
    await publishAndSeeNoHole();
  });

  it('regression: a publish that throws inside a STOMP SEND closes that socket with 1011 and the feed carries on', async () => {
    const feed = lab.app.lab.feed;
    const publish = feed.publish;
    feed.publish = () => { throw new TypeError('simulated bug'); };
    try {
      const peer = await Peer.open('/stomp', ['v12.stomp']);
      peer.ws.send('CONNECT\naccept-version:1.2\nhost:lab\n\n\0');
      await peer.next((t) => t.startsWith('CONNECTED'));
      peer.ws.send('SEND\ndestination:/topic/feed\n\n{"data":1}\0');
      expect((await peer.closed).code).toBe(1011);
    } finally {
      feed.publish = publish;
    }
    await publishAndSeeNoHole();
  });

  it('regression: a throwing feed listener no longer takes the publisher down', async () => {
    lab.app.lab.feed.subscribe(() => { throw new TypeError('simulated bug in a consumer'); });
    await publishAndSeeNoHole();
    await publishAndSeeNoHole();
  });

  it('an HTTP route that throws answers 500 in the lab shape', async () => {
    const feed = lab.app.lab.feed;
    const publish = feed.publish;
    feed.publish = () => { throw new TypeError('simulated bug'); };
    try {
      const res = await fetch(lab.base + '/feed/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"data":1}' });
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ error: 'LAB_ERR_INTERNAL', message: 'internal error' });
    } finally {
      feed.publish = publish;
    }
    await publishAndSeeNoHole();
  });
});

describe('one error shape everywhere', () => {
  it('regression: GET /feed/ws without Upgrade answers 426 with a JSON body and Upgrade: websocket, not a bare 404', async () => {
    for (const path of ['/feed/ws', '/chat/ws', '/stomp', '/inspect/echo', '/api/live']) {
      const res = await fetch(lab.base + path);
      expect([path, res.status]).toEqual([path, 426]);
      expect(res.headers.get('upgrade')).toBe('websocket');
      expect(await res.json()).toMatchObject({ error: 'LAB_ERR_UPGRADE_REQUIRED' });
    }
  });

  it('regression: an Upgrade to a path with no WebSocket route is refused before any 101', async () => {
    for (const path of ['/feed/poll', '/api/stats', '/no/such/path']) {
      const raw = await RawClient.open(lab.port);
      raw.write(`GET ${path} HTTP/1.1\r\nHost: lab\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
      await raw.closed;
      const text = raw.received.toString('latin1');
      expect([path, text.split('\r\n')[0]]).toEqual([path, 'HTTP/1.1 404 Not Found']);
      expect(JSON.parse(text.slice(headEnd(raw.received)))).toMatchObject({ error: 'LAB_ERR_NOT_FOUND' });
    }
  });

  it('regression: a handshake with no, two or a malformed Host gets 400, not 101 (RFC 6455 §4.2.1)', async () => {
    const rest = 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';
    // One Fastify route and one library path (engine.io listens for upgrades itself).
    for (const path of ['/feed/ws', '/socket.io/?EIO=4&transport=websocket']) {
      for (const host of ['', 'Host: \r\n', 'Host: exa mple\r\n', 'Host: lab\r\nHost: evil\r\n', 'Host: [::1\r\n', 'Host: lab:99999\r\n']) {
        const raw = await RawClient.open(lab.port);
        raw.write(`GET ${path} HTTP/1.1\r\n${host}${rest}`);
        await raw.closed;
        const text = raw.received.toString('latin1');
        expect([path, host, text.split('\r\n')[0]]).toEqual([path, host, 'HTTP/1.1 400 Bad Request']);
        expect(JSON.parse(text.slice(headEnd(raw.received)))).toMatchObject({ error: 'LAB_ERR_BAD_REQUEST' });
      }
    }
    const raw = await RawClient.open(lab.port);
    raw.write(`GET /feed/ws HTTP/1.1\r\nHost: lab:${lab.port}\r\n${rest}`);
    await raw.untilText('\r\n\r\n');
    expect(raw.received.toString('latin1').split('\r\n')[0]).toBe('HTTP/1.1 101 Switching Protocols');
    raw.socket.destroy();
  });

  it('regression: a malformed request line gets 400 in the lab shape, not Fastify\'s own', async () => {
    const raw = await RawClient.open(lab.port);
    raw.write('GET /feed/poll HTTP/1.1 junk\r\nHost: lab\r\n\r\n');
    await raw.closed;
    const text = raw.received.toString('latin1');
    expect(text.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(JSON.parse(text.slice(headEnd(raw.received)))).toMatchObject({ error: 'LAB_ERR_BAD_REQUEST' });
  });

  it('regression: headers over the limit get 431 in the lab shape, not Fastify\'s own 400', async () => {
    const raw = await RawClient.open(lab.port);
    raw.write(`GET /feed/poll HTTP/1.1\r\nHost: lab\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    await raw.closed;
    const text = raw.received.toString('latin1');
    expect(text.split('\r\n')[0]).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(JSON.parse(text.slice(headEnd(raw.received)))).toMatchObject({ error: 'LAB_ERR_HEADERS_TOO_LARGE' });
  });

  it('regression: the handshake playground no longer runs a second request appended after the first', async () => {
    const first = 'GET /feed/ws HTTP/1.1\r\nHost: lab\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n';
    const res = await fetch(lab.base + '/api/playground/handshake', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ request: `${first}GET /feed/poll HTTP/1.1\r\nHost: lab\r\n\r\n` }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'LAB_ERR_PLAYGROUND_TARGET', message: expect.stringMatching(/one request/) });
  });
});

describe('look-alike nicknames', () => {
  it('regression: "Аlice" with a Cyrillic А, the Hangul filler U+3164 alone, zero-width and combining-only names are refused over /chat/ws', async () => {
    const alice = await Peer.open('/chat/ws');
    alice.ws.send(JSON.stringify({ type: 'join', nick: 'Alice' }));
    await alice.next((t) => t.includes('"welcome"'));
    const other = await Peer.open('/chat/ws');
    const tries: [string, string][] = [
      ['\u0410lice', 'LAB_ERR_CHAT_NICK_CONFUSABLE'],
      ['\u3164', 'LAB_ERR_CHAT_NICK_INVISIBLE'],
      ['Bo\u200bb', 'LAB_ERR_CHAT_NICK_INVISIBLE'],
      ['\u0301\u0301', 'LAB_ERR_CHAT_NICK_INVALID'],
    ];
    for (const [nick, code] of tries) {
      const from = other.texts.length;
      other.ws.send(JSON.stringify({ type: 'join', nick }));
      expect(JSON.parse(await other.next((t) => t.includes('"error"'), from))).toMatchObject({ type: 'error', code });
    }
    other.ws.send(JSON.stringify({ type: 'join', nick: 'Ｂｏｂ' }));
    expect(JSON.parse(await other.next((t) => t.includes('"welcome"')))).toMatchObject({ you: { nick: 'Bob' } });
    alice.ws.close();
    other.ws.close();
  });
});
