/**
 * Server-Sent Events framing (HTML Living Standard, "Server-sent events",
 * §9.2.5 "Parsing an event stream"): fields are `name: value` lines and a blank
 * line dispatches the event. Pure functions: they never touch a socket.
 */

/** A feed message as an event: `id` lets EventSource resume with Last-Event-ID. */
export function sseMessage(seq: number, json: string): string {
  return `id: ${seq}\ndata: ${json}\n\n`;
}

/** A named event without an `id`, so it does not move the client's Last-Event-ID. */
export function sseEvent(event: string, json: string): string {
  return `event: ${event}\ndata: ${json}\n\n`;
}

/** `retry:` tells EventSource how many ms to wait before it reconnects. */
export function sseRetry(ms: number): string {
  return `retry: ${ms}\n\n`;
}

/** A comment line: ignored by EventSource, but it keeps proxies from timing the response out. */
export function sseComment(text: string): string {
  return `: ${text}\n\n`;
}

export interface SseEvent {
  event: string;
  data: string;
  id?: string;
  retry?: number;
}

/** Incremental parser, enough of the standard's algorithm for tests and the bench. */
export class SseDecoder {
  private rest = '';
  private data: string[] = [];
  private event = '';
  private id: string | undefined;
  private retry: number | undefined;
  comments = 0;

  push(text: string): SseEvent[] {
    const out: SseEvent[] = [];
    const lines = (this.rest + text).split(/\r\n|\r|\n/);
    this.rest = lines.pop() ?? '';
    for (const line of lines) {
      if (line === '') {
        if (this.data.length > 0) {
          const ev: SseEvent = { event: this.event || 'message', data: this.data.join('\n') };
          if (this.id !== undefined) ev.id = this.id;
          out.push(ev);
        } else if (this.retry !== undefined) {
          out.push({ event: 'retry', data: '', retry: this.retry });
        }
        this.data = [];
        this.event = '';
        this.retry = undefined;
        continue;
      }
      if (line.startsWith(':')) {
        this.comments++;
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') this.data.push(value);
      else if (field === 'event') this.event = value;
      else if (field === 'id') this.id = value;
      else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
    }
    return out;
  }
}
