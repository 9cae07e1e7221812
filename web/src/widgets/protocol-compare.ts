/**
 * HTTP/1.1 beside HTTP/2, lane by lane: what a request's head and a message cost
 * on each protocol, from the server's counters (every page, since the last
 * reset). The http port counts HTTP/1.1 in cleartext; the https port counts the
 * HTTP/2 frames inside TLS, and TLS itself apart, so the rows compare like
 * with like. Per-request and per-message figures do not depend on how long
 * each side ran. A link switches this page to the other protocol.
 *
 *   setupProtocolCompare(element, stats)
 */
import { LANES, LANE_IDS, type LaneId } from '../../../src/lanes.ts';
import type { Counters } from '../../../src/wire/meter.ts';
import type { StatsSource } from '../page-run.ts';
import { otherProtocolUrl, pageProtocol, PROTOCOL_NAMES } from '../h2/protocol.ts';
import { escapeHtml, must, setData, setText } from '../dom.ts';
import { formatBytesPerMessage, formatCount } from '../format.ts';
import { laneTitle, t, type MessageKey } from '../i18n/index.ts';

export interface Ratios {
  requests: number;
  messages: number;
  headerPerRequest: number | undefined;
  headerPerMessage: number | undefined;
  bytesPerMessage: number | undefined;
}

/** The figures one row shows, from one protocol's counters of a lane. */
export function ratios(c: Counters | undefined): Ratios {
  const requests = c?.requests ?? 0;
  const messages = c?.messages ?? 0;
  return {
    requests,
    messages,
    headerPerRequest: c && requests > 0 ? c.headerBytes / requests : undefined,
    headerPerMessage: c && messages > 0 ? c.headerBytes / messages : undefined,
    bytesPerMessage: c && messages > 0 ? (c.bytesIn + c.bytesOut) / messages : undefined,
  };
}

const COLUMNS: [keyof Ratios, MessageKey][] = [
  ['requests', 'laneCard.requests'],
  ['headerPerRequest', 'compare.headerPerRequest'],
  ['headerPerMessage', 'compare.headerPerMessage'],
  ['bytesPerMessage', 'compare.bytesPerMessage'],
];

export function setupProtocolCompare(element: HTMLElement, stats: StatsSource): () => void {
  element.classList.add('protocol-compare');
  const here = pageProtocol();
  const other = here === 'h1' ? 'h2' : 'h1';
  element.innerHTML = `
    <header>
      <h2>${t('compare.title')}</h2>
      <p class="switch">${t('compare.speaks')} <strong data-field="protocol">${PROTOCOL_NAMES[here]}</strong>.
        <a data-action="switch-protocol" hidden>${t('compare.openOver', { protocol: PROTOCOL_NAMES[other] })}</a></p>
    </header>
    <div class="table-scroll"><table>
      <caption>${t('compare.caption')}</caption>
      <thead>
        <tr><th scope="col" rowspan="2">${t('compare.lane')}</th>${COLUMNS.map(([, label]) => `<th scope="colgroup" colspan="2">${t(label)}</th>`).join('')}</tr>
        <tr>${COLUMNS.map(() => '<th scope="col">h1</th><th scope="col">h2</th>').join('')}</tr>
      </thead>
      <tbody>${LANE_IDS.map((lane) => `<tr data-lane="${lane}"><th scope="row">${escapeHtml(laneTitle(lane))}</th>${COLUMNS.map(([key]) =>
        `<td data-protocol="h1" data-key="${key}">–</td><td data-protocol="h2" data-key="${key}">–</td>`).join('')}</tr>`).join('')}</tbody>
    </table></div>
    <p class="note" data-field="h2-connection"></p>`;
  const link = must<HTMLAnchorElement>(element, '[data-action="switch-protocol"]');
  const connection = must<HTMLElement>(element, '[data-field="h2-connection"]');
  // Found once: four snapshots a second would otherwise run 56 attribute selectors each.
  const cells = new Map<string, HTMLElement>();
  for (const cell of element.querySelectorAll<HTMLElement>('tr[data-lane] td[data-protocol][data-key]')) {
    cells.set(`${cell.closest('tr')!.dataset.lane} ${cell.dataset.protocol} ${cell.dataset.key}`, cell);
  }

  const render = () => {
    const s = stats.snapshot;
    const href = otherProtocolUrl();
    if (href) {
      link.href = href;
      link.hidden = false;
    }
    if (!s?.h2) return;
    for (const lane of LANE_IDS as readonly LaneId[]) {
      const row = { h1: ratios(s.h2.serverWide.h1[lane]), h2: ratios(s.h2.serverWide.h2[lane]) };
      for (const [key] of COLUMNS) {
        for (const protocol of ['h1', 'h2'] as const) {
          const cell = cells.get(`${lane} ${protocol} ${key}`);
          const value = row[protocol][key];
          setData(cell, 'value', value === undefined ? '' : String(value));
          setText(cell, key === 'requests' ? formatCount(value) : formatBytesPerMessage(value));
        }
      }
    }
    const { connection: c, tls } = s.h2;
    setText(connection, s.h2.port === null
      ? t('compare.noHttps')
      : t('compare.overheads', {
        frames: formatCount(c.bytesIn + c.bytesOut), connections: formatCount(c.connections),
        tls: formatCount(tls.overheadBytes), http2: formatCount(tls.plaintextIn + tls.plaintextOut),
      }));
  };
  render();
  return stats.subscribe(render);
}
