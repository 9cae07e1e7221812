/**
 * <ws-frame-probe id="f200" bytes="200"></ws-frame-probe>
 * <ws-frame-probe id="f10k" bytes="10000" deflate></ws-frame-probe>
 *
 * One text message of `bytes` bytes (ASCII digits, "0123456789" repeated)
 * sent by this page through the lab's echo socket (/inspect/echo, the frame
 * inspector's endpoint), and the frames that carried it both ways, as the
 * server captured them from the TCP stream (GET /api/inspect/frames/:id):
 * the browser's frame, masked (RFC 6455 §5.3), and the server's echo, not
 * masked. The header sizes follow the three length forms of §5.2. With
 * `deflate`, permessage-deflate (RFC 7692) is negotiated and the payload that
 * crosses is compressed (RSV1 = 1); the page still sees the text.
 *
 * Measures: messageBytes, clientHeaderBytes, serverHeaderBytes,
 * clientPayloadBytes, serverPayloadBytes (on the wire), clientFrames, serverFrames.
 * It neither changes the feed nor uses a lane: it runs at any time.
 */
import { DEFAULTS } from '../../../../src/config.ts';
import type { InspectedFrame } from '../../../../src/inspect/frames.ts';
import type { LessonLang } from '../../../../src/lessons/parts.ts';
import { labelFrameHeader } from '../../wire-bytes.ts';
import { labUrl } from '../../inspectors/ui.ts';
import { delay, type Measurement } from '../measurable.ts';
import { formatNumber } from '../i18n.ts';
import { controls, MeasuredWidget } from './measured-widget.ts';
import { addProbeStyles, setColumnHeads } from './probe-style.ts';
import { Waiter } from './waiter.ts';
import { messageGroup } from '../../i18n/index.ts';

/** The largest message the echo socket takes (the server closes with 1009 beyond). */
const MAX_BYTES = DEFAULTS.inspectMaxMessageBytes;
const DEFAULT_BYTES = 200;
/** How long to wait for the echo, and for the server's capture to hold both frames. */
const STEP_TIMEOUT_MS = 5_000;
const CAPTURE_POLL_MS = 50;


interface Welcome {
  type: 'welcome';
  id: number;
  deflate: boolean;
}

/** The frames of one message in one direction: from the first data frame after `afterN` to the one with FIN. */
export function messageFrames(frames: readonly InspectedFrame[], dir: 'in' | 'out', afterN: number): InspectedFrame[] | undefined {
  const out: InspectedFrame[] = [];
  for (const f of frames) {
    if (f.n <= afterN || f.dir !== dir) continue;
    if (f.opcode !== 'text' && f.opcode !== 'continuation') continue; // a ping or pong may sit between fragments (§5.4)
    out.push(f);
    if (f.fin) return out;
  }
  return undefined;
}

/** "0123456789" repeated, cut to `bytes`: ASCII, so bytes = characters, and easy to read in hex (30 31 32 …). */
function filler(bytes: number): string {
  return '0123456789'.repeat(Math.ceil(bytes / 10)).slice(0, bytes);
}

export class WsFrameProbeElement extends MeasuredWidget {
  protected readonly dictionary = messageGroup('wsFrameProbe');
  private table!: HTMLTableElement;
  private note!: HTMLElement;
  private details!: HTMLDetailsElement;

  get bytes(): number {
    const n = Number(this.getAttribute('bytes') ?? DEFAULT_BYTES);
    return Number.isInteger(n) ? n : DEFAULT_BYTES;
  }

  protected build(): void {
    addProbeStyles();
    const w = this.words;
    const n = formatNumber(this.bytes, 0);
    this.frame('ws-frame-probe', 'var(--lane-ws)', `
      <p class="widget-head"><span class="swatch" aria-hidden="true"></span><strong></strong> <code>/inspect/echo</code> <span class="widget-settings"></span></p>
      ${controls()}
      <table class="probe-table" hidden><thead><tr></tr></thead><tbody></tbody></table>
      <p class="probe-note" hidden></p>
      <details class="probe-details" hidden><summary></summary><div></div></details>`);
    this.querySelector('strong')!.textContent = w.message!.replace('{n}', n);
    this.querySelector('.widget-settings')!.textContent = this.hasAttribute('deflate') ? w.deflate! : '';
    this.button.textContent = w.run!.replace('{n}', n);
    this.table = this.querySelector('table')!;
    this.note = this.querySelector('.probe-note')!;
    this.details = this.querySelector('details')!;
    this.details.querySelector('summary')!.textContent = w.bytesLabel!;
    setColumnHeads(this.table, [w.dir!, w.header!, w.headerBytes!, w.payload!, w.masked!, w.compressed!, w.frames!]);
  }

  /** It neither changes the feed nor uses a lane: it runs at once. */
  protected override schedule(task: () => Promise<Measurement>): Promise<Measurement> {
    return task();
  }

