/**
 * GET /api/pages/:page/log: every lane request one page made, as the server's
 * sockets saw it. Its entries add up to the page's own counters, to the byte,
 * taken at the same moment; the heads are the ones that crossed the wire.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import WebSocket from 'ws';
import { LANE_IDS, type LaneId } from '../src/lanes.ts';
import type { Counters } from '../src/wire/meter.ts';
import { PAGE_LOG_FIELDS, type PageLogAnswer } from '../src/wire/page-log.ts';
import { startLab, type RunningLab } from './support/lab.ts';

let lab: RunningLab;
afterEach(async () => {
  await lab?.close();
});

type LogAnswer = PageLogAnswer & { counters: Record<LaneId, Counters> };
const readLog = async (page: string) => (await fetch(`${lab.base}/api/pages/${page}/log`)).json() as Promise<LogAnswer>;

/** Per lane, the sums of the entries (and what was dropped), beside the page's counters. */
function totals(log: LogAnswer, lane: LaneId) {
  const entries = log.entries.filter((e) => e.lane === lane);
  const sum = Object.fromEntries(PAGE_LOG_FIELDS.map((f) => [f, entries.reduce((n, e) => n + e[f], 0) + log.dropped[lane][f]]));
  return { requests: entries.length + log.dropped[lane].requests, ...sum };
}
const counted = (c: Counters) => ({
  requests: c.requests, requestHeadBytes: c.requestHeadBytes, responseHeadBytes: c.responseHeadBytes,
  bytesIn: c.bytesIn, bytesOut: c.bytesOut, payloadBytes: c.payloadBytes, messages: c.messages,
});

describe('the page log', () => {
  it('adds up to the page\'s counters for polls, a long poll and a WebSocket, with the heads as sent', async () => {
    lab = await startLab();
    const { feed } = lab.app.lab;
    for (let i = 0; i < 3; i++) feed.publish(`m${i}`);
    await (await fetch(`${lab.base}/feed/poll?since=0&page=tab1`)).text();
    await (await fetch(`${lab.base}/feed/poll?since=2&page=tab1`, { headers: { 'x-lesson': 'one' } })).text();
    await (await fetch(`${lab.base}/feed/longpoll?since=0&page=tab1`)).text();
    await (await fetch(`${lab.base}/feed/poll?since=0&page=other`)).text(); // another tab: not in tab1's log
    await (await fetch(`${lab.base}/feed/poll?since=0`)).text(); // no page: in nobody's log
    const ws = new WebSocket(`ws://127.0.0.1:${lab.port}/feed/ws?since=0&page=tab1`);
    let got = 0;
    ws.on('message', () => { got++; });
    await once(ws, 'open');
    feed.publish('live');
    while (got < 5) await once(ws, 'message'); // hello, three from the buffer, one live

    const log = await readLog('tab1');
    expect(log.entries.map((e) => `${e.lane} ${e.method} ${e.url.split('?')[0]} ${e.status}`)).toEqual([
      'poll GET /feed/poll 200', 'poll GET /feed/poll 200', 'longpoll GET /feed/longpoll 200', 'ws GET /feed/ws 101',
    ]);
    for (const lane of LANE_IDS) expect(totals(log, lane), lane).toEqual(counted(log.counters[lane]));
    const [first, second] = log.entries;
    expect(second!.requestHeaders).toContain('x-lesson');
    // The heads: the response head as written, its size measured; the request head's lines rebuilt add up to what was read.
    expect(first!.responseHead).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\n$/);
    expect(first!.responseHeadBytes).toBe(Buffer.byteLength(first!.responseHead, 'latin1'));
    const rebuilt = `GET ${first!.url} HTTP/1.1\r\n` + pairs(first!.requestHeaders).map(([n, v]) => `${n}: ${v}\r\n`).join('') + '\r\n';
    expect(first!.requestHeadBytes).toBe(Buffer.byteLength(rebuilt, 'latin1'));
    // Times in order; the WebSocket carried the messages, and is still open.
    for (const e of log.entries) expect(e.firstByte!).toBeGreaterThanOrEqual(e.start);
    const socket = log.entries[3]!;
    expect(socket).toMatchObject({ messages: 4, end: null });
    expect(socket.responseHead).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    ws.close();
    await once(ws, 'close');
  });

  it('keeps pageLogEntries per page and counts the dropped ones, so the totals still add up', async () => {
    lab = await startLab({ pageLogEntries: 3 });
    for (let i = 0; i < 5; i++) await (await fetch(`${lab.base}/feed/poll?since=0&page=tab2`)).text();
    const log = await readLog('tab2');
    expect(log.entries.map((e) => e.id)).toEqual([3, 4, 5]);
    expect(log.dropped.poll.requests).toBe(2);
    expect(totals(log, 'poll')).toEqual(counted(log.counters.poll));
  });

  it('refuses a page id that is not one', async () => {
    lab = await startLab();
    const res = await fetch(`${lab.base}/api/pages/no%20spaces/log`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'LAB_ERR_PAGE_INVALID' });
  });
});

function pairs(raw: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}
