/**
 * What one 20-character chat message costs on the wire, per transport, as the
 * lab's wire meter counts it from the real sockets (`app.lab.meter.snapshot()`
 * before and after; chat routes count under `chat`, STOMP under `stomp`).
 *
 * Each case is measured in steady state: connections are open and warm, one
 * message has already gone through, and for long polling the receiver's next
 * poll is already held, so the cost of one message is one full cycle.
 * One sender, one receiver, mode "others" (the receiver is the only recipient).
 *
 * Run with `npx vitest run test/chat-cost.int.test.ts` to see the table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Client, type IMessage } from '@stomp/stompjs';
import type { FastifyInstance } from 'fastify';
import { buildLab } from '../src/app.ts';
import { frameHeaderLength } from '../src/framing/ws-frame.ts';
import { encodeFrame, withContentLength } from '../src/stomp/frame.ts';
import { SseDecoder } from '../src/framing/sse.ts';
import type { Counters } from '../src/wire/meter.ts';
import type { TrafficName } from '../src/lanes.ts';

const TEXT = 'Hello, everyone! :-)';
const SAY = JSON.stringify({ type: 'say', to: 'others', text: TEXT });

let app: FastifyInstance;
let base: string;
/** Resolves the next time the server routes a request for `path` (a held long poll has arrived). */
let routed: (path: string) => Promise<void>;
const table: Record<string, Delta> = {};

interface Delta { requests: number; requestHeadBytes: number; responseHeadBytes: number; bytesIn: number; bytesOut: number; total: number }

function delta(name: TrafficName, before: Counters, after: Counters): Delta {
  const d = (k: keyof Counters) => after[k] - before[k];
  return {
    requests: d('requests'), requestHeadBytes: d('requestHeadBytes'), responseHeadBytes: d('responseHeadBytes'),
    bytesIn: d('bytesIn'), bytesOut: d('bytesOut'), total: d('bytesIn') + d('bytesOut'),
  };
}
const counters = (name: TrafficName) => app.lab.meter.snapshot()[name];

beforeAll(async () => {
  app = await buildLab({ feedRate: 0, serveWeb: false, startFeed: false });
  const waiting = new Map<string, () => void>();
  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0]!;
    waiting.get(path)?.();
    waiting.delete(path);
  });
  routed = (path) => new Promise((resolve) => waiting.set(path, resolve));
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  console.table(table);
  await app.close();
});

const post = (path: string, body: string) => fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
const join = async (nick: string) => ((await (await post('/chat/sessions', JSON.stringify({ type: 'join', nick }))).json()) as { session: string }).session;
const leave = (session: string) => post(`/chat/messages?session=${session}`, JSON.stringify({ type: 'leave' }));

