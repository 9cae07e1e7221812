/**
 * <lane-run id="poll-run" lane="poll" seconds="10" rate="5" interval="1000"></lane-run>
 *
 * One lane, alone, for a few seconds: the browser's own client for that lane
 * (web/src/transports/<lane>.ts, the same one the dashboard runs) reads the
 * feed, the page counts requests, messages and latency, and the server's wire
 * meter says what crossed the socket over the same seconds. The numbers a
 * lesson asks students to predict come from here.
 *
 * Attributes: `lane`; `seconds` (default 10); `rate`: the feed's messages/s
 * during the run (restored afterwards); `interval` (poll, ms, default 1000);
 * `wait` (long poll, ms, default 25000); `buffer`: bytes a buffering proxy holds
 * back on this lane during the run (stream, sse; the chaos switch); `wire`:
 * open the wire view of the last exchange after the run.
 *
 * `run()` resolves with the figures listed in src/lessons/elements.ts
 * (LANE_RUN_MEASURES); they are also written to `data-measured`.
 */
import { LANES, isLaneId, type LaneId } from '../../../../src/lanes.ts';
import type { StatsSnapshot } from '../../../../src/api/stats.ts';
import { stats } from '../../api.ts';
import { LaneCounter } from '../../counting.ts';
import { createTransport, type TransportEvent } from '../../transports/index.ts';
import { setupWireView } from '../../widgets/wire-view.ts';
import { fetchWire } from '../../api.ts';
import { BODY_WATCH_MS } from '../../../../src/wire/body-capture.ts';
import { setChaos, timeline, withFeed } from '../lab-api.ts';
import { counterDelta, reconnectGaps, runFigures } from '../run-figures.ts';
import { delay, type Measurement } from '../measurable.ts';
import { formatNumber } from '../i18n.ts';
import type { LessonLang } from '../../../../src/lessons/parts.ts';
import { MeasuredWidget } from './measured-widget.ts';
import { laneTitle, messageGroup } from '../../i18n/index.ts';

/** How long to wait, after the lane stops, for the server to see its connection close. */
const SETTLE_MAX_MS = 2_000;
const SETTLE_POLL_MS = 100;
const PROGRESS_MS = 100;


export class LaneRunElement extends MeasuredWidget {
  protected readonly dictionary = messageGroup('laneRun');
  private progress!: HTMLProgressElement;
  private table!: HTMLTableElement;
  private note!: HTMLElement;
  private wireBox!: HTMLDetailsElement;
  private wireView: ReturnType<typeof setupWireView> | undefined;

  get lane(): LaneId {
    const lane = this.getAttribute('lane');
    if (!isLaneId(lane)) throw new Error(`<lane-run> needs lane="poll|longpoll|stream|sse|ws", got "${lane}"`);
    return lane;
  }

  private number(name: string, fallback: number): number {
    const value = Number(this.getAttribute(name));
    return this.hasAttribute(name) && Number.isFinite(value) ? value : fallback;
  }

  private get seconds(): number {
    return this.number('seconds', 10);
  }

  protected build(): void {
    const w = this.words;
    const lane = this.lane;
    const settings = [
      `${this.seconds} s`,
      lane === 'poll' ? `${w.every} ${formatNumber(this.number('interval', 1000), 0)} ms` : '',
      lane === 'longpoll' ? `${w.wait} ${formatNumber(this.number('wait', 25_000), 0)} ms` : '',
      this.hasAttribute('rate') ? `${w.feed} ${formatNumber(this.number('rate', 5), 2)} ${w.perSecond}` : '',
      this.hasAttribute('buffer') ? `${w.buffer} ${formatNumber(this.number('buffer', 0), 0)} B` : '',
    ].filter(Boolean).join(' · ');
    this.frame('lane-run', `var(--lane-${lane})`, `
      <p class="widget-head"><span class="swatch" aria-hidden="true"></span><strong></strong> <code>${lane}</code> <span class="widget-settings"></span></p>
      <p class="widget-controls">
        <button type="button" class="primary" data-action="run"></button>
        <progress max="1" value="0"></progress>
        <span data-field="status" role="status"></span>
      </p>
      <table class="run-figures"><thead><tr><th scope="col"></th><th scope="col">${w.page}</th><th scope="col">${w.server}</th></tr></thead><tbody></tbody></table>
      <p class="run-note" hidden></p>
      <details class="run-wire"><summary>${w.wireView}</summary><div></div></details>`);
    this.querySelector('strong')!.textContent = laneTitle(lane);
    this.querySelector('.widget-settings')!.textContent = settings;
    this.button.textContent = `${w.run} (${this.seconds} s)`;
    this.progress = this.querySelector('progress')!;
    this.table = this.querySelector('table')!;
    this.note = this.querySelector('.run-note')!;
    this.wireBox = this.querySelector('details')!;
    this.wireBox.addEventListener('toggle', () => {
      if (this.wireBox.open) void this.showWire(lane);
    });
  }

