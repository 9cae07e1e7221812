/**
 * A lane's last exchange as it crossed the wire: the raw request and response
 * heads, line by line with their bytes counted, and for `ws` the last frames'
 * headers in hex with every field labelled. The data is captured from the real
 * socket by the server (GET /api/wire/:lane), never typed by hand.
 *
 *   const wire = setupWireView(element);
 *   wire.show('ws');
 */
import { LANES, type LaneId } from '../../../src/lanes.ts';
import { fetchWire, type Exchange } from '../api.ts';
import { describeFrameFields, headLines, labelFrameHeader, type FrameField } from '../wire-bytes.ts';
import { labelBody, type BodyPart, type BodyRow } from '../wire-body.ts';
import { BODY_CAPTURE_BYTES } from '../../../src/wire/body-capture.ts';
import { escapeHtml, must, setText } from '../dom.ts';
import { formatCount } from '../format.ts';
import { pageProtocol } from '../h2/protocol.ts';
import { renderH2Exchange } from './h2-wire.ts';
import type { H2Exchange } from '../../../src/h2/accounting.ts';
import { formatTime, laneTitle, t } from '../i18n/index.ts';

/** While the view is shown and "live" is ticked, it refreshes this often. */
export const WIRE_REFRESH_MS = 1_000;

export interface WireView {
  show(lane: LaneId): Promise<void>;
  refresh(): Promise<void>;
  /** Stop refreshing (the view was hidden). */
  pause(): void;
  readonly lane: LaneId | undefined;
}

export function setupWireView(element: HTMLElement): WireView {
  element.classList.add('wire-view');
  element.innerHTML = `
    <header class="wire-head">
      <h2 data-part="title">${t('wire.title')}</h2>
      <label class="toggle"><input type="checkbox" data-action="live" checked> ${t('wire.live')}</label>
      <button type="button" data-action="refresh">${t('wire.refresh')}</button>
    </header>
    <p data-part="summary" role="status"></p>
    <div data-part="body"></div>`;
  const title = must<HTMLElement>(element, '[data-part="title"]');
  const summary = must<HTMLElement>(element, '[data-part="summary"]');
  const body = must<HTMLElement>(element, '[data-part="body"]');
  const live = must<HTMLInputElement>(element, '[data-action="live"]');
  let lane: LaneId | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastJson = '';

  must<HTMLButtonElement>(element, '[data-action="refresh"]').addEventListener('click', () => void refresh());
  live.addEventListener('change', () => (live.checked ? void refresh() : pause()));

  async function refresh(): Promise<void> {
    clearTimeout(timer);
    if (!lane) return;
    const asked = lane;
    try {
      // Over https the HTTP lanes run on HTTP/2: show their HEADERS frames instead of HTTP/1.1 heads.
      if (pageProtocol() === 'h2' && asked !== 'ws') {
        const response = await fetch(`/api/h2/wire/${asked}`);
        const { exchange } = (await response.json()) as { exchange: H2Exchange | null };
        if (asked !== lane) return;
        const json = JSON.stringify(exchange);
        if (json !== lastJson) {
          lastJson = json;
          setText(title, t('wire.titleH2', { title: laneTitle(asked), lane: asked }));
          setText(summary, exchange ? t('wire.lastH2', { at: formatTime(exchange.last?.at ?? Date.now()) }) : t('wire.noH2'));
          if (exchange) renderH2Exchange(body, exchange);
          else body.replaceChildren();
        }
        if (live.checked && element.isConnected && lane === asked) timer = setTimeout(() => void refresh(), WIRE_REFRESH_MS);
        return;
      }
      const { exchange } = await fetchWire(asked);
      if (asked !== lane) return;
      const json = JSON.stringify(exchange);
      if (json !== lastJson) {
        lastJson = json;
        render(asked, exchange);
      }
    } catch (err) {
      setText(summary, t('wire.loadFailed', { error: (err as Error).message }));
    }
    if (live.checked && element.isConnected && lane === asked) timer = setTimeout(() => void refresh(), WIRE_REFRESH_MS);
  }

  function pause(): void {
    clearTimeout(timer);
  }

  function render(id: LaneId, exchange: Exchange | null): void {
    element.dataset.lane = id;
    element.style.setProperty('--lane', `var(--lane-${id})`);
    setText(title, t('wire.titleLane', { title: laneTitle(id), lane: id }));
    if (!exchange) {
      setText(summary, t('wire.noExchange'));
      body.replaceChildren();
      return;
    }
    const at = formatTime(exchange.at);
    setText(summary, t(id === 'ws' ? 'wire.lastWs' : 'wire.lastHttp', { at }));
    body.innerHTML = `
      ${headBlock(t('wire.requestHead'), 'request', exchange.requestHead, exchange.requestHeadBytes, exchange.requestHeadExact)}
      ${exchange.responseHead === '' ? pendingBlock(id) : headBlock(t('wire.responseHead'), 'response', exchange.responseHead, exchange.responseHeadBytes, true)}
      ${id === 'ws' ? framesBlock(exchange) : ''}
      ${BODY_LANES.has(id) ? bodyBlock(id, exchange) : ''}`;
  }

  return {
    async show(id) {
      if (lane !== id) lastJson = '';
      lane = id;
      element.dataset.lane = id;
      setText(title, t('wire.titleLane', { title: laneTitle(id), lane: id }));
      await refresh();
    },
    refresh,
    pause,
    get lane() { return lane; },
  };
}

