import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { ndjsonHeartbeat, ndjsonLine, NdjsonDecoder } from '../src/framing/ndjson.ts';
import { sseComment, sseEvent, sseMessage, sseRetry, SseDecoder } from '../src/framing/sse.ts';
import { pollEnvelope, helloJson } from '../src/framing/envelope.ts';
import {
  applyMask, decodeFrameHeader, describeFrameHeader, encodeFrameHeader, frameHeaderLength, FrameScanner, toHex,
  type ScannedFrame,
} from '../src/framing/ws-frame.ts';

const hex = (s: string) => Uint8Array.from(s.split(/\s+/).filter(Boolean).map((b) => parseInt(b, 16)));

describe('NDJSON', () => {
  it('is one JSON text per line', () => {
    expect(ndjsonLine('{"seq":1}')).toBe('{"seq":1}\n');
    expect(ndjsonHeartbeat(5)).toBe('{"type":"heartbeat","ts":5}\n');
  });

  it('decodes lines split across chunks anywhere', () => {
    const d = new NdjsonDecoder();
    expect(d.push('{"a":1}\n{"b"')).toEqual([{ a: 1 }]);
    expect(d.push(':2}\n')).toEqual([{ b: 2 }]);
  });
});

describe('SSE', () => {
  it('frames a message with its seq as id', () => {
    expect(sseMessage(42, '{"seq":42}')).toBe('id: 42\ndata: {"seq":42}\n\n');
    expect(sseEvent('hello', '{}')).toBe('event: hello\ndata: {}\n\n');
    expect(sseRetry(2000)).toBe('retry: 2000\n\n');
    expect(sseComment('heartbeat')).toBe(': heartbeat\n\n');
  });

  it('parses events, comments and retry like EventSource does', () => {
    const d = new SseDecoder();
    const events = d.push('retry: 10\n\n: hb\n\nevent: hello\ndata: {}\n\nid: 7\ndata: a\ndata: b\n\nid: 8\nda');
    expect(events).toEqual([
      { event: 'retry', data: '', retry: 10 },
      { event: 'hello', data: '{}' },
      { event: 'message', data: 'a\nb', id: '7' },
    ]);
    expect(d.comments).toBe(1);
    expect(d.push('ta: c\r\n\r\n')).toEqual([{ event: 'message', data: 'c', id: '8' }]);
  });
});

describe('poll envelope', () => {
  it('splices message JSON in verbatim and is valid JSON', () => {
    const body = pollEnvelope({ epoch: 'e1', head: 2, firstSeq: 1, truncated: false, more: false }, ['{"seq":1}', '{"seq":2}']);
    expect(body).toBe('{"epoch":"e1","head":2,"firstSeq":1,"truncated":false,"more":false,"messages":[{"seq":1},{"seq":2}]}');
    expect(JSON.parse(body).messages).toHaveLength(2);
    expect(JSON.parse(helloJson({ epoch: 'e', since: 0, head: 0, firstSeq: 1, truncated: true }))).toEqual(
      { type: 'hello', epoch: 'e', since: 0, head: 0, firstSeq: 1, truncated: true });
  });
});

