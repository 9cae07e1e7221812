/**
 * The class view for the projector (/class.html): the devices connected (one per
 * student page), the class run the teacher starts here, and what the whole class
 * measured, per lane: requests and bytes from the wire meter (each device's own
 * connections), latency from the devices' reports with each one's clock offset
 * removed, as one distribution over every device.
 *
 * It reads GET /api/class once a second. Starting and reading a run are the
 * teacher's: from another device the page needs the teacher URL's key, which
 * teacher.ts takes out of the address bar (the projector never shows it) and sends.
 */
import '../i18n/page-lang.ts'; // first: the page's language before anything is built
import '../style.css';
import '../lane-style.ts';
import { LANE_IDS, type LaneId } from '../../../src/lanes.ts';
import type { ClassLaneTotals, ClassView } from '../../../src/class/protocol.ts';
import { formatBytesPerMessage, formatDuration, formatMs } from '../format.ts';
import { escapeHtml, must, setData, setStat, setText } from '../dom.ts';
import { setupHeaderTools } from '../widgets/header-tools.ts';
import { formatNumber, laneTitle, t, type MessageKey } from '../i18n/index.ts';
import { authHeaders, fetchAccess } from '../teacher.ts';

/** How often the projector asks for the class's figures. */
export const CLASS_POLL_MS = 1_000;
/** The lanes a new run offers ticked: the issue's half long polling, half WebSocket. */
const DEFAULT_LANES: LaneId[] = ['longpoll', 'ws'];

/** A refusal of the lab: its stable code and its own (English) text. */
type Refusal = Error & { code?: string };

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    cache: 'no-store',
    headers: { ...authHeaders(path), ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const answer = (await response.json().catch(() => ({}))) as { error?: string; message?: string };
  if (!response.ok) throw Object.assign(new Error(answer.message ?? response.statusText), { code: answer.error ?? `HTTP_${response.status}` });
  return answer as T;
}

const count = (n: number) => formatNumber(n, 0);