function headBlock(heading: string, part: 'request' | 'response', head: string, measured: number, exact: boolean): string {
  const lines = headLines(head);
  const sum = lines.reduce((n, l) => n + l.bytes, 0);
  const check = sum === measured
    ? `<span class="ok">✓ ${t('wire.sumOk', { bytes: formatCount(measured) })}</span>`
    : exact ? `<span class="warn">${t('wire.sumWrong', { sum: formatCount(sum), bytes: formatCount(measured) })}</span>`
    : `<span class="warn">${t('wire.rebuilt', { sum: formatCount(sum), bytes: formatCount(measured) })}</span>`;
  const rows = lines.map((l) => `<tr><td class="line">${l.text === '' ? `<span class="crlf">${t('wire.blankLine')}</span>` : escapeHtml(l.text)}<span class="crlf">\\r\\n</span></td><td class="n">${l.bytes}</td></tr>`).join('');
  return `
    <section class="head" data-part="${part}">
      <h3>${heading}: <span data-part="${part}-bytes" data-value="${measured}">${formatCount(measured)}</span> ${t('insp.bytesUnit')}</h3>
      <pre data-part="${part}-head" hidden>${escapeHtml(head)}</pre>
      <table class="head-lines"><thead><tr><th scope="col">${t('hsi.colLine')}</th><th scope="col" class="n">${t('insp.bytes')}</th></tr></thead><tbody>${rows}</tbody></table>
      <p class="check">${check}</p>
    </section>`;
}

/** The lanes whose framing is in the response body (the cards count it): the wire view labels it byte by byte. */
const BODY_LANES: ReadonlySet<LaneId> = new Set(['poll', 'longpoll', 'stream', 'sse']);

function bodyBlock(lane: LaneId, exchange: Exchange): string {
  if (!exchange.bodyStart) return `<section class="body"><h3>${t('wire.body')}</h3><p data-part="body-none">${t('wire.bodyNone')}</p></section>`;
  const rows = labelBody(lane, exchange.responseHead, exchange.bodyStart);
  const sum = (part: BodyPart | 'framing+chunk') => rows.filter((r) => part === 'framing+chunk' ? r.part !== 'payload' : r.part === part).reduce((n, r) => n + r.bytes, 0);
  const label = (r: BodyRow) => r.part === 'payload' ? t('wire.partPayload')
    : r.part === 'chunk' ? (r.chunkSize !== undefined ? `${t('wire.partChunk')}: ${t('wire.chunkSize', { size: formatCount(r.chunkSize) })}` : t('wire.partChunk'))
    : t('wire.partFraming');
  const body = rows.map((r) => `<tr class="part-${r.part}" data-part="body-row" data-kind="${r.part}"><td class="line">${escapeHtml(r.text)}</td><td>${label(r)}</td><td class="n">${r.bytes}</td></tr>`).join('');
  const total = rows.reduce((n, r) => n + r.bytes, 0);
  return `
    <section class="body" data-part="body" data-bytes="${total}" data-framing="${sum('framing+chunk')}" data-payload="${sum('payload')}">
      <h3>${t('wire.body')}</h3>
      <p>${t('wire.bodySum', { bytes: formatCount(total), cap: formatCount(BODY_CAPTURE_BYTES), framing: formatCount(sum('framing+chunk')), payload: formatCount(sum('payload')) })}</p>
      <table class="head-lines body-lines"><thead><tr><th scope="col">${t('hsi.colLine')}</th><th scope="col">${t('wire.colPart')}</th><th scope="col" class="n">${t('insp.bytes')}</th></tr></thead><tbody>${body}</tbody></table>
    </section>`;
}

