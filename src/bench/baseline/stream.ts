/**
 * Bare HTTP streaming and SSE: one response per client that never ends; each
 * message is encoded once and written to every open response.
 */
import type { ServerResponse } from 'node:http';
import { helloJson } from '../../framing/envelope.ts';
import { ndjsonLine } from '../../framing/ndjson.ts';
import { sseEvent, sseMessage } from '../../framing/sse.ts';
import type { BareMessage } from './feed.ts';
import type { BareLaneFactory } from './lane.ts';
import { sinceOf } from './lane.ts';

interface Format {
  contentType: string;
  hello(json: string): string;
  encode(message: BareMessage): string;
}

function bareStreamOf(format: Format): BareLaneFactory {
  return (feed, counts) => {
    const open = new Set<ServerResponse>();
    return {
      server: 'node:http',
      request(req, res) {
        const since = sinceOf(req.url, feed);
        res.writeHead(200, { 'content-type': format.contentType, 'cache-control': 'no-store' });
        res.write(format.hello(helloJson({ epoch: 'bare', since, head: feed.head, firstSeq: 1, truncated: false })));
        for (const m of feed.since(since)) res.write(format.encode(m));
        open.add(res);
        res.on('close', () => open.delete(res));
      },
      publish(message) {
        const chunk = format.encode(message);
        for (const res of open) res.write(chunk);
        counts.delivered += open.size;
      },
      held: () => open.size,
      close() {
        for (const res of open) res.destroy();
      },
    };
  };
}

export const bareStream = bareStreamOf({
  contentType: 'application/x-ndjson',
  hello: ndjsonLine,
  encode: (m) => ndjsonLine(m.json),
});

export const bareSse = bareStreamOf({
  contentType: 'text/event-stream',
  hello: (json) => sseEvent('hello', json),
  encode: (m) => sseMessage(m.seq, m.json),
});
