/**
 * Answers a self-check computes instead of the author typing them, so the key
 * cannot disagree with the lab: each function uses the same code or the same
 * constant the lab itself uses.
 *
 *   = websocketAccept dGhlIHNhbXBsZSBub25jZQ==   -> s3pPLMBiTxaQ9kYGzzhZRbK+xOo=
 *   = labOption sseRetryMs                       -> 2000 ms
 *
 * Pure, no DOM and no Node imports (Web Crypto is global in browsers and in
 * Node 20): the page computes with it and the tests check it against the lab.
 */
import { DEFAULTS } from '../config.ts';
import { frameHeaderLength } from '../framing/ws-frame.ts';
import { sseMessage } from '../framing/sse.ts';
import { parseGuess } from './units.ts';

export type Answer = { kind: 'text'; text: string } | { kind: 'number'; value: number; unit: string };

export interface AnswerFunction {
  /** What the arguments are, for authors and for the error when they do not fit. */
  usage: string;
  /** Why `args` do not fit, or undefined when they do (checked when the lesson renders). */
  check(args: readonly string[]): string | undefined;
  compute(args: readonly string[]): Promise<Answer>;
}

/** RFC 6455 §1.3 / §4.2.2: the GUID every server appends to the client's key. */
export const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

const BASE64_KEY = /^[A-Za-z0-9+/]{22}==$/;
const NON_NEGATIVE_INT = /^[0-9]{1,9}$/;

export const ANSWERS: Record<string, AnswerFunction> = {
  websocketAccept: {
    usage: 'websocketAccept <Sec-WebSocket-Key>',
    check: (args) => (args.length === 1 && BASE64_KEY.test(args[0]!) ? undefined : 'one argument: a 16-byte key in base64 (24 characters ending in ==)'),
    async compute([key]) {
      // RFC 6455 §4.2.2 step 5: base64(SHA-1(key + GUID)).
      const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(key! + WEBSOCKET_GUID));
      return { kind: 'text', text: base64(new Uint8Array(digest)) };
    },
  },
  labOption: {
    usage: 'labOption <name in src/config.ts DEFAULTS>',
    check: (args) => (args.length === 1 && args[0]! in DEFAULTS ? undefined : `one argument, one of: ${Object.keys(DEFAULTS).join(', ')}`),
    async compute([name]) {
      const value = DEFAULTS[name as keyof typeof DEFAULTS];
      return { kind: 'number', value, unit: name!.endsWith('Ms') ? 'ms' : name!.endsWith('Bytes') ? 'B' : 'count' };
    },
  },
  wsHeaderBytes: {
    usage: 'wsHeaderBytes <payload bytes> <server|client>',
    check: (args) => (args.length === 2 && NON_NEGATIVE_INT.test(args[0]!) && (args[1] === 'server' || args[1] === 'client')
      ? undefined : 'two arguments: a payload size in bytes, then server (unmasked) or client (masked)'),
    // RFC 6455 §5.2: the lab's own helper, the one its wire view uses.
    compute: async ([bytes, from]) => ({ kind: 'number', value: frameHeaderLength(Number(bytes), from === 'client'), unit: 'B' }),
  },
  sseFraming: {
    usage: 'sseFraming <seq>',
    check: (args) => (args.length === 1 && NON_NEGATIVE_INT.test(args[0]!) ? undefined : 'one argument: a message seq'),
    // Everything the lab's SSE lane writes around a message's JSON (src/framing/sse.ts).
    compute: async ([seq]) => ({ kind: 'number', value: utf8Length(sseMessage(Number(seq), '')), unit: 'B' }),
  },
};

/** Why `name args` cannot be computed, or undefined when it can. */
export function checkAnswer(name: string, args: readonly string[]): string | undefined {
  const fn = ANSWERS[name];
  if (!fn) return `unknown answer function "${name}" (known: ${Object.keys(ANSWERS).join(', ')})`;
  const wrong = fn.check(args);
  return wrong === undefined ? undefined : `${fn.usage}: ${wrong}`;
}

export function computeAnswer(name: string, args: readonly string[]): Promise<Answer> {
  const wrong = checkAnswer(name, args);
  if (wrong) return Promise.reject(new Error(wrong));
  return ANSWERS[name]!.compute(args);
}

/** How an answer reads on the page: "s3pP…", "2,000 ms", "15 B". */
export function formatAnswer(answer: Answer): string {
  if (answer.kind === 'text') return answer.text;
  const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 }).format(answer.value);
  return answer.unit === 'count' ? number : `${number} ${answer.unit}`;
}

/** Text answers must match exactly (trimmed); numbers may be typed with a unit of the same kind ("2 s" for 2000 ms). */
export function answerMatches(typed: string, expected: Answer): boolean {
  if (expected.kind === 'text') return typed.trim() === expected.text;
  const parsed = parseGuess(typed, expected.unit);
  return parsed.ok && Math.abs(parsed.value - expected.value) < 1e-9 * Math.max(1, Math.abs(expected.value));
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}
