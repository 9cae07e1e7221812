/**
 * Bare WebSocket: a `ws` server; each message becomes one Buffer, sent as a
 * text frame to every open socket.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import { helloJson } from '../../framing/envelope.ts';
import type { BareLaneFactory } from './lane.ts';
import { sinceOf } from './lane.ts';

export const bareWs: BareLaneFactory = (feed, counts) => {
  const wss = new WebSocketServer({ noServer: true });
  const open = new Set<WebSocket>();
  return {
    server: 'ws',
    upgrade(req, socket, head) {
      wss.handleUpgrade(req, socket, head, (ws) => {
        const since = sinceOf(req.url, feed);
        ws.send(helloJson({ epoch: 'bare', since, head: feed.head, firstSeq: 1, truncated: false }));
        for (const m of feed.since(since)) ws.send(m.json);
        open.add(ws);
        ws.on('close', () => open.delete(ws));
      });
    },
    publish(message) {
      const frame = Buffer.from(message.json);
      for (const ws of open) ws.send(frame, { binary: false });
      counts.delivered += open.size;
    },
    held: () => open.size,
    close() {
      for (const ws of open) ws.terminate();
      wss.close();
    },
  };
};