  protected async experiment(): Promise<Measurement> {
    const w = this.words;
    const bytes = this.bytes;
    this.showStatus(w.running!);
    let socket: WebSocket | undefined;
    try {
      if (bytes < 1 || bytes > MAX_BYTES) throw new Error(w.tooBig!.replace('{max}', formatNumber(MAX_BYTES, 0)));
      const path = this.hasAttribute('deflate') ? '/inspect/echo?deflate=1' : '/inspect/echo';
      const ws = (socket = new WebSocket(labUrl(location.href, path, true)));
      const text = filler(bytes);
      const events = inbox(ws, w.timeout!);
      const welcome = JSON.parse(await events.next((d) => d.startsWith('{"type":"welcome"'))) as Welcome;
      ws.send(text);
      await events.next((d) => d === text);
      const { client, server } = await this.capture(welcome.id);
      ws.close(1000, 'probed');
      const sum = (frames: InspectedFrame[], pick: (f: InspectedFrame) => number) => frames.reduce((s, f) => s + pick(f), 0);
      const measurement: Measurement = {
        messageBytes: bytes,
        clientHeaderBytes: sum(client, (f) => f.headerLength),
        serverHeaderBytes: sum(server, (f) => f.headerLength),
        clientPayloadBytes: sum(client, (f) => f.payloadLength),
        serverPayloadBytes: sum(server, (f) => f.payloadLength),
        clientFrames: client.length,
        serverFrames: server.length,
      };
      this.render(client, server, welcome.deflate);
      return measurement;
    } catch (err) {
      socket?.close();
      throw err;
    }
  }

  /** The message's frames both ways, once the server's capture holds them (it records as bytes cross). */
  private async capture(id: number): Promise<{ client: InspectedFrame[]; server: InspectedFrame[] }> {
    const deadline = performance.now() + STEP_TIMEOUT_MS;
    for (;;) {
      const response = await fetch(`/api/inspect/frames/${id}`, { cache: 'no-store' });
      const answer = (await response.json()) as { frames?: InspectedFrame[]; error?: string; message?: string };
      if (!response.ok || !answer.frames) throw new Error(`${answer.error ?? response.status}: ${answer.message ?? ''}`);
      const client = messageFrames(answer.frames, 'in', 0);
      const server = client && messageFrames(answer.frames, 'out', client.at(-1)!.n);
      if (client && server) return { client, server };
      if (performance.now() > deadline) throw new Error(`${this.words.timeout} /api/inspect/frames/${id}`);
      await delay(CAPTURE_POLL_MS);
    }
  }

  private render(client: InspectedFrame[], server: InspectedFrame[], deflate: boolean): void {
    const w = this.words;
    const body = this.table.tBodies[0]!;
    body.replaceChildren();
    for (const [dir, frames] of [['client', client], ['server', server]] as const) {
      const tr = body.insertRow();
      tr.dataset.dir = dir;
      const cells: [string, string, string?][] = [
        [w[dir]!, ''],
        [frames.map((f) => f.headerHex).join(' | '), 'hex', 'header-hex'],
        [formatNumber(frames.reduce((s, f) => s + f.headerLength, 0), 0), 'num', 'header-bytes'],
        [formatNumber(frames.reduce((s, f) => s + f.payloadLength, 0), 0), 'num', 'payload-bytes'],
        [frames.every((f) => f.masked) ? w.yes! : w.no!, ''],
        [frames[0]!.rsv1 ? w.yes! : w.no!, ''],
        [formatNumber(frames.length, 0), 'num'],
      ];
      for (const [text, className, part] of cells) {
        const td = tr.insertCell();
        td.textContent = text;
        if (className) td.className = className;
        if (part) td.dataset.part = part;
      }
    }
    this.table.hidden = false;
    this.note.hidden = !this.hasAttribute('deflate');
    this.note.textContent = deflate ? w.negotiated!.replace('{n}', formatNumber(this.bytes, 0)) : w.declined!;
    const box = this.details.querySelector('div')!;
    box.replaceChildren(...[...client, ...server].map((f) => {
      const rows = labelFrameHeader(f.headerHex);
      const t = document.createElement('table');
      t.className = 'probe-table';
      t.createCaption().textContent = f.dir === 'in' ? w.client! : w.server!;
      for (const b of rows) {
        const tr = t.insertRow();
        for (const [text, className] of [[String(b.index), 'num'], [b.hex, 'hex'], [b.bits, 'hex'], [b.label, '']] as const) {
          const td = tr.insertCell();
          td.textContent = text;
          if (className) td.className = className;
        }
      }
      return t;
    }));
    this.details.hidden = false;
  }
}

/** The socket's text messages in order, awaited one condition at a time. */
function inbox(ws: WebSocket, timeoutWords: string) {
  const received: string[] = [];
  const waiter = new Waiter(STEP_TIMEOUT_MS, timeoutWords);
  let closed: CloseEvent | undefined;
  ws.addEventListener('message', (e: MessageEvent) => {
    if (typeof e.data === 'string') received.push(e.data);
    waiter.wake();
  });
  ws.addEventListener('close', (e) => {
    closed = e;
    waiter.wake();
  });
  return {
    async next(test: (data: string) => boolean): Promise<string> {
      let found = '';
      await waiter.until(ws.url, () => {
        const i = received.findIndex(test);
        if (i >= 0) {
          found = received.splice(0, i + 1).at(-1)!;
          return true;
        }
        if (closed) throw new Error(`closed ${closed.code} ${closed.reason}`.trim());
        return false;
      });
      return found;
    },
  };
}

if (!customElements.get('ws-frame-probe')) customElements.define('ws-frame-probe', WsFrameProbeElement);
