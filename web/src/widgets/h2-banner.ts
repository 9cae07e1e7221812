/**
 * The connection note of a page opened over HTTP/2: the six-connections-per-origin
 * limit of HTTP/1.1 is gone; every HTTP lane is a stream on one TLS connection,
 * up to the server's SETTINGS_MAX_CONCURRENT_STREAMS (RFC 9113 §5.1.2).
 *
 *   setupH2Banner(element, stats)
 */
import { LANE_IDS } from '../../../src/lanes.ts';
import type { StatsSource } from '../page-run.ts';
import { setData, setText } from '../dom.ts';

export function setupH2Banner(element: HTMLElement, stats: StatsSource): () => void {
  element.classList.add('connections-note', 'h2-banner');
  const render = () => {
    const h2 = stats.snapshot?.h2;
    if (!h2) return;
    // This page's streams (its own view), and the limit the server announced in SETTINGS.
    const streams = LANE_IDS.reduce((n, lane) => n + (h2.lanes[lane]?.open ?? 0), 0);
    setData(element, 'streams', String(streams));
    setData(element, 'limit', String(h2.connection.maxConcurrentStreams));
    setText(element,
      `HTTP/2: this page's HTTP lanes share one TLS connection, ${streams} stream${streams === 1 ? '' : 's'} open now ` +
      `of the ${h2.connection.maxConcurrentStreams} the server allows at once (SETTINGS_MAX_CONCURRENT_STREAMS). ` +
      'Held requests (long poll, stream, SSE) no longer use up six connections. ' +
      'WebSockets (the ws lane and the stats channel) still open their own HTTP/1.1 connection, to the http port.');
  };
  render();
  return stats.subscribe(render);
}
