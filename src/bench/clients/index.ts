/** One bench client per lane id. */
import type { LaneId } from '../../lanes.ts';
import type { BenchClient, ClientContext } from './client.ts';
import { PollClient } from './poll.ts';
import { LongpollClient } from './longpoll.ts';
import { streamClient } from './stream.ts';
import { sseClient } from './sse.ts';
import { WsClient } from './ws.ts';
import { SocketioClient } from './socketio.ts';
import { SockjsClient } from './sockjs.ts';

export const CLIENTS: Record<LaneId, (ctx: ClientContext) => BenchClient> = {
  poll: (ctx) => new PollClient(ctx),
  longpoll: (ctx) => new LongpollClient(ctx),
  stream: streamClient,
  sse: sseClient,
  ws: (ctx) => new WsClient(ctx),
  socketio: (ctx) => new SocketioClient(ctx),
  sockjs: (ctx) => new SockjsClient(ctx),
};
