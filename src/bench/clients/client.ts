/**
 * What every bench client is, and the HTTP plumbing the four HTTP lanes share.
 * Each client is one user: its own keep-alive connection (a browser tab would
 * not share a socket with another user), its own cursor.
 */
import { Agent, request, type IncomingMessage } from 'node:http';
import type { ClientSettings } from '../protocol.ts';
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

/** One keep-alive connection per client (RFC 9112 §9.3: persistent connections). */
export function clientAgent(): Agent {
  return new Agent({ keepAlive: true, maxSockets: 1 });
}

export interface Answer {
  status: number;
  body: string;
}

/** GET `path` and read the whole body (poll and long-poll answers are short JSON). */
export function getText(agent: Agent, origin: string, path: string, headers: Record<string, string>, timeoutMs: number, onSent?: () => void): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(origin + path, { agent, headers }, (res) => {
      res.setEncoding('utf8');
      let body = '';
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    if (onSent) req.once('finish', onSent);
    req.end();
  });
}

/** Open a response that stays open (stream, sse); resolves with it once the head arrived. */
export function openStream(agent: Agent, origin: string, path: string, headers: Record<string, string>): Promise<{ res: IncomingMessage; close: () => void }> {
  return new Promise((resolve, reject) => {
    const req = request(origin + path, { agent, headers }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`HTTP ${res.statusCode} from ${path}`));
        return;
      }
      req.setTimeout(0);
      resolve({ res, close: () => req.destroy() });
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no answer in ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** The `{"error": code, "message": text}` of a lab error answer, or the status. */
export function describeFailure(answer: Answer, path: string): string {
  try {
    const body = JSON.parse(answer.body) as { error?: string };
    if (body.error) return `HTTP ${answer.status} ${body.error} from ${path.split('?')[0]}`;
  } catch { /* not JSON: the status says enough */ }
  return `HTTP ${answer.status} from ${path.split('?')[0]}`;
}

/** Resolves when `agent`'s sockets are all closed. */
export function destroyAgent(agent: Agent): Promise<void> {
  const sockets = [...Object.values(agent.sockets), ...Object.values(agent.freeSockets)].flat().filter((s) => s !== undefined);
  agent.destroy();
  return Promise.all(sockets.map((s) => (s.closed ? undefined : new Promise<void>((resolve) => s.once('close', () => resolve())))))
    .then(() => undefined);
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
