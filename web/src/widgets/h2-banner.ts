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
import { t } from '../i18n/index.ts';
import { LIVE_POLL_MS } from '../live-stats.ts';
import { mayOpenWebSocket, toWebSocketUrl } from '../h2/protocol.ts';

export function setupH2Banner(element: HTMLElement, stats: StatsSource): () => void {
  element.classList.add('connections-note', 'h2-banner');
  const render = () => {
    const h2 = stats.snapshot?.h2;
    if (!h2) return;
    // This page's streams (its own view), and the limit the server announced in SETTINGS.
    const streams = LANE_IDS.reduce((n, lane) => n + (h2.lanes[lane]?.open ?? 0), 0);
    setData(element, 'streams', String(streams));
    setData(element, 'limit', String(h2.connection.maxConcurrentStreams));
    // The same test the stats channel makes: can this page open ws:// to the http port at all?
    const polled = !mayOpenWebSocket(toWebSocketUrl(new URL('/api/live', location.href)));
    setData(element, 'stats', polled ? 'polled' : 'pushed');
    setText(element, polled
      ? t('h2Banner.textPolled', { streams, max: h2.connection.maxConcurrentStreams, ms: LIVE_POLL_MS })
      : t('h2Banner.text', { streams, max: h2.connection.maxConcurrentStreams }));
  };
  render();
  return stats.subscribe(render);
}
