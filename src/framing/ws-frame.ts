/**
 * WebSocket frame headers, for display (RFC 6455 §5.2). `ws` does the real
 * protocol work; this decoder exists so the lab can label the bytes it captured.
 * Uint8Array only, so the browser can use it too.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-------+-+-------------+-------------------------------+
 *  |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
 *  |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
 *  |N|V|V|V|       |S|             |   (if payload len==126/127)   |
 *  | |1|2|3|       |K|             |                               |
 *  +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
 *  |     Extended payload length continued, if payload len == 127  |
 *  + - - - - - - - - - - - - - - - +-------------------------------+
 *  |                               |Masking-key, if MASK set to 1  |
 *  +-------------------------------+-------------------------------+
 */

export const OPCODE_NAMES: Record<number, string> = {
  0x0: 'continuation',
  0x1: 'text',
  0x2: 'binary',
  0x8: 'close',
  0x9: 'ping',
  0xa: 'pong',
};

export interface FrameHeader {
  fin: boolean;
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  opcode: number;
  masked: boolean;
  payloadLength: number;
  maskingKey: Uint8Array | undefined;
  /** 2, 4 or 10 bytes, plus 4 when masked. */
  headerLength: number;
}

export class FrameError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'FrameError';
  }
}

/** Header size for a payload of `length` bytes (RFC 6455 §5.2: 7-bit, 16-bit or 64-bit length). */
export function frameHeaderLength(length: number, masked: boolean): number {
  const base = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  return base + (masked ? 4 : 0);
}

/** Decode the header at the start of `bytes`; undefined when more bytes are needed. */
export function decodeFrameHeader(bytes: Uint8Array): FrameHeader | undefined {
  if (bytes.length < 2) return undefined;
  const b0 = bytes[0]!;
  const b1 = bytes[1]!;
  const opcode = b0 & 0x0f;
  if (!(opcode in OPCODE_NAMES)) throw new FrameError('LAB_ERR_FRAME_OPCODE', `reserved opcode 0x${opcode.toString(16)}`);
  const masked = (b1 & 0x80) !== 0;
  let length = b1 & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (bytes.length < 4) return undefined;
    length = (bytes[2]! << 8) | bytes[3]!;
    offset = 4;
  } else if (length === 127) {
    if (bytes.length < 10) return undefined;
    const high = ((bytes[2]! << 24) >>> 0) + (bytes[3]! << 16) + (bytes[4]! << 8) + bytes[5]!;
    const low = ((bytes[6]! << 24) >>> 0) + (bytes[7]! << 16) + (bytes[8]! << 8) + bytes[9]!;
    // §5.2: the most significant bit MUST be 0; JavaScript numbers stay exact up to 2^53.
    if (high >= 2 ** 21) throw new FrameError('LAB_ERR_FRAME_LENGTH', '64-bit length beyond 2^53');
    length = high * 2 ** 32 + low;
    offset = 10;
  }
  const fin = (b0 & 0x80) !== 0;
  if (opcode >= 0x8 && (!fin || length > 125)) {
    // §5.5: control frames are never fragmented and carry at most 125 bytes.
    throw new FrameError('LAB_ERR_FRAME_CONTROL', 'control frame fragmented or longer than 125 bytes');
  }
  let maskingKey: Uint8Array | undefined;
  if (masked) {
    if (bytes.length < offset + 4) return undefined;
    maskingKey = bytes.slice(offset, offset + 4);
    offset += 4;
  }
  return {
    fin,
    rsv1: (b0 & 0x40) !== 0,
    rsv2: (b0 & 0x20) !== 0,
    rsv3: (b0 & 0x10) !== 0,
    opcode,
    masked,
    payloadLength: length,
    maskingKey,
    headerLength: offset,
  };
}

export interface FrameHeaderInit {
  fin?: boolean;
  rsv1?: boolean;
  opcode: number;
  payloadLength: number;
  maskingKey?: Uint8Array;
}

export function encodeFrameHeader(init: FrameHeaderInit): Uint8Array {
  const masked = init.maskingKey !== undefined;
  const out = new Uint8Array(frameHeaderLength(init.payloadLength, masked));
  out[0] = ((init.fin ?? true) ? 0x80 : 0) | (init.rsv1 ? 0x40 : 0) | (init.opcode & 0x0f);
  let offset = 2;
  if (init.payloadLength < 126) {
    out[1] = init.payloadLength;
  } else if (init.payloadLength < 65_536) {
    out[1] = 126;
    out[2] = init.payloadLength >>> 8;
    out[3] = init.payloadLength & 0xff;
    offset = 4;
  } else {
    out[1] = 127;
    const high = Math.floor(init.payloadLength / 2 ** 32);
    const low = init.payloadLength >>> 0;
    new DataView(out.buffer).setUint32(2, high);
    new DataView(out.buffer).setUint32(6, low);
    offset = 10;
  }
  if (masked) {
    out[1]! |= 0x80;
    out.set(init.maskingKey!, offset);
  }
  return out;
}

