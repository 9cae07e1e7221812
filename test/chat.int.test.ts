/**
 * The chat with real clients on a real port: three WebSocket members (the
 * seed notes' 유재석, 강호동, 신동엽), each delivery mode, presence, rooms,
 * refusals; then the HTTP bindings (POST + long poll, POST + SSE).
 *
 * "Did not receive" is proven without waiting: after the message under test
 * the sender sends a marker to everyone, and each connection is in order, so
 * whatever a member got before its marker is all it got of the first message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { FastifyInstance } from 'fastify';
import { buildLab } from '../src/app.ts';
import { chatPlugin } from '../src/chat/plugin.ts';
import { resolveChatLimits } from '../src/chat/limits.ts';
import { SseDecoder } from '../src/framing/sse.ts';
import type { ServerEvent } from '../src/chat/protocol.ts';

type Event = ServerEvent;
type Message = Extract<Event, { type: 'message' }>;

class Peer {
  readonly events: Event[] = [];
  private readonly waiters = new Set<() => void>();
  closed: Promise<number>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.events.push(JSON.parse(data.toString()) as Event);
      for (const wake of [...this.waiters]) wake();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code) => resolve(code)));
  }

  static async connect(url: string): Promise<Peer> {
    const ws = new WebSocket(url);
    const peer = new Peer(ws);
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    return peer;
  }

  static async join(url: string, nick: string): Promise<Peer> {
    const peer = await Peer.connect(url);
    peer.send({ type: 'join', nick });
    const welcome = await peer.waitFor((e) => e.type === 'welcome' || e.type === 'error');
    if (welcome.type !== 'welcome') throw new Error(`join refused: ${JSON.stringify(welcome)}`);
    return peer;
  }

  send(command: unknown): void {
    this.ws.send(typeof command === 'string' ? command : JSON.stringify(command));
  }

  /** The first event from `from` on that matches (already received or still to come). */
  waitFor(match: (e: Event) => boolean, from = 0): Promise<Event> {
    return new Promise((resolve) => {
      const check = () => {
        const found = this.events.slice(from).find(match);
        if (!found) return false;
        this.waiters.delete(check);
        resolve(found);
        return true;
      };
      if (!check()) this.waiters.add(check);
    });
  }

  /** Send a command with a ref and wait for its reply (ack, joined-room, ... or error). */
  async request(command: Record<string, unknown>, ref: string): Promise<Event> {
    this.send({ ...command, ref });
    return this.waitFor((e) => 'ref' in e && e.ref === ref);
  }

  /** Texts of the messages received, up to and not including `marker`. */
  async textsBefore(marker: string): Promise<string[]> {
    await this.waitFor((e) => e.type === 'message' && e.text === marker);
    const upTo = this.events.findIndex((e) => e.type === 'message' && e.text === marker);
    return this.events.slice(0, upTo).filter((e): e is Message => e.type === 'message').map((e) => e.text);
  }

  close(): Promise<number> {
    this.ws.close();
    return this.closed;
  }
}

let app: FastifyInstance;
let base: string;
let wsUrl: string;

beforeAll(async () => {
  app = await buildLab({ feedRate: 0, serveWeb: false, startFeed: false });
  // A second chat beside the default one, with tight limits for the refusal tests.
  await app.register(chatPlugin, {
    prefix: '/tight',
    limits: { rateBurst: 5, ratePerSecond: 0.001, maxTextChars: 10, sessionIdleMs: 200, longpollWaitMs: 50, maxLongpollWaitMs: 100 },
  });
  // And one with a rate limit no test reaches, for tests that send many commands quickly.
  await app.register(chatPlugin, { prefix: '/loose', limits: { rateBurst: 1000, mailboxCapacity: 2 } });
  // And one that pings every 250 ms, to see a silent member dropped. Not shorter: the answering member's
  // pong must be read before the next ping, and with 30 ms a loaded machine (server and clients share this
  // event loop) dropped the answering member too, which then never saw the silent one leave.
  await app.register(chatPlugin, { prefix: '/ping', limits: { pingMs: 250 } });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  wsUrl = `${base.replace('http', 'ws')}/chat/ws`;
});

