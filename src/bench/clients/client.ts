/**
 * What every bench client is, and small helpers they share. Each client is one
 * user: its own connection (a browser tab would not share a socket with another
 * user; connection.ts), its own cursor.
 */
import type { ClientSettings } from '../protocol.ts';
import type { Answer } from './connection.ts';
import type { Cursor, Tally } from './tally.ts';

/** After a failure a client waits this long and resumes from its last seq, as EventSource would. */
export const RECONNECT_DELAY_MS = 250;
/** A request that has not answered in this long (on top of a long poll's wait) counts as failed. */
export const REQUEST_TIMEOUT_MS = 10_000;

export interface BenchClient {
  readonly cursor: Cursor;
  /** Connected: hello received, first poll answered, or first long poll sent. */
  readonly connected: boolean;
  /** Resolves once connected the first time; rejects when that fails. */
  start(): Promise<void>;
  /** Close the connection; resolves once the socket is closed. */
  stop(): Promise<void>;
}

export interface ClientContext {
  settings: ClientSettings;
  tally: Tally;
}

/** The `{"error": code, "message": text}` of a lab error answer, or the status. */
export function describeFailure(answer: Answer, path: string): string {
  try {
    const body = JSON.parse(answer.body) as { error?: string };
    if (body.error) return `HTTP ${answer.status} ${body.error} from ${path.split('?')[0]}`;
  } catch { /* not JSON: the status says enough */ }
  return `HTTP ${answer.status} from ${path.split('?')[0]}`;
}

export function errorText(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return e.code ? `${e.code}${e.message && !e.message.includes(e.code) ? `: ${e.message}` : ''}` : String(e.message ?? err);
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The part of a poll / long-poll answer a client needs (src/framing/envelope.ts). */
export interface PollAnswer {
  more: boolean;
  messages: { seq: number; ts: number }[];
}