/** The newest request has no answer yet: for a long poll that is the point. */
function pendingBlock(lane: LaneId): string {
  const why = lane === 'longpoll'
    ? t('wire.holding')
    : t('wire.notAnswered');
  return `
    <section class="head" data-part="response">
      <h3>${t('wire.responseHead')}: <span data-part="response-bytes" data-value="0">${t('wire.notSent')}</span></h3>
      <p class="pending" data-part="response-pending">${escapeHtml(why)} ${t('wire.newestOnly')}</p>
    </section>`;
}

/** A frame's fields in the page's language; a header the page cannot read shows none (its bytes table says why). */
function describeFields(headerHex: string): FrameField[] {
  try {
    return describeFrameFields(headerHex);
  } catch {
    return [];
  }
}

function framesBlock(exchange: Exchange): string {
  if (exchange.frames.length === 0) return `<section class="frames"><h3>${t('wire.frames')}</h3><p>${t('wire.noFrames')}</p></section>`;
  const items = exchange.frames.map((frame) => {
    const direction = frame.dir === 'out' ? t('ff.serverToBrowser') : t('ff.browserToServer');
    let bytes: string;
    try {
      bytes = labelFrameHeader(frame.headerHex).map((b) =>
        `<tr class="part-${b.part}"><td class="hex">${b.hex}</td><td class="bits">${b.bits}</td><td>${escapeHtml(b.label)}</td></tr>`).join('');
    } catch (err) {
      bytes = `<tr><td colspan="3">${escapeHtml((err as Error).message)}</td></tr>`;
    }
    const fields = describeFields(frame.headerHex).map((f) =>
      `<tr><th scope="row">${escapeHtml(f.field)}</th><td>${escapeHtml(f.at)}</td><td>${escapeHtml(f.value)}</td><td>${escapeHtml(f.meaning)}</td></tr>`).join('');
    return `
      <li class="frame" data-dir="${frame.dir}" data-opcode="${escapeHtml(frame.opcode)}">
        <p class="frame-title"><strong>${direction}</strong> · ${escapeHtml(t('wire.frameOpcode', { opcode: frame.opcode }))} ·
          ${t('wire.header')} <span data-part="frame-header-bytes">${frame.headerLength}</span> B + ${t('wire.payload')} ${formatCount(frame.payloadLength)} B
          · <code data-part="frame-hex">${escapeHtml(frame.headerHex)}</code></p>
        <table class="frame-bytes"><thead><tr><th scope="col">hex</th><th scope="col">${t('fi.colBits')}</th><th scope="col">${t('fi.colMeaning')}</th></tr></thead><tbody>${bytes}</tbody></table>
        <details><summary>${t('wire.fields')}</summary>
          <table class="frame-fields"><thead><tr><th scope="col">${t('wire.colField')}</th><th scope="col">${t('wire.colWhere')}</th><th scope="col">${t('wire.colValue')}</th><th scope="col">${t('fi.colMeaning')}</th></tr></thead><tbody>${fields}</tbody></table>
        </details>
        <p class="preview">${t('wire.payloadStarts')} <code>${escapeHtml(frame.preview)}</code></p>
      </li>`;
  }).join('');
  return `<section class="frames"><h3>${t('wire.lastFrames')}</h3><ol data-part="frames">${items}</ol></section>`;
}
