/**
 * Newline-delimited JSON (https://github.com/ndjson/ndjson-spec): one JSON text
 * per line, each ended by "\n". Pure functions: they never touch a socket.
 */

import { FrameError } from './ws-frame.ts';

export function ndjsonLine(json: string): string {
  return json + '\n';
}

export function ndjsonHeartbeat(ts: number): string {
  return `{"type":"heartbeat","ts":${ts}}\n`;
}

/**
 * Incremental decoder: feed it chunks as they arrive (a chunk may end mid-line,
 * since proxies re-chunk streams, RFC 6202 §3.2) and get back whole lines.
 */
export class NdjsonDecoder {
  private rest = '';

  push(text: string): unknown[] {
    const parts = (this.rest + text).split('\n');
    this.rest = parts.pop() ?? '';
    return parts.filter((line) => line.length > 0).map(parseLine);
  }
}

/** A line that is not JSON is refused with a FrameError naming it, not a bare SyntaxError. */
function parseLine(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    throw new FrameError('LAB_ERR_NDJSON_LINE', `NDJSON line is not JSON: ${JSON.stringify(line.slice(0, 40))}`);
  }
}
