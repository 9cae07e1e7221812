/**
 * The dashboard: the lanes side by side on one feed, the server's byte
 * counts beside the browser's own, charts, controls, the wire view, export.
 * Each piece is a `setupX(element)` widget that lesson pages can use alone;
 * this file only wires them together.
 *
 * URL options (for lessons and bookmarks): ?lanes=poll,ws  ?poll=500  ?wait=10000  ?socketio=websocket  ?sockjs=xhr-polling
 * ?theme=dark  ?projector=on
 */
import './i18n/page-lang.ts'; // first: the page's language before any element builds itself
// Then: it records the lanes' WebSocket messages (it wraps WebSocket.prototype, before any socket opens).
import { recordedSockets } from './ws-recorder.ts';
import './style.css';
import './lane-style.ts';
import { LANE_IDS, isLaneId, type LaneId } from '../../src/lanes.ts';
import { LaneRunner, DEFAULT_LANE_SETTINGS } from './lane-runner.ts';
import { SOCKETIO_TRANSPORTS } from './transports/socketio.ts';
import { SOCKJS_TRANSPORTS } from './transports/sockjs.ts';
import { LiveStats } from './live-stats.ts';
import { PageRun, newPageId } from './page-run.ts';
import { tagLaneRequests } from './transports/transport.ts';
import { ClockSync } from './class/clock.ts';
import { setupStudentRun } from './class/student-run.ts';
import { RunClock } from './run-clock.ts';
import * as api from './api.ts';
import { buildRunExport, download, latenciesCsv, totalsCsv } from './export.ts';
import { buildHar } from './har.ts';
import type { PageLogAnswer } from '../../src/wire/page-log.ts';
import type { Counters } from '../../src/wire/meter.ts';
import packageJson from '../../package.json' with { type: 'json' };
import { formatDuration, formatMs } from './format.ts';
import { PageLag } from './page-lag.ts';
import { must, setStat, setText } from './dom.ts';
import { onTick } from './ticker.ts';
import { setupLaneCard, setupLaneColumns, type LaneCard } from './widgets/lane-card.ts';
import { setupCharts } from './widgets/charts.ts';
import { setupControls, DEFAULT_BURST, MIN_POLL_INTERVAL_MS, MAX_POLL_INTERVAL_MS } from './widgets/controls.ts';
import { setupWireView } from './widgets/wire-view.ts';
import { setupConnectionsNote } from './widgets/connections.ts';
import { setupDisplayToggles } from './widgets/display.ts';
import { setupProtocolCompare } from './widgets/protocol-compare.ts';
import { setupH2Banner } from './widgets/h2-banner.ts';
import { discoverPorts, pageProtocol } from './h2/protocol.ts';
import { ConnectionLimitElement } from './lessons/widgets/connection-limit.ts';
import { DEFAULTS } from '../../src/config.ts';
import './inspectors/chaos-panel.ts';
import { securityBadges } from './inspectors/switch-badges.ts';
import { showBadges } from './inspectors/badge-view.ts';
import { formatTime, setupLangSwitch, t } from './i18n/index.ts';

const params = new URLSearchParams(location.search);

/** On pause, how long the lanes get to catch up with the feed: one poll interval plus this, at most the max. */
const PAUSE_DRAIN_MARGIN_MS = 500;
const PAUSE_DRAIN_MAX_MS = 3_000;
/** On a new run, how long to wait for the server's view of this page to settle (requests in flight). */
const RESET_SETTLE_MAX_MS = 2_000;

/**
 * Resolves once the browser has drawn the page as it is now (the first paint of a full page
 * is slow), or after FIRST_PAINT_WAIT_MS: a tab opened in the background draws no frames.
 */
const FIRST_PAINT_WAIT_MS = 200;
function nextFrame(): Promise<void> {
  return new Promise((resolve) => {
    requestAnimationFrame(() => setTimeout(resolve, 0));
    setTimeout(resolve, FIRST_PAINT_WAIT_MS);
  });
}

