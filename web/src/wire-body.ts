/**
 * The body bytes of an HTTP lane's response, labelled: what the lane's cards
 * count as framing (chunk-size lines, the poll envelope, SSE's `id:` and `data: `
 * and blank lines, NDJSON's newline, hello and heartbeat lines) and what as
 * payload (each feed message's JSON). The server keeps the first bytes of the
 * newest response exactly as they left the socket (`bodyStart`, one char per
 * byte); every byte of them gets one row. Pure: no DOM.
 */
export type BodyPart = 'chunk' | 'framing' | 'payload';

export interface BodyRow {
  part: BodyPart;
  /** The bytes as text (UTF-8 decoded), control characters written out (\r \n). */
  text: string;
  bytes: number;
  /** What the bytes are, for the chunk-size lines: the size they announce. */
  chunkSize?: number;
}

const decoder = new TextDecoder();

/** Labels `bodyStart` (latin1, one char per byte) of a response with this head. */
export function labelBody(lane: string, responseHead: string, bodyStart: string): BodyRow[] {
  const bytes = Uint8Array.from(bodyStart, (c) => c.charCodeAt(0));
  const chunked = /^transfer-encoding:[ \t]*chunked[ \t]*$/im.test(responseHead);
  const rows: BodyRow[] = [];
  const content = (from: number, to: number) => rows.push(...labelContent(lane, bytes.subarray(from, to)));
  if (!chunked) {
    content(0, bytes.length);
    return rows;
  }
  // RFC 9112 §7.1: chunk-size in hex, CRLF, that many bytes, CRLF; a size of 0 ends the body.
  let at = 0;
  while (at < bytes.length) {
    const lineEnd = indexOfCrlf(bytes, at);
    if (lineEnd === -1) {
      rows.push(row('chunk', bytes.subarray(at)));
      break;
    }
    const size = parseInt(decoder.decode(bytes.subarray(at, lineEnd)), 16);
    rows.push({ ...row('chunk', bytes.subarray(at, lineEnd + 2)), chunkSize: size });
    at = lineEnd + 2;
    const dataEnd = Math.min(at + (Number.isFinite(size) ? size : 0), bytes.length);
    content(at, dataEnd);
    at = dataEnd;
    const crlfEnd = Math.min(at + 2, bytes.length);
    if (crlfEnd > at) rows.push(row('chunk', bytes.subarray(at, crlfEnd)));
    at = crlfEnd;
    if (size === 0) {
      if (at < bytes.length) rows.push(row('chunk', bytes.subarray(at)));
      break;
    }
  }
  return rows;
}

/** One chunk's (or a whole unchunked body's) bytes, by what the lane puts in them. */
function labelContent(lane: string, bytes: Uint8Array): BodyRow[] {
  if (lane === 'sse') return byLines(bytes, sseLine);
  if (lane === 'stream') return byLines(bytes, ndjsonLine);
  return envelope(bytes);
}

function byLines(bytes: Uint8Array, label: (line: Uint8Array) => BodyRow[]): BodyRow[] {
  const rows: BodyRow[] = [];
  let at = 0;
  while (at < bytes.length) {
    const nl = bytes.indexOf(0x0a, at);
    const end = nl === -1 ? bytes.length : nl;
    rows.push(...label(bytes.subarray(at, end)));
    if (nl !== -1) rows.push(row('framing', bytes.subarray(nl, nl + 1)));
    at = end + 1;
  }
  return rows;
}

/** NDJSON: a feed message's JSON is payload; hello and heartbeat lines are the lane's own. */
function ndjsonLine(line: Uint8Array): BodyRow[] {
  return [row(isFeedMessage(line) ? 'payload' : 'framing', line)];
}

/** SSE (WHATWG HTML §9.2): `data: ` before a feed message's JSON is framing, the JSON payload; `id:`, `event:`, comments framing. */
function sseLine(line: Uint8Array): BodyRow[] {
  const prefix = 'data: '.length;
  if (startsWith(line, 'data: ') && isFeedMessage(line.subarray(prefix))) {
    return [row('framing', line.subarray(0, prefix)), row('payload', line.subarray(prefix))];
  }
  return line.length === 0 ? [] : [row('framing', line)];
}

/** A poll answer: `{"epoch":…,"messages":[m1,m2],…}`; each message object is payload, the rest is the envelope. */
function envelope(bytes: Uint8Array): BodyRow[] {
  const rows: BodyRow[] = [];
  const text = decoder.decode(bytes);
  const start = text.indexOf('"messages":[');
  if (start === -1) return bytes.length ? [row('framing', bytes)] : [];
  // Work in bytes: the JSON is UTF-8, so offsets in the string are not byte offsets.
  let at = new TextEncoder().encode(text.slice(0, start + '"messages":['.length)).length;
  rows.push(row('framing', bytes.subarray(0, at)));
  while (at < bytes.length && bytes[at] === 0x7b /* { */) {
    const end = objectEnd(bytes, at);
    rows.push(row('payload', bytes.subarray(at, end)));
    at = end;
    if (at < bytes.length && bytes[at] === 0x2c /* , */) {
      rows.push(row('framing', bytes.subarray(at, at + 1)));
      at++;
    }
  }
  if (at < bytes.length) rows.push(row('framing', bytes.subarray(at)));
  return rows;
}

/** Where the JSON object starting at `from` ends (or the end of what was captured). */
function objectEnd(bytes: Uint8Array, from: number): number {
  let depth = 0;
  let inString = false;
  for (let i = from; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (inString) {
      if (b === 0x5c /* \ */) i++;
      else if (b === 0x22 /* " */) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === 0x7b) depth++;
    else if (b === 0x7d && --depth === 0) return i + 1;
  }
  return bytes.length;
}

function isFeedMessage(bytes: Uint8Array): boolean {
  return startsWith(bytes, '{"seq":');
}

function startsWith(bytes: Uint8Array, prefix: string): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix.charCodeAt(i)) return false;
  return true;
}

function indexOfCrlf(bytes: Uint8Array, from: number): number {
  for (let i = from; i + 1 < bytes.length; i++) if (bytes[i] === 0x0d && bytes[i + 1] === 0x0a) return i;
  return -1;
}

function row(part: BodyPart, bytes: Uint8Array): BodyRow {
  const text = decoder.decode(bytes).replace(/\r/g, '\\r').replace(/\n/g, '\\n');
  return { part, text, bytes: bytes.length };
}
