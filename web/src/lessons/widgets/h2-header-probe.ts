/**
 * <h2-header-probe id="heads" polls="5"></h2-header-probe>
 *
 * Sends `polls` identical short polls from this page, one after another, and
 * reads from the server how many header bytes each one cost on the wire: over
 * http:// that is HTTP/1.1 text (every request repeats every header); over
 * https:// the browser speaks HTTP/2 and HPACK turns the repeats into one-byte
 * references, so from the second request on the head shrinks. The requests are
 * tagged with a page id of their own (`?page=`), so other tabs do not count.
 * The other protocol's figure (from every page, server-wide) is shown beside it
 * when that protocol has carried polls.
 *
 * `run()` measures: protocol (1 or 2), requests, firstHeaderBytes,
 * lastHeaderBytes, headerBytesPerRequest, otherProtocolHeaderBytesPerRequest.
 */
import type { StatsSnapshot } from '../../../../src/api/stats.ts';
import type { Counters } from '../../../../src/wire/meter.ts';
import { newPageId } from '../../page-run.ts';
import { pageProtocol } from '../../h2/protocol.ts';
import type { Measurement } from '../measurable.ts';
import { formatNumber } from '../i18n.ts';
import type { LessonLang } from '../../../../src/lessons/parts.ts';
import { controls, MeasuredWidget, showFigures } from './measured-widget.ts';
import { messageGroup } from '../../i18n/index.ts';

const MAX_POLLS = 20;


export class H2HeaderProbeElement extends MeasuredWidget {
  protected readonly dictionary = messageGroup('h2HeaderProbe');
  private figures!: HTMLElement;

  protected build(): void {
    this.frame('h2-header-probe', 'var(--lane-poll)', `
      ${controls('run')}
      <dl class="exchange-figures" data-field="figures"></dl>`);
    this.button.textContent = this.words.run!;
    this.figures = this.querySelector('[data-field="figures"]')!;
  }

  protected override doneText(): string {
    return this.words.done!;
  }

  protected async experiment(): Promise<Measurement> {
    this.showStatus(this.words.sending!);
    const polls = Math.min(MAX_POLLS, Math.max(2, Number(this.getAttribute('polls') ?? 5) || 5));
    const page = newPageId();
    const h2 = pageProtocol() === 'h2';
    const mine = (s: StatsSnapshot): Counters => (h2 ? s.h2.lanes.poll : s.lanes.poll);
    const read = async () => (await (await fetch(`/api/stats?page=${page}`)).json()) as StatsSnapshot;
    const sizes: number[] = [];
    let before = mine(await read()).requestHeadBytes;
    for (let i = 0; i < polls; i++) {
      // The same request each time: same URL, same headers.
      await (await fetch(`/feed/poll?since=0&page=${page}`)).text();
      const now = mine(await read()).requestHeadBytes;
      sizes.push(now - before);
      before = now;
    }
    const last = await read();
    const other = h2 ? last.h2.serverWide.h1.poll : last.h2.serverWide.h2.poll;
    const total = mine(last);
    const m: Measurement = {
      protocol: h2 ? 2 : 1,
      requests: total.requests,
      firstHeaderBytes: sizes[0]!,
      lastHeaderBytes: sizes[sizes.length - 1]!,
      headerBytesPerRequest: total.requests > 0 ? total.requestHeadBytes / total.requests : NaN,
      otherProtocolHeaderBytesPerRequest: other.requests > 0 ? other.requestHeadBytes / other.requests : NaN,
    };
    const w = this.words;
    const bytes = (n: number) => (Number.isFinite(n) ? `${formatNumber(n, 1)} B` : w.none!);
    showFigures(this.figures, m, [
      ['protocol', w.protocol!, h2 ? 'HTTP/2 (TLS)' : 'HTTP/1.1'],
      ['firstHeaderBytes', w.first!, bytes(m.firstHeaderBytes!)],
      ['lastHeaderBytes', w.last!, bytes(m.lastHeaderBytes!)],
      ['headerBytesPerRequest', w.perRequest!, bytes(m.headerBytesPerRequest!)],
      ['otherProtocolHeaderBytesPerRequest', w.other!, bytes(m.otherProtocolHeaderBytesPerRequest!)],
    ]);
    return m;
  }
}

if (!customElements.get('h2-header-probe')) customElements.define('h2-header-probe', H2HeaderProbeElement);
