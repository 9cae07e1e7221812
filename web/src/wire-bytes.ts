/**
 * Labels for the bytes the wire view shows. Every byte gets a label (the way
 * The Illustrated TLS Connection checks that no byte goes unannotated), and
 * the tests check that the labelled bytes add up to what the server measured.
 * Pure: no DOM.
 */
import { decodeFrameHeader, OPCODE_NAMES } from '../../src/framing/ws-frame.ts';
import { t } from './i18n/index.ts';

export interface HeadLine {
  /** The line without its CRLF ('' for the blank line that ends the head). */
  text: string;
  /** Bytes on the wire, CRLF included (latin1: one byte per character, as HTTP/1.1 heads are). */
  bytes: number;
}

/** An HTTP/1.1 head (RFC 9112 §2.1: lines end in CRLF, a blank line ends the head), line by line. */
export function headLines(head: string): HeadLine[] {
  const lines = head.split('\r\n');
  // "a\r\nb\r\n\r\n".split gives [a, b, '', '']: the last '' is what follows the final CRLF.
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((text) => ({ text, bytes: text.length + 2 }));
}

export interface ByteLabel {
  /** Offset in the header. */
  index: number;
  hex: string;
  /** The byte as 8 bits, grouped by field ("1 0 0 0 0001"). */
  bits: string;
  /** Which field(s) this byte carries, with their values. */
  label: string;
  /** For styling: which part of the header. */
  part: 'flags' | 'length' | 'extended-length' | 'masking-key';
}

/** RFC 6455 §5.2, byte by byte: the two fixed bytes, the extended length, the masking key. */
export function labelFrameHeader(headerHex: string): ByteLabel[] {
  const bytes = Uint8Array.from(headerHex.trim().split(/\s+/).filter(Boolean), (h) => parseInt(h, 16));
  const header = decodeFrameHeader(bytes);
  if (!header || header.headerLength !== bytes.length) {
    throw new Error(`not one complete frame header: ${headerHex}`);
  }
  const bin = (b: number) => b.toString(2).padStart(8, '0');
  const out: ByteLabel[] = [];
  const b0 = bytes[0]!;
  const b1 = bytes[1]!;
  const bits0 = bin(b0);
  out.push({
    index: 0, hex: hex(b0), part: 'flags',
    bits: `${bits0[0]} ${bits0[1]}${bits0[2]}${bits0[3]} ${bits0.slice(4)}`,
    label: `FIN=${Number(header.fin)} · RSV1-3=${bits0.slice(1, 4)} · opcode=0x${header.opcode.toString(16)} (${OPCODE_NAMES[header.opcode] ?? t('wb.reserved')})`,
  });
  const len7 = b1 & 0x7f;
  const bits1 = bin(b1);
  out.push({
    index: 1, hex: hex(b1), part: 'length',
    bits: `${bits1[0]} ${bits1.slice(1)}`,
    label: `MASK=${Number(header.masked)} · payload length=${len7}` +
      (len7 === 126 ? t('wb.next2') : len7 === 127 ? t('wb.next8') : ''),
  });
  const extended = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
  for (let k = 0; k < extended; k++) {
    out.push({
      index: 2 + k, hex: hex(bytes[2 + k]!), bits: bin(bytes[2 + k]!), part: 'extended-length',
      label: t('wb.extended', { k: k + 1, n: extended, length: header.payloadLength }),
    });
  }
  if (header.masked) {
    for (let k = 0; k < 4; k++) {
      const i = 2 + extended + k;
      out.push({ index: i, hex: hex(bytes[i]!), bits: bin(bytes[i]!), part: 'masking-key', label: t('wb.maskingKeyByte', { k: k + 1 }) });
    }
  }
  return out;
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}

export interface FrameField {
  field: string;
  /** Where it sits in the header, e.g. "byte 0, bit 7". */
  at: string;
  value: string;
  meaning: string;
}

/**
 * Every field of a frame header (RFC 6455 §5.2), named and explained in the
 * page's language. The server sends the header bytes; the page reads them
 * itself, so the words follow the page and the values cannot disagree with
 * the bytes shown beside them.
 */
export function describeFrameFields(headerHex: string): FrameField[] {
  const bytes = Uint8Array.from(headerHex.trim().split(/\s+/).filter(Boolean), (h) => parseInt(h, 16));
  const h = decodeFrameHeader(bytes);
  if (!h) throw new Error(`not one complete frame header: ${headerHex}`);
  const bit = (b: boolean) => (b ? '1' : '0');
  const fields: FrameField[] = [
    { field: 'FIN', at: t('wf.bit', { byte: 0, bit: 7 }), value: bit(h.fin), meaning: t(h.fin ? 'wf.finLast' : 'wf.finMore') },
    { field: 'RSV1', at: t('wf.bit', { byte: 0, bit: 6 }), value: bit(h.rsv1), meaning: t(h.rsv1 ? 'wf.rsv1On' : 'wf.rsv1Off') },
    { field: 'RSV2', at: t('wf.bit', { byte: 0, bit: 5 }), value: bit(h.rsv2), meaning: t('wf.rsvReserved') },
    { field: 'RSV3', at: t('wf.bit', { byte: 0, bit: 4 }), value: bit(h.rsv3), meaning: t('wf.rsvReserved') },
    { field: 'opcode', at: t('wf.bits', { byte: 0, bits: '3-0' }), value: `0x${h.opcode.toString(16)}`, meaning: OPCODE_NAMES[h.opcode] ?? t('wb.reserved') },
    { field: 'MASK', at: t('wf.bit', { byte: 1, bit: 7 }), value: bit(h.masked), meaning: t(h.masked ? 'wf.masked' : 'wf.unmasked') },
  ];
  const lengthAt = h.payloadLength < 126 ? t('wf.bits', { byte: 1, bits: '6-0' })
    : h.payloadLength < 65_536 ? t('wf.length16') : t('wf.length64');
  fields.push({ field: 'payload length', at: lengthAt, value: String(h.payloadLength), meaning: t('wf.lengthMeaning', { length: h.payloadLength }) });
  if (h.maskingKey) {
    const start = h.headerLength - 4;
    fields.push({ field: 'masking key', at: t('wf.bytes', { from: start, to: start + 3 }), value: Array.from(h.maskingKey, (b) => hex(b)).join(' '), meaning: t('wf.maskingKey') });
  }
  return fields;
}
