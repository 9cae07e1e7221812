/**
 * The five lanes: stable public ids used the same way in URLs, code, stats and the UI.
 * Pure data (no Node imports), so the browser and the bench share it.
 */

export const LANE_IDS = ['poll', 'longpoll', 'stream', 'sse', 'ws'] as const;
export type LaneId = (typeof LANE_IDS)[number];

export interface LaneInfo {
  id: LaneId;
  title: string;
  path: string;
  /** How the client learns about a new message. */
  summary: string;
  /** Does one client keep an HTTP/1.1 connection busy the whole time? (the six-per-origin limit) */
  holdsHttpConnection: boolean;
}

export const LANES: Record<LaneId, LaneInfo> = {
  poll: {
    id: 'poll', title: 'Short polling', path: '/feed/poll',
    summary: 'asks again every interval; most answers are empty',
    holdsHttpConnection: false,
  },
  longpoll: {
    id: 'longpoll', title: 'Long polling', path: '/feed/longpoll',
    summary: 'the server holds each request until there is news, then the client asks again',
    holdsHttpConnection: true,
  },
  stream: {
    id: 'stream', title: 'HTTP streaming (NDJSON)', path: '/feed/stream',
    summary: 'one response that never ends; one JSON line per message',
    holdsHttpConnection: true,
  },
  sse: {
    id: 'sse', title: 'Server-Sent Events', path: '/feed/sse',
    summary: 'text/event-stream read by EventSource, which resumes with Last-Event-ID',
    holdsHttpConnection: true,
  },
  ws: {
    id: 'ws', title: 'WebSocket', path: '/feed/ws',
    summary: 'one upgraded connection; small frames in both directions',
    holdsHttpConnection: false,
  },
};

/** Traffic that is not a lane is still counted, under one of these names. */
export const OTHER_NAMES = ['publish', 'api', 'chat', 'stomp', 'static', 'other'] as const;
export type OtherName = (typeof OTHER_NAMES)[number];
export type TrafficName = LaneId | OtherName;

export function isLaneId(value: unknown): value is LaneId {
  return typeof value === 'string' && (LANE_IDS as readonly string[]).includes(value);
}