  protected async experiment(): Promise<Measurement> {
    const lane = this.lane;
    const seconds = this.seconds;
    const buffer = this.hasAttribute('buffer') ? this.number('buffer', 0) : undefined;
    this.showStatus(this.words.running!);
    const stopWatching = this.hasAttribute('wire') || this.wireBox.open ? watchBodies(lane) : undefined;
    const measurement = await withFeed(this.hasAttribute('rate') ? this.number('rate', 5) : undefined, async () => {
      if (buffer !== undefined) await setChaos(lane, { bufferBytes: buffer });
      try {
        // When time is up, the proxy lets go of what it held, so the page gets every message the server sent.
        return await this.measure(lane, seconds, buffer === undefined ? undefined : () => setChaos(lane, { bufferBytes: 0 }));
      } finally {
        if (buffer !== undefined) await setChaos(lane, { bufferBytes: 0 }).catch(() => undefined);
      }
    }).finally(() => stopWatching?.());
    if (this.hasAttribute('wire')) this.wireBox.open = true;
    if (this.wireBox.open) void this.showWire(lane);
    return measurement;
  }

  private async measure(lane: LaneId, seconds: number, beforeStop?: () => Promise<unknown>): Promise<Measurement> {
    const before = await stats();
    const counter = new LaneCounter();
    let emptyAnswers = 0;
    let answered = false; // a response came and its messages are being counted
    let sinceAnswer = 0;
    const closeAnswer = () => {
      if (answered && sinceAnswer === 0) emptyAnswers++;
      answered = false;
    };
    const transport = createTransport(lane, { since: before.feed.head, epoch: before.epoch }, {
      pollIntervalMs: this.number('interval', 1000),
      longpollWaitMs: this.number('wait', 25_000),
    });
    let inFlight = false; // a poll is on the wire: the run ends after its answer, not in the middle of it
    const onEvent = (event: TransportEvent) => {
      inFlight = event.type === 'request' || (inFlight && event.type !== 'open' && event.type !== 'retry');
      if (event.type === 'request') counter.onRequest();
      if (event.type === 'epoch') counter.onEpoch(event.epoch, event.since);
      if (event.type === 'open' && (lane === 'poll' || lane === 'longpoll')) {
        closeAnswer();
        answered = true;
        sinceAnswer = 0;
      }
    };
    const startedAt = Date.now();
    const t0 = performance.now();
    const ticker = setInterval(() => {
      const elapsed = (performance.now() - t0) / 1000;
      this.progress.value = Math.min(1, elapsed / seconds);
      this.renderFigures(runFigures(this.pageCounts(counter, elapsed, emptyAnswers), counterDelta(before.lanes[lane], before.lanes[lane])), undefined, true);
    }, PROGRESS_MS);
    transport.start((message) => {
      sinceAnswer++;
      counter.record(message);
    }, onEvent);
    try {
      await delay(seconds * 1000);
      // Short polling: let the poll on the wire come back, so the page gets what the server sent.
      const deadline = performance.now() + SETTLE_MAX_MS;
      while (lane === 'poll' && inFlight && performance.now() < deadline) await delay(SETTLE_POLL_MS / 10);
      if (beforeStop) {
        await beforeStop();
        const { feed } = await stats();
        const deadline = performance.now() + SETTLE_MAX_MS;
        while ((transport.lastSeq ?? 0) < feed.head && performance.now() < deadline) await delay(SETTLE_POLL_MS);
      }
    } finally {
      transport.stop();
      clearInterval(ticker);
    }
    closeAnswer();
    const elapsed = (performance.now() - t0) / 1000;
    this.progress.value = 1;
    const after = await this.settled(lane, before);
    const gaps = lane === 'longpoll'
      ? reconnectGaps((await timeline(lane)).requests.filter((r) => r.start >= startedAt && r.path === LANES[lane].path))
      : undefined;
    const server = counterDelta(before.lanes[lane], after.lanes[lane]);
    const figures = runFigures(this.pageCounts(counter, elapsed, emptyAnswers), server, gaps);
    this.renderFigures(figures, server);
    return figures;
  }

  private pageCounts(counter: LaneCounter, seconds: number, emptyAnswers: number) {
    const latency = counter.latency();
    return {
      seconds, requests: counter.requests, messages: counter.received, emptyAnswers,
      latencies: counter.samples.latencies(), latencyP50: latency.p50, latencyMax: latency.max,
    };
  }

