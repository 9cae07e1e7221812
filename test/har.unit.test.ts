/** The HAR builder (web/src/har.ts): heads parsed as written, WebSocket messages matched to their handshake, times that add up. */
import { describe, expect, it } from 'vitest';
import { LANE_IDS } from '../src/lanes.ts';
import type { PageLogEntry, PageLogTotals } from '../src/wire/page-log.ts';
import { buildHar, pairs, parseResponseHead } from '../web/src/har.ts';

const zero: PageLogTotals = { requests: 0, requestHeadBytes: 0, responseHeadBytes: 0, bytesIn: 0, bytesOut: 0, payloadBytes: 0, messages: 0 };
const dropped = Object.fromEntries(LANE_IDS.map((l) => [l, zero])) as Record<(typeof LANE_IDS)[number], PageLogTotals>;

function entry(over: Partial<PageLogEntry>): PageLogEntry {
  return {
    id: 1, lane: 'poll', conn: 7, connOpened: 1_000, method: 'GET', url: '/feed/poll?since=3&page=p1', httpVersion: 'HTTP/1.1',
    requestHeaders: ['Host', '127.0.0.1:3000', 'Accept', '*/*'], responseHead: 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n',
    status: 200, start: 1_000, firstByte: 1_004, end: 1_005, requestHeadBytes: 70, responseHeadBytes: 71, bytesIn: 70, bytesOut: 73,
    payloadBytes: 0, messages: 0, ...over,
  };
}

const input = (entries: PageLogEntry[], sockets = [] as { url: string; opened: number; messages: { type: 'send' | 'receive'; time: number; opcode: 1 | 2; data: string }[] }[]) => ({
  log: { page: 'p1', now: 2_000, entries, dropped }, sockets, droppedMessages: 0, origin: 'http://127.0.0.1:3000',
  pageTitle: 'Transport Lab', pageOpened: 900, userAgent: 'test', creatorVersion: '0.1.0',
});

describe('the HAR builder', () => {
  it('reads a response head as its reason phrase and header lines, and raw request headers as pairs', () => {
    expect(parseResponseHead('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n')).toEqual({
      statusText: 'Switching Protocols',
      headers: [{ name: 'Upgrade', value: 'websocket' }, { name: 'Sec-WebSocket-Accept', value: 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=' }],
    });
    expect(parseResponseHead('')).toEqual({ statusText: '', headers: [] });
    expect(pairs(['Host', 'a', 'Accept', '*/*'])).toEqual([{ name: 'Host', value: 'a' }, { name: 'Accept', value: '*/*' }]);
  });

  it('makes one entry per request, sizes from the lab, times from the server that add up', () => {
    const har = buildHar(input([entry({})]));
    const [e] = har.log.entries;
    expect(e!.request).toMatchObject({ url: 'http://127.0.0.1:3000/feed/poll?since=3&page=p1', headersSize: 70, bodySize: 0, queryString: [{ name: 'since', value: '3' }, { name: 'page', value: 'p1' }] });
    expect(e!.response).toMatchObject({ status: 200, statusText: 'OK', headersSize: 71, bodySize: 2, content: { size: 2, mimeType: 'application/json' } });
    expect(e!.timings).toMatchObject({ send: 0, wait: 4, receive: 1, blocked: -1 });
    expect(e!.time).toBe(5);
    expect(e!.startedDateTime).toBe(new Date(1_000).toISOString());
  });

  it('gives a WebSocket handshake the messages of the page\'s socket with the same path and query, once', () => {
    const ws = entry({ lane: 'ws', url: '/feed/ws?since=0&page=p1', status: 101, responseHead: 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n', end: null, bytesOut: 500 });
    const messages = [{ type: 'receive' as const, time: 1.5, opcode: 1 as const, data: '{"type":"hello"}' }];
    const har = buildHar(input([ws, { ...ws, id: 2, start: 1_500 }], [{ url: 'ws://127.0.0.1:3000/feed/ws?since=0&page=p1', opened: 1_000, messages }]));
    const [first, second] = har.log.entries;
    expect(first!.request.url).toBe('ws://127.0.0.1:3000/feed/ws?since=0&page=p1');
    expect(first!._resourceType).toBe('websocket');
    expect(first!._webSocketMessages).toEqual(messages);
    expect(second!._webSocketMessages).toEqual([]); // the socket was matched already
    // Frames are not an HTTP body; an open socket's receive time runs to the export.
    expect(first!.response.bodySize).toBe(0);
    expect(first!.timings.receive).toBe(2_000 - 1_004);
    expect(first!.comment).toBe('still open when exported');
  });

  it('marks a request that never got its response head with status 0 and sizes -1', () => {
    const [e] = buildHar(input([entry({ responseHead: '', status: null, firstByte: null, end: null })])).log.entries;
    expect(e!.response).toMatchObject({ status: 0, headersSize: -1, bodySize: -1 });
    expect(e!.time).toBe(e!.timings.wait + e!.timings.receive);
  });
});
