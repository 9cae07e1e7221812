/**
 * The STOMP endpoint driven by @stomp/stompjs, a real client nobody here
 * wrote: connect, subscribe, send, receipts, unsubscribe, transactions, acks,
 * heart-beats, disconnect, and the lab's feed on /topic/feed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Client, type IFrame, type IMessage } from '@stomp/stompjs';
import type { FastifyInstance } from 'fastify';
import { buildLab } from '../src/app.ts';
import { stompPlugin } from '../src/stomp/server.ts';

let app: FastifyInstance;
let url: string;
let fastUrl: string;

beforeAll(async () => {
  app = await buildLab({ feedRate: 0, serveWeb: false, startFeed: false });
  // A second endpoint with heart-beats fast enough to watch in a test; both sides
  // tolerate long gaps, so a busy machine does not turn a slow timer into a failure.
  await app.register(stompPlugin, { prefix: '/fast', limits: { heartbeatSendMs: 40, heartbeatReceiveMs: 40, heartbeatTolerance: 50 } });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  url = `${base.replace('http', 'ws')}/stomp`;
  fastUrl = `${base.replace('http', 'ws')}/fast/stomp`;
});

afterAll(async () => {
  await app.close();
});

interface Connected {
  client: Client;
  connected: IFrame;
  closed: Promise<CloseEvent>;
}

/** A stompjs client over `ws` (Node 20 has no global WebSocket), offering only v12.stomp. */
async function connect(options: { url?: string; heartbeatIncoming?: number; heartbeatOutgoing?: number } = {}): Promise<Connected> {
  let onClosed: (e: CloseEvent) => void = () => {};
  const closed = new Promise<CloseEvent>((resolve) => { onClosed = resolve; });
  const client = new Client({
    webSocketFactory: () => new WebSocket(options.url ?? url, ['v12.stomp']),
    reconnectDelay: 0,
    heartbeatIncoming: options.heartbeatIncoming ?? 0,
    heartbeatOutgoing: options.heartbeatOutgoing ?? 0,
    heartbeatToleranceMultiplier: 50,
    debug: () => {},
  });
  client.onWebSocketClose = (e: CloseEvent) => onClosed(e);
  const connected = await new Promise<IFrame>((resolve, reject) => {
    client.onConnect = resolve;
    client.onStompError = (frame) => reject(new Error(frame.headers.message));
    client.onWebSocketError = () => reject(new Error('WebSocket error'));
    client.activate();
  });
  return { client, connected, closed };
}

/** Collects the MESSAGEs of one subscription, and lets a test wait for the n-th. */
function inbox() {
  const messages: IMessage[] = [];
  const waiters: (() => void)[] = [];
  return {
    messages,
    onMessage: (m: IMessage) => {
      messages.push(m);
      for (const w of waiters.splice(0)) w();
    },
    async count(n: number): Promise<IMessage[]> {
      while (messages.length < n) await new Promise<void>((resolve) => waiters.push(resolve));
      return messages;
    },
  };
}

function receipt(client: Client, id: string): Promise<IFrame> {
  return new Promise((resolve) => client.watchForReceipt(id, resolve));
}