afterAll(async () => {
  await app.close();
});

describe('three members on WebSocket', () => {
  let yoo: Peer;
  let kang: Peer;
  let shin: Peer;

  beforeAll(async () => {
    yoo = await Peer.join(wsUrl, '유재석');
    kang = await Peer.join(wsUrl, '강호동');
    shin = await Peer.join(wsUrl, '신동엽');
  });

  afterAll(async () => {
    await Promise.all([yoo, kang, shin].map((p) => p.close()));
  });

  it('welcomes each newcomer with the presence list, and tells the others', async () => {
    const welcome = shin.events[0]!;
    expect(welcome.type === 'welcome' && welcome.members.map((m) => m.nick)).toEqual(['유재석', '강호동', '신동엽']);
    const seen = await yoo.waitFor((e) => e.type === 'presence' && e.event === 'join' && e.member.nick === '신동엽');
    expect(seen).toMatchObject({ type: 'presence', event: 'join', member: { nick: '신동엽' } });
    expect(seen).not.toHaveProperty('room');
  });

  async function deliveredTo(mode: 'all' | 'self' | 'others', text: string): Promise<Record<string, string[]>> {
    const from = { yoo: yoo.events.length, kang: kang.events.length, shin: shin.events.length };
    const ack = await yoo.request({ type: 'say', to: mode, text }, `${mode}-1`);
    expect(ack.type).toBe('ack');
    const marker = `end of ${mode}`;
    yoo.send({ type: 'say', to: 'all', text: marker });
    const got = async (peer: Peer, start: number) => {
      await peer.waitFor((e) => e.type === 'message' && e.text === marker, start);
      const events = peer.events.slice(start);
      return events.slice(0, events.findIndex((e) => e.type === 'message' && e.text === marker))
        .filter((e): e is Message => e.type === 'message').map((e) => e.text);
    };
    return { yoo: await got(yoo, from.yoo), kang: await got(kang, from.kang), shin: await got(shin, from.shin) };
  }

  it('"all" reaches everyone, the sender too (io.emit)', async () => {
    expect(await deliveredTo('all', '(유재석)안녕하세요.')).toEqual({
      yoo: ['(유재석)안녕하세요.'], kang: ['(유재석)안녕하세요.'], shin: ['(유재석)안녕하세요.'],
    });
  });

  it('"self" reaches the sender only (socket.emit)', async () => {
    expect(await deliveredTo('self', 'note to self')).toEqual({ yoo: ['note to self'], kang: [], shin: [] });
  });

  it('"others" reaches everyone but the sender (socket.broadcast.emit)', async () => {
    expect(await deliveredTo('others', 'not for me')).toEqual({ yoo: [], kang: ['not for me'], shin: ['not for me'] });
  });

  it('acks carry the message id and the number of recipients', async () => {
    const ack = await kang.request({ type: 'say', to: 'others', text: 'count them' }, 'k1');
    expect(ack).toMatchObject({ type: 'ack', recipients: 2, ref: 'k1' });
    const msg = await shin.waitFor((e) => e.type === 'message' && e.text === 'count them');
    expect(msg).toMatchObject({ type: 'message', id: (ack as { id: number }).id, from: { nick: '강호동' }, to: 'others' });
  });

  it('rooms isolate: a room message reaches that room only', async () => {
    expect(await yoo.request({ type: 'join-room', room: 'runningman' }, 'r1')).toMatchObject({ type: 'joined-room', room: 'runningman' });
    const joined = await kang.request({ type: 'join-room', room: 'runningman' }, 'r2');
    expect(joined.type === 'joined-room' && joined.members.map((m) => m.nick)).toEqual(['유재석', '강호동']);
    expect(await yoo.waitFor((e) => e.type === 'presence' && e.room === 'runningman' && e.member.nick === '강호동'))
      .toMatchObject({ event: 'join' });
    await shin.request({ type: 'join-room', room: 'snl' }, 'r3');

    const start = shin.events.length;
    await yoo.request({ type: 'say', to: 'room', room: 'runningman', text: 'room only' }, 'r4');
    yoo.send({ type: 'say', to: 'all', text: 'room marker' });
    expect(await kang.waitFor((e) => e.type === 'message' && e.text === 'room only')).toMatchObject({ to: 'room', room: 'runningman' });
    await shin.waitFor((e) => e.type === 'message' && e.text === 'room marker', start);
    expect(shin.events.slice(start).some((e) => e.type === 'message' && e.text === 'room only')).toBe(false);

    // Sending to a room you are not in is refused, and changes nothing.
    expect(await shin.request({ type: 'say', to: 'room', room: 'runningman', text: 'let me in' }, 'r5'))
      .toMatchObject({ type: 'error', code: 'LAB_ERR_CHAT_NOT_IN_ROOM' });
    expect(await kang.request({ type: 'leave-room', room: 'runningman' }, 'r6')).toMatchObject({ type: 'left-room' });
    expect(await yoo.waitFor((e) => e.type === 'presence' && e.room === 'runningman' && e.event === 'leave')).toMatchObject({ member: { nick: '강호동' } });
  });

  it('a member who vanishes without a close frame is reported "lost" to everyone left', async () => {
    const ghost = await Peer.join(wsUrl, '하하');
    const ghostId = (ghost.events[0] as Extract<Event, { type: 'welcome' }>).you.id;
    await yoo.waitFor((e) => e.type === 'presence' && e.event === 'join' && e.member.id === ghostId);
    ghost.ws.terminate(); // TCP ends with no WebSocket close: the server sees code 1006
    for (const peer of [yoo, kang, shin]) {
      expect(await peer.waitFor((e) => e.type === 'presence' && e.event === 'leave' && e.member.id === ghostId))
        .toMatchObject({ reason: 'lost', member: { nick: '하하' } });
    }
    // The nickname is free again.
    const again = await Peer.join(wsUrl, '하하');
    await again.close();
    expect(await yoo.waitFor((e) => e.type === 'presence' && e.event === 'leave' && e.member.nick === '하하' && e.member.id !== ghostId))
      .toMatchObject({ reason: 'left' });
  });

  it('drops a member that stops answering pings, as "timeout"', async () => {
    const pingUrl = `${base.replace('http', 'ws')}/ping/chat/ws`;
    const awake = await Peer.join(pingUrl, 'awake');
    const ws = new WebSocket(pingUrl, { autoPong: false }); // a peer whose TCP is up but who no longer answers
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ type: 'join', nick: 'asleep' }));
    expect(await awake.waitFor((e) => e.type === 'presence' && e.event === 'leave' && e.member.nick === 'asleep'))
      .toMatchObject({ reason: 'timeout' });
    ws.terminate();
    await awake.close();
  });

  it('says goodbye on "leave" and closes with 1000', async () => {
    const guest = await Peer.join(wsUrl, '게스트');
    guest.send({ type: 'leave' });
    expect(await guest.closed).toBe(1000);
    expect(guest.events.at(-1)).toEqual({ type: 'bye' });
    expect(await shin.waitFor((e) => e.type === 'presence' && e.event === 'leave' && e.member.nick === '게스트')).toMatchObject({ reason: 'left' });
  });
});

