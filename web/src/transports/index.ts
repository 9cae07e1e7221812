/**
 * The browser's lane registry: each lane's client, label and look, in the
 * order of LANE_IDS (src/lanes.ts), so every page treats the lanes alike and
 * loops over one list (as engine.io's transports/index.ts does on its side).
 *
 * This is the one place a lane's colour is written down: the charts read it,
 * and the CSS custom properties `--lane-<id>` are set from it (../lane-colors.ts).
 * Keyed by LaneId: a lane missing here fails to type-check.
 */
import { LANE_IDS, type LaneId } from '../../../src/lanes.ts';
import type { Transport, TransportOptions } from './transport.ts';
import { pollTransport } from './poll.ts';
import { longpollTransport } from './longpoll.ts';
import { streamTransport } from './stream.ts';
import { sseTransport } from './sse.ts';
import { wsTransport } from './ws.ts';
import { SOCKETIO_TRANSPORTS, socketioTransport, type SocketioTransportChoice } from './socketio.ts';
import { SOCKJS_TRANSPORTS, sockjsTransport, type SockjsTransportChoice } from './sockjs.ts';
import type { MessageKey } from '../i18n/index.ts';

export interface LaneSettings {
  /** Short polling: time between the starts of two requests. */
  pollIntervalMs: number;
  /** Long polling: how long the server may hold a request. */
  longpollWaitMs: number;
  /** Socket.IO: long polling first and then the upgrade (its default), or a WebSocket at once. */
  socketioTransports?: SocketioTransportChoice;
  /** SockJS: force one of its transports (default: `auto`, SockJS picks and falls back). */
  sockjsTransport?: SockjsTransportChoice;
}

export type PointStyle = 'circle' | 'triangle' | 'rect' | 'rectRot' | 'crossRot' | 'star' | 'cross';

export interface BrowserLane<Id extends LaneId = LaneId> {
  readonly id: Id;
  /** Short name on toggles and legends. */
  readonly label: string;
  /**
   * Okabe–Ito colours (distinguishable with the common colour-vision
   * deficiencies; yellow darkened to read on white), a lighter one for dark backgrounds.
   */
  readonly color: { readonly light: string; readonly dark: string };
  /** Chart marks, so lanes are told apart without colour too. */
  readonly pointStyle: PointStyle;
  readonly dash: readonly number[];
  /** `settings` is read live: poll and long poll pick up a change on their next request. */
  create(options: TransportOptions, settings: LaneSettings): Transport;
  /** What the lane holds of the browser's six HTTP/1.1 connections, when it depends on more than src/lanes.ts says. */
  readonly connections?: MessageKey;
  /** A lane setting the card offers as a choice (a library's transports). */
  readonly picker?: LanePicker;
}

export interface LanePicker {
  readonly setting: 'socketioTransports' | 'sockjsTransport';
  readonly label: string;
  readonly choices: readonly string[];
}

export type BrowserLaneRegistry = { readonly [Id in LaneId]: BrowserLane<Id> };

export const BROWSER_LANES: BrowserLaneRegistry = {
  poll: {
    id: 'poll', label: 'poll', color: { light: '#d55e00', dark: '#ff8a4c' }, pointStyle: 'circle', dash: [],
    create: (options, settings) => pollTransport({ ...options, get intervalMs() { return settings.pollIntervalMs; } }),
  },
  longpoll: {
    id: 'longpoll', label: 'longpoll', color: { light: '#b77d00', dark: '#f5c04a' }, pointStyle: 'triangle', dash: [8, 4],
    create: (options, settings) => longpollTransport({ ...options, get waitMs() { return settings.longpollWaitMs; } }),
  },
  stream: {
    id: 'stream', label: 'stream', color: { light: '#b8428c', dark: '#ef9fd0' }, pointStyle: 'rect', dash: [2, 3],
    create: (options) => streamTransport(options),
  },
  sse: {
    id: 'sse', label: 'sse', color: { light: '#00875f', dark: '#3ddba6' }, pointStyle: 'rectRot', dash: [12, 3, 2, 3],
    create: (options) => sseTransport(options),
  },
  ws: {
    id: 'ws', label: 'ws', color: { light: '#0072b2', dark: '#6cc4f5' }, pointStyle: 'crossRot', dash: [],
    create: (options) => wsTransport(options),
  },
  socketio: {
    id: 'socketio', label: 'socket.io', color: { light: '#222222', dark: '#f2f2f2' }, pointStyle: 'star', dash: [4, 2],
    create: (options, settings) => socketioTransport({ ...options, get websocketOnly() { return settings.socketioTransports === 'websocket'; } }),
    connections: 'laneCard.socketioConn',
    picker: { setting: 'socketioTransports', label: 'transports', choices: SOCKETIO_TRANSPORTS },
  },
  sockjs: {
    id: 'sockjs', label: 'sockjs', color: { light: '#7a6c00', dark: '#f0e442' }, pointStyle: 'cross', dash: [1, 2],
    create: (options, settings) => sockjsTransport({ ...options, get transport() { return settings.sockjsTransport ?? 'auto'; } }),
    connections: 'laneCard.sockjsConn',
    picker: { setting: 'sockjsTransport', label: 'transport', choices: SOCKJS_TRANSPORTS },
  },
};

/** The lanes in order. */
export function browserLanes(): BrowserLane[] {
  return LANE_IDS.map((id) => BROWSER_LANES[id] as BrowserLane);
}

export function createTransport(lane: LaneId, options: TransportOptions, settings: LaneSettings): Transport {
  return BROWSER_LANES[lane].create(options, settings);
}

export type { Transport, TransportEvent, FeedMessage } from './transport.ts';