describe('STOMP 1.2 with @stomp/stompjs', () => {
  it('negotiates the sub-protocol, the version and the heart-beats in CONNECTED', async () => {
    const { client, connected } = await connect({ heartbeatIncoming: 0, heartbeatOutgoing: 0 });
    expect(connected.command).toBe('CONNECTED');
    expect(connected.headers).toMatchObject({ version: '1.2', 'heart-beat': '10000,10000', server: 'transport-lab/0.1' });
    expect(connected.headers.session).toMatch(/^[0-9a-f]{6}-\d+$/);
    await client.deactivate();
  });

  it('delivers a SEND to every subscriber as MESSAGE with subscription, message-id and destination', async () => {
    const a = await connect();
    const b = await connect();
    const inA = inbox();
    const inB = inbox();
    a.client.subscribe('/topic/chat', inA.onMessage, { id: 'sub-a', receipt: 'ra' });
    b.client.subscribe('/topic/chat', inB.onMessage, { id: 'sub-b', receipt: 'rb' });
    await Promise.all([receipt(a.client, 'ra'), receipt(b.client, 'rb')]);

    const sent = receipt(a.client, 'send-1');
    a.client.publish({ destination: '/topic/chat', body: '안녕하세요', headers: { receipt: 'send-1', 'content-type': 'text/plain', 'x-from': '유재석' } });
    expect((await sent).headers['receipt-id']).toBe('send-1');

    const [fromA] = await inA.count(1);
    const [fromB] = await inB.count(1);
    expect(fromB!.body).toBe('안녕하세요');
    expect(fromB!.headers).toMatchObject({
      subscription: 'sub-b', destination: '/topic/chat', 'content-type': 'text/plain', 'content-length': '15', 'x-from': '유재석',
    });
    expect(fromA!.headers.subscription).toBe('sub-a');
    expect(fromA!.headers['message-id']).toBe(fromB!.headers['message-id']);
    expect(fromB!.headers).not.toHaveProperty('receipt');
    await Promise.all([a.client.deactivate(), b.client.deactivate()]);
  });

  it('escapes header values on the way through (STOMP 1.2 "Value Encoding")', async () => {
    const { client } = await connect();
    const box = inbox();
    client.subscribe('/topic/escapes', box.onMessage, { id: 'e' });
    // No backslash before a "c" here: stompjs 7.5 unescapes the wire bytes \\c (an escaped backslash,
    // then c) as "\:", because it replaces \c before \\. This server's exact bytes are pinned in stomp-raw.int.test.ts.
    client.publish({ destination: '/topic/escapes', body: 'x', headers: { note: 'a:b\nc\\d' } });
    const [m] = await box.count(1);
    expect(m!.headers.note).toBe('a:b\nc\\d');
    await client.deactivate();
  });

  it('stops delivering after UNSUBSCRIBE', async () => {
    const { client } = await connect();
    const first = inbox();
    const second = inbox();
    const unhandled: IMessage[] = [];
    client.onUnhandledMessage = (m) => unhandled.push(m);
    const sub = client.subscribe('/topic/u', first.onMessage, { id: 'first' });
    client.publish({ destination: '/topic/u', body: 'one' });
    await first.count(1);
    sub.unsubscribe({ receipt: 'gone' } as never);
    await receipt(client, 'gone');
    // Subscribed after "first" was dropped: had the server kept "first", its copy would arrive before this one.
    client.subscribe('/topic/u', second.onMessage, { id: 'second' });
    client.publish({ destination: '/topic/u', body: 'two' });
    expect((await second.count(1)).map((m) => m.body)).toEqual(['two']);
    expect(first.messages.map((m) => m.body)).toEqual(['one']);
    expect(unhandled).toEqual([]);
    await client.deactivate();
  });

  it('holds SENDs in a transaction until COMMIT, and drops them on ABORT', async () => {
    const { client } = await connect();
    const box = inbox();
    client.subscribe('/topic/tx', box.onMessage, { id: 't' });
    const dropped = client.begin('tx-drop');
    client.publish({ destination: '/topic/tx', body: 'aborted', headers: { transaction: dropped.id } });
    dropped.abort();
    const kept = client.begin('tx-keep');
    client.publish({ destination: '/topic/tx', body: 'first', headers: { transaction: kept.id } });
    client.publish({ destination: '/topic/tx', body: 'outside' });
    client.publish({ destination: '/topic/tx', body: 'second', headers: { transaction: kept.id } });
    await box.count(1);
    expect(box.messages.map((m) => m.body)).toEqual(['outside']);
    kept.commit();
    expect((await box.count(3)).map((m) => m.body)).toEqual(['outside', 'first', 'second']);
    await client.deactivate();
  });

  it('puts an `ack` header on messages of client-individual subscriptions and accepts ACK and NACK', async () => {
    const { client } = await connect();
    const box = inbox();
    client.subscribe('/topic/acks', box.onMessage, { id: 'k', ack: 'client-individual' });
    client.publish({ destination: '/topic/acks', body: 'a' });
    client.publish({ destination: '/topic/acks', body: 'b' });
    const [a, b] = await box.count(2);
    expect(a!.headers.ack).toBeDefined();
    a!.ack({ receipt: 'acked' });
    b!.nack({ receipt: 'nacked' });
    await Promise.all([receipt(client, 'acked'), receipt(client, 'nacked')]);
    await client.deactivate();
  });

  it('publishes the lab feed on /topic/feed, body = the message JSON the lanes send', async () => {
    const { client } = await connect();
    const box = inbox();
    client.subscribe('/topic/feed', box.onMessage, { id: 'feed', receipt: 'ready' });
    await receipt(client, 'ready');
    const published = app.lab.feed.publish({ hello: 'stomp' });
    const [m] = await box.count(1);
    expect(m!.body).toBe(published.json);
    expect(m!.headers).toMatchObject({ destination: '/topic/feed', 'content-type': 'application/json', 'content-length': String(published.bytes) });

    // And a SEND of {"data": ...} to /topic/feed publishes to the feed, as a `ws` lane client can.
    const head = app.lab.feed.head;
    client.publish({ destination: '/topic/feed', body: JSON.stringify({ data: 'from stomp' }) });
    const [, echoed] = await box.count(2);
    expect(JSON.parse(echoed!.body)).toMatchObject({ seq: head + 1, data: 'from stomp' });
    await client.deactivate();
  });

  it('sends heart-beats at the negotiated interval and takes the client\'s', async () => {
    const { client, connected } = await connect({ url: fastUrl, heartbeatIncoming: 40, heartbeatOutgoing: 40 });
    expect(connected.headers['heart-beat']).toBe('40,40');
    // No frames flow, so whatever arrives now is a heart-beat (a lone LF).
    await new Promise<void>((resolve) => { client.onHeartbeatReceived = resolve; });
    await new Promise<void>((resolve) => { client.onHeartbeatReceived = resolve; });
    // stompjs heart-beats too, so the server keeps the connection; a receipt proves it is alive after several intervals.
    const beats: number[] = [];
    await new Promise<void>((resolve) => {
      client.onHeartbeatReceived = () => { if (beats.push(Date.now()) === 5) resolve(); };
    });
    const ok = receipt(client, 'alive');
    client.subscribe('/topic/hb', () => {}, { id: 'hb', receipt: 'alive' });
    await ok;
    await client.deactivate();
  });

  it('DISCONNECT with a receipt: RECEIPT, then the server closes with 1000', async () => {
    const { client, closed } = await connect();
    await client.deactivate(); // stompjs sends DISCONNECT receipt:close-... and waits for the RECEIPT
    expect((await closed).code).toBe(1000);
  });
});
