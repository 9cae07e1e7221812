/**
 * Bench client for lane `sse`: reads text/event-stream the way EventSource does
 * (SseDecoder), asks with the headers EventSource sends, and on a reconnect
 * names the last id it saw in `Last-Event-ID`.
 */
import { SseDecoder } from '../../framing/sse.ts';
import { HttpStreamClient, type StreamFraming, type StreamItem } from './http-stream.ts';
import type { ClientContext } from './client.ts';
import { requestHeaders } from './headers.ts';

export const sseFraming: StreamFraming = {
  lane: 'sse',
  request: ({ since, origin, headers }, resumeFrom) => ({
    path: `/feed/sse?since=${since}`,
    headers: {
      ...requestHeaders(headers, 'eventsource', origin),
      ...(resumeFrom !== undefined && { 'Last-Event-ID': String(resumeFrom) }),
    },
  }),
  decoder() {
    const decoder = new SseDecoder();
    return (text) => decoder.push(text).map((event): StreamItem => {
      if (event.event === 'hello') return { kind: 'hello' };
      if (event.event !== 'message') return { kind: 'other' };
      const message = JSON.parse(event.data) as { seq: number; ts: number };
      return { kind: 'message', seq: message.seq, ts: message.ts };
    });
  },
};

export function sseClient(ctx: ClientContext): HttpStreamClient {
  return new HttpStreamClient(ctx, sseFraming);
}
