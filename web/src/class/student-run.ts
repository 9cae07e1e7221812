/**
 * A class run on a student's page. The teacher starts it on the projector; the lab
 * gives this device one lane; the page runs only that lane (a new run of its own,
 * so its page and server columns still agree), shows what it sees in a strip that
 * fits a phone, and reports its counts every `reportMs`, latency with its clock
 * offset removed. At the end it stops the lane, sends a final report, and goes back
 * to the lanes it ran before.
 *
 * A phone that sleeps loses its sockets. When the page is shown again or thawed
 * the lane is restarted at once from its last seq (counted as a resume), and the live channel
 * joins again as the same device; the lab re-sends the run if it is still going.
 *
 *   setupStudentRun(element, { live, page, clock, host })
 */
import type { LaneId } from '../../../src/lanes.ts';
import { HISTOGRAM_LENGTH, bucketOf, type RunForDevice, type StudentReport } from '../../../src/class/protocol.ts';
import { wallClockNow } from '../counting.ts';
import type { LaneRunner } from '../lane-runner.ts';
import type { LiveStats } from '../live-stats.ts';
import { formatDuration, formatMs } from '../format.ts';
import { escapeHtml, must, setData, setStat, setText } from '../dom.ts';
import { formatNumber, laneTitle, t, type MessageKey } from '../i18n/index.ts';
import { onTick } from '../ticker.ts';
import { ClassDevice } from './device.ts';
import type { ClockSync } from './clock.ts';

export interface StudentRunHost {
  runnerOf(lane: LaneId): LaneRunner;
  /** The lanes running now (to go back to after the class run). */
  lanesOn(): LaneId[];
  /** Start a new page run with exactly these lanes on. */
  switchLanes(lanes: LaneId[]): Promise<void>;
}

export interface StudentRunOptions {
  live: LiveStats;
  page: string;
  clock: ClockSync;
  host: StudentRunHost;
}

interface Current {
  run: RunForDevice;
  before: LaneId[];
  reportTimer: ReturnType<typeof setInterval> | undefined;
  endTimer: ReturnType<typeof setTimeout> | undefined;
  ended: boolean;
}

