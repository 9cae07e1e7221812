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
      `HTTP/1.1 connections to this origin: this page holds ${held.length} of ${HTTP1_CONNECTIONS_PER_ORIGIN}` +
      (held.length ? ` (${held.join(', ')}, one each)` : '') +
      `; ${free} left for ${borrowing.length ? 'poll requests, ' : ''}controls and files. ` +
      `WebSockets (${[...websockets, 'the stats channel'].join(' and ')}) do not count against the six.`);
  };
  render();
  return onTick(render);
}