describe('refusals (the connection stays open)', () => {
  it('refuses bad nicknames with a code, then accepts a good one on the same connection', async () => {
    const taken = await Peer.join(wsUrl, 'Alice');
    const peer = await Peer.connect(wsUrl);
    const tries: [unknown, string][] = [
      ['', 'LAB_ERR_CHAT_NICK_INVALID'],
      ['x'.repeat(resolveChatLimits().nickMaxChars + 1), 'LAB_ERR_CHAT_NICK_INVALID'],
      ['<b>bold</b>', 'LAB_ERR_CHAT_NICK_INVALID'],
      [' padded', 'LAB_ERR_CHAT_NICK_INVALID'],
      ['tab\there', 'LAB_ERR_CHAT_NICK_INVISIBLE'], // a control character
      [42, 'LAB_ERR_CHAT_NICK_INVALID'],
      ['alice', 'LAB_ERR_CHAT_NICK_TAKEN'],
    ];
    for (const [nick, code] of tries) {
      const from = peer.events.length;
      peer.send({ type: 'join', nick });
      expect(await peer.waitFor((e) => e.type === 'error' || e.type === 'welcome', from)).toMatchObject({ type: 'error', code });
    }
    const from = peer.events.length;
    peer.send({ type: 'join', nick: '강호동 2' });
    expect(await peer.waitFor((e) => e.type === 'welcome', from)).toMatchObject({ you: { nick: '강호동 2' } });
    await Promise.all([taken.close(), peer.close()]);
  });

  it('refuses commands that are not JSON, unknown, binary, or sent before joining', async () => {
    const peer = await Peer.connect(`${base.replace('http', 'ws')}/loose/chat/ws`);
    const expectError = async (send: () => void, code: string) => {
      const from = peer.events.length;
      send();
      expect(await peer.waitFor(() => true, from)).toMatchObject({ type: 'error', code });
    };
    await expectError(() => peer.send('not json'), 'LAB_ERR_CHAT_NOT_JSON');
    await expectError(() => peer.send({ type: 'shout', text: 'hi' }), 'LAB_ERR_CHAT_BAD_COMMAND');
    await expectError(() => peer.send({ type: 'say', to: 'all', text: 'hi' }), 'LAB_ERR_CHAT_NOT_JOINED');
    await expectError(() => peer.ws.send(Buffer.from([1, 2, 3]), { binary: true }), 'LAB_ERR_CHAT_BINARY');
    peer.send({ type: 'join', nick: 'Picky' });
    await peer.waitFor((e) => e.type === 'welcome');
    await expectError(() => peer.send({ type: 'say', to: 'everyone', text: 'hi' }), 'LAB_ERR_CHAT_MODE_INVALID');
    await expectError(() => peer.send({ type: 'say', to: 'all', text: '   ' }), 'LAB_ERR_CHAT_TEXT_INVALID');
    await expectError(() => peer.send({ type: 'say', to: 'all', text: 'x'.repeat(resolveChatLimits().maxTextChars + 1) }), 'LAB_ERR_CHAT_TEXT_TOO_LONG');
    await expectError(() => peer.send({ type: 'say', to: 'all', text: 'hi', room: 'a' }), 'LAB_ERR_CHAT_BAD_COMMAND');
    await expectError(() => peer.send({ type: 'join-room', room: 'no spaces allowed' }), 'LAB_ERR_CHAT_ROOM_INVALID');
    await expectError(() => peer.send({ type: 'join', nick: 'Again' }), 'LAB_ERR_CHAT_ALREADY_JOINED');
    // After all that, it still works.
    expect(await peer.request({ type: 'say', to: 'self', text: 'still here' }, 'ok')).toMatchObject({ type: 'ack', recipients: 1 });
    await peer.close();
  });

  it('passes markup through as text: the server never interprets it', async () => {
    const peer = await Peer.join(wsUrl, 'Mallory');
    const xss = '<img src=x onerror=alert(1)>';
    await peer.request({ type: 'say', to: 'self', text: xss }, 'x');
    expect(await peer.waitFor((e) => e.type === 'message')).toMatchObject({ text: xss });
    await peer.close();
  });

  it('refuses a flood past the rate limit, and the others get only what was accepted', async () => {
    const tightUrl = `${base.replace('http', 'ws')}/tight/chat/ws`;
    const flooder = await Peer.join(tightUrl, 'flood'); // the join took 1 of the 5 tokens
    const listener = await Peer.join(tightUrl, 'listener');
    const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => flooder.request({ type: 'say', to: 'others', text: `m${i}` }, `f${i}`)));
    expect(replies.map((r) => r.type)).toEqual(['ack', 'ack', 'ack', 'ack', 'error', 'error', 'error', 'error', 'error', 'error']);
    expect(replies[4]).toMatchObject({ code: 'LAB_ERR_CHAT_RATE_LIMITED' });
    expect((replies[4] as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
    await listener.waitFor((e) => e.type === 'message' && e.text === 'm3');
    expect(listener.events.filter((e) => e.type === 'message').map((e) => (e as Message).text)).toEqual(['m0', 'm1', 'm2', 'm3']);
    await Promise.all([flooder.close(), listener.close()]);
  });
});

