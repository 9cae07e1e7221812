/**
 * HTTP/2 frames, read from a byte stream (RFC 9113 §4.1). Pure: no sockets.
 *
 *   +-----------------------------------------------+
 *   |                 Length (24)                   |
 *   +---------------+---------------+---------------+
 *   |   Type (8)    |   Flags (8)   |
 *   +-+-------------+---------------+-------------------------------+
 *   |R|                 Stream Identifier (31)                      |
 *   +=+=============================================================+
 *   |                   Frame Payload (0...)                      ...
 *
 * The accounting reads every frame in both directions through a `FrameReader`:
 * it only needs each frame's header, plus the payload of HEADERS and
 * CONTINUATION (the HPACK block, for the wire view). DATA payloads are skipped
 * without copying.
 */

export const FRAME_HEADER_BYTES = 9;

/** RFC 9113 §3.4: every client connection starts with these 24 bytes, then SETTINGS. */
export const CLIENT_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** RFC 9113 §6 (and RFC 8336/9218 for the two later ones). */
export const FRAME_TYPES = {
  DATA: 0x0,
  HEADERS: 0x1,
  PRIORITY: 0x2,
  RST_STREAM: 0x3,
  SETTINGS: 0x4,
  PUSH_PROMISE: 0x5,
  PING: 0x6,
  GOAWAY: 0x7,
  WINDOW_UPDATE: 0x8,
  CONTINUATION: 0x9,
  ALTSVC: 0xa,
  ORIGIN: 0xc,
  PRIORITY_UPDATE: 0x10,
} as const;

export type FrameTypeName = keyof typeof FRAME_TYPES;

const NAMES = new Map<number, FrameTypeName>(
  (Object.entries(FRAME_TYPES) as [FrameTypeName, number][]).map(([name, type]) => [type, name]),
);

export function frameTypeName(type: number): string {
  return NAMES.get(type) ?? `0x${type.toString(16)}`;
}

/** RFC 9113 §6.2: flags of HEADERS. */
export const FLAG_END_STREAM = 0x1;
export const FLAG_END_HEADERS = 0x4;
export const FLAG_PADDED = 0x8;
export const FLAG_PRIORITY = 0x20;

export interface FrameHeader {
  length: number;
  type: number;
  flags: number;
  streamId: number;
}

export interface Frame extends FrameHeader {
  /** The payload, kept only for the types the reader was asked to keep. */
  payload: Buffer | undefined;
}

/** Parse the 9-byte frame header at `offset`. */
export function readFrameHeader(buf: Buffer, offset = 0): FrameHeader {
  return {
    length: buf.readUIntBE(offset, 3),
    type: buf[offset + 3]!,
    flags: buf[offset + 4]!,
    // §4.1: the reserved bit R is ignored on receipt.
    streamId: buf.readUInt32BE(offset + 5) & 0x7fff_ffff,
  };
}

/**
 * The HPACK block inside a HEADERS frame payload: without the padding and the
 * priority fields (§6.2). CONTINUATION payloads are all block.
 */
export function headerBlockOf(frame: Frame): Buffer {
  const p = frame.payload ?? Buffer.alloc(0);
  if (frame.type !== FRAME_TYPES.HEADERS) return p;
  let start = 0;
  let end = p.length;
  if (frame.flags & FLAG_PADDED) {
    end -= p[0]!;
    start = 1;
  }
  if (frame.flags & FLAG_PRIORITY) start += 5;
  return p.subarray(start, Math.max(start, end));
}

/**
 * Splits a byte stream into frames, whatever the chunk boundaries.
 * `expectPreface` for the client-to-server direction (§3.4).
 */
export class FrameReader {
  private prefaceLeft: number;
  private head = Buffer.alloc(FRAME_HEADER_BYTES);
  private headFill = 0;
  private current: FrameHeader | undefined;
  private bodyLeft = 0;
  private body: Buffer[] | undefined;

  constructor(
    private readonly onFrame: (frame: Frame) => void,
    options: { expectPreface?: boolean; keepPayloadOf?: ReadonlySet<number>; onPreface?: (bytes: number) => void } = {},
  ) {
    this.prefaceLeft = options.expectPreface ? CLIENT_PREFACE.length : 0;
    this.keep = options.keepPayloadOf ?? new Set();
    this.onPreface = options.onPreface;
  }

  private readonly keep: ReadonlySet<number>;
  private readonly onPreface: ((bytes: number) => void) | undefined;

  write(chunk: Buffer): void {
    let at = 0;
    if (this.prefaceLeft > 0) {
      const n = Math.min(this.prefaceLeft, chunk.length);
      this.prefaceLeft -= n;
      at = n;
      if (this.prefaceLeft === 0) this.onPreface?.(CLIENT_PREFACE.length);
    }
    while (at < chunk.length) {
      if (!this.current) {
        const n = Math.min(FRAME_HEADER_BYTES - this.headFill, chunk.length - at);
        chunk.copy(this.head, this.headFill, at, at + n);
        this.headFill += n;
        at += n;
        if (this.headFill < FRAME_HEADER_BYTES) return;
        this.headFill = 0;
        this.current = readFrameHeader(this.head);
        this.bodyLeft = this.current.length;
        this.body = this.keep.has(this.current.type) ? [] : undefined;
      }
      const n = Math.min(this.bodyLeft, chunk.length - at);
      if (this.body && n > 0) this.body.push(chunk.subarray(at, at + n));
      this.bodyLeft -= n;
      at += n;
      if (this.bodyLeft === 0) {
        const header = this.current;
        const payload = this.body ? Buffer.concat(this.body) : undefined;
        this.current = undefined;
        this.body = undefined;
        this.onFrame({ ...header, payload });
      }
    }
  }
}
