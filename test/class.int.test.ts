/**
 * Class runs: students join over /api/live, measure their clock, get a lane, report;
 * GET /api/class adds them up. Every student message is untrusted and refused with a code.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import WebSocket from 'ws';
import { HISTOGRAM_LENGTH, bucketOf, histogramPercentile, type ClassView, type LabToStudent, type StudentReport } from '../src/class/protocol.ts';
import { startLab, type RunningLab } from './support/lab.ts';
import type { BuildOptions } from '../src/app.ts';

let lab: RunningLab;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await lab?.close();
});

/** A student: the /api/live socket, with every typed message it got, in order. */
async function student(page: string, userAgent = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1') {
  const ws = new WebSocket(`${lab.base.replace('http', 'ws')}/api/live?page=${page}`, { headers: { 'user-agent': userAgent } });
  sockets.push(ws);
  const got: LabToStudent[] = [];
  const waiters: { test: (m: LabToStudent) => boolean; resolve: (m: LabToStudent) => void }[] = [];
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as LabToStudent;
    if (!('type' in m)) return; // a stats snapshot
    got.push(m);
    for (const w of waiters.splice(0)) (w.test(m) ? w.resolve(m) : waiters.push(w));
  });
  await once(ws, 'open');
  const next = <T extends LabToStudent['type']>(type: T) => new Promise<Extract<LabToStudent, { type: T }>>((resolve) => {
    const found = got.find((m) => m.type === type);
    if (found) return resolve(found as Extract<LabToStudent, { type: T }>);
    waiters.push({ test: (m) => m.type === type, resolve: resolve as (m: LabToStudent) => void });
  });
  const send = (m: unknown) => ws.send(typeof m === 'string' ? m : JSON.stringify(m));
  return { ws, got, next, send };
}

