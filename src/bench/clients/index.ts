/** One bench client per lane id. */
import type { LaneId } from '../../lanes.ts';
import type { BenchClient, ClientContext } from './client.ts';
import { PollClient } from './poll.ts';
import { LongpollClient } from './longpoll.ts';
import { streamClient } from './stream.ts';
import { sseClient } from './sse.ts';
import { wsClient } from './ws.ts';
import { SocketioClient } from './socketio.ts';
import { sockjsClient } from './sockjs.ts';

export const CLIENTS: Record<LaneId, (ctx: ClientContext) => BenchClient> = {
  poll: (ctx) => new PollClient(ctx),
  longpoll: (ctx) => new LongpollClient(ctx),
  stream: streamClient,
  sse: sseClient,
  ws: wsClient,
  socketio: (ctx) => new SocketioClient(ctx),
  sockjs: sockjsClient,
};
