/**
 * STOMP 1.2 frames: encode and decode, nothing else (no sockets, no state
 * beyond a byte buffer). Uint8Array only, so the browser widgets can use it.
 *
 * The grammar (STOMP 1.2, "Augmented BNF"):
 *
 *   frame   = command EOL *( header EOL ) EOL *OCTET NULL *( EOL )
 *   EOL     = [CR] LF
 *   header  = header-name ":" header-value
 *
 *   SEND
 *   destination:/topic/chat
 *   content-length:5
 *
 *   hello^@
 *
 * A lone EOL between frames is a heart-beat ("Heart-beating").
 */
import { StompError } from './errors.ts';

export type Header = readonly [name: string, value: string];

export interface StompFrame {
  command: string;
  /** In wire order. A name may repeat; only its first entry counts ("Repeated Header Entries"). */
  headers: Header[];
  body: Uint8Array;
}

/** Client frames (STOMP 1.2, "Client Frames"). STOMP is CONNECT's newer name. */
export const CLIENT_COMMANDS = [
  'CONNECT', 'STOMP', 'SEND', 'SUBSCRIBE', 'UNSUBSCRIBE', 'ACK', 'NACK', 'BEGIN', 'COMMIT', 'ABORT', 'DISCONNECT',
] as const;
export const SERVER_COMMANDS = ['CONNECTED', 'MESSAGE', 'RECEIPT', 'ERROR'] as const;

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;
const COLON = 0x3a;

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The first value of `name`, or undefined. */
export function header(frame: Pick<StompFrame, 'headers'>, name: string): string | undefined {
  for (const [n, v] of frame.headers) if (n === name) return v;
  return undefined;
}

/**
 * "Value Encoding": CONNECT and CONNECTED frames are sent as they are (so 1.0
 * servers can still read a CONNECT); every other frame escapes CR, LF, colon
 * and backslash in header names and values.
 */
export function escapesHeaders(command: string): boolean {
  return command !== 'CONNECT' && command !== 'CONNECTED';
}

export function escapeHeaderValue(value: string): string {
  return value.replace(/[\\\r\n:]/g, (c) => ESCAPES[c]!);
}
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\r': '\\r', '\n': '\\n', ':': '\\c' };
const UNESCAPES: Record<string, string> = { '\\': '\\', r: '\r', n: '\n', c: ':' };

/** "Undefined escape sequences such as \t MUST be treated as a fatal protocol error." */
export function unescapeHeaderValue(value: string): string {
  return value.replace(/\\(.?)/gs, (_, c: string) => {
    const out = UNESCAPES[c];
    if (out === undefined) throw new StompError('LAB_ERR_STOMP_BAD_ESCAPE', `undefined escape "\\${c}" in header "${value}"`);
    return out;
  });
}

export interface FrameInit {
  command: string;
  headers?: readonly Header[];
  body?: Uint8Array | string;
}

/**
 * The frame's bytes, exactly as given: this function adds no header of its own
 * (callers add `content-length` when they want one; see `withContentLength`).
 */
export function encodeFrame(init: FrameInit): Uint8Array {
  const escape = escapesHeaders(init.command);
  let head = init.command + '\n';
  for (const [name, value] of init.headers ?? []) {
    if (!escape && (/[\r\n:]/.test(name) || /[\r\n]/.test(value))) {
      // Unescaped frames cannot carry CR or LF at all; a colon in a name would split it.
      throw new StompError('LAB_ERR_STOMP_MALFORMED', `header "${name}" cannot be sent unescaped in ${init.command}`);
    }
    head += escape ? `${escapeHeaderValue(name)}:${escapeHeaderValue(value)}\n` : `${name}:${value}\n`;
  }
  head += '\n';
  const headBytes = utf8.encode(head);
  const body = typeof init.body === 'string' ? utf8.encode(init.body) : init.body ?? new Uint8Array(0);
  const out = new Uint8Array(headBytes.length + body.length + 1);
  out.set(headBytes, 0);
  out.set(body, headBytes.length);
  out[out.length - 1] = NUL;
  return out;
}

/** The same headers with `content-length` set to the body's byte length (first, replacing any other). */
export function withContentLength(headers: readonly Header[], body: Uint8Array | string): Header[] {
  const length = typeof body === 'string' ? utf8.encode(body).length : body.length;
  return [...headers.filter(([n]) => n !== 'content-length'), ['content-length', String(length)]];
}

export interface DecoderLimits {
  /** Largest frame, from the first byte of the command to the NUL. */
  maxFrameBytes: number;
  /** Most header lines in one frame. */
  maxHeaders: number;
}

export type Decoded = { type: 'frame'; frame: StompFrame; bytes: number } | { type: 'heart-beat' };

/**
 * Incremental decoder for one direction of one connection. Chunks may split or
 * join frames anywhere (a WebSocket message normally holds exactly one frame,
 * but nothing in STOMP promises it). Throws StompError on a malformed frame;
 * after that the connection is done and the decoder must not be reused.
 */
export class FrameDecoder {
  private buf: Uint8Array = new Uint8Array(0);

  constructor(private readonly limits: DecoderLimits) {}

  /** Bytes received but not yet part of a complete frame. */
  get pending(): number {
    return this.buf.length;
  }

  /** Add received bytes; then call `next()` until it returns undefined. */
  write(chunk: Uint8Array): void {
    this.buf = this.buf.length === 0 ? chunk : concat(this.buf, chunk);
  }

  /** Add bytes and return every complete item (throws at the first malformed frame). */
  push(chunk: Uint8Array): Decoded[] {
    this.write(chunk);
    const out: Decoded[] = [];
    for (let item = this.next(); item; item = this.next()) out.push(item);
    return out;
  }