/** §5.3: octet i of the payload is XORed with octet (i mod 4) of the masking key. */
export function applyMask(payload: Uint8Array, key: Uint8Array, offset = 0): Uint8Array {
  const out = new Uint8Array(payload.length);
  for (let i = 0; i < payload.length; i++) out[i] = payload[i]! ^ key[(i + offset) % 4]!;
  return out;
}

export interface LabelledField {
  field: string;
  /** Where the field sits, e.g. "byte 0, bit 7" or "bytes 2-3". */
  at: string;
  value: string;
  meaning: string;
}

/** Every field of a header, labelled, for the wire view and the frame inspector. */
export function describeFrameHeader(h: FrameHeader): LabelledField[] {
  const yes = (b: boolean) => (b ? '1' : '0');
  const fields: LabelledField[] = [
    { field: 'FIN', at: 'byte 0, bit 7', value: yes(h.fin), meaning: h.fin ? 'last frame of the message' : 'more fragments follow' },
    { field: 'RSV1', at: 'byte 0, bit 6', value: yes(h.rsv1), meaning: h.rsv1 ? 'compressed (permessage-deflate)' : 'not compressed' },
    { field: 'RSV2', at: 'byte 0, bit 5', value: yes(h.rsv2), meaning: 'reserved, 0' },
    { field: 'RSV3', at: 'byte 0, bit 4', value: yes(h.rsv3), meaning: 'reserved, 0' },
    { field: 'opcode', at: 'byte 0, bits 3-0', value: `0x${h.opcode.toString(16)}`, meaning: OPCODE_NAMES[h.opcode] ?? 'reserved' },
    { field: 'MASK', at: 'byte 1, bit 7', value: yes(h.masked), meaning: h.masked ? 'masked (client to server, §5.3)' : 'not masked (server to client)' },
  ];
  const lenAt = h.payloadLength < 126 ? 'byte 1, bits 6-0' : h.payloadLength < 65_536 ? 'byte 1 = 126, bytes 2-3' : 'byte 1 = 127, bytes 2-9';
  fields.push({ field: 'payload length', at: lenAt, value: String(h.payloadLength), meaning: `${h.payloadLength} payload bytes follow the header` });
  if (h.maskingKey) {
    const start = h.headerLength - 4;
    fields.push({ field: 'masking key', at: `bytes ${start}-${start + 3}`, value: toHex(h.maskingKey), meaning: 'XOR key for the payload' });
  }
  return fields;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

export interface ScannedFrame {
  header: FrameHeader;
  headerBytes: Uint8Array;
  /** The first bytes of the payload as they crossed the wire (still masked, for a client frame). */
  rawPreview: Uint8Array;
  /** The same bytes unmasked. */
  preview: Uint8Array;
}

/**
 * Follows a byte stream (one direction of one connection) frame by frame,
 * keeping each header and a short unmasked preview, skipping the rest of the
 * payload without copying it. Chunks may split frames anywhere.
 */
export class FrameScanner {
  private pending = new Uint8Array(0);
  private skip = 0;
  private current: ScannedFrame | undefined;
  private previewLeft = 0;
  private payloadOffset = 0;
  failed: string | undefined;

  constructor(private readonly previewBytes = 32, private readonly onFrame: (f: ScannedFrame) => void = () => {}) {}

  push(chunk: Uint8Array): void {
    if (this.failed) return;
    let data = chunk;
    while (data.length > 0) {
      if (this.skip > 0) {
        const take = Math.min(this.skip, data.length);
        if (this.current && this.previewLeft > 0) {
          const part = data.subarray(0, Math.min(this.previewLeft, take));
          const key = this.current.header.maskingKey;
          const clear = key ? applyMask(part, key, this.payloadOffset) : part.slice();
          this.current.preview = concat(this.current.preview, clear);
          this.current.rawPreview = concat(this.current.rawPreview, part.slice());
          this.previewLeft -= part.length;
        }
        this.payloadOffset += take;
        this.skip -= take;
        data = data.subarray(take);
        if (this.skip === 0) this.finish();
        continue;
      }
      const buf = this.pending.length ? concat(this.pending, data) : data;
      let header: FrameHeader | undefined;
      try {
        header = decodeFrameHeader(buf);
      } catch (err) {
        this.failed = (err as Error).message;
        return;
      }
      if (!header) {
        this.pending = buf.slice();
        return;
      }
      this.pending = new Uint8Array(0);
      this.current = { header, headerBytes: buf.slice(0, header.headerLength), rawPreview: new Uint8Array(0), preview: new Uint8Array(0) };
      this.previewLeft = Math.min(this.previewBytes, header.payloadLength);
      this.payloadOffset = 0;
      this.skip = header.payloadLength;
      data = buf.subarray(header.headerLength);
      if (this.skip === 0) this.finish();
    }
  }

  private finish(): void {
    if (this.current) this.onFrame(this.current);
    this.current = undefined;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
