/**
 * The lanes: stable public ids used the same way in URLs, code, stats and the UI.
 * Pure data (no Node imports), so the browser and the bench share it. Their order
 * here is their order everywhere (dashboard, charts, bench, tests); the server's
 * registry is src/transports/index.ts, the browser's web/src/transports/index.ts.
 */

export const LANE_IDS = ['poll', 'longpoll', 'stream', 'sse', 'ws', 'socketio', 'sockjs'] as const;
export type LaneId = (typeof LANE_IDS)[number];

export interface LaneInfo<Id extends LaneId = LaneId> {
  id: Id;
  title: string;
  path: string;
  /** How the client learns about a new message. */
  summary: string;
  /** Does one client keep an HTTP/1.1 connection busy the whole time? (the six-per-origin limit) */
  holdsHttpConnection: boolean;
  /** The chaos switches that make sense on this lane (src/chaos/switches.ts). */
  switches: readonly ChaosSwitchName[];
}

/**
 * Per-lane network trouble: a one-way delay, a buffering proxy (for responses
 * that stream), a proxy that refuses `Upgrade: websocket`.
 */
export type ChaosSwitchName = 'delayMs' | 'bufferBytes' | 'refuseUpgrade';

export const LANES: { readonly [Id in LaneId]: LaneInfo<Id> } = {
  poll: {
    id: 'poll', title: 'Short polling', path: '/feed/poll',
    summary: 'asks again every interval; most answers are empty',
    holdsHttpConnection: false,
    switches: ['delayMs'],
  },
  longpoll: {
    id: 'longpoll', title: 'Long polling', path: '/feed/longpoll',
    summary: 'the server holds each request until there is news, then the client asks again',
    holdsHttpConnection: true,
    switches: ['delayMs'],
  },
  stream: {
    id: 'stream', title: 'HTTP streaming (NDJSON)', path: '/feed/stream',
    summary: 'one response that never ends; one JSON line per message',
    holdsHttpConnection: true,
    switches: ['delayMs', 'bufferBytes'],
  },
  sse: {
    id: 'sse', title: 'Server-Sent Events', path: '/feed/sse',
    summary: 'text/event-stream read by EventSource, which resumes with Last-Event-ID',
    holdsHttpConnection: true,
    switches: ['delayMs', 'bufferBytes'],
  },
  ws: {
    id: 'ws', title: 'WebSocket', path: '/feed/ws',
    summary: 'one upgraded connection; small frames in both directions',
    holdsHttpConnection: false,
    switches: ['delayMs', 'refuseUpgrade'],
  },
  socketio: {
    id: 'socketio', title: 'Socket.IO', path: '/socket.io/',
    summary: 'the Socket.IO library: long polling first, then an upgrade to WebSocket; each message an event packet',
    holdsHttpConnection: false,
    switches: ['delayMs', 'refuseUpgrade'],
  },
  sockjs: {
    id: 'sockjs', title: 'SockJS', path: '/sockjs/feed',
    summary: 'the SockJS library: WebSocket, else streaming, else polling; messages in a["…"] frames',
    holdsHttpConnection: false,
    switches: ['delayMs', 'bufferBytes', 'refuseUpgrade'],
  },
};

/** Traffic that is not a lane is still counted, under one of these names. */
export const OTHER_NAMES = ['publish', 'api', 'chat', 'stomp', 'static', 'other'] as const;
export type OtherName = (typeof OTHER_NAMES)[number];
export type TrafficName = LaneId | OtherName;

export function isLaneId(value: unknown): value is LaneId {
  return typeof value === 'string' && (LANE_IDS as readonly string[]).includes(value);
}
