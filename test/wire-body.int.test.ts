/**
 * The wire view's response bodies (issue 14): the server keeps the first bytes of
 * an HTTP lane's newest response body exactly as they left the socket, and the
 * page's labeller gives every one of those bytes a row, framing or payload.
 * Checked against what a raw TCP client really received.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startLab, RawClient, headEnd, type RunningLab } from './support/lab.ts';
import { labelBody } from '../web/src/wire-body.ts';
import { BODY_CAPTURE_BYTES } from '../src/wire/body-capture.ts';

let lab: RunningLab;
afterEach(async () => {
  await lab?.close();
});

interface Wire { exchange: { responseHead: string; bodyStart: string } }
const wire = async (lane: string) => (await (await fetch(`${lab.base}/api/wire/${lane}`)).json() as Wire).exchange;
const burst = (count: number) => fetch(`${lab.base}/api/feed/burst`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ count }) });

/** Every byte labelled once, and every payload row a feed message's JSON. */
function expectLabelled(lane: string, responseHead: string, bodyStart: string): { framing: number; payload: number } {
  const rows = labelBody(lane, responseHead, bodyStart);
  expect(rows.reduce((n, r) => n + r.bytes, 0)).toBe(bodyStart.length);
  const payload = rows.filter((r) => r.part === 'payload');
  expect(payload.length).toBeGreaterThan(0);
  for (const r of payload) expect(r.text).toMatch(/^\{"seq":\d+,/);
  return { framing: rows.filter((r) => r.part !== 'payload').reduce((n, r) => n + r.bytes, 0), payload: payload.reduce((n, r) => n + r.bytes, 0) };
}

describe('the wire view sees an HTTP lane\'s body framing', () => {
  it('a stream: the chunk-size lines and NDJSON lines as the socket sent them', async () => {
    lab = await startLab();
    const raw = await RawClient.open(lab.port);
    raw.write(`GET /feed/stream?since=0 HTTP/1.1\r\nHost: 127.0.0.1:${lab.port}\r\n\r\n`);
    await raw.untilText('"type":"hello"');
    await burst(3);
    await raw.untilText('"seq":3,');
    const received = raw.received.toString('latin1');
    const body = received.slice(headEnd(raw.received));
    const { responseHead, bodyStart } = await wire('stream');
    expect(bodyStart.length).toBeGreaterThan(0);
    expect(body.startsWith(bodyStart)).toBe(true);
    expect(bodyStart).toMatch(/^[0-9a-f]+\r\n\{"type":"hello"/);
    const { payload } = expectLabelled('stream', responseHead, bodyStart);
    // Three messages, each whole in what was kept: their JSON is the payload counted.
    expect(payload).toBe(lab.app.lab.meter.snapshot().stream.payloadBytes);
    raw.socket.destroy();
  });

  it('SSE: data: before each message is framing, the message JSON payload', async () => {
    lab = await startLab();
    const raw = await RawClient.open(lab.port);
    raw.write(`GET /feed/sse HTTP/1.1\r\nHost: 127.0.0.1:${lab.port}\r\nAccept: text/event-stream\r\n\r\n`);
    await raw.untilText('event: hello');
    await burst(2);
    await raw.untilText('id: 2');
    const { responseHead, bodyStart } = await wire('sse');
    expect(raw.received.toString('latin1').slice(headEnd(raw.received)).startsWith(bodyStart)).toBe(true);
    const rows = labelBody('sse', responseHead, bodyStart);
    expect(rows.some((r) => r.part === 'framing' && r.text === 'data: ')).toBe(true);
    expect(rows.some((r) => r.part === 'chunk' && r.chunkSize !== undefined)).toBe(true);
    expectLabelled('sse', responseHead, bodyStart);
    raw.socket.destroy();
  });

  it('a poll, while a wire view watches the lane: the envelope around the messages, up to the cap', async () => {
    lab = await startLab();
    await burst(40); // more than the cap holds: the kept bytes stop at BODY_CAPTURE_BYTES
    expect(await wire('poll')).toBeNull(); // no poll yet; asking starts the watch
    const answer = await fetch(`${lab.base}/feed/poll?since=0`);
    const text = Buffer.from(await answer.arrayBuffer()).toString('latin1');
    const { responseHead, bodyStart } = await wire('poll');
    expect(bodyStart).toBe(text.slice(0, BODY_CAPTURE_BYTES));
    expect(bodyStart).toMatch(/^\{"epoch":/);
    const { framing } = expectLabelled('poll', responseHead, bodyStart);
    expect(framing).toBeGreaterThan(0);
  });
});
