/**
 * The handshake playground's text work, pure and DOM-free: the valid upgrade
 * request it starts from, the classic edits, the request's size on the wire,
 * and the first frame found after a 101 in the raw answer.
 *
 * The lab sends the text as the student left it, only with line ends made CRLF
 * and the blank line added (src/inspect/playground.ts, normaliseRequest);
 * `wireBytes` counts the same way, so the page can refuse an oversized request
 * before sending it, with the same cap the server applies.
 */
import { DEFAULTS } from '../../../src/config.ts';
import { decodeFrameHeader, OPCODE_NAMES, toHex } from '../../../src/framing/ws-frame.ts';
import { problem, type InputProblem } from './problems.ts';
import { t } from '../i18n/index.ts';

/** The lab's cap on a playground request (413 beyond), in bytes. */
export const PLAYGROUND_MAX_REQUEST_BYTES = DEFAULTS.playgroundMaxRequestBytes;

/** RFC 6455 §1.3's sample key: its accept is s3pPLMBiTxaQ9kYGzzhZRbK+xOo=, printed in the RFC. */
export const SAMPLE_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

/** A foreign page's origin, for the Origin edit. */
export const FOREIGN_ORIGIN = 'http://evil.example';

/** A valid upgrade for the feed's WebSocket lane, one header per line (the textarea's \n). */
export function validUpgrade(host: string, key = SAMPLE_KEY, path = '/feed/ws'): string {
  return [
    `GET ${path} HTTP/1.1`,
    `Host: ${host}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${key}`,
    'Sec-WebSocket-Version: 13',
  ].join('\n');
}

function lines(text: string): string[] {
  const out = text.replace(/\r\n/g, '\n').split('\n');
  while (out.length > 1 && out[out.length - 1] === '') out.pop();
  return out;
}

const isHeader = (line: string, name: string) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`);

/** The request without any `name:` line. */
export function withoutHeader(text: string, name: string): string {
  return lines(text).filter((line, i) => i === 0 || !isHeader(line, name)).join('\n');
}

/** The request with one `name: value` line: in place of the first such line, or added at the end. */
export function withHeader(text: string, name: string, value: string): string {
  const out = lines(text);
  const at = out.findIndex((line, i) => i > 0 && isHeader(line, name));
  if (at === -1) return [...out, `${name}: ${value}`].join('\n');
  return out.flatMap((line, i) => (i === at ? [`${name}: ${value}`] : i > 0 && isHeader(line, name) ? [] : [line])).join('\n');
}

/** Bytes the lab will send: CRLF line ends, ending in a blank line (latin1, one byte per character). */
export function wireBytes(text: string): number {
  // As src/inspect/playground.ts normaliseRequest: CRLF line ends, exactly one blank line at the end.
  return (text.replace(/\r?\n/g, '\r\n').replace(/(\r\n)*$/, '') + '\r\n\r\n').length;
}

/** Whether the text can be sent: within the cap, and latin1 (what an HTTP/1.1 head is). */
export function requestProblem(text: string, maxBytes = PLAYGROUND_MAX_REQUEST_BYTES): InputProblem | undefined {
  if (text.trim() === '') return problem('LAB_ERR_PLAYGROUND_EMPTY', t('problem.empty'));
  if (/[^\x00-\xff]/.test(text)) {
    return problem('LAB_ERR_PLAYGROUND_NOT_LATIN1', t('problem.notLatin1'));
  }
  const bytes = wireBytes(text);
  if (bytes > maxBytes) {
    return problem('LAB_ERR_PAYLOAD_TOO_LARGE', t('problem.requestTooLarge', { bytes: bytes.toLocaleString('en-US'), max: maxBytes.toLocaleString('en-US') }));
  }
  return undefined;
}

export function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export interface FirstFrame {
  /** The frame header in hex, and what it says. */
  headerHex: string;
  opcode: string;
  fin: boolean;
  masked: boolean;
  payloadLength: number;
  /** The payload bytes that arrived (the lab reads a bounded amount), in hex and as text. */
  payloadHex: string;
  text: string;
  /** True when the whole payload arrived. */
  complete: boolean;
}

/** The first WebSocket frame in the bytes after the 101 head, or undefined when none arrived whole enough to read. */
export function firstFrame(afterHead: Uint8Array): FirstFrame | undefined {
  let header;
  try {
    header = decodeFrameHeader(afterHead);
  } catch {
    return undefined;
  }
  if (!header) return undefined;
  const payload = afterHead.subarray(header.headerLength, header.headerLength + header.payloadLength);
  return {
    headerHex: toHex(afterHead.subarray(0, header.headerLength)),
    opcode: OPCODE_NAMES[header.opcode] ?? 'reserved',
    fin: header.fin,
    masked: header.masked,
    payloadLength: header.payloadLength,
    payloadHex: toHex(payload),
    text: new TextDecoder().decode(payload),
    complete: payload.length === header.payloadLength,
  };
}
