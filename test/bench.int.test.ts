/**
 * The bench end to end: the command (src/cli.ts, run from the sources through
 * tsx; test/dist.int.test.ts runs the built one) as a child process against a
 * real lab on port 0, a few clients per lane for a fraction of a second. Its JSON must have the documented shape, and its byte
 * figures must be exactly what the lab's own /api/stats counted for the run.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildLab, openHttps } from '../src/app.ts';
import { makeSelfSigned } from '../src/h2/cert.ts';
import type { StatsSnapshot } from '../src/api/stats.ts';
import type { BenchReport } from '../src/bench/report.ts';
import { LANE_IDS } from '../src/lanes.ts';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
/** A bound on each run, far above what it needs (about 1.5 s per lane). */
const RUN_TIMEOUT_MS = 45_000;
/** The same for the runs of six lane variants, or two runs in one test. */
const LONG_RUN_TIMEOUT_MS = 120_000;

interface Exit { code: number | null; stdout: string; stderr: string }

function bench(args: string[], timeoutMs = RUN_TIMEOUT_MS): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'bench', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
    child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
    const timer = setTimeout(() => child.kill(), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function stats(origin: string): Promise<StatsSnapshot> {
  return (await fetch(`${origin}/api/stats`)).json() as Promise<StatsSnapshot>;
}

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function startLab(options: Parameters<typeof buildLab>[0] = {}): Promise<string> {
  app = await buildLab({ feedRate: 0, serveWeb: false, ...options });
  return app.listen({ port: 0, host: '127.0.0.1' });
}

describe('transport-lab bench', () => {
  it('measures every lane, and its byte figures equal what /api/stats counted for the run', async () => {
    const origin = await startLab({ feedRate: 3 }); // a running feed, which the bench must pause and restore
    const before = await stats(origin);
    const run = await bench(['--url', origin, '--json', '--clients', '3,ws=4', '--duration', '300ms',
      '--rate', '30', '--poll-interval', '100ms', '--project', '1000,10000']);
    const after = await stats(origin);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as BenchReport;

    expect(report).toMatchObject({
      tool: 'transport-lab bench', ok: true, problems: [],
      server: { mode: 'url', origin, wireAccounting: true, pid: process.pid },
      settings: { lanes: [...LANE_IDS], durationMs: 300, rate: 30, payloadBytes: 32, pollIntervalMs: 100 },
    });
    expect(report.lanes.map((l) => l.lane)).toEqual([...LANE_IDS]);

    for (const lane of report.lanes) {
      const clients = lane.lane === 'ws' ? 4 : 3;
      expect(lane).toMatchObject({ clients, connected: clients, failed: 0, missing: 0, duplicates: 0, drained: true });
      expect(lane.messagesPerClient).toBeGreaterThan(0);
      expect(lane.delivered).toBe(lane.expected);
      expect(lane.expected).toBe(clients * lane.messagesPerClient);

      // The lane's whole run, counter by counter, is the server's own delta.
      const a = before.lanes[lane.lane];
      const b = after.lanes[lane.lane];
      const run = lane.run!;
      for (const field of ['requests', 'connections', 'messages', 'requestHeadBytes', 'responseHeadBytes',
        'headerBytes', 'payloadBytes', 'framingBytes', 'bytesIn', 'bytesOut'] as const) {
        expect(run[field], `${lane.lane} ${field}`).toBe(b[field] - a[field]);
      }
      expect(run.wireBytes).toBe(run.bytesIn + run.bytesOut);
      expect(run.headerBytes + run.payloadBytes + run.framingBytes).toBe(run.wireBytes);
      expect(run.messages).toBe(lane.delivered);
      // One connection per client. SockJS asks GET /info first, through Node's global keep-alive
      // agent (sockjs-client takes no agent): a client's /info may reuse another's idle connection.
      if (lane.lane === 'sockjs') expect(run.connections).toBeGreaterThan(clients);
      if (lane.lane === 'sockjs') expect(run.connections).toBeLessThanOrEqual(2 * clients);
      else expect(run.connections, lane.lane).toBe(clients);
      expect(lane.perMessage!.wire).toBeCloseTo(run.wireBytes / run.messages, 10);
      expect(lane.overheadPercent).toBeCloseTo((100 * (run.wireBytes - run.payloadBytes)) / run.wireBytes, 10);

      expect(lane.latencyMs.samples).toBe(lane.delivered);
      for (const p of ['p50', 'p95', 'p99', 'max'] as const) expect(lane.latencyMs[p]).toBeGreaterThanOrEqual(0);
      expect(lane.latencyMs.p50!).toBeLessThanOrEqual(lane.latencyMs.max!);
      expect(lane.server.cpuUsPerMessage).toBeGreaterThan(0);
      expect(lane.server.rssBytesPeak).toBeGreaterThan(0);
    }
    // Connections that hold: one request each; polling asks again and again.
    expect(report.lanes.find((l) => l.lane === 'ws')!.run!.requests).toBe(4);
    expect(report.lanes.find((l) => l.lane === 'sse')!.run!.requests).toBe(3);
    expect(report.lanes.find((l) => l.lane === 'poll')!.run!.requests).toBeGreaterThan(3);

    expect(report.projection).toMatchObject({ unit: 'si', rate: 30, clients: [1000, 10000] });
    for (const row of report.projection.rows) {
      const lane = report.lanes.find((l) => l.lane === row.lane)!;
      expect(row.bytesPerMessage).toBe(lane.steadyBytesPerMessage);
      expect(row.cells![0]!.bitsPerSecond).toBeCloseTo(1000 * 30 * row.bytesPerMessage! * 8, 6);
    }
    // Nothing the bench did was counted outside its lanes and `api`.
    expect(after.other.publish.requests).toBe(before.other.publish.requests);
    // The feed is as the bench found it.
    expect(after.feed).toMatchObject({ rate: 3, running: true });
  }, RUN_TIMEOUT_MS);

  it('prints the table by default, with the projection formula', async () => {
    const origin = await startLab();
    const run = await bench(['--url', origin, '--lanes', 'ws', '--clients', '2', '--duration', '200ms']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^lane +clients +delivered +requests +conns +header B\/msg/m);
    expect(run.stdout).toMatch(/^ws +2 +\d+ +2 +2 /m);
    expect(run.stdout).toContain('Mbit/s = clients × messages/s × wire bytes/message × 8 ÷ 10^6');
    // Not a TTY: no progress bar, so no carriage returns.
    expect(run.stdout + run.stderr).not.toContain('\r');
  }, RUN_TIMEOUT_MS);

  it('--headers browser sends the request heads Chromium 156 sent to the lab', async () => {
    const origin = await startLab(); // head 0, so the URLs carry since=0 as in the capture
    const run = await bench(['--url', origin, '--lanes', 'sse,ws', '--clients', '1', '--duration', '200ms', '--headers', 'browser', '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as BenchReport;
    expect(report.settings.headers).toBe('browser');
    // Captured from GET /api/wire/sse and /api/wire/ws after EventSource and WebSocket opened from a page.
    expect(report.lanes.map((l) => [l.lane, l.run!.requests, l.run!.requestHeadBytes])).toEqual([['sse', 1, 560], ['ws', 1, 512]]);
  }, RUN_TIMEOUT_MS);

  it('exits 4 and says so when a lane loses messages', async () => {
    // A ring of 3 messages and 50 msg/s: short polls once a second must miss most of them.
    const origin = await startLab({ feedCapacity: 3 });
    const run = await bench(['--url', origin, '--lanes', 'poll', '--clients', '2', '--duration', '500ms',
      '--rate', '50', '--poll-interval', '1s', '--json']);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/poll: LAB_ERR_BENCH_LOST: \d+ messages missing at 2 clients/);
    const report = JSON.parse(run.stdout) as BenchReport;
    expect(report.ok).toBe(false);
    expect(report.lanes[0]!.missing).toBeGreaterThan(0);
    expect(report.lanes[0]!.delivered + report.lanes[0]!.missing).toBe(report.lanes[0]!.expected);
  }, RUN_TIMEOUT_MS);

  it('runs the in-process server with wire accounting off: no byte figures, CPU still measured', async () => {
    const run = await bench(['--lanes', 'ws', '--clients', '2', '--duration', '200ms', '--no-wire-accounting', '--warmup', '0', '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as BenchReport;
    expect(report.server).toMatchObject({ mode: 'in-process', wireAccounting: false });
    expect(report.lanes[0]).toMatchObject({ run: null, perMessage: null, overheadPercent: null, missing: 0 });
    expect(report.lanes[0]!.server.cpuUsPerMessage).toBeGreaterThan(0);
    expect(report.projection.rows[0]!.cells).toBeUndefined();
  }, RUN_TIMEOUT_MS);

  it('--baseline runs each lane again against a bare server with the same clients, and prints lab ÷ bare', async () => {
    const run = await bench(['--lanes', 'longpoll,sse,ws', '--clients', '3', '--duration', '300ms', '--rate', '20', '--baseline', '--warmup', '0', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as BenchReport;
    expect(report.baseline!.map((b) => [b.lane, b.server])).toEqual([['longpoll', 'node:http'], ['sse', 'node:http'], ['ws', 'ws']]);
    for (const b of report.baseline!) {
      const lab = report.lanes.find((l) => l.lane === b.lane)!;
      // The bare server had to deliver every message to every client too, or the ratio would mean nothing.
      expect(b.bare).toMatchObject({ clients: 3, connected: 3, missing: 0, duplicates: 0, run: null });
      expect(b.bare.delivered).toBe(b.bare.expected);
      expect(b.bare.server.deliveredByServer).toBe(b.bare.delivered);
      expect(b.cpuRatio).toBeCloseTo(lab.server.cpuUsPerMessage! / b.bare.server.cpuUsPerMessage!, 10);
      if (b.lane === 'longpoll') expect(b.cpuPerRequestRatio).toBeCloseTo(lab.server.cpuUsPerRequest! / b.bare.server.cpuUsPerRequest!, 10);
      expect(b.p99Ratio).toBeCloseTo(lab.latencyMs.p99! / b.bare.latencyMs.p99!, 10);
    }

    // The same feed as above (six messages): at 10 msg/s for 200 ms a loaded machine's bare run published none, and a ratio needs one.
    const table = await bench(['--lanes', 'ws', '--clients', '2', '--duration', '300ms', '--rate', '20', '--baseline', '--warmup', '0']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^lane +bare server +lab µs\/msg +bare µs\/msg +CPU lab÷bare +per request lab÷bare +lab p99 ms +bare p99 ms +p99 lab÷bare/m);
    expect(table.stdout).toMatch(/^ws +ws +[\d.,]+ +[\d.,]+ +[\d.,]+× /m);
  }, LONG_RUN_TIMEOUT_MS);

  it('--transports runs a library lane once per transport; each run\'s bytes are the lab\'s own count', async () => {
    const origin = await startLab();
    const before = await stats(origin);
    const run = await bench(['--url', origin, '--json', '--lanes', 'socketio,sockjs', '--transports', 'socketio=all,sockjs=all',
      '--clients', '2', '--duration', '300ms', '--rate', '20'], LONG_RUN_TIMEOUT_MS);
    const after = await stats(origin);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as BenchReport;
    expect(report.lanes.map((l) => [l.label, l.transport])).toEqual([
      ['socketio/websocket', 'websocket'], ['socketio/polling', 'polling'],
      ['sockjs/websocket', 'websocket'], ['sockjs/xhr-streaming', 'xhr-streaming'],
      ['sockjs/eventsource', 'eventsource'], ['sockjs/xhr-polling', 'xhr-polling'],
    ]);
    for (const lane of report.lanes) {
      expect(lane, lane.label).toMatchObject({ connected: 2, missing: 0, duplicates: 0, drained: true });
      expect(lane.delivered).toBe(lane.expected);
      expect(lane.run!.messages).toBe(lane.delivered);
      expect(lane.run!.headerBytes + lane.run!.framingBytes + lane.run!.payloadBytes).toBe(lane.run!.wireBytes);
    }
    // The runs of a lane add up to what the lab counted for it, field by field.
    for (const id of ['socketio', 'sockjs'] as const) {
      const runs = report.lanes.filter((l) => l.lane === id);
      for (const field of ['requests', 'headerBytes', 'payloadBytes', 'framingBytes', 'bytesIn', 'bytesOut'] as const) {
        expect(runs.reduce((sum, l) => sum + l.run![field], 0), `${id} ${field}`).toBe(after.lanes[id][field] - before.lanes[id][field]);
      }
    }
    // Polling asks again after each answer; a WebSocket is one request.
    const requests = (label: string) => report.lanes.find((l) => l.label === label)!.run!.requests;
    expect(requests('socketio/polling')).toBeGreaterThan(requests('socketio/websocket'));
    expect(requests('sockjs/xhr-polling')).toBeGreaterThan(requests('sockjs/websocket'));
  }, LONG_RUN_TIMEOUT_MS);

  it('--protocol both runs the HTTP lanes over HTTP/1.1 and over HTTP/2, counted by the lab on each port', async () => {
    const origin = await startLab();
    const { cert, key } = await makeSelfSigned();
    await openHttps(app!, 0, { cert, key, selfSigned: true, source: 'test', fingerprint256: '' });
    const before = await stats(origin);
    const run = await bench(['--url', origin, '--json', '--lanes', 'longpoll,sse,ws', '--protocol', 'both',
      '--clients', '2', '--duration', '300ms', '--rate', '20']);
    const after = await stats(origin);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as BenchReport;
    expect(report.lanes.map((l) => [l.label, l.protocol])).toEqual([
      ['longpoll', 'h1'], ['longpoll/h2', 'h2'], ['sse', 'h1'], ['sse/h2', 'h2'], ['ws', 'h1'],
    ]);
    for (const lane of report.lanes) {
      expect(lane, lane.label).toMatchObject({ connected: 2, missing: 0, duplicates: 0 });
      const counters = lane.protocol === 'h2' ? [before.h2.lanes, after.h2.lanes] : [before.lanes, after.lanes];
      for (const field of ['requests', 'connections', 'headerBytes', 'payloadBytes', 'framingBytes', 'bytesIn', 'bytesOut', 'messages'] as const) {
        expect(lane.run![field], `${lane.label} ${field}`).toBe(counters[1]![lane.lane][field] - counters[0]![lane.lane][field]);
      }
    }
    // One TLS connection per HTTP/2 client; its own frames and TLS are reported beside the lane.
    const h2 = report.lanes.filter((l) => l.protocol === 'h2');
    expect(h2.map((l) => l.h2Connection!.connections)).toEqual([2, 2]);
    expect(h2.reduce((sum, l) => sum + l.h2Connection!.tlsOverheadBytes, 0)).toBe(after.h2.tls.overheadBytes - before.h2.tls.overheadBytes);
    // HPACK: a repeated long poll's head is a fraction of HTTP/1.1's.
    const perMsg = (label: string) => report.lanes.find((l) => l.label === label)!.perMessage!.header;
    expect(perMsg('longpoll/h2')).toBeLessThan(perMsg('longpoll'));

    const table = await bench(['--url', origin, '--lanes', 'sse,ws', '--protocol', 'both', '--clients', '1', '--duration', '200ms']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^lane +h1 header B\/msg +h2 header B\/msg +h1 wire B\/msg +h2 wire B\/msg/m);
    expect(table.stdout).toMatch(/^sse +[\d.,]+ +[\d.,]+ /m);
    expect(table.stdout).toContain('ws: HTTP/1.1 only. The lab does not implement RFC 8441');
  }, LONG_RUN_TIMEOUT_MS);

  it('--baseline has bare socket.io and sockjs servers for the library lanes, with the same transports', async () => {
    const run = await bench(['--lanes', 'socketio,sockjs', '--transports', 'socketio=polling,sockjs=xhr-streaming', '--clients', '2',
      '--duration', '300ms', '--rate', '20', '--baseline', '--warmup', '0', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as BenchReport;
    expect(report.baseline!.map((b) => [b.label, b.server])).toEqual([['socketio/polling', 'socket.io'], ['sockjs/xhr-streaming', 'sockjs']]);
    for (const b of report.baseline!) {
      expect(b.bare).toMatchObject({ clients: 2, connected: 2, missing: 0, duplicates: 0, transport: b.label.split('/')[1] });
      expect(b.bare.delivered).toBe(b.bare.expected);
      expect(b.bare.server.deliveredByServer).toBe(b.bare.delivered);
      const lab = report.lanes.find((l) => l.label === b.label)!;
      expect(b.cpuRatio).toBeCloseTo(lab.server.cpuUsPerMessage! / b.bare.server.cpuUsPerMessage!, 10);
    }
  }, RUN_TIMEOUT_MS);

  it('exits 3 when --url does not answer', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));
    const run = await bench(['--url', `http://127.0.0.1:${port}`, '--json']);
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(new RegExp(`LAB_ERR_BENCH_UNREACHABLE: cannot reach the lab at http://127.0.0.1:${port}: GET /api/stats \\(to read the counters\\) failed: ECONNREFUSED`));
  }, RUN_TIMEOUT_MS);

  it('exits 2 on a bad option, naming it', async () => {
    const run = await bench(['--clients', 'many']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('LAB_ERR_BENCH_OPTION: --clients must be a number, got "many"');
  }, RUN_TIMEOUT_MS);
});
