/**
 * The five browser transports by lane id, so the page can treat them alike
 * (as engine.io's transports/index.ts does on its side).
 */
import type { LaneId } from '../../../src/lanes.ts';
import type { Transport, TransportOptions } from './transport.ts';
import { pollTransport } from './poll.ts';
import { longpollTransport } from './longpoll.ts';
import { streamTransport } from './stream.ts';
import { sseTransport } from './sse.ts';
import { wsTransport } from './ws.ts';

export interface LaneSettings {
  /** Short polling: time between the starts of two requests. */
  pollIntervalMs: number;
  /** Long polling: how long the server may hold a request. */
  longpollWaitMs: number;
}

/** `settings` is read live: poll and long poll pick up a change on their next request. */
export function createTransport(lane: LaneId, options: TransportOptions, settings: LaneSettings): Transport {
  switch (lane) {
    case 'poll':
      return pollTransport({ ...options, get intervalMs() { return settings.pollIntervalMs; } });
    case 'longpoll':
      return longpollTransport({ ...options, get waitMs() { return settings.longpollWaitMs; } });
    case 'stream':
      return streamTransport(options);
    case 'sse':
      return sseTransport(options);
    case 'ws':
      return wsTransport(options);
  }
}

export type { Transport, TransportEvent, FeedMessage } from './transport.ts';
