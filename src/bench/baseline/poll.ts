/** Bare short polling: answer at once with what came after `since`. */
import { pollEnvelope } from '../../framing/envelope.ts';
import type { BareLaneFactory } from './lane.ts';
import { sinceOf } from './lane.ts';

export const barePoll: BareLaneFactory = (feed, counts) => ({
  server: 'node:http',
  request(req, res) {
    const messages = feed.since(sinceOf(req.url, feed));
    const body = pollEnvelope({ epoch: 'bare', head: feed.head, firstSeq: 1, truncated: false, more: false }, messages.map((m) => m.json));
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    counts.delivered += messages.length;
  },
  publish() {},
  held: () => 0,
  close() {},
});