describe('over HTTP: POST to send, long poll or SSE to receive', () => {
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: await res.json() as Record<string, unknown> };
  };

  it('a long-poll member and a WebSocket member talk both ways, and each sees the other join and leave', async () => {
    const ws = await Peer.join(wsUrl, 'ws-member');
    const joined = await post('/chat/sessions', { type: 'join', nick: 'http-member' });
    expect(joined.status).toBe(201);
    expect(joined.body).toMatchObject({ type: 'welcome', you: { nick: 'http-member' } });
    const session = joined.body.session as string;
    await ws.waitFor((e) => e.type === 'presence' && e.event === 'join' && e.member.nick === 'http-member');

    // The long poll is held until the WebSocket member speaks.
    const poll = fetch(`${base}/chat/longpoll?session=${session}&since=0&wait=10000`).then((r) => r.json() as Promise<{ head: number; events: Event[] }>);
    ws.send({ type: 'say', to: 'others', text: 'hello over ws' });
    const answer = await poll;
    expect(answer.events).toEqual([expect.objectContaining({ type: 'message', text: 'hello over ws', from: expect.objectContaining({ nick: 'ws-member' }) })]);
    expect(answer.head).toBe(1);

    const sent = await post(`/chat/messages?session=${session}`, { type: 'say', to: 'all', text: 'hello over http' });
    expect(sent).toMatchObject({ status: 201, body: { type: 'ack', recipients: 2 } });
    expect(await ws.waitFor((e) => e.type === 'message' && e.text === 'hello over http')).toMatchObject({ from: { nick: 'http-member' } });
    // The sender's own copy ("all") waits in its mailbox, after event 1.
    const mine = await fetch(`${base}/chat/longpoll?session=${session}&since=1`).then((r) => r.json() as Promise<{ events: Event[] }>);
    expect(mine.events).toEqual([expect.objectContaining({ text: 'hello over http' })]);

    expect(await post(`/chat/messages?session=${session}`, { type: 'leave' })).toMatchObject({ status: 200, body: { type: 'bye' } });
    expect(await ws.waitFor((e) => e.type === 'presence' && e.event === 'leave' && e.member.nick === 'http-member')).toMatchObject({ reason: 'left' });
    expect(await post(`/chat/messages?session=${session}`, { type: 'say', to: 'all', text: 'gone' }))
      .toMatchObject({ status: 404, body: { error: 'LAB_ERR_CHAT_SESSION_UNKNOWN' } });
    await ws.close();
  });

  it('an SSE member receives events as `id: N` / `data: <event>` and resumes with Last-Event-ID', async () => {
    const ws = await Peer.join(wsUrl, 'ws-talker');
    const { body } = await post('/chat/sessions', { type: 'join', nick: 'sse-member' });
    const session = body.session as string;
    const open = async (headers: Record<string, string>) => {
      const abort = new AbortController();
      const res = await fetch(`${base}/chat/sse?session=${session}`, { headers, signal: abort.signal });
      expect(res.headers.get('content-type')).toBe('text/event-stream');
      const decoder = new SseDecoder();
      const reader = res.body!.getReader();
      const text = new TextDecoder();
      const events: { id?: string; event: Event }[] = [];
      const until = async (count: number) => {
        while (events.length < count) {
          const { value, done } = await reader.read();
          if (done) throw new Error('stream ended');
          for (const ev of decoder.push(text.decode(value, { stream: true }))) {
            if (ev.event === 'message') events.push({ ...(ev.id !== undefined && { id: ev.id }), event: JSON.parse(ev.data) as Event });
          }
        }
        return events;
      };
      return { until, close: () => abort.abort() };
    };
    const first = await open({});
    ws.send({ type: 'say', to: 'others', text: 'one' });
    ws.send({ type: 'say', to: 'others', text: 'two' });
    expect((await first.until(2)).map((e) => [e.id, (e.event as Message).text])).toEqual([['1', 'one'], ['2', 'two']]);
    first.close();

    const resumed = await open({ 'last-event-id': '1' });
    expect((await resumed.until(1)).map((e) => [e.id, (e.event as Message).text])).toEqual([['2', 'two']]);
    resumed.close();
    await post(`/chat/messages?session=${session}`, { type: 'leave' });
    await ws.close();
  });

  it('tells an HTTP member when its mailbox overflowed, on long poll and on SSE', async () => {
    const talker = await Peer.join(`${base.replace('http', 'ws')}/loose/chat/ws`, 'talker');
    const { body } = await post('/loose/chat/sessions', { type: 'join', nick: 'away' });
    const session = body.session as string;
    for (const text of ['one', 'two', 'three']) await talker.request({ type: 'say', to: 'others', text }, text);
    const poll = await (await fetch(`${base}/loose/chat/longpoll?session=${session}&since=0`)).json() as { truncated: boolean; firstSeq: number; events: Message[] };
    expect(poll).toMatchObject({ truncated: true, firstSeq: 2 });
    expect(poll.events.map((e) => e.text)).toEqual(['two', 'three']);
    const sse = await fetch(`${base}/loose/chat/sse?session=${session}`);
    const reader = sse.body!.getReader();
    const decoder = new SseDecoder();
    const events: { event: string; data: string }[] = [];
    while (events.length < 3) {
      const { value } = await reader.read();
      events.push(...decoder.push(new TextDecoder().decode(value)).filter((e) => e.event !== 'retry'));
    }
    expect(events[0]).toEqual({ event: 'truncated', data: '{"type":"truncated","firstSeq":2}' });
    expect(events.slice(1).map((e) => (JSON.parse(e.data) as Message).text)).toEqual(['two', 'three']);
    await reader.cancel();
    await post(`/loose/chat/messages?session=${session}`, { type: 'leave' });
    await talker.close();
  });

  it('an HTTP member that stops polling times out, and the others are told', async () => {
    const watcher = await Peer.join(`${base.replace('http', 'ws')}/tight/chat/ws`, 'watcher');
    const { body } = await post('/tight/chat/sessions', { type: 'join', nick: 'sleepy' });
    expect(await watcher.waitFor((e) => e.type === 'presence' && e.event === 'leave' && e.member.nick === 'sleepy'))
      .toMatchObject({ reason: 'timeout' });
    const poll = await fetch(`${base}/tight/chat/longpoll?session=${body.session as string}`);
    expect(poll.status).toBe(404);
    await watcher.close();
  });

  it('answers bad HTTP input with the chat error codes', async () => {
    expect(await post('/chat/sessions', { type: 'join', nick: '' })).toMatchObject({ status: 400, body: { error: 'LAB_ERR_CHAT_NICK_INVALID' } });
    expect(await post('/chat/sessions', { type: 'say', to: 'all', text: 'hi' })).toMatchObject({ status: 409, body: { error: 'LAB_ERR_CHAT_NOT_JOINED' } });
    const { body } = await post('/chat/sessions', { type: 'join', nick: 'checker' });
    const session = body.session as string;
    expect((await fetch(`${base}/chat/longpoll?session=${session}&since=99`)).status).toBe(400);
    expect(await (await fetch(`${base}/chat/longpoll?session=nope`)).json()).toMatchObject({ error: 'LAB_ERR_CHAT_SESSION_UNKNOWN' });
    const big = await fetch(`${base}/chat/messages?session=${session}`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'say', to: 'all', text: 'x'.repeat(resolveChatLimits().maxCommandBytes) }),
    });
    expect(big.status).toBe(413);
    await post(`/chat/messages?session=${session}`, { type: 'leave' });
  });
});