  /** Stats once the lane's held connection (if any) is gone, so the server has counted all of it. */
  private async settled(lane: LaneId, before: StatsSnapshot): Promise<StatsSnapshot> {
    const deadline = performance.now() + SETTLE_MAX_MS;
    let now = await stats();
    while (now.lanes[lane].held > before.lanes[lane].held && performance.now() < deadline) {
      await delay(SETTLE_POLL_MS);
      now = await stats();
    }
    return now;
  }

  /** `live`: the run is still going; the server's column is filled in at the end. */
  private renderFigures(f: Measurement, server: ReturnType<typeof counterDelta> | undefined, live = false): void {
    const w = this.words;
    const lane = this.lane;
    const n = (v: number | undefined, decimals = 0, unit = '') => (v === undefined ? '–' : `${formatNumber(v, decimals)}${unit}`);
    const rows: [string, string, string, string][] = [
      ['requests', w.requests!, n(f.requests), n(f.serverRequests)],
      ['messages', w.messages!, n(f.messages), n(f.serverMessages)],
      ...(lane === 'poll' || lane === 'longpoll' ? [['emptyAnswers', w.emptyAnswers!, n(f.emptyAnswers), ''] as [string, string, string, string]] : []),
      ['headerBytes', w.headerBytes!, '', n(f.headerBytes, 0, ' B')],
      ['headerBytesPerRequest', `${w.headerBytes} · ${w.perRequest}`, '', n(f.headerBytesPerRequest, 1, ' B')],
      ['headerBytesPerMessage', `${w.headerBytes} · ${w.perMessage}`, '', n(f.headerBytesPerMessage, 1, ' B')],
      ['payloadBytesPerMessage', w.payload!, '', n(f.payloadBytesPerMessage, 1, ' B')],
      ['framingBytesPerMessage', w.framing!, '', n(f.framingBytesPerMessage, 1, ' B')],
      ['wireBytesPerMessage', w.wire!, '', n(f.wireBytesPerMessage, 1, ' B')],
      ['latencyMeanMs', w.latency!, `${n(f.latencyMeanMs)} / ${n(f.latencyP50Ms)} / ${n(f.latencyMaxMs)} ms`, ''],
      ...(lane === 'longpoll' ? [['reconnectGapMs', w.gap!, '', n(f.reconnectGapMs, 1, ' ms')] as [string, string, string, string]] : []),
      // A poll may reuse a keep-alive connection opened before the run: no new connection to count.
      ...(lane === 'poll' ? [] : [['connections', w.connections!, '', n(f.connections)] as [string, string, string, string]]),
    ];
    const body = this.table.tBodies[0]!;
    if (body.rows.length !== rows.length) {
      body.replaceChildren(...rows.map(([name]) => {
        const tr = document.createElement('tr');
        tr.dataset.figure = name;
        tr.append(Object.assign(document.createElement('th'), { scope: 'row' }), document.createElement('td'), document.createElement('td'));
        return tr;
      }));
    }
    rows.forEach(([name, label, page, wire], i) => {
      const tr = body.rows[i]!;
      tr.dataset.figure = name;
      if (f[name] !== undefined) tr.dataset.value = String(f[name]);
      tr.cells[0]!.textContent = label;
      tr.cells[1]!.textContent = page;
      tr.cells[2]!.textContent = live && wire !== '' ? '…' : wire;
    });
    const shared = server !== undefined && server.requests > (f.requests ?? 0);
    this.note.hidden = !shared;
    if (shared) this.note.textContent = w.shared!.replace('{server}', String(server.requests)).replace('{page}', String(f.requests ?? 0));
  }

  /** The lane's last exchange, captured by the server: fetched once per run, not kept live. */
  private async showWire(lane: LaneId): Promise<void> {
    this.wireView ??= setupWireView(this.wireBox.querySelector('div')!);
    await this.wireView.show(lane);
    this.wireView.pause();
  }
}

/**
 * The server keeps a poll's answer body only while someone looks at the lane's
 * wire view (a poll costs nothing extra otherwise). A run that will show its
 * wire view afterwards says it is looking, during the whole run, so the view
 * has the last answer's body to show.
 */
function watchBodies(lane: LaneId): () => void {
  const look = () => void fetchWire(lane).catch(() => undefined);
  look();
  const timer = setInterval(look, BODY_WATCH_MS / 2);
  return () => clearInterval(timer);
}

if (!customElements.get('lane-run')) customElements.define('lane-run', LaneRunElement);
