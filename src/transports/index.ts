/**
 * The lane registry: every lane the server runs, in the order of LANE_IDS
 * (src/lanes.ts). As in engine.io's transports/index.ts, a transport is one
 * file and one line here; buildLab (src/app.ts) loops over this list, and so
 * does everything else that needs to know which URLs belong to which lane.
 *
 * `LaneRegistry` is keyed by LaneId, so a lane listed in src/lanes.ts but
 * missing here (or registered under another lane's key) fails to type-check.
 */
import { LANE_IDS, type LaneId } from '../lanes.ts';
import { servesPath, type LaneDescriptor, type LaneRegistry } from './lane.ts';
import { poll } from './poll.ts';
import { longpoll } from './longpoll.ts';
import { stream } from './stream.ts';
import { sse } from './sse.ts';
import { ws } from './ws.ts';
import { socketio } from './socketio.ts';
import { sockjsLane } from './sockjs.ts';

export const TRANSPORTS: LaneRegistry = { poll, longpoll, stream, sse, ws, socketio, sockjs: sockjsLane };

/** The descriptors in lane order. */
export function transports(): LaneDescriptor[] {
  return LANE_IDS.map((id) => TRANSPORTS[id] as LaneDescriptor);
}

/** The lane that serves `url`, if any (a CORS preflight, an upgrade, a library's sub-path). */
export function laneOfPath(url: string | undefined): LaneId | undefined {
  return LANE_IDS.find((id) => servesPath(TRANSPORTS[id].routes, url));
}

export type { LaneContext, LaneDescriptor, LaneLimits, LaneRegistry } from './lane.ts';
