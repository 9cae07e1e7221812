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
import { headLines, labelFrameHeader } from '../wire-bytes.ts';
import { escapeHtml, must, setText } from '../dom.ts';
import { formatCount } from '../format.ts';
import { pageProtocol } from '../h2/protocol.ts';
import { renderH2Exchange } from './h2-wire.ts';
import type { H2Exchange } from '../../../src/h2/accounting.ts';

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
      <h2 data-part="title">Wire view</h2>
      <label class="toggle"><input type="checkbox" data-action="live" checked> live</label>
      <button type="button" data-action="refresh">Refresh</button>
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
          setText(title, `Wire view: ${LANES[asked].title} (${asked}) over HTTP/2`);
          setText(summary, exchange ? `Last request at ${new Date(exchange.last?.at ?? Date.now()).toLocaleTimeString()}; frames read from the decrypted TLS stream.` : 'No HTTP/2 request on this lane yet.');
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
      setText(summary, `Could not load the wire view: ${(err as Error).message}`);
    }
    if (live.checked && element.isConnected && lane === asked) timer = setTimeout(() => void refresh(), WIRE_REFRESH_MS);
  }

  function pause(): void {
    clearTimeout(timer);
  }

  function render(id: LaneId, exchange: Exchange | null): void {
    element.dataset.lane = id;
    element.style.setProperty('--lane', `var(--lane-${id})`);
    setText(title, `Wire view: ${LANES[id].title} (${id})`);
    if (!exchange) {
      setText(summary, 'No exchange on this lane since the last reset. Turn the lane on, or wait for its next request.');
      body.replaceChildren();
      return;
    }
    const at = new Date(exchange.at).toLocaleTimeString();
    setText(summary, `Last request at ${at}. Heads are measured on the server's socket; ` +
      (id === 'ws' ? 'frames are read from the same socket.' : 'the body follows the response head.'));
    body.innerHTML = `
      ${headBlock('Request head', 'request', exchange.requestHead, exchange.requestHeadBytes, exchange.requestHeadExact)}
      ${exchange.responseHead === '' ? pendingBlock(id) : headBlock('Response head', 'response', exchange.responseHead, exchange.responseHeadBytes, true)}
      ${id === 'ws' ? framesBlock(exchange) : ''}`;
  }

  return {
    async show(id) {
      if (lane !== id) lastJson = '';
      lane = id;
      element.dataset.lane = id;
      setText(title, `Wire view: ${LANES[id].title} (${id})`);
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
    ? `<span class="ok">✓ the lines add up to the ${formatCount(measured)} bytes measured</span>`
    : exact ? `<span class="warn">lines add up to ${formatCount(sum)} bytes; measured ${formatCount(measured)}</span>`
    : `<span class="warn">rebuilt from the parsed header (${formatCount(sum)} bytes); the socket measured ${formatCount(measured)} bytes</span>`;
  const rows = lines.map((l) => `<tr><td class="line">${l.text === '' ? '<span class="crlf">(blank line: end of head)</span>' : escapeHtml(l.text)}<span class="crlf">\\r\\n</span></td><td class="n">${l.bytes}</td></tr>`).join('');
  return `
    <section class="head" data-part="${part}">
      <h3>${heading}: <span data-part="${part}-bytes" data-value="${measured}">${formatCount(measured)}</span> bytes</h3>
      <pre data-part="${part}-head" hidden>${escapeHtml(head)}</pre>
      <table class="head-lines"><thead><tr><th scope="col">line</th><th scope="col" class="n">bytes</th></tr></thead><tbody>${rows}</tbody></table>
      <p class="check">${check}</p>
    </section>`;
}

/** The newest request has no answer yet: for a long poll that is the point. */
function pendingBlock(lane: LaneId): string {
  const why = lane === 'longpoll'
    ? 'The server is holding this request until a message arrives or the wait runs out; then it answers and the browser asks again at once.'
    : 'The server has not answered this request yet.';
  return `
    <section class="head" data-part="response">
      <h3>Response head: <span data-part="response-bytes" data-value="0">not sent yet</span></h3>
      <p class="pending" data-part="response-pending">${escapeHtml(why)} The lab keeps only the newest exchange of each lane, so a busy long poll is usually caught in this state.</p>
    </section>`;
}

function framesBlock(exchange: Exchange): string {
  if (exchange.frames.length === 0) return '<section class="frames"><h3>Frames</h3><p>No frames captured yet.</p></section>';
  const items = exchange.frames.map((frame) => {
    const direction = frame.dir === 'out' ? 'server → browser' : 'browser → server';
    let bytes: string;
    try {
      bytes = labelFrameHeader(frame.headerHex).map((b) =>
        `<tr class="part-${b.part}"><td class="hex">${b.hex}</td><td class="bits">${b.bits}</td><td>${escapeHtml(b.label)}</td></tr>`).join('');
    } catch (err) {
      bytes = `<tr><td colspan="3">${escapeHtml((err as Error).message)}</td></tr>`;
    }
    const fields = frame.fields.map((f) =>
      `<tr><th scope="row">${escapeHtml(f.field)}</th><td>${escapeHtml(f.at)}</td><td>${escapeHtml(f.value)}</td><td>${escapeHtml(f.meaning)}</td></tr>`).join('');
    return `
      <li class="frame" data-dir="${frame.dir}" data-opcode="${escapeHtml(frame.opcode)}">
        <p class="frame-title"><strong>${direction}</strong> · ${escapeHtml(frame.opcode)} frame ·
          header <span data-part="frame-header-bytes">${frame.headerLength}</span> B + payload ${formatCount(frame.payloadLength)} B
          · <code data-part="frame-hex">${escapeHtml(frame.headerHex)}</code></p>
        <table class="frame-bytes"><thead><tr><th scope="col">hex</th><th scope="col">bits</th><th scope="col">meaning</th></tr></thead><tbody>${bytes}</tbody></table>
        <details><summary>fields (RFC 6455 §5.2)</summary>
          <table class="frame-fields"><thead><tr><th scope="col">field</th><th scope="col">where</th><th scope="col">value</th><th scope="col">meaning</th></tr></thead><tbody>${fields}</tbody></table>
        </details>
        <p class="preview">payload starts: <code>${escapeHtml(frame.preview)}</code></p>
      </li>`;
  }).join('');
  return `<section class="frames"><h3>Last frames (newest last)</h3><ol data-part="frames">${items}</ol></section>`;
}