export function setupStudentRun(element: HTMLElement, options: StudentRunOptions): { device: ClassDevice } {
  const { live, page, clock, host } = options;
  const root = document.documentElement;
  let current: Current | undefined;
  let switching: Promise<void> = Promise.resolve();

  element.classList.add('class-run');
  element.hidden = true;
  // The words follow the page's language (the dashboard's <html lang>); the lane is the lab's to pick.
  const word = (key: MessageKey) => escapeHtml(t(key));
  element.innerHTML = `
    <h2>${word('classRun.title')} <span data-field="class-state"></span></h2>
    <p class="class-lane">${word('classRun.yourLane')} <strong data-field="class-lane"></strong> · <span data-field="class-left"></span></p>
    <dl class="class-figures">
      <div><dt>${word('laneCard.messages')}</dt><dd data-stat="class.messages"></dd></div>
      <div><dt>${word('laneColumns.missing')}</dt><dd data-stat="class.missing"></dd></div>
      <div><dt>${word('class.colResumes')}</dt><dd data-stat="class.resumes"></dd></div>
      <div><dt>${word('laneCard.latencyP50')}</dt><dd data-stat="class.p50"></dd></div>
      <div><dt>${word('laneCard.latencyP95')}</dt><dd data-stat="class.p95"></dd></div>
      <div><dt>${word('class.colOffset')}</dt><dd data-stat="class.offset"></dd></div>
    </dl>
    <p class="class-note">${word('classRun.note')}</p>`;
  const stat = (name: string) => must<HTMLElement>(element, `[data-stat="class.${name}"]`);
  const field = (name: string) => must<HTMLElement>(element, `[data-field="class-${name}"]`);

  const device = new ClassDevice(live, page, {
    onRun: (run) => void (switching = switching.then(() => begin(run))),
    onRunEnd: (id) => void (switching = switching.then(() => (current?.run.id === id ? end() : undefined))),
  });

  /** Local time of a server time. */
  const local = (serverMs: number) => serverMs + (clock.offsetMs ?? 0);

  async function begin(run: RunForDevice): Promise<void> {
    if (current?.run.id === run.id && !current.ended) return; // re-sent after a reconnect: the lane resumes by itself
    if (current && !current.ended) await end();
    if (local(run.endsAt) <= wallClockNow()) return; // woke after it ended
    const before = host.lanesOn();
    current = { run, before, reportTimer: undefined, endTimer: undefined, ended: false };
    root.dataset.classRun = run.lane;
    setData(element, 'run', run.id);
    setData(element, 'state', 'running');
    element.hidden = false;
    await host.switchLanes([run.lane]);
    const mine = current;
    mine.reportTimer = setInterval(() => send(false), run.reportMs);
    mine.endTimer = setTimeout(() => void (switching = switching.then(() => (current === mine ? end() : undefined))),
      Math.max(0, local(run.endsAt) - wallClockNow()));
  }

  async function end(): Promise<void> {
    const run = current;
    if (!run || run.ended) return;
    run.ended = true;
    clearInterval(run.reportTimer);
    clearTimeout(run.endTimer);
    host.runnerOf(run.run.lane).stop();
    send(true);
    render();
    setData(element, 'state', 'done');
    delete root.dataset.classRun;
    await host.switchLanes(run.before);
  }

  /** This device's report: the runner's counts, latencies with the clock offset removed. */
  function reportOf(final: boolean): Omit<StudentReport, 'type'> | undefined {
    if (!current) return undefined;
    const { lane } = current.run;
    const counter = host.runnerOf(lane).counter;
    const offset = clock.offsetMs ?? 0;
    const histogram = new Array<number>(HISTOGRAM_LENGTH).fill(0);
    for (const s of counter.samples.entries()) histogram[bucketOf(s.latencyMs - offset)]!++;
    const { p50, p95 } = counter.latency();
    return {
      run: current.run.id, final, lane,
      requests: counter.requests, messages: counter.received, missing: counter.missing, duplicates: counter.duplicates,
      resumes: counter.resumes,
      latency: { p50: p50 === undefined ? null : p50 - offset, p95: p95 === undefined ? null : p95 - offset },
      histogram,
      clockOffsetMs: clock.offsetMs ?? null,
      rttMs: clock.rttMs ?? null,
    };
  }

  function send(final: boolean): void {
    const report = reportOf(final);
    if (report) device.report(report);
  }

  function render(): void {
    const rtt = clock.rttMs;
    const offset = clock.offsetMs;
    setStat(stat('offset'), offset, offset === undefined ? t('classRun.measuring') : `${offset >= 0 ? '+' : ''}${offset.toFixed(1)} ms ± ${(rtt! / 2).toFixed(1)}`);
    if (!current) return;
    const report = reportOf(false)!;
    const { lane } = current.run;
    setText(field('lane'), `${laneTitle(lane)} (${lane})`);
    setText(field('state'), `· ${t(current.ended ? 'class.done' : 'class.running')}`);
    const left = Math.max(0, local(current.run.endsAt) - wallClockNow());
    setText(field('left'), current.ended ? t('classRun.finished') : t('classRun.left', { time: formatDuration(left) }));
    setStat(stat('messages'), report.messages, formatNumber(report.messages, 0));
    setStat(stat('missing'), report.missing, formatNumber(report.missing, 0));
    setStat(stat('resumes'), report.resumes, formatNumber(report.resumes, 0));
    const pm = rtt === undefined ? '' : ` ± ${(rtt / 2).toFixed(1)}`;
    setStat(stat('p50'), report.latency.p50 ?? undefined, report.latency.p50 === null ? '–' : `${formatMs(report.latency.p50)}${pm}`);
    setStat(stat('p95'), report.latency.p95 ?? undefined, report.latency.p95 === null ? '–' : `${formatMs(report.latency.p95)}${pm}`);
  }
  onTick(render);

  // A phone that slept: its sockets may be dead without a close, or the browser may quietly retry
  // a request that died on a kept-alive connection. Restart the lane from its last seq, as a resume.
  const wake = () => {
    if (!current || current.ended) return;
    const runner = host.runnerOf(current.run.lane);
    runner.counter.onInterrupted();
    runner.stop();
    runner.start();
  };
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') wake();
  });
  // Chrome freezes a background tab (on Android, a sleeping phone's) and fires `resume` when it
  // thaws it (Page Lifecycle API), with no visibilitychange if the page stayed the front tab.
  document.addEventListener('resume', wake);

  return { device };
}
