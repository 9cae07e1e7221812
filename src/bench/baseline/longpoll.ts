/**
 * Bare long polling: answer at once if something came after `since`, else put
 * the response on one waiting list; a publish answers the whole list. One timer
 * for the list ends polls that waited `wait` ms with an empty answer.
 */
import type { ServerResponse } from 'node:http';
import { pollEnvelope } from '../../framing/envelope.ts';
import type { BareMessage } from './feed.ts';
import type { BareLaneFactory } from './lane.ts';
import { sinceOf } from './lane.ts';

/** How often the waiting list is checked for polls that waited long enough. */
export const BARE_WAIT_CHECK_MS = 1_000;

interface Waiting {
  res: ServerResponse;
  since: number;
  until: number;
}

export const bareLongpoll: BareLaneFactory = (feed, counts) => {
  let waiting: Waiting[] = [];
  const answer = (res: ServerResponse, messages: BareMessage[]) => {
    const body = pollEnvelope({ epoch: 'bare', head: feed.head, firstSeq: 1, truncated: false, more: false }, messages.map((m) => m.json));
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    counts.delivered += messages.length;
  };
  const expire = setInterval(() => {
    const now = Date.now();
    const still: Waiting[] = [];
    for (const w of waiting) {
      if (w.res.destroyed) continue;
      if (w.until <= now) answer(w.res, []);
      else still.push(w);
    }
    waiting = still;
  }, BARE_WAIT_CHECK_MS);
  return {
    server: 'node:http',
    request(req, res) {
      const since = sinceOf(req.url, feed);
      if (feed.head > since) return answer(res, feed.since(since));
      const wait = Number(new URLSearchParams(req.url?.split('?')[1]).get('wait') ?? 25_000);
      waiting.push({ res, since, until: Date.now() + wait });
    },
    publish() {
      const list = waiting;
      waiting = [];
      for (const w of list) if (!w.res.destroyed) answer(w.res, feed.since(w.since));
    },
    held: () => waiting.filter((w) => !w.res.destroyed).length,
    close() {
      clearInterval(expire);
      for (const w of waiting) w.res.destroy();
      waiting = [];
    },
  };
};
