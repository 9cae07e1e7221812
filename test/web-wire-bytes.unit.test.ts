import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeFrameFields, headLines, labelFrameHeader } from '../web/src/wire-bytes.ts';
import { decodeFrameHeader, describeFrameHeader } from '../src/framing/ws-frame.ts';

describe('headLines: an HTTP/1.1 head line by line', () => {
  it('accounts for every byte of the head, CRLFs and the closing blank line included', () => {
    const head = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n';
    const lines = headLines(head);
    expect(lines.map((l) => l.text)).toEqual([
      'HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade',
      'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=', '',
    ]);
    expect(lines.reduce((n, l) => n + l.bytes, 0)).toBe(Buffer.byteLength(head, 'latin1'));
    expect(lines.at(-1)).toEqual({ text: '', bytes: 2 });
  });
});

describe('labelFrameHeader: RFC 6455 §5.2, every byte labelled', () => {
  const labelled = (hex: string) => labelFrameHeader(hex).map((b) => `${b.hex} ${b.label}`);

  it('unmasked "Hello" from a server: 81 05 (§5.7)', () => {
    expect(labelled('81 05')).toEqual([
      '81 FIN=1 · RSV1-3=000 · opcode=0x1 (text)',
      '05 MASK=0 · payload length=5',
    ]);
    expect(labelFrameHeader('81 05')[0]!.bits).toBe('1 000 0001');
  });

  it('masked "Hello" from a client: 81 85 37 fa 21 3d (§5.7), the key byte by byte', () => {
    const bytes = labelFrameHeader('81 85 37 fa 21 3d');
    expect(bytes).toHaveLength(6);
    expect(bytes[1]!.label).toBe('MASK=1 · payload length=5');
    expect(bytes.slice(2).map((b) => `${b.hex} ${b.part}`)).toEqual([
      '37 masking-key', 'fa masking-key', '21 masking-key', '3d masking-key',
    ]);
  });

  it('256-byte binary: 82 7e 01 00, a 16-bit extended length', () => {
    const bytes = labelFrameHeader('82 7e 01 00');
    expect(bytes.map((b) => b.part)).toEqual(['flags', 'length', 'extended-length', 'extended-length']);
    expect(bytes[1]!.label).toBe('MASK=0 · payload length=126 (next 2 bytes hold the length)');
    expect(bytes[2]!.label).toBe('extended payload length, byte 1 of 2 (= 256)');
  });

  it('64 KiB binary: 82 7f then 8 length bytes', () => {
    const bytes = labelFrameHeader('82 7f 00 00 00 00 00 01 00 00');
    expect(bytes).toHaveLength(10);
    expect(bytes.at(-1)!.label).toBe('extended payload length, byte 8 of 8 (= 65536)');
  });

  it('a ping and a fragment start: 89 00, 01 03', () => {
    expect(labelled('89 00')[0]).toBe('89 FIN=1 · RSV1-3=000 · opcode=0x9 (ping)');
    expect(labelled('01 03')[0]).toBe('01 FIN=0 · RSV1-3=000 · opcode=0x1 (text)');
  });

  it('refuses bytes that are not exactly one header', () => {
    expect(() => labelFrameHeader('81')).toThrow(/not one complete frame header/);
    expect(() => labelFrameHeader('81 05 48')).toThrow(/not one complete frame header/);
  });
});

describe('describeFrameFields: the fields of a header in the page\'s language', () => {
  afterEach(() => vi.unstubAllGlobals());
  // RFC 6455 §5.7: "Hello" unmasked, "Hello" masked, a 256-byte and a 65,536-byte binary frame; and a fragment with RSV1.
  const headers = ['81 05', '81 85 37 fa 21 3d', '82 7e 01 00', '82 ff 00 00 00 00 00 01 00 00 12 34 56 78', '41 03'];

  it('says in English exactly what the server\'s describeFrameHeader says', () => {
    for (const hex of headers) {
      const bytes = Uint8Array.from(hex.split(' '), (h) => parseInt(h, 16));
      expect(describeFrameFields(hex), hex).toEqual(describeFrameHeader(decodeFrameHeader(bytes)!));
    }
  });

  it('says it in Korean on a Korean page, with the same fields and values', () => {
    vi.stubGlobal('document', { documentElement: { lang: 'ko' } });
    const ko = describeFrameFields('81 85 37 fa 21 3d');
    vi.unstubAllGlobals();
    const en = describeFrameFields('81 85 37 fa 21 3d');
    expect(ko.map((f) => [f.field, f.value])).toEqual(en.map((f) => [f.field, f.value]));
    expect(ko.find((f) => f.field === 'MASK')).toEqual({ field: 'MASK', at: '1번 바이트, 7번 비트', value: '1', meaning: '마스킹됨 (클라이언트→서버, §5.3)' });
    expect(ko.find((f) => f.field === 'masking key')).toMatchObject({ at: '2~5번 바이트', value: '37 fa 21 3d' });
  });
});