describe('WebSocket frame headers (RFC 6455 §5.7 examples)', () => {
  it('a single-frame unmasked text message "Hello"', () => {
    const bytes = hex('81 05 48 65 6c 6c 6f');
    const h = decodeFrameHeader(bytes)!;
    expect(h).toMatchObject({ fin: true, opcode: 1, masked: false, payloadLength: 5, headerLength: 2 });
    expect(new TextDecoder().decode(bytes.subarray(2))).toBe('Hello');
    expect(toHex(encodeFrameHeader({ opcode: 1, payloadLength: 5 }))).toBe('81 05');
  });

  it('a single-frame masked text message "Hello"', () => {
    const bytes = hex('81 85 37 fa 21 3d 7f 9f 4d 51 58');
    const h = decodeFrameHeader(bytes)!;
    expect(h).toMatchObject({ fin: true, opcode: 1, masked: true, payloadLength: 5, headerLength: 6 });
    expect(toHex(h.maskingKey!)).toBe('37 fa 21 3d');
    expect(new TextDecoder().decode(applyMask(bytes.subarray(6), h.maskingKey!))).toBe('Hello');
    expect(toHex(encodeFrameHeader({ opcode: 1, payloadLength: 5, maskingKey: hex('37 fa 21 3d') }))).toBe('81 85 37 fa 21 3d');
  });

  it('a fragmented unmasked text message "Hel" + "lo"', () => {
    const first = decodeFrameHeader(hex('01 03 48 65 6c'))!;
    const second = decodeFrameHeader(hex('80 02 6c 6f'))!;
    expect(first).toMatchObject({ fin: false, opcode: 0x1, payloadLength: 3 });
    expect(second).toMatchObject({ fin: true, opcode: 0x0, payloadLength: 2 });
  });

  it('unmasked ping and masked pong', () => {
    expect(decodeFrameHeader(hex('89 05 48 65 6c 6c 6f'))).toMatchObject({ opcode: 0x9, masked: false, payloadLength: 5 });
    const pong = decodeFrameHeader(hex('8a 85 37 fa 21 3d 7f 9f 4d 51 58'))!;
    expect(pong).toMatchObject({ opcode: 0xa, masked: true, payloadLength: 5 });
  });

  it('256 bytes of binary: the 16-bit length form', () => {
    const h = decodeFrameHeader(hex('82 7e 01 00'))!;
    expect(h).toMatchObject({ opcode: 2, payloadLength: 256, headerLength: 4 });
    expect(toHex(encodeFrameHeader({ opcode: 2, payloadLength: 256 }))).toBe('82 7e 01 00');
  });

  it('64 KiB of binary: the 64-bit length form', () => {
    const h = decodeFrameHeader(hex('82 7f 00 00 00 00 00 01 00 00'))!;
    expect(h).toMatchObject({ opcode: 2, payloadLength: 65536, headerLength: 10 });
    expect(toHex(encodeFrameHeader({ opcode: 2, payloadLength: 65536 }))).toBe('82 7f 00 00 00 00 00 01 00 00');
  });

  it('asks for more bytes rather than guessing', () => {
    expect(decodeFrameHeader(hex('81'))).toBeUndefined();
    expect(decodeFrameHeader(hex('82 7e 01'))).toBeUndefined();
    expect(decodeFrameHeader(hex('81 85 37 fa'))).toBeUndefined();
  });

  it('refuses reserved opcodes and oversized or fragmented control frames (§5.5)', () => {
    expect(() => decodeFrameHeader(hex('83 00'))).toThrow(/reserved opcode/);
    expect(() => decodeFrameHeader(hex('89 7e 00 7e'))).toThrow(/control frame/);
    expect(() => decodeFrameHeader(hex('09 00'))).toThrow(/control frame/);
  });

  it('header sizes are 2 / 4 / 10 bytes, plus 4 for a mask (§5.2)', () => {
    expect([125, 126, 65535, 65536].map((n) => frameHeaderLength(n, false))).toEqual([2, 4, 4, 10]);
    expect(frameHeaderLength(5, true)).toBe(6);
  });

  it('labels every field', () => {
    const fields = describeFrameHeader(decodeFrameHeader(hex('81 85 37 fa 21 3d'))!);
    expect(fields.map((f) => f.field)).toEqual(['FIN', 'RSV1', 'RSV2', 'RSV3', 'opcode', 'MASK', 'payload length', 'masking key']);
    expect(fields.find((f) => f.field === 'masking key')!.at).toBe('bytes 2-5');
  });

  it('scans a stream split at every possible point', () => {
    const stream = hex('81 85 37 fa 21 3d 7f 9f 4d 51 58  89 00  82 7e 01 00 ' + ' 00'.repeat(256) + ' 80 02 6c 6f');
    for (let cut = 1; cut < stream.length; cut++) {
      const frames: ScannedFrame[] = [];
      const scanner = new FrameScanner(8, (f) => frames.push(f));
      scanner.push(stream.subarray(0, cut));
      scanner.push(stream.subarray(cut));
      expect(frames.map((f) => f.header.opcode)).toEqual([1, 9, 2, 0]);
      expect(new TextDecoder().decode(frames[0]!.preview)).toBe('Hello');
      expect(toHex(frames[0]!.rawPreview)).toBe('7f 9f 4d 51 58'); // as it crossed the wire, masked
      expect(frames[2]!.preview).toHaveLength(8);
    }
  });
});

describe('Sec-WebSocket-Accept (RFC 6455 §1.3)', () => {
  it('is base64(SHA-1(key + GUID))', () => {
    const accept = createHash('sha1').update('dGhlIHNhbXBsZSBub25jZQ==' + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
    expect(accept).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });
});
