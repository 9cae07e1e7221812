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
import '../style.css';
import '../lane-style.ts';
import { LANE_IDS, LANES, type LaneId } from '../../../src/lanes.ts';
import type { ClassLaneTotals, ClassView } from '../../../src/class/protocol.ts';
import { formatBytesPerMessage, formatCount, formatDuration, formatMs } from '../format.ts';
import { escapeHtml, must, setData, setStat, setText } from '../dom.ts';
import { setupDisplayToggles } from '../widgets/display.ts';
import { authHeaders, fetchAccess, readOnlyReason } from '../teacher.ts';

/** How often the projector asks for the class's figures. */
export const CLASS_POLL_MS = 1_000;
/** The lanes a new run offers ticked: the issue's half long polling, half WebSocket. */
const DEFAULT_LANES: LaneId[] = ['longpoll', 'ws'];

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

function main(): void {
  const root = document.documentElement;
  setupDisplayToggles(must<HTMLElement>(document, '#display'), {});
  const form = must<HTMLFormElement>(document, '#run-form');
  const message = must<HTMLElement>(form, '[data-field="message"]');
  const lanesField = must<HTMLElement>(form, '[data-field="lanes"]');
  for (const lane of LANE_IDS) {
    const label = document.createElement('label');
    label.style.setProperty('--lane', `var(--lane-${lane})`);
    label.innerHTML = `<input type="checkbox" name="lane" value="${lane}"${DEFAULT_LANES.includes(lane) ? ' checked' : ''}> <span class="swatch" aria-hidden="true"></span>${escapeHtml(lane)}`;
    lanesField.append(label);
  }

  // From a device without the key the controls are read-only: say why, rather than let Start fail.
  fetchAccess().then((access) => {
    root.dataset.teacher = String(access.teacher);
    const reason = readOnlyReason(access);
    if (!reason) return;
    for (const button of form.querySelectorAll('button')) button.disabled = true;
    setText(message, `${reason.en} · ${reason.ko}`);
  }, () => undefined);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const lanes = [...form.querySelectorAll<HTMLInputElement>('input[name="lane"]:checked')].map((i) => i.value as LaneId);
    const seconds = Number(must<HTMLInputElement>(form, 'input[name="seconds"]').value);
    if (lanes.length === 0) return setText(message, 'pick at least one lane');
    call('POST', '/api/class/run', { lanes, durationMs: Math.round(seconds * 1000) })
      .then(() => { setText(message, `class run started: ${lanes.join(' + ')}, ${seconds} s`); void refresh(); },
        (err: Error & { code?: string }) => setText(message, refusal(err)));
  });
  must(form, '[data-action="stop"]').addEventListener('click', () => {
    call('POST', '/api/class/run/stop', {}).then(() => { setText(message, 'class run stopped'); void refresh(); },
      (err: Error & { code?: string }) => setText(message, refusal(err)));
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
      setText(pollField, refusal(err as Error & { code?: string }));
      pollField.dataset.state = 'error';
      return;
    }
    pollField.dataset.state = 'ok';
    setText(pollField, '');
    render(view);
  }

  function render(view: ClassView): void {
    const connected = view.devices.filter((d) => d.connected);
    const phones = connected.filter((d) => d.phone).length;
    setStat(devicesField, connected.length, `${formatCount(connected.length)} device${connected.length === 1 ? '' : 's'} · 기기${phones ? ` (${phones} phone${phones === 1 ? '' : 's'})` : ''}`);
    const run = view.run;
    setData(root, 'run', run?.id ?? '');
    setData(root, 'runState', run ? (run.running ? 'running' : 'done') : 'none');
    setText(runField, run
      ? `${run.id} · ${run.lanes.join(' + ')} · ${formatDuration(run.elapsedMs)} / ${formatDuration(run.durationMs)}${run.running ? '' : ' · done'}`
      : 'no class run yet: pick lanes and a duration, then Start');

    const shown = run?.lanes ?? [];
    lanesEl.replaceChildren(...shown.map((lane) => laneCard(lane, view.lanes[lane], view.buckets)));
    rows.replaceChildren(...view.devices.map((d) => {
      const tr = document.createElement('tr');
      tr.dataset.device = d.id;
      tr.dataset.lane = d.lane ?? '';
      tr.dataset.connected = String(d.connected);
      const offset = d.clockOffsetMs === null ? '–' : `${d.clockOffsetMs >= 0 ? '+' : ''}${d.clockOffsetMs.toFixed(1)} ± ${((d.rttMs ?? 0) / 2).toFixed(1)} ms`;
      const cells = [d.id.slice(0, 6), `${d.browser}${d.phone ? ' · phone' : ''}${d.connected ? '' : ' (away)'}`, d.lane ?? '–',
        formatCount(d.requests), formatCount(d.messages), formatCount(d.missing), formatCount(d.resumes),
        formatMs(d.latency.p50 ?? undefined), formatMs(d.latency.p95 ?? undefined), offset];
      tr.innerHTML = cells.map((c, i) => (i === 0 ? `<th scope="row"><code>${escapeHtml(c)}</code></th>` : `<td>${escapeHtml(c)}</td>`)).join('');
      if (d.lane) tr.style.setProperty('--lane', `var(--lane-${d.lane})`);
      return tr;
    }));
  }

  void refresh();
  setInterval(() => void refresh(), CLASS_POLL_MS);
  root.dataset.ready = 'true';
}