const classView = async () => (await fetch(`${lab.base}/api/class`)).json() as Promise<ClassView>;
const start = (body: unknown) => fetch(`${lab.base}/api/class/run`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

function report(run: string | null, lane: StudentReport['lane'], over: Partial<StudentReport> = {}): StudentReport {
  return {
    type: 'report', run, final: false, lane, requests: 1, messages: 0, missing: 0, duplicates: 0, resumes: 0,
    latency: { p50: null, p95: null }, histogram: new Array(HISTOGRAM_LENGTH).fill(0), clockOffsetMs: 0.2, rttMs: 0.8, ...over,
  };
}

async function closed(ws: WebSocket): Promise<[number, string]> {
  const [code, reason] = await once(ws, 'close') as [number, Buffer];
  return [code, String(reason)];
}

const startWith = (options: BuildOptions = {}) => startLab({ feedRate: 0, ...options });

describe('class runs', () => {
  it('a student joins as its page (not its address), and its clock ping is answered at once', async () => {
    lab = await startWith();
    const a = await student('tab-a');
    const b = await student('tab-b', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36');
    a.send({ type: 'join', page: 'tab-a' });
    b.send({ type: 'join', page: 'tab-b' });
    expect(await a.next('joined')).toEqual({ type: 'joined', device: 'tab-a' });
    await b.next('joined');
    const t0 = performance.timeOrigin + performance.now();
    a.send({ type: 'ping', id: 1, t0 });
    const pong = await a.next('pong');
    const t3 = performance.timeOrigin + performance.now();
    expect(pong).toMatchObject({ id: 1, t0 });
    // One machine, one clock: the server's t1 lies between the page's t0 and t3.
    expect(pong.t1).toBeGreaterThanOrEqual(t0);
    expect(pong.t1).toBeLessThanOrEqual(t3);

    const view = await classView();
    expect(view.devices.map((d) => d.id).sort()).toEqual(['tab-a', 'tab-b']); // both from 127.0.0.1, two devices
    const phone = view.devices.find((d) => d.id === 'tab-a')!;
    expect(phone).toMatchObject({ lane: null, phone: true, browser: 'Safari on iOS', connected: true });
    expect(view.devices.find((d) => d.id === 'tab-b')).toMatchObject({ phone: false, browser: 'Chrome on Linux' });

    // A device outside a run is forgotten when its page goes.
    b.ws.close();
    await once(b.ws, 'close');
    await expect.poll(async () => (await classView()).devices.map((d) => d.id)).toEqual(['tab-a']);
  });

  it('a run splits the lanes over the devices, counts their requests from the wire, adds up their reports', async () => {
    lab = await startWith();
    const pages = ['d1', 'd2', 'd3'];
    const students = await Promise.all(pages.map((p) => student(p)));
    for (const [i, s] of students.entries()) s.send({ type: 'join', page: pages[i] });
    await Promise.all(students.map((s) => s.next('joined')));
    // Traffic of d1 on ws before the run does not count in it.
    const early = new WebSocket(`${lab.base.replace('http', 'ws')}/feed/ws?page=d1`);
    sockets.push(early);
    await once(early, 'open');
    early.close();
    await once(early, 'close');

    const started = await start({ lanes: ['longpoll', 'ws'], durationMs: 60_000 });
    expect(started.status).toBe(200);
    const runs = await Promise.all(students.map((s) => s.next('run')));
    expect(runs.map((r) => r.run.lane)).toEqual(['longpoll', 'ws', 'longpoll']);
    const { id, since } = runs[0]!.run;

    // Each device runs its lane, tagged with its page id.
    lab.app.lab.feed.publish('m1');
    for (const page of ['d1', 'd3']) await fetch(`${lab.base}/feed/longpoll?since=${since}&page=${page}`).then((r) => r.text());
    const ws = new WebSocket(`${lab.base.replace('http', 'ws')}/feed/ws?since=${since}&page=d2`);
    sockets.push(ws);
    await new Promise<void>((resolve) => ws.on('message', (data) => { if (String(data).includes('"m1"')) resolve(); }));

    const histogram = new Array(HISTOGRAM_LENGTH).fill(0);
    histogram[bucketOf(4)] = 1;
    students[0]!.send(report(id, 'longpoll', { messages: 1, histogram, latency: { p50: 4, p95: 4 } }));
    const slow = new Array(HISTOGRAM_LENGTH).fill(0);
    slow[bucketOf(40)] = 1;
    students[2]!.send(report(id, 'longpoll', { messages: 1, histogram: slow, latency: { p50: 40, p95: 40 }, resumes: 1 }));
    students[1]!.send(report(id, 'ws', { messages: 1, histogram, latency: { p50: 4, p95: 4 } }));
    // A report for another lane than the device's is stale and ignored.
    students[1]!.send(report(id, 'poll', { messages: 99 }));

    await expect.poll(async () => (await classView()).lanes.longpoll?.latency.count).toBe(2);
    const view = await classView();
    expect(view.run).toMatchObject({ id, lanes: ['longpoll', 'ws'], running: true });
    expect(view.lanes.longpoll).toMatchObject({ devices: 2, requests: 2, messages: 2, resumes: 1 });
    expect(view.lanes.longpoll!.latency).toMatchObject({ p50: 5, p95: 50 }); // bucket bounds: 4 ms in (3, 5], 40 ms in (30, 50]
    expect(view.lanes.ws).toMatchObject({ devices: 1, requests: 1, messages: 1 }); // the early handshake is not in the run
    expect(view.lanes.ws!.headerBytesPerMessage).toBe(view.lanes.ws!.headerBytes);
    expect(view.lanes.ws!.headerBytes).toBe(lab.app.lab.meter.pageSnapshot('d2').ws.headerBytes);
    const d2 = view.devices.find((d) => d.id === 'd2')!;
    expect(d2).toMatchObject({ lane: 'ws', requests: 1, messages: 1, clockOffsetMs: 0.2, rttMs: 0.8, latency: { p50: 4, p95: 4 } });

    // The teacher ends it: every device is told, and a final report freezes its figures.
    await fetch(`${lab.base}/api/class/run/stop`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    await Promise.all(students.map((s) => s.next('run-end')));
    students[1]!.send(report(id, 'ws', { final: true, messages: 1, histogram }));
    await expect.poll(async () => (await classView()).run?.running).toBe(false);
    await expect.poll(async () => (await classView()).devices.find((d) => d.id === 'd2')?.messages).toBe(1);
    // After its final report, d2's page goes back to its own lanes: not counted in the run.
    const after = new WebSocket(`${lab.base.replace('http', 'ws')}/feed/ws?page=d2`);
    sockets.push(after);
    await once(after, 'open');
    expect(lab.app.lab.meter.pageSnapshot('d2').ws.requests).toBe(2);
    expect((await classView()).lanes.ws).toMatchObject({ requests: 1, messages: 1 });
  });

  it('refuses bad student messages with the lab\'s codes, and everyone else keeps being served', async () => {
    lab = await startWith({ classMaxDevices: 2, classMessageBurst: 5, classMessagesPerSecond: 1, classMaxMessageBytes: 512 });
    const cases: [string, unknown, number, RegExp][] = [
      ['not JSON', '{oops', 1007, /^LAB_ERR_WS_NOT_JSON: /],
      ['unknown type', { type: 'teacher' }, 1008, /^LAB_ERR_CLASS_BAD_MESSAGE: unknown type "teacher"/],
      ['bad page id', { type: 'join', page: 'a b' }, 1008, /^LAB_ERR_CLASS_BAD_MESSAGE: page must be/],
      ['report before join', report(null, null), 1008, /^LAB_ERR_CLASS_BAD_MESSAGE: join before reporting/],
      ['too large', JSON.stringify({ type: 'join', page: 'x', pad: 'y'.repeat(600) }), 1009, /^LAB_ERR_PAYLOAD_TOO_LARGE: /],
      ['extra field', { type: 'ping', id: 1, t0: 1, x: 1 }, 1008, /^LAB_ERR_CLASS_BAD_MESSAGE: unknown field "x"/],
    ];
    const bystander = await student('calm');
    bystander.send({ type: 'join', page: 'calm' });
    await bystander.next('joined');
    for (const [name, message, code, reason] of cases) {
      const s = await student('bad');
      s.send(message as string);
      const [gotCode, gotReason] = await closed(s.ws);
      expect([gotCode, gotReason], name).toEqual([code, expect.stringMatching(reason)]);
    }
    // A report with a wrong histogram, once joined.
    const joined = await student('j1');
    joined.send({ type: 'join', page: 'j1' });
    await joined.next('joined');
    joined.send(report(null, null, { histogram: [1, 2] }));
    expect(await closed(joined.ws)).toEqual([1008, expect.stringMatching(/histogram must hold/)]);
    // Binary frames.
    const binary = await student('bin');
    binary.ws.send(Buffer.from([1, 2, 3]));
    expect((await closed(binary.ws))[0]).toBe(1003);
    // A flood: past the burst, the socket is closed.
    const flood = await student('flood');
    for (let i = 0; i < 10; i++) flood.send({ type: 'ping', id: i, t0: 1 });
    expect(await closed(flood.ws)).toEqual([1008, expect.stringMatching(/^LAB_ERR_CLASS_RATE: /)]);
    // Full: two devices at most.
    const second = await student('two');
    second.send({ type: 'join', page: 'two' });
    await second.next('joined');
    const third = await student('three');
    third.send({ type: 'join', page: 'three' });
    expect(await closed(third.ws)).toEqual([1013, expect.stringMatching(/^LAB_ERR_CLASS_FULL: /)]);

    // The bystander was served all along.
    bystander.send({ type: 'ping', id: 9, t0: 1 });
    expect((await bystander.next('pong')).id).toBe(9);
    // Runs: the body is checked.
    for (const body of [{ lanes: [], durationMs: 5_000 }, { lanes: ['carrier-pigeon'], durationMs: 5_000 }, { lanes: ['ws'], durationMs: 10 }, { lanes: ['ws', 'ws'], durationMs: 5_000 }]) {
      const res = await start(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'LAB_ERR_BODY_INVALID' });
    }
  });

  it('histogram percentiles are bucket bounds, nearest rank', () => {
    const h = new Array(HISTOGRAM_LENGTH).fill(0);
    expect(histogramPercentile(h, 50)).toBeUndefined();
    h[bucketOf(0.4)] = 9;
    h[bucketOf(12_000)] = 1;
    expect(histogramPercentile(h, 50)).toBe(1);
    expect(histogramPercentile(h, 95)).toBe(Infinity);
    expect(bucketOf(-3)).toBe(0); // offset removal can leave a little below zero
  });
});
