/**
 * <origin-probe id="hijack" rate="5"></origin-probe>
 *
 * Cross-site WebSocket hijacking, from the server's side. When a page on
 * http://evil.example runs `new WebSocket('ws://<the lab>/feed/ws')`, its
 * browser sends the upgrade with `Origin: http://evil.example`, and with it the
 * lab's cookies if it had any. CORS plays no part: the only defence is the
 * server reading that Origin (RFC 6455 §10.2).
 *
 * The widget sends exactly that handshake three times through the lab's
 * handshake playground (POST /api/playground/handshake: the lab writes the
 * bytes to its own port over a real TCP socket and reads the answer for
 * `playgroundWaitMs`), and counts the feed messages that came back:
 *
 *   1. Origin: http://evil.example, the Origin allowlist off
 *   2. Origin: http://evil.example, the allowlist on
 *   3. Origin: this page's own origin, the allowlist on
 *
 * The allowlist is put back as it was afterwards; while it is on, the lab
 * refuses foreign WebSockets for everyone (its own pages still connect).
 *
 * Attributes: `rate` (feed messages/s during the run, restored afterwards).
 * Measures: messagesWithoutCheck, statusWithoutCheck, messagesWithCheck,
 * statusWithCheck, ownOriginStatus, listenMs.
 */
import { decodeFrameHeader } from '../../../../src/framing/ws-frame.ts';
import { base64ToBytes, FOREIGN_ORIGIN, validUpgrade, withHeader } from '../../inspectors/playground-request.ts';
import type { SwitchesSnapshot } from '../../inspectors/switch-badges.ts';
import { labCall } from '../../inspectors/ui.ts';
import { withFeed } from '../lab-api.ts';
import type { Measurement } from '../measurable.ts';
import { formatNumber } from '../i18n.ts';
import type { LessonLang } from '../../../../src/lessons/parts.ts';
import { controls, MeasuredWidget } from './measured-widget.ts';
import { messageGroup } from '../../i18n/index.ts';

/** What POST /api/playground/handshake answers (src/inspect/playground.ts). */
interface PlaygroundAnswer {
  sent: string;
  receivedBase64: string;
  status: number | null;
  headBytes: number;
  durationMs: number;
}

interface Attempt {
  origin: string;
  allowlist: boolean;
  status: number | null;
  statusLine: string;
  messages: number;
  durationMs: number;
}


export class OriginProbeElement extends MeasuredWidget {
  protected readonly dictionary = messageGroup('originProbe');
  private rows!: HTMLTableSectionElement;
  private request!: HTMLElement;

  protected build(): void {
    const w = this.words;
    this.frame('origin-probe', 'var(--lane-ws)', `
      ${controls()}
      <table class="run-figures"><thead><tr><th scope="col">${w.origin}</th><th scope="col">${w.allowlist}</th><th scope="col">${w.answer}</th><th scope="col">${w.messages}</th></tr></thead><tbody></tbody></table>
      <details class="origin-probe-request"><summary></summary><pre style="font-size: 0.8rem; overflow-x: auto"></pre></details>`);
    this.button.textContent = w.run!;
    this.rows = this.querySelector('tbody')!;
    this.rows.parentElement!.hidden = true; // no empty table before the first run
    this.querySelector('summary')!.textContent = w.request!;
    this.request = this.querySelector('pre')!;
    this.request.textContent = this.upgrade(FOREIGN_ORIGIN);
  }

  protected override schedule(task: () => Promise<Measurement>): Promise<Measurement> {
    const rate = this.hasAttribute('rate') ? Number(this.getAttribute('rate')) : undefined;
    return super.schedule(() => withFeed(rate, task));
  }

  /** The handshake a browser sends for `new WebSocket('ws://<lab>/feed/ws')` from a page on `origin`. */
  private upgrade(origin: string): string {
    return withHeader(validUpgrade(location.host), 'Origin', origin);
  }

  protected async experiment(): Promise<Measurement> {
    this.showStatus(this.words.running!);
    this.rows.replaceChildren();
    let before: boolean | undefined;
    try {
      before = (await labCall<SwitchesSnapshot>(location.href, 'GET', '/api/switches')).security.originCheck;
      // #region knock
      await setOriginCheck(false);
      const open = await this.knock(FOREIGN_ORIGIN, false);
      await setOriginCheck(true);
      const refused = await this.knock(FOREIGN_ORIGIN, true);
      const own = await this.knock(location.origin, true);
      // #endregion
      const measurement: Measurement = {
        messagesWithoutCheck: open.messages,
        statusWithoutCheck: open.status ?? 0,
        messagesWithCheck: refused.messages,
        statusWithCheck: refused.status ?? 0,
        ownOriginStatus: own.status ?? 0,
        listenMs: Math.round(open.durationMs),
      };
      return measurement;
    } finally {
      if (before !== undefined) await setOriginCheck(before).catch(() => undefined);
    }
  }

  /** One handshake through the playground; the feed messages that came back in the frames after a 101. */
  private async knock(origin: string, allowlist: boolean): Promise<Attempt> {
    const answer = await labCall<PlaygroundAnswer>(location.href, 'POST', '/api/playground/handshake', { request: this.upgrade(origin) });
    const bytes = base64ToBytes(answer.receivedBase64);
    const head = new TextDecoder('latin1').decode(bytes.subarray(0, answer.headBytes));
    const attempt: Attempt = {
      origin, allowlist, status: answer.status,
      statusLine: head.split('\r\n')[0] ?? '',
      messages: answer.status === 101 ? feedMessages(bytes.subarray(answer.headBytes)) : 0,
      durationMs: answer.durationMs,
    };
    this.showAttempt(attempt);
    return attempt;
  }

  private showAttempt(a: Attempt): void {
    const w = this.words;
    const tr = this.rows.insertRow();
    this.rows.parentElement!.hidden = false;
    tr.dataset.status = String(a.status ?? '');
    tr.dataset.messages = String(a.messages);
    const cells = [a.origin, a.allowlist ? w.on! : w.off!, a.statusLine || '–',
      `${formatNumber(a.messages, 0)} (${w.within!.replace('{ms}', formatNumber(a.durationMs, 0))})`];
    for (const value of cells) tr.insertCell().textContent = value;
    tr.cells[0]!.style.textAlign = 'left';
    tr.cells[2]!.style.textAlign = 'left';
  }
}

/** Complete text frames after the 101 whose JSON is a feed message (the first frame is the hello). */
export function feedMessages(afterHead: Uint8Array): number {
  let count = 0;
  let rest = afterHead;
  for (;;) {
    let h;
    try {
      h = decodeFrameHeader(rest);
    } catch {
      return count; // not a frame the lab would send: stop counting
    }
    if (!h || rest.length < h.headerLength + h.payloadLength) return count; // the lab hung up mid-frame
    const payload = rest.subarray(h.headerLength, h.headerLength + h.payloadLength);
    rest = rest.subarray(h.headerLength + h.payloadLength);
    if (h.opcode !== 0x1) continue;
    try {
      const value = JSON.parse(new TextDecoder().decode(payload)) as { seq?: unknown };
      if (typeof value.seq === 'number') count++;
    } catch {
      // not JSON: not a feed message
    }
  }
}

const setOriginCheck = (originCheck: boolean) => labCall(location.href, 'POST', '/api/security', { originCheck });

if (!customElements.get('origin-probe')) customElements.define('origin-probe', OriginProbeElement);