/** One lane of the run: who ran it, what it cost on the wire, and the class's latency distribution. */
function laneCard(lane: LaneId, t: ClassLaneTotals | undefined, buckets: readonly number[]): HTMLElement {
  const el = document.createElement('article');
  el.className = 'class-lane-card';
  el.dataset.lane = lane;
  el.style.setProperty('--lane', `var(--lane-${lane})`);
  const figure = (name: string, label: string, value: number | null | undefined, text: string) =>
    `<div><dt>${label}</dt><dd data-stat="class.${name}" data-value="${value ?? ''}">${escapeHtml(text)}</dd></div>`;
  const histogram = t?.latency.histogram ?? [];
  const most = Math.max(1, ...histogram);
  // Only the buckets from the first to the last that holds anything, so the bars stay wide.
  const first = histogram.findIndex((n) => n > 0);
  const last = histogram.length - 1 - [...histogram].reverse().findIndex((n) => n > 0);
  // Labels on every bar while they fit, else on every other one.
  const every = last - first + 1 > 12 ? 2 : 1;
  const bars = first === -1 ? '<p class="empty">no latency reported yet</p>' : histogram.slice(first, last + 1).map((n, k) => {
    const i = first + k;
    const short = (ms: number) => (ms < 1000 ? String(ms) : `${ms / 1000}s`);
    const label = i < buckets.length ? `≤${short(buckets[i]!)}` : `>${short(buckets[buckets.length - 1]!)}`;
    return `<div class="bar" data-bucket="${i}" data-count="${n}" title="${n} messages at ${label} ms"><span style="height:${(n / most) * 100}%"></span>` +
      `<small>${k % every === 0 ? label : ''}</small></div>`;
  }).join('');
  el.innerHTML = `
    <h2><span class="swatch" aria-hidden="true"></span>${escapeHtml(LANES[lane].title)} <code>${lane}</code></h2>
    <dl class="class-totals">
      ${figure('devices', 'devices', t?.devices, formatCount(t?.devices ?? 0))}
      ${figure('requests', 'requests', t?.requests, formatCount(t?.requests ?? 0))}
      ${figure('headerBytesPerMessage', 'header B / msg', t?.headerBytesPerMessage, formatBytesPerMessage(t?.headerBytesPerMessage ?? undefined))}
      ${figure('bytesPerMessage', 'bytes / msg', t?.bytesPerMessage, formatBytesPerMessage(t?.bytesPerMessage ?? undefined))}
      ${figure('p50', 'latency p50', t?.latency.p50, t?.latency.p50 == null ? '–' : `≤ ${formatMs(t.latency.p50)}`)}
      ${figure('p95', 'latency p95', t?.latency.p95, t?.latency.p95 == null ? '–' : `≤ ${formatMs(t.latency.p95)}`)}
    </dl>
    <figure class="histogram" data-count="${t?.latency.count ?? 0}"><figcaption>latency over every device, offsets removed (ms, ${formatCount(t?.latency.count ?? 0)} messages)</figcaption><div class="bars">${bars}</div></figure>`;
  return el;
}

function refusal(err: Error & { code?: string }): string {
  if (err.code === 'LAB_ERR_TEACHER_ONLY') return 'Read-only: class runs are the teacher\'s. Open this page with the teacher URL the lab printed.';
  return `${err.code ?? 'error'}: ${err.message}`;
}

main();