  /** The next heart-beat or complete frame, or undefined when more bytes are needed. */
  next(): Decoded | undefined {
    const buf = this.buf;
    if (buf.length === 0) return undefined;
    // Heart-beats: EOLs between frames.
    if (buf[0] === LF) return this.consume(1, { type: 'heart-beat' });
    if (buf[0] === CR) {
      if (buf.length < 2) return undefined;
      if (buf[1] === LF) return this.consume(2, { type: 'heart-beat' });
      throw new StompError('LAB_ERR_STOMP_MALFORMED', 'CR not followed by LF');
    }

    // The head ends at the first empty line: LF LF or LF CR LF.
    const headEnd = findHeadEnd(buf, this.limits.maxFrameBytes);
    if (headEnd === undefined) {
      if (buf.length >= this.limits.maxFrameBytes) throw tooLarge(this.limits.maxFrameBytes);
      return undefined;
    }
    const frame = this.parseHead(buf.subarray(0, headEnd.lineEnd));
    const bodyStart = headEnd.bodyStart;

    const declared = header(frame, 'content-length');
    let bodyEnd: number;
    if (declared !== undefined) {
      // "If a content-length header is included, this number of octets MUST be
      // read, regardless of whether or not there are NULL octets in the body."
      if (!/^[0-9]{1,15}$/.test(declared)) throw new StompError('LAB_ERR_STOMP_BAD_CONTENT_LENGTH', `content-length "${declared}" is not a byte count`);
      bodyEnd = bodyStart + Number(declared);
      if (bodyEnd + 1 > this.limits.maxFrameBytes) throw tooLarge(this.limits.maxFrameBytes, bodyEnd + 1);
      if (buf.length < bodyEnd + 1) return undefined;
      if (buf[bodyEnd] !== NUL) {
        throw new StompError('LAB_ERR_STOMP_BODY_TOO_LONG', `content-length is ${declared} but byte ${declared} of the body is not NUL`);
      }
    } else {
      const nul = buf.indexOf(NUL, bodyStart);
      if (nul === -1) {
        if (buf.length >= this.limits.maxFrameBytes) throw tooLarge(this.limits.maxFrameBytes);
        return undefined;
      }
      bodyEnd = nul;
    }
    if (bodyEnd + 1 > this.limits.maxFrameBytes) throw tooLarge(this.limits.maxFrameBytes, bodyEnd + 1);
    frame.body = buf.slice(bodyStart, bodyEnd);
    return this.consume(bodyEnd + 1, { type: 'frame', frame, bytes: bodyEnd + 1 });
  }

  private parseHead(bytes: Uint8Array): StompFrame {
    if (bytes.includes(NUL)) throw new StompError('LAB_ERR_STOMP_MALFORMED', 'NUL before the end of the headers');
    let text: string;
    try {
      text = strictUtf8.decode(bytes);
    } catch {
      throw new StompError('LAB_ERR_STOMP_NOT_UTF8');
    }
    const lines = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
    const command = lines[0]!;
    if (!/^[A-Z]+$/.test(command)) throw new StompError('LAB_ERR_STOMP_MALFORMED', `"${command.slice(0, 40)}" is not a command`);
    if (lines.length - 1 > this.limits.maxHeaders) {
      throw new StompError('LAB_ERR_STOMP_TOO_MANY_HEADERS', `${lines.length - 1} headers; the limit is ${this.limits.maxHeaders}`);
    }
    const escaped = escapesHeaders(command);
    const headers: Header[] = [];
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon < 1) throw new StompError('LAB_ERR_STOMP_MALFORMED', `header line "${line.slice(0, 40)}" has no name before ":"`);
      const name = line.slice(0, colon);
      const value = line.slice(colon + 1);
      // Not trimmed: "a header value of ' x ' is not the same as 'x'".
      headers.push(escaped ? [unescapeHeaderValue(name), unescapeHeaderValue(value)] : [name, value]);
    }
    return { command, headers, body: new Uint8Array(0) };
  }

  private consume<T extends Decoded>(bytes: number, item: T): T {
    this.buf = this.buf.subarray(bytes);
    return item;
  }
}

/** Decode exactly one frame (trailing EOLs allowed); for tests and the widgets. */
export function decodeFrame(bytes: Uint8Array | string, limits: DecoderLimits = { maxFrameBytes: Infinity, maxHeaders: Infinity }): StompFrame {
  const decoder = new FrameDecoder(limits);
  const items = decoder.push(typeof bytes === 'string' ? utf8.encode(bytes) : bytes);
  const frames = items.filter((i) => i.type === 'frame');
  if (frames.length !== 1 || decoder.pending > 0) {
    throw new StompError('LAB_ERR_STOMP_MALFORMED', `expected one complete frame, got ${frames.length} and ${decoder.pending} spare bytes`);
  }
  return frames[0]!.frame;
}

function findHeadEnd(buf: Uint8Array, limit: number): { lineEnd: number; bodyStart: number } | undefined {
  const stop = Math.min(buf.length, limit);
  for (let i = buf.indexOf(LF); i !== -1 && i < stop; i = buf.indexOf(LF, i + 1)) {
    if (buf[i + 1] === LF) return { lineEnd: i, bodyStart: i + 2 };
    if (buf[i + 1] === CR && buf[i + 2] === LF) return { lineEnd: i, bodyStart: i + 3 };
  }
  return undefined;
}

function tooLarge(limit: number, size?: number): StompError {
  return new StompError('LAB_ERR_STOMP_FRAME_TOO_LARGE', size === undefined
    ? `no end of frame within ${limit} bytes`
    : `frame of ${size} bytes; the limit is ${limit}`);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
