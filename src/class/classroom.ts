/**
 * The class: the student devices connected over /api/live, and the class run.
 *
 * A device is one student page (a browser tab), known by the page id it tags its
 * lane traffic with, never by its address: a classroom's devices often share one
 * NAT address. A run gives each device one lane (the chosen lanes in turn, so two
 * lanes split the class in half), every device reads the feed from the same seq,
 * and the figures come from two places:
 *  - requests and bytes from the wire meter's view of each device's own
 *    connections (its page id), from the moment the run gave it its lane;
 *  - what only the page knows (latency with its clock offset removed, missing,
 *    resumes) from its reports, checked by validate.ts.
 * A device's figures are frozen at its final report (or `classSettleMs` after the
 * end), before the page goes back to its own lanes.
 */
import type { FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { Lab } from '../lab.ts';
import type { LaneId } from '../lanes.ts';
import type { Counters } from '../wire/meter.ts';
import { LabError } from '../errors.ts';
import { TokenBucket } from '../chat/rate.ts';
import { parseStudentMessage } from './validate.ts';
import {
  HISTOGRAM_LENGTH, LATENCY_BUCKETS_MS, assignLanes, describeUserAgent, histogramPercentile,
  type ClassDevice, type ClassLaneTotals, type ClassRunInfo, type ClassView, type LabToStudent, type StudentReport,
} from './protocol.ts';

interface Device {
  id: string;
  userAgent: string;
  socket: WebSocket | undefined;
  lane: LaneId | null;
  /** The run `lane` belongs to. */
  run: string | null;
  /** The device's server counters on its lane when the run gave it the lane. */
  baseline: Counters | undefined;
  /** Its server counters since `baseline`, once frozen at the end of the run. */
  frozen: Counters | undefined;
  report: StudentReport | undefined;
  clockOffsetMs: number | null;
  rttMs: number | null;
}

interface Run {
  info: ClassRunInfo;
  running: boolean;
  endTimer: NodeJS.Timeout | undefined;
  settleTimer: NodeJS.Timeout | undefined;
}

const ZERO: Counters = {
  requests: 0, connections: 0, requestHeadBytes: 0, responseHeadBytes: 0, headerBytes: 0,
  payloadBytes: 0, framingBytes: 0, bytesIn: 0, bytesOut: 0, messages: 0, open: 0,
};

/** The wall clock the feed stamps messages with (sub-ms), so offsets compare like with like. */
const serverNow = () => performance.timeOrigin + performance.now();

export class Classroom {
  private readonly devices = new Map<string, Device>();
  private run: Run | undefined;
  private runs = 0;

  constructor(private readonly lab: Lab) {}

  /** Every /api/live socket comes here: it may join as a student, ping the clock, report. */
  readonly attach = (socket: WebSocket, request: FastifyRequest): void => {
    const { options } = this.lab;
    const bucket = new TokenBucket(options.classMessageBurst, options.classMessagesPerSecond);
    let device: Device | undefined;
    const refuse = (err: LabError) => socket.close(err.closeCode, err.closeReason());
    socket.on('message', (data: Buffer, binary: boolean) => {
      try {
        if (binary) throw new LabError('LAB_ERR_WS_BINARY');
        if (data.length > options.classMaxMessageBytes) {
          throw new LabError('LAB_ERR_PAYLOAD_TOO_LARGE', `a class message is at most ${options.classMaxMessageBytes} bytes`);
        }
        if (bucket.take() > 0) throw new LabError('LAB_ERR_CLASS_RATE');
        const message = parseStudentMessage(data.toString('utf8'));
        switch (message.type) {
          case 'ping':
            // Answered at once: the page's round trip is then all network and queueing.
            return send(socket, { type: 'pong', id: message.id, t0: message.t0, t1: serverNow() });
          case 'join':
            if (device && device.id !== message.page) throw new LabError('LAB_ERR_CLASS_BAD_MESSAGE', 'this socket already joined as another page');
            device = this.join(socket, message.page, String(request.headers['user-agent'] ?? '').slice(0, 512));
            return;
          case 'report':
            if (!device) throw new LabError('LAB_ERR_CLASS_BAD_MESSAGE', 'join before reporting');
            return this.onReport(device, message);
        }
      } catch (err) {
        refuse(err instanceof LabError ? err : new LabError('LAB_ERR_INTERNAL'));
      }
    });
    socket.on('close', () => {
      if (device?.socket !== socket) return;
      device.socket = undefined;
      // A device outside any run is forgotten when it goes; one in the run is kept, so a phone
      // that slept comes back as the same device and its figures are not lost.
      if (device.run === null || device.run !== this.run?.info.id) this.devices.delete(device.id);
    });
  };

  startRun(lanes: LaneId[], durationMs: number): ClassRunInfo {
    this.stopRun();
    for (const [id, d] of this.devices) if (!d.socket) this.devices.delete(id);
    const { feed, producer, options } = this.lab;
    if (!producer.running && producer.rate > 0) producer.start();
    const startedAt = serverNow();
    const info: ClassRunInfo = {
      id: `r${++this.runs}`, lanes: [...new Set(lanes)], durationMs, startedAt, endsAt: startedAt + durationMs,
      since: feed.head, epoch: feed.epoch, reportMs: options.classReportMs,
    };
    const run: Run = { info, running: true, endTimer: undefined, settleTimer: undefined };
    this.run = run;
    const lanesOf = assignLanes([...this.devices.keys()], info.lanes);
    for (const device of this.devices.values()) this.assign(device, lanesOf.get(device.id)!);
    run.endTimer = setTimeout(() => this.endRun(run), durationMs);
    return info;
  }

  stopRun(): void {
    if (this.run?.running) this.endRun(this.run);
  }

  close(): void {
    clearTimeout(this.run?.endTimer);
    clearTimeout(this.run?.settleTimer);
  }

  view(): ClassView {
    const now = serverNow();
    const run = this.run;
    const devices: ClassDevice[] = [];
    const lanes: ClassView['lanes'] = {};
    for (const device of this.devices.values()) {
      const inRun = run !== undefined && device.run === run.info.id && device.lane !== null;
      const wire = inRun ? this.wireSince(device) : ZERO;
      const report = inRun && device.report?.run === run.info.id ? device.report : undefined;
      const { browser, phone } = describeUserAgent(device.userAgent);
      devices.push({
        id: device.id, lane: device.lane, userAgent: device.userAgent, browser, phone, connected: device.socket !== undefined,
        clockOffsetMs: device.clockOffsetMs, rttMs: device.rttMs,
        latency: report?.latency ?? { p50: null, p95: null },
        messages: report?.messages ?? 0, missing: report?.missing ?? 0, resumes: report?.resumes ?? 0,
        requests: wire.requests,
      });
      if (!inRun) continue;
      const t = (lanes[device.lane!] ??= {
        devices: 0, requests: 0, headerBytes: 0, bytes: 0, messages: 0, headerBytesPerMessage: null, bytesPerMessage: null,
        latency: { p50: null, p95: null, count: 0, histogram: new Array<number>(HISTOGRAM_LENGTH).fill(0) }, missing: 0, resumes: 0,
      } satisfies ClassLaneTotals);
      t.devices++;
      t.requests += wire.requests;
      t.headerBytes += wire.headerBytes;
      t.bytes += wire.bytesIn + wire.bytesOut;
      t.messages += wire.messages;
      if (report) {
        report.histogram.forEach((n, i) => { t.latency.histogram[i]! += n; });
        t.missing += report.missing;
        t.resumes += report.resumes;
      }
    }
    for (const t of Object.values(lanes)) {
      t.headerBytesPerMessage = t.messages > 0 ? t.headerBytes / t.messages : null;
      t.bytesPerMessage = t.messages > 0 ? t.bytes / t.messages : null;
      t.latency.count = t.latency.histogram.reduce((a, b) => a + b, 0);
      t.latency.p50 = finite(histogramPercentile(t.latency.histogram, 50));
      t.latency.p95 = finite(histogramPercentile(t.latency.histogram, 95));
    }
    return {
      now,
      run: run ? { ...run.info, running: run.running, elapsedMs: Math.min(now, run.info.endsAt) - run.info.startedAt } : null,
      devices,
      lanes,
      buckets: LATENCY_BUCKETS_MS,
    };
  }

  private join(socket: WebSocket, page: string, userAgent: string): Device {
    let device = this.devices.get(page);
    if (!device) {
      if (this.devices.size >= this.lab.options.classMaxDevices) throw new LabError('LAB_ERR_CLASS_FULL');
      device = {
        id: page, userAgent, socket, lane: null, run: null, baseline: undefined, frozen: undefined,
        report: undefined, clockOffsetMs: null, rttMs: null,
      };
      this.devices.set(page, device);
    }
    // The same page on a new socket (it reconnected after a sleep): the newest socket is the device's.
    if (device.socket && device.socket !== socket) device.socket.close(1000, 'replaced by a newer connection of this page');
    device.socket = socket;
    device.userAgent = userAgent;
    send(socket, { type: 'joined', device: device.id });
    const run = this.run;
    if (run?.running) {
      if (device.run === run.info.id && device.lane) send(socket, { type: 'run', run: { ...run.info, lane: device.lane } });
      else this.assign(device, run.info.lanes[this.assignedCount(run) % run.info.lanes.length]!); // joined mid-run
    }
    return device;
  }

  private assignedCount(run: Run): number {
    let n = 0;
    for (const d of this.devices.values()) if (d.run === run.info.id) n++;
    return n;
  }

  private assign(device: Device, lane: LaneId): void {
    const run = this.run!;
    device.lane = lane;
    device.run = run.info.id;
    device.baseline = this.lab.meter.pageSnapshot(device.id)[lane];
    device.frozen = undefined;
    device.report = undefined;
    if (device.socket) send(device.socket, { type: 'run', run: { ...run.info, lane } });
  }

  private onReport(device: Device, report: StudentReport): void {
    device.clockOffsetMs = report.clockOffsetMs;
    device.rttMs = report.rttMs;
    const run = this.run;
    // Counts for another run (one that ended before a sleeping phone woke) or another lane are stale.
    if (!run || report.run !== run.info.id || device.run !== run.info.id || report.lane !== device.lane) return;
    if (device.frozen) return;
    device.report = report;
    // Final: the device has stopped its lane (its clock may end the run a moment before the lab's
    // timer does). Freeze now, before the page goes back to its own lanes on the same page id.
    if (report.final) device.frozen = this.wireSince(device);
  }

  private endRun(run: Run): void {
    if (!run.running) return;
    run.running = false;
    clearTimeout(run.endTimer);
    for (const device of this.devices.values()) {
      if (device.run === run.info.id && device.socket) send(device.socket, { type: 'run-end', run: run.info.id });
    }
    // Devices stop their lane and send a final report; whoever has not by then is frozen as it stands.
    run.settleTimer = setTimeout(() => {
      for (const device of this.devices.values()) if (device.run === run.info.id && !device.frozen) device.frozen = this.wireSince(device);
    }, this.lab.options.classSettleMs);
  }

  /** The device's server counters on its lane since the run gave it the lane. */
  private wireSince(device: Device): Counters {
    if (device.frozen) return device.frozen;
    const now = this.lab.meter.pageSnapshot(device.id)[device.lane!];
    const base = device.baseline ?? ZERO;
    const out = { ...now };
    for (const key of Object.keys(now) as (keyof Counters)[]) if (key !== 'open') out[key] = now[key] - base[key];
    return out;
  }
}

function send(socket: WebSocket, message: LabToStudent): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}

function finite(n: number | undefined): number | null {
  return n === undefined || !Number.isFinite(n) ? null : n;
}