function main(): void {
  const root = document.documentElement;
  setupHeaderTools(must<HTMLElement>(document, '#display'));

  const form = must<HTMLFormElement>(document, '#run-form');
  const message = must<HTMLElement>(form, '[data-field="message"]');
  const lanesField = must<HTMLElement>(form, '[data-field="lanes"]');
  for (const lane of LANE_IDS) {
    const label = document.createElement('label');
    label.style.setProperty('--lane', `var(--lane-${lane})`);
    label.title = laneTitle(lane);
    label.innerHTML = `<input type="checkbox" name="lane" value="${lane}"${DEFAULT_LANES.includes(lane) ? ' checked' : ''}> <span class="swatch" aria-hidden="true"></span>${escapeHtml(lane)}`;
    lanesField.append(label);
  }

  // From a device without the key the controls are read-only: say why, rather than let Start fail.
  // Nor does it ask for the class's figures: GET /api/class is the teacher's too, and every
  // refused poll would be one more 403 in the console.
  fetchAccess().then((access) => {
    root.dataset.teacher = String(access.teacher);
    if (access.teacher) return startPolling();
    for (const button of form.querySelectorAll('button')) button.disabled = true;
    setText(message, t(access.wrongKey ? 'teacher.wrongKey' : 'class.errTeacherOnly'));
  }, () => startPolling());

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const lanes = [...form.querySelectorAll<HTMLInputElement>('input[name="lane"]:checked')].map((i) => i.value as LaneId);
    const seconds = Number(must<HTMLInputElement>(form, 'input[name="seconds"]').value);
    if (lanes.length === 0) return setText(message, t('class.pickLane'));
    call('POST', '/api/class/run', { lanes, durationMs: Math.round(seconds * 1000) })
      .then(() => { setText(message, t('class.started', { lanes: lanes.join(' + '), seconds: formatNumber(seconds) })); void refresh(); },
        (err: Refusal) => showRefusal(message, err));
  });
  must(form, '[data-action="stop"]').addEventListener('click', () => {
    call('POST', '/api/class/run/stop', {}).then(() => { setText(message, t('class.stopped')); void refresh(); },
      (err: Refusal) => showRefusal(message, err));
  });

  const lanesEl = must<HTMLElement>(document, '#class-lanes');
  const rows = must<HTMLElement>(document, '[data-field="device-rows"]');
  const devicesField = must<HTMLElement>(document, '[data-field="devices"]');
  const runField = must<HTMLElement>(document, '[data-field="run"]');
  const pollField = must<HTMLElement>(document, '[data-field="poll"]');

  async function refresh(): Promise<void> {
    let view: ClassView;
    try {
      view = await call<ClassView>('GET', '/api/class');
    } catch (err) {
      // Short, in the status line: the form's message says why (a read-only page says so there already).
      if (pollField.dataset.state !== 'error' || pollField.dataset.code !== ((err as Refusal).code ?? '')) showRefusal(pollField, err as Refusal, 'class.pollFailed');
      pollField.dataset.state = 'error';
      pollField.dataset.code = (err as Refusal).code ?? '';
      return;
    }
    pollField.dataset.state = 'ok';
    setText(pollField, '');
    render(view);
  }

  function render(view: ClassView): void {
    const connected = view.devices.filter((d) => d.connected);
    const phones = connected.filter((d) => d.phone).length;
    setStat(devicesField, connected.length, connected.length === 0 ? t('class.noDevices')
      : t(connected.length === 1 ? 'class.deviceOne' : 'class.deviceMany', { count: count(connected.length) }) +
        (phones ? ` ${t(phones === 1 ? 'class.phoneOne' : 'class.phoneMany', { count: count(phones) })}` : ''));
    const run = view.run;
    setData(root, 'run', run?.id ?? '');
    setData(root, 'runState', run ? (run.running ? 'running' : 'done') : 'none');
    // The run id is an id, the same in every language: in <code>, like the lane ids.
    const runHtml = run
      ? `<code>${escapeHtml(run.id)}</code> · ${escapeHtml(run.lanes.join(' + '))} · ${formatDuration(run.elapsedMs)} / ${formatDuration(run.durationMs)} · ${escapeHtml(t(run.running ? 'class.running' : 'class.done'))}`
      : escapeHtml(t('class.noRun'));
    if (runField.dataset.html !== runHtml) {
      runField.dataset.html = runHtml;
      runField.innerHTML = runHtml;
    }

    const shown = run?.lanes ?? [];
    lanesEl.replaceChildren(...shown.map((lane) => laneCard(lane, view.lanes[lane], view.buckets)));
    rows.replaceChildren(...view.devices.map((d) => {
      const tr = document.createElement('tr');
      tr.dataset.device = d.id;
      tr.dataset.lane = d.lane ?? '';
      tr.dataset.connected = String(d.connected);
      const offset = d.clockOffsetMs === null ? '–' : `${signed(d.clockOffsetMs)} ± ${((d.rttMs ?? 0) / 2).toFixed(1)} ms`;
      const browser = [browserWords(d.browser), d.phone ? t('class.phone') : '', d.connected ? '' : t('class.away')].filter(Boolean).join(' · ');
      const cells = [d.id.slice(0, 6), browser, d.lane ?? '–',
        count(d.requests), count(d.messages), count(d.missing), count(d.resumes),
        formatMs(d.latency.p50 ?? undefined), formatMs(d.latency.p95 ?? undefined), offset];
      tr.innerHTML = cells.map((c, i) => (i === 0 ? `<th scope="row"><code>${escapeHtml(c)}</code></th>` : `<td>${escapeHtml(c)}</td>`)).join('');
      // The lab's own reading of the User-Agent, as it said it.
      tr.cells[1]!.title = d.userAgent;
      if (d.lane) tr.style.setProperty('--lane', `var(--lane-${d.lane})`);
      return tr;
    }));
  }

  function startPolling(): void {
    void refresh();
    setInterval(() => void refresh(), CLASS_POLL_MS);
  }

  root.dataset.ready = 'true';
}

/** A clock offset with its sign and always one decimal ("+0.0", "-1.2"): it reads as a measurement, not a count. */
function signed(ms: number): string {
  return `${ms >= 0 ? '+' : ''}${ms.toFixed(1)}`;
}

/**
 * The lab names a device's browser "Chrome on Android" (describeUserAgent in
 * src/class/protocol.ts): product and system names stay, the words around them
 * follow the page.
 */
function browserWords(browser: string): string {
  const words = (name: string) => (name === 'a program' ? t('class.aProgram') : name === 'a browser' ? t('class.aBrowser') : name);
  const on = /^(.+) on (.+)$/.exec(browser);
  return on ? t('class.browserOn', { browser: words(on[1]!), os: on[2]! }) : words(browser);
}

