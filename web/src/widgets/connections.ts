/**
 * How many of the browser's six HTTP/1.1 connections per origin this page
 * holds, lane by lane. Held requests (long poll, stream, SSE) each keep one
 * busy; a seventh would wait with no error (freenet/freenet-core#5213,
 * h5bp/html5please#382). WebSockets, including the page's stats channel,
 * are outside that pool.
 *
 *   setupConnectionsNote(element, runners)
 */
import { LANES } from '../../../src/lanes.ts';
import type { LaneRunner } from '../lane-runner.ts';
import { HTTP1_CONNECTIONS_PER_ORIGIN } from './lane-card.ts';
import { onTick } from '../ticker.ts';
import { setData, setText } from '../dom.ts';
import { t } from '../i18n/index.ts';

export function heldConnections(runners: readonly LaneRunner[]): { held: string[]; borrowing: string[]; websockets: string[] } {
  const on = runners.filter((r) => r.running);
  return {
    held: on.filter((r) => LANES[r.lane].holdsHttpConnection).map((r) => r.lane),
    borrowing: on.filter((r) => r.lane === 'poll').map((r) => r.lane),
    websockets: on.filter((r) => r.lane === 'ws').map((r) => r.lane),
  };
}

export function setupConnectionsNote(element: HTMLElement, runners: readonly LaneRunner[]): () => void {
  element.classList.add('connections-note');
  const render = () => {
    const { held, borrowing, websockets } = heldConnections(runners);
    const free = HTTP1_CONNECTIONS_PER_ORIGIN - held.length;
    setData(element, 'held', String(held.length));
    setText(element,
      t('conns.held', { held: held.length, n: HTTP1_CONNECTIONS_PER_ORIGIN }) +
      (held.length ? t('conns.heldLanes', { lanes: held.join(', ') }) : '') +
      t(borrowing.length ? 'conns.freeWithPoll' : 'conns.free', { free }) + ' ' +
      t('conns.websockets', { sockets: [...websockets, t('conns.statsChannel')].join(t('conns.and')) }));
  };
  render();
  return onTick(render);
}