/** Resolves when `condition()` holds, or after `timeoutMs` (checked every 20 ms). */
function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const deadline = performance.now() + timeoutMs;
    const check = () => (condition() || performance.now() >= deadline ? resolve() : setTimeout(check, 20));
    check();
  });
}

function numberParam(name: string, fallback: number, min: number, max: number): number {
  const value = Number(params.get(name));
  return params.has(name) && Number.isFinite(value) && value >= min && value <= max ? value : fallback;
}

function choiceParam<T extends string>(name: string, choices: readonly T[]): T {
  const value = params.get(name);
  return choices.find((c) => c === value) ?? choices[0]!;
}

function lanesParam(): Record<LaneId, boolean> {
  const asked = params.get('lanes')?.split(',').filter(isLaneId);
  return Object.fromEntries(LANE_IDS.map((lane) => [lane, asked ? asked.includes(lane) : true])) as Record<LaneId, boolean>;
}

async function main(): Promise<void> {
  const root = document.documentElement;
  // This tab's own run: its lane traffic is tagged with a page id and compared with the
  // server's view of that page only (page-run.ts). Opening the page resets nothing.
  const pageId = newPageId();
  root.dataset.page = pageId;
  tagLaneRequests(pageId);
  // Over https (HTTP/2) the WebSockets go to the http port: find it before any opens.
  root.dataset.protocol = pageProtocol();
  await discoverPorts().catch(() => undefined);
  const live = new LiveStats(location.href, pageId);
  live.connect();
  const stats = new PageRun(live, pageId);
  const clock = new RunClock();
  let charts: ReturnType<typeof setupCharts> | undefined;
  const display = setupDisplayToggles(must<HTMLElement>(document, '#display'), { onChange: () => charts?.restyle() });
  const langs = document.createElement('span');
  must<HTMLElement>(document, '#display').prepend(langs);
  setupLangSwitch(langs);

  const liveField = must<HTMLElement>(document, '[data-field="live"]');
  setText(liveField, t('dash.connecting'));

  const first = await stats.first();
  const settings = {
    pollIntervalMs: numberParam('poll', DEFAULT_LANE_SETTINGS.pollIntervalMs, MIN_POLL_INTERVAL_MS, MAX_POLL_INTERVAL_MS),
    longpollWaitMs: numberParam('wait', DEFAULT_LANE_SETTINGS.longpollWaitMs, 0, DEFAULTS.maxLongpollWaitMs),
    // ?socketio=websocket  ?sockjs=xhr-polling: a library lane's transport, as its card's picker sets it.
    socketioTransports: choiceParam('socketio', SOCKETIO_TRANSPORTS),
    sockjsTransport: choiceParam('sockjs', SOCKJS_TRANSPORTS),
  };
  const enabled = lanesParam();
  const runners = LANE_IDS.map((lane) => new LaneRunner(lane, settings));
  // A lane started for the first time after the others (it was off) starts where they are now.
  const from = () => (stats.raw ? { since: stats.raw.feed.head, epoch: stats.raw.epoch } : {});
  const runnerOf = (lane: LaneId) => runners.find((r) => r.lane === lane)!;
  let running = true;

  // Wire view, in a dialog (Esc closes it).
  const dialog = must<HTMLDialogElement>(document, '#wire-dialog');
  const wire = setupWireView(must<HTMLElement>(document, '#wire'));
  dialog.addEventListener('close', () => wire.pause());
  const openWire = (lane: LaneId) => {
    if (!dialog.open) dialog.showModal();
    void wire.show(lane);
  };

  const lanesEl = must<HTMLElement>(document, '#lanes');
  const columns = document.createElement('div');
  lanesEl.append(columns);
  setupLaneColumns(columns);
  const cards: LaneCard[] = runners.map((runner) => {
    const el = document.createElement('article');
    lanesEl.append(el);
    return setupLaneCard(el, { runner, stats, onWire: openWire });
  });
  if (pageProtocol() === 'h2') setupH2Banner(must<HTMLElement>(document, '#connections'), stats);
  else setupConnectionsNote(must<HTMLElement>(document, '#connections'), runners);
  charts = setupCharts(must<HTMLElement>(document, '#charts'), { runners, stats, clock });
  const compare = document.createElement('section');
  compare.id = 'protocols';
  compare.setAttribute('aria-label', t('dash.compareAria'));
  must<HTMLElement>(document, '#charts').after(compare);
  setupProtocolCompare(compare, stats);

  // The seven-streams experiment: this page's lanes hold some of HTTP/1.1's six connections
  // (and would queue behind the held streams), so they pause for the run and resume after it.
  must<ConnectionLimitElement>(document, '#limit connection-limit').prepare = async () => {
    const paused = runners.filter((r) => r.running);
    for (const runner of paused) runner.stop();
    for (const card of cards) card.render();
    charts?.mark(t('dash.markPaused'));
    // Until the server has seen the lanes' held requests end, so its count of held SSE
    // responses before the run is the other tabs' alone.
    const deadline = performance.now() + RESET_SETTLE_MAX_MS;
    let raw = await stats.nextRaw();
    while (paused.some((r) => (stats.relative(raw, r.lane)?.held ?? 0) > 0) && performance.now() < deadline) raw = await stats.nextRaw();
    return () => {
      for (const runner of paused) if (running && enabled[runner.lane]) runner.start(from());
      for (const card of cards) card.render();
      charts?.mark(t('dash.markResumed'));
    };
  };

  const controls = setupControls(must<HTMLElement>(document, '#controls'), {
    initial: {
      rate: first.feed.rate, payloadBytes: first.feed.payloadBytes, ...settings,
      burstCount: DEFAULT_BURST, lanes: enabled, running,
    },
    handlers: {
      async onFeed(change) {
        const now = await api.setFeed({ ...change, running });
        controls.say(t('dash.sayFeed', { rate: now.rate, bytes: now.payloadBytes }));
        charts?.mark(change.rate !== undefined ? `${now.rate}/s` : `${now.payloadBytes} B`);
      },
      onPollInterval(ms) {
        runnerOf('poll').configure({ pollIntervalMs: ms });
        controls.say(`poll: every ${ms} ms`);
        charts?.mark(`poll ${ms} ms`);
      },
      onLongpollWait(ms) {
        runnerOf('longpoll').configure({ longpollWaitMs: ms });
        controls.say(t('dash.sayWait', { ms }));
        charts?.mark(`wait ${ms} ms`);
      },
      async onRun(run) {
        running = run;
        controls.setRunning(run);
        if (run) {
          clock.start();
          for (const runner of runners) if (enabled[runner.lane]) runner.start(from());
          await api.setFeed({ running: true });
          controls.say('running');
        } else {
          // Stop the feed first, let every lane catch up to its last message, then stop the lanes:
          // all lanes end on the same seq, and nothing is left in flight between page and server.
          controls.say(t('dash.sayPausing'));
          await api.setFeed({ running: false });
          const { feed } = await api.stats();
          const on = runners.filter((r) => r.running);
          await until(() => on.every((r) => (r.lastSeq ?? 0) >= feed.head),
            Math.min(runnerOf('poll').settings.pollIntervalMs + PAUSE_DRAIN_MARGIN_MS, PAUSE_DRAIN_MAX_MS));
          for (const runner of runners) runner.stop();
          clock.pause();
          const behind = on.filter((r) => (r.lastSeq ?? 0) < feed.head).map((r) => r.lane);
          controls.say(behind.length
            ? t('dash.sayPausedBehind', { seq: feed.head, lanes: behind.join(', ') })
            : t('dash.sayPaused', { seq: feed.head }));
        }
      },
      async onReset() {
        await newRun();
        controls.say(t('dash.sayReset'));
      },
      async onBurst(count) {
        const { head } = await api.burst(count);
        controls.say(t('dash.sayBurst', { count, head }));
        charts?.mark(`burst ${count}`);
      },
      onLane(lane, on) {
        enabled[lane] = on;
        if (on && running) runnerOf(lane).start(from());
        if (!on) runnerOf(lane).stop();
        charts?.mark(`${lane} ${on ? 'on' : 'off'}`);
      },
    },
  });

  /**
   * A new run for this page only (its Reset, or after a server restart). Close the lanes and
   * wait until the server's view of this page has seen everything the page sent and got, so
   * nothing is in flight when the baseline is taken; then both sides start from equal counts.
   * The lanes reconnect afterwards, so each one's connection cost is counted again.
   */
  let restarting: Promise<void> = Promise.resolve();
  function newRun(next?: LaneRunner[]): Promise<void> {
    // One at a time, in order: a class run's lanes must not be undone by a restart still under way.
    return (restarting = restarting.then(() => startRun(next)));
  }
  async function startRun(next?: LaneRunner[]): Promise<void> {
    {
      stats.hold();
      const on = runners.filter((r) => r.running);
      for (const runner of on) runner.stop();
      const deadline = performance.now() + RESET_SETTLE_MAX_MS;
      let raw = await stats.nextRaw();
      const counted = () => on.every((r) => {
        const server = stats.relative(raw, r.lane);
        return server !== undefined && server.requests === r.counter.requests && server.messages === r.counter.received && server.held === 0;
      });
      // After a restart the page's counts include requests the old server saw and the new one never will:
      // there is no agreement to wait for, only the lanes' sockets to close.
      while (!counted() && performance.now() < deadline) raw = await stats.nextRaw();
      stats.rebase(raw);
      for (const runner of runners) runner.counter.reset();
      for (const card of cards) card.reset();
      clock.reset();
      charts?.clear();
      for (const runner of next ?? on) runner.start(from());
    }
  }

  // The page is a student device too: it measures its clock against the lab's and, when the
  // teacher starts a class run, runs the lane it is given (class/student-run.ts).
  const clockSync = new ClockSync(live);
  clockSync.start();
  const clockField = must<HTMLElement>(document, '[data-field="clock"]');
  clockSync.onChange((best) => {
    root.dataset.clockOffset = String(best.offsetMs);
    root.dataset.clockRtt = String(best.rttMs);
    root.dataset.clockExchanges = String(clockSync.exchanges);
    setText(clockField, t('dash.clock', { offset: `${best.offsetMs >= 0 ? '+' : ''}${best.offsetMs.toFixed(1)}`, half: (best.rttMs / 2).toFixed(1) }));
  });
  setupStudentRun(must<HTMLElement>(document, '#class-run'), {
    live, page: pageId, clock: clockSync,
    host: {
      runnerOf,
      lanesOn: () => runners.filter((r) => r.running).map((r) => r.lane),
      async switchLanes(lanes) {
        for (const lane of LANE_IDS) enabled[lane] = lanes.includes(lane);
        for (const card of cards) card.render();
        await newRun(runners.filter((r) => lanes.includes(r.lane)));
      },
    },
  });

  const notice = must<HTMLElement>(document, '[data-field="notice"]');
  stats.onNewEpoch = (epoch) => {
    // The lanes start over on the new feed by themselves; the page starts a new run with them.
    notice.hidden = false;
    notice.dataset.epoch = epoch;
    setText(notice, t('dash.restarted', { at: formatTime(Date.now()) }));
    charts?.mark(t('dash.markRestarted'));
    void newRun();
  };

  // Header: run clock, feed and stats-channel status.
  const runTime = must<HTMLElement>(document, '[data-field="run-time"]');
  const feedField = must<HTMLElement>(document, '[data-field="feed"]');
  const securityField = must<HTMLElement>(document, '[data-field="security"]');
  const showFeed = (s: NonNullable<typeof stats.raw>) => {
    setText(feedField, t('dash.feed', { state: s.feed.running ? `${s.feed.rate} msg/s` : t('dash.feedPaused'), bytes: s.feed.payloadBytes, seq: s.feed.head }));
    controls.syncFeed(s.feed);
    showBadges(securityField, securityBadges(s.switches));
  };
  showFeed(first);
  stats.subscribe(showFeed);
  const lag = new PageLag();
  lag.start();
  const lagField = must<HTMLElement>(document, '[data-field="page-lag"]');
  onTick(() => {
    const { p95 } = lag.summary();
    setStat(lagField, p95, t('dash.pageLag', { ms: formatMs(p95) }));
    setStat(runTime, clock.seconds(), formatDuration(clock.elapsedMs()));
    setText(liveField, stats.state === 'open' ? t('dash.statsLive') : t('dash.statsReconnecting'));
    liveField.dataset.state = stats.state;
  });

  // Export.
  // The page's counts and the server's are taken at the same moment: when the next snapshot
  // arrives (as the lane cards compare them), not the page's live counts beside an older snapshot.
  const exportRun = () => new Promise<ReturnType<typeof buildRunExport>>((resolve) => {
    const off = stats.subscribe((snapshot) => {
      off();
      resolve(buildRunExport({
        lanes: runners.map((r) => ({ lane: r.lane, on: enabled[r.lane], counter: r.counter })),
        snapshot,
        runMs: clock.elapsedMs(),
        settings: { ...settings, pollIntervalMs: runnerOf('poll').settings.pollIntervalMs, longpollWaitMs: runnerOf('longpoll').settings.longpollWaitMs },
        url: location.href,
        userAgent: navigator.userAgent,
      }));
    });
  });
  const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');
  must(document, '[data-action="export-json"]').addEventListener('click', () => void exportRun().then((run) =>
    download(`transport-lab-${stamp()}.json`, JSON.stringify(run, null, 2), 'application/json')));
  must(document, '[data-action="export-totals"]').addEventListener('click', () => void exportRun().then((run) =>
    download(`transport-lab-totals-${stamp()}.csv`, totalsCsv(run), 'text/csv')));
  must(document, '[data-action="export-latencies"]').addEventListener('click', () => void exportRun().then((run) =>
    download(`transport-lab-latencies-${stamp()}.csv`, latenciesCsv(run), 'text/csv')));
  // HAR: the server's record of this page's lane requests (the heads and their sizes, which a page cannot see)
  // and the WebSocket messages this page recorded, taken together now.
  const pageOpened = Date.now();
  must(document, '[data-action="export-har"]').addEventListener('click', () => void (async () => {
    const response = await fetch(`/api/pages/${pageId}/log`);
    if (!response.ok) throw new Error(`GET /api/pages/${pageId}/log: ${response.status}`);
    const log = await response.json() as PageLogAnswer & { counters: Record<LaneId, Counters> };
    const { sockets, dropped } = recordedSockets();
    const har = buildHar({
      log, sockets, droppedMessages: dropped, origin: location.origin, pageTitle: `${document.title} (${location.href})`,
      pageOpened, userAgent: navigator.userAgent, creatorVersion: packageJson.version,
    });
    root.dataset.harExported = String(har.log.entries.length);
    download(`transport-lab-${stamp()}.har`, JSON.stringify(har, null, 2), 'application/json');
  })().catch((err: Error) => controls.say(`HAR export failed: ${err.message}`)));

  // Keyboard: single keys when no field has focus; Tab reaches every control anyway.
  document.addEventListener('keydown', (event) => {
    const target = event.target as HTMLElement;
    if (event.altKey || event.ctrlKey || event.metaKey || target.closest('input, select, textarea') || dialog.open) return;
    const lane = LANE_IDS[Number(event.key) - 1];
    if (lane) return openWire(lane);
    const click = (selector: string) => must<HTMLElement>(document, selector).click();
    switch (event.key) {
      case 's': return click('[data-action="run"]');
      case 'b': return click('[data-action="burst"]');
      case 'd': return display.toggleTheme();
      case 'p': return display.toggleProjector();
    }
  });

  // Start once the page is built, so building it does not hold up the first messages. Every lane
  // starts at the same seq, the feed's newest right now, so every lane receives the same messages.
  // The run's baseline is this page's server view before its first request (zeros for a new tab).
  await nextFrame();
  const start = await stats.nextRaw();
  stats.rebase(start);
  clock.start();
  for (const runner of runners) if (enabled[runner.lane]) runner.start({ since: start.feed.head, epoch: start.epoch });
  root.dataset.ready = 'true';
}

main().catch((err: Error) => {
  document.documentElement.dataset.ready = 'error';
  setText(document.querySelector('[data-field="live"]'), t('dash.failedToStart', { error: err.message }));
  throw err;
});