/** One lane of the run: who ran it, what it cost on the wire, and the class's latency distribution. */
function laneCard(lane: LaneId, totals: ClassLaneTotals | undefined, buckets: readonly number[]): HTMLElement {
  const el = document.createElement('article');
  el.className = 'class-lane-card';
  el.dataset.lane = lane;
  el.style.setProperty('--lane', `var(--lane-${lane})`);
  const figure = (name: string, label: MessageKey, value: number | null | undefined, text: string) =>
    `<div><dt>${escapeHtml(t(label))}</dt><dd data-stat="class.${name}" data-value="${value ?? ''}">${escapeHtml(text)}</dd></div>`;
  const histogram = totals?.latency.histogram ?? [];
  const most = Math.max(1, ...histogram);
  // Only the buckets from the first to the last that holds anything, so the bars stay wide.
  const first = histogram.findIndex((n) => n > 0);
  const last = histogram.length - 1 - [...histogram].reverse().findIndex((n) => n > 0);
  // Labels on every bar while they fit, else on every other one.
  const every = last - first + 1 > 12 ? 2 : 1;
  const bars = first === -1 ? `<p class="empty">${escapeHtml(t('class.noLatency'))}</p>` : histogram.slice(first, last + 1).map((n, k) => {
    const i = first + k;
    const short = (ms: number) => (ms < 1000 ? String(ms) : `${ms / 1000}s`);
    const label = i < buckets.length ? `≤${short(buckets[i]!)}` : `>${short(buckets[buckets.length - 1]!)}`;
    return `<div class="bar" data-bucket="${i}" data-count="${n}" title="${escapeHtml(t('class.bar', { count: count(n), bucket: label }))}"><span style="height:${(n / most) * 100}%"></span>` +
      `<small>${k % every === 0 ? label : ''}</small></div>`;
  }).join('');
  const messages = totals?.latency.count ?? 0;
  el.innerHTML = `
    <h2><span class="swatch" aria-hidden="true"></span>${escapeHtml(laneTitle(lane))} <code>${lane}</code></h2>
    <dl class="class-totals">
      ${figure('devices', 'class.figDevices', totals?.devices, count(totals?.devices ?? 0))}
      ${figure('requests', 'laneCard.requests', totals?.requests, count(totals?.requests ?? 0))}
      ${figure('headerBytesPerMessage', 'compare.headerPerMessage', totals?.headerBytesPerMessage, formatBytesPerMessage(totals?.headerBytesPerMessage ?? undefined))}
      ${figure('bytesPerMessage', 'laneCard.bytesPerMsg', totals?.bytesPerMessage, formatBytesPerMessage(totals?.bytesPerMessage ?? undefined))}
      ${figure('p50', 'laneCard.latencyP50', totals?.latency.p50, totals?.latency.p50 == null ? '–' : `≤ ${formatMs(totals.latency.p50)}`)}
      ${figure('p95', 'laneCard.latencyP95', totals?.latency.p95, totals?.latency.p95 == null ? '–' : `≤ ${formatMs(totals.latency.p95)}`)}
    </dl>
    <figure class="histogram" data-count="${messages}"><figcaption>${escapeHtml(t('class.histogram', { count: count(messages) }))}</figcaption><div class="bars">${bars}</div></figure>`;
  return el;
}

/** The lab's stable error codes the page explains in words; any other is "refused", with its code. */
const REFUSALS: Readonly<Record<string, MessageKey>> = {
  LAB_ERR_TEACHER_ONLY: 'class.errTeacherOnly',
  LAB_ERR_BODY_INVALID: 'class.errBody',
  LAB_ERR_CROSS_SITE: 'class.errCrossSite',
};

/**
 * A refusal in the page's language, the lab's own code and text beside it as
 * the raw detail (in English, as the lab sent it: what docs/protocol.md lists).
 * With `short` words, only the code shows, its text in the code's tooltip.
 */
function showRefusal(el: HTMLElement, err: Refusal, short?: MessageKey): void {
  const words = err.code === undefined ? t('class.errUnreachable') : t(short ?? REFUSALS[err.code] ?? 'class.errRefused');
  const detail = Object.assign(document.createElement('code'), { lang: 'en', className: 'raw' });
  if (err.code === undefined) detail.textContent = err.message;
  else if (short) Object.assign(detail, { textContent: err.code, title: err.message });
  else detail.textContent = `${err.code}: ${err.message}`;
  el.replaceChildren(`${words} `, detail);
}

main();