describe('one 20-character chat message', () => {
  it('on WebSocket: one masked client frame in, one server frame out, nothing else', async () => {
    const open = (nick: string) => new Promise<WebSocket>((resolve) => {
      const ws = new WebSocket(`${base.replace('http', 'ws')}/chat/ws`);
      ws.once('open', () => ws.send(JSON.stringify({ type: 'join', nick })));
      ws.once('message', () => resolve(ws)); // the welcome
    });
    const next = (ws: WebSocket) => new Promise<string>((resolve) => ws.once('message', (d) => resolve(d.toString())));
    const sender = await open('sender');
    const presence = next(sender); // the receiver's "join", announced to the sender
    const receiver = await open('receiver');
    await presence;

    const before = counters('chat');
    const got = next(receiver);
    sender.send(SAY);
    const event = await got;
    const d = delta('chat', before, counters('chat'));
    table.ws = d;

    expect(JSON.parse(event)).toMatchObject({ type: 'message', text: TEXT });
    // RFC 6455 §5.2: client frames carry a 4-byte mask, server frames do not.
    expect(d.bytesIn).toBe(frameHeaderLength(SAY.length, true) + SAY.length);
    expect(d.bytesOut).toBe(frameHeaderLength(Buffer.byteLength(event), false) + Buffer.byteLength(event));
    expect(d.requests).toBe(0);
    sender.close();
    receiver.close();
  });

  it('on POST + long poll: two HTTP exchanges (the POST, and the held GET answered and asked again)', async () => {
    const to = await join('poller');
    const from = await join('poster');
    let since = 0;
    type Answer = { head: number; events: { type: string; text?: string }[] };
    /** Start a long poll; `held` resolves once the server holds it, `answer` when it answers. */
    const poll = () => {
      const held = routed('/chat/longpoll');
      const answer = fetch(`${base}/chat/longpoll?session=${to}&since=${since}&wait=10000`).then((r) => r.json() as Promise<Answer>);
      return { held, answer };
    };
    // Drain what is there (the poster's "join"), then warm up with one message: connections open, next poll held.
    since = (await poll().answer).head;
    let pending = poll();
    await pending.held;
    await post(`/chat/messages?session=${from}`, SAY);
    since = (await pending.answer).head;
    pending = poll();
    await pending.held;
    const before = counters('chat');

    await post(`/chat/messages?session=${from}`, SAY);
    const answer = await pending.answer;
    since = answer.head;
    pending = poll(); // the next poll is part of what one message costs
    await pending.held;
    const d = delta('chat', before, counters('chat'));
    table['POST + long poll'] = d;

    expect(answer.events).toEqual([expect.objectContaining({ type: 'message', text: TEXT })]);
    expect(d.requests).toBe(2);
    expect(d.requestHeadBytes).toBeGreaterThan(100);
    expect(d.responseHeadBytes).toBeGreaterThan(100);
    expect(d.total).toBeGreaterThan(table.ws!.total * 5);
    await leave(from);
    await leave(to);
    await pending.answer;
  });

  it('on POST + SSE: one HTTP exchange (the POST) and one event on the open stream', async () => {
    const to = await join('sse-reader');
    const from = await join('sse-poster');
    const abort = new AbortController();
    const res = await fetch(`${base}/chat/sse?session=${to}`, { signal: abort.signal });
    const reader = res.body!.getReader();
    const decoder = new SseDecoder();
    const text = new TextDecoder();
    const nextMessage = async () => {
      for (;;) {
        const { value } = await reader.read();
        const events = decoder.push(text.decode(value, { stream: true })).filter((e) => e.event === 'message');
        if (events.length > 0) return JSON.parse(events.at(-1)!.data) as { type: string; text?: string };
      }
    };
    await nextMessage(); // the poster's "join"
    await post(`/chat/messages?session=${from}`, SAY); // warm up
    await nextMessage();

    const before = counters('chat');
    await post(`/chat/messages?session=${from}`, SAY);
    const event = await nextMessage();
    const d = delta('chat', before, counters('chat'));
    table['POST + SSE'] = d;

    expect(event).toMatchObject({ type: 'message', text: TEXT });
    expect(d.requests).toBe(1);
    expect(d.total).toBeLessThan(table['POST + long poll']!.total);
    abort.abort();
    await leave(from);
    await leave(to);
  });

  it('on STOMP: a SEND frame in, a MESSAGE frame out, each in one WebSocket frame', async () => {
    const connect = () => new Promise<Client>((resolve) => {
      const client = new Client({
        webSocketFactory: () => new WebSocket(`${base.replace('http', 'ws')}/stomp`, ['v12.stomp']),
        reconnectDelay: 0, heartbeatIncoming: 0, heartbeatOutgoing: 0, debug: () => {},
      });
      client.onConnect = () => resolve(client);
      client.activate();
    });
    const sender = await connect();
    const receiver = await connect();
    let onMessage: (m: IMessage) => void = () => {};
    const subscribed = new Promise<void>((resolve) => receiver.watchForReceipt('sub', () => resolve()));
    receiver.subscribe('/topic/chat', (m) => onMessage(m), { id: '0', receipt: 'sub' });
    await subscribed;
    const next = () => new Promise<IMessage>((resolve) => { onMessage = resolve; });
    let got = next();
    sender.publish({ destination: '/topic/chat', body: TEXT }); // warm up
    await got;

    const before = counters('stomp');
    got = next();
    sender.publish({ destination: '/topic/chat', body: TEXT });
    const message = await got;
    const d = delta('stomp', before, counters('stomp'));
    table['STOMP SEND/MESSAGE'] = d;

    const send = encodeFrame({ command: 'SEND', headers: withContentLength([['destination', '/topic/chat']], TEXT), body: TEXT });
    const out = encodeFrame({
      command: 'MESSAGE',
      headers: withContentLength([['subscription', '0'], ['message-id', message.headers['message-id']!], ['destination', '/topic/chat']], TEXT),
      body: TEXT,
    });
    expect(d.bytesIn).toBe(frameHeaderLength(send.length, true) + send.length);
    expect(d.bytesOut).toBe(frameHeaderLength(out.length, false) + out.length);
    await Promise.all([sender.deactivate(), receiver.deactivate()]);
  });
});
