/**
 * Bench client for lane `stream`: one chunked response of NDJSON lines. Chunks
 * are not messages (RFC 6202 §3.2), so NdjsonDecoder joins and splits lines.
 */
import { NdjsonDecoder } from '../../framing/ndjson.ts';
import { HttpStreamClient, type StreamFraming, type StreamItem } from './http-stream.ts';
import type { ClientContext } from './client.ts';
import { requestHeaders } from './headers.ts';

export const ndjsonFraming: StreamFraming = {
  lane: 'stream',
  // Read with fetch() in a browser: the same request headers as a poll.
  request: ({ since, origin, headers }, resumeFrom) => ({
    path: `/feed/stream?since=${resumeFrom ?? since}`,
    headers: requestHeaders(headers, 'fetch', origin),
  }),
  decoder() {
    const decoder = new NdjsonDecoder();
    return (text) => decoder.push(text).map(toItem);
  },
};

function toItem(line: unknown): StreamItem {
  const item = line as { type?: string; seq?: number; ts?: number };
  if (item.type === 'hello') return { kind: 'hello' };
  if (typeof item.seq === 'number' && typeof item.ts === 'number') return { kind: 'message', seq: item.seq, ts: item.ts };
  return { kind: 'other' }; // heartbeat
}

export function streamClient(ctx: ClientContext): HttpStreamClient {
  return new HttpStreamClient(ctx, ndjsonFraming);
}
