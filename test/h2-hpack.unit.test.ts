import { describe, expect, it } from 'vitest';
import { HpackDecoder, HpackError } from '../src/h2/hpack.ts';
import { CODES, CODE_LENGTHS, huffmanDecode, huffmanLength, HuffmanError } from '../src/h2/huffman.ts';
import { FrameReader, headerBlockOf, readFrameHeader, FRAME_TYPES, type Frame } from '../src/h2/frames.ts';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const pairs = (block: ReturnType<HpackDecoder['decode']>) => block.fields.filter((f) => f.kind !== 'size-update').map((f) => [f.name, f.value]);

describe('Huffman code (RFC 7541 Appendix B)', () => {
  it('rebuilds the appendix codes from the lengths alone (canonical code)', () => {
    // A few rows of Appendix B: sym, code, length.
    expect([CODES[48], CODE_LENGTHS[48]]).toEqual([0x0, 5]); // '0'
    expect([CODES[32], CODE_LENGTHS[32]]).toEqual([0x14, 6]); // ' '
    expect([CODES[58], CODE_LENGTHS[58]]).toEqual([0x5c, 7]); // ':'
    expect([CODES[0], CODE_LENGTHS[0]]).toEqual([0x1ff8, 13]);
    expect([CODES[255], CODE_LENGTHS[255]]).toEqual([0x3ffffee, 26]);
    expect([CODES[256], CODE_LENGTHS[256]]).toEqual([0x3fffffff, 30]); // EOS
  });

  it('decodes the C.4.1 authority and counts its length', () => {
    expect(huffmanDecode(hex('f1e3 c2e5 f23a 6ba0 ab90 f4ff'))).toBe('www.example.com');
    expect(huffmanLength('www.example.com')).toBe(12);
  });

  it('refuses padding that is not a prefix of EOS (§5.2)', () => {
    expect(() => huffmanDecode(hex('f1e3 c2e5 f23a 6ba0 ab90 f400'))).toThrow(HuffmanError);
    expect(() => huffmanDecode(hex('ff ff ff ff'))).toThrow(HuffmanError); // EOS itself
  });
});

describe('HPACK decoder (RFC 7541 Appendix C)', () => {
  it('C.2.1 literal with indexing adds to the dynamic table', () => {
    const d = new HpackDecoder();
    const out = d.decode(hex('400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572'));
    expect(pairs(out)).toEqual([['custom-key', 'custom-header']]);
    expect(out.fields[0]).toMatchObject({ kind: 'literal-indexed', index: 0, nameHuffman: false, valueHuffman: false, bytes: 26 });
    expect(out.table).toEqual({ size: 55, maxSize: 4096, entries: [['custom-key', 'custom-header']] });
  });

  it('C.2.2 literal without indexing leaves the table alone', () => {
    const out = new HpackDecoder().decode(hex('040c 2f73 616d 706c 652f 7061 7468'));
    expect(pairs(out)).toEqual([[':path', '/sample/path']]);
    expect(out.fields[0]).toMatchObject({ kind: 'literal', index: 4, table: 'static' });
    expect(out.table.size).toBe(0);
  });

  it('C.2.3 never-indexed literal', () => {
    const out = new HpackDecoder().decode(hex('1008 7061 7373 776f 7264 0673 6563 7265 74'));
    expect(pairs(out)).toEqual([['password', 'secret']]);
    expect(out.fields[0]!.kind).toBe('literal-never-indexed');
    expect(out.table.size).toBe(0);
  });

  it('C.2.4 indexed field: one byte', () => {
    const out = new HpackDecoder().decode(hex('82'));
    expect(out.fields).toEqual([expect.objectContaining({ kind: 'indexed', name: ':method', value: 'GET', index: 2, table: 'static', bytes: 1 })]);
  });

  it('C.3 three requests without Huffman, one decoder', () => {
    const d = new HpackDecoder();
    const first = d.decode(hex('8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d'));
    expect(pairs(first)).toEqual([[':method', 'GET'], [':scheme', 'http'], [':path', '/'], [':authority', 'www.example.com']]);
    expect(first.table).toMatchObject({ size: 57, entries: [[':authority', 'www.example.com']] });

    const second = d.decode(hex('8286 84be 5808 6e6f 2d63 6163 6865'));
    expect(pairs(second)).toEqual([[':method', 'GET'], [':scheme', 'http'], [':path', '/'], [':authority', 'www.example.com'], ['cache-control', 'no-cache']]);
    expect(second.fields[3]).toMatchObject({ kind: 'indexed', index: 62, table: 'dynamic', bytes: 1 });
    expect(second.table.size).toBe(110);

    const third = d.decode(hex('8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65'));
    expect(pairs(third)).toEqual([
      [':method', 'GET'], [':scheme', 'https'], [':path', '/index.html'], [':authority', 'www.example.com'], ['custom-key', 'custom-value'],
    ]);
    expect(third.table).toMatchObject({
      size: 164,
      entries: [['custom-key', 'custom-value'], ['cache-control', 'no-cache'], [':authority', 'www.example.com']],
    });
  });

  it('C.4 the same requests with Huffman', () => {
    const d = new HpackDecoder();
    const first = d.decode(hex('8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff'));
    expect(pairs(first)).toEqual([[':method', 'GET'], [':scheme', 'http'], [':path', '/'], [':authority', 'www.example.com']]);
    expect(first.fields[3]).toMatchObject({ valueHuffman: true, bytes: 14 });
    const second = d.decode(hex('8286 84be 5886 a8eb 1064 9cbf'));
    expect(pairs(second).at(-1)).toEqual(['cache-control', 'no-cache']);
    const third = d.decode(hex('8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf'));
    expect(pairs(third).at(-1)).toEqual(['custom-key', 'custom-value']);
    expect(third.fields.at(-1)).toMatchObject({ nameHuffman: true, valueHuffman: true });
    expect(third.table.size).toBe(164);
  });

  it('C.6 responses with Huffman evict the oldest entries from a 256-byte table', () => {
    const d = new HpackDecoder(256);
    d.decode(hex('3fe1 01')); // size update to 256 (§6.3), as a server would send first
    const first = d.decode(hex(`4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6
      2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3`));
    expect(pairs(first)).toEqual([
      [':status', '302'], ['cache-control', 'private'], ['date', 'Mon, 21 Oct 2013 20:13:21 GMT'], ['location', 'https://www.example.com'],
    ]);
    expect(first.table.size).toBe(222);
    const second = d.decode(hex('4883 640e ff c1 c0 bf'));
    expect(pairs(second)[0]).toEqual([':status', '307']);
    expect(second.table.size).toBe(222);
    expect(second.table.entries[0]).toEqual([':status', '307']);
    const third = d.decode(hex(`88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab
      77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07`));
    expect(pairs(third)).toEqual([
      [':status', '200'], ['cache-control', 'private'], ['date', 'Mon, 21 Oct 2013 20:13:22 GMT'], ['location', 'https://www.example.com'],
      ['content-encoding', 'gzip'], ['set-cookie', 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1'],
    ]);
    expect(third.table.size).toBe(215);
    expect(third.table.entries.map((e) => e[0])).toEqual(['set-cookie', 'content-encoding', 'date']);
  });

  it('refuses an index in neither table, a truncated block and a size update past the limit', () => {
    expect(() => new HpackDecoder().decode(hex('be'))).toThrow(HpackError);
    expect(() => new HpackDecoder().decode(hex('400a 6375'))).toThrow(HpackError);
    expect(() => new HpackDecoder(4096).decode(hex('3fe2 1f'))).toThrow(/exceeds the limit/);
    expect(() => new HpackDecoder().decode(hex('80'))).toThrow(/index 0/);
  });
});

describe('HTTP/2 frame reader (RFC 9113 §4.1)', () => {
  it('reads a frame header', () => {
    expect(readFrameHeader(hex('000004 08 00 80000001'))).toEqual({ length: 4, type: FRAME_TYPES.WINDOW_UPDATE, flags: 0, streamId: 1 });
  });

  it('splits the preface and frames across any chunk boundaries, keeping HEADERS payloads', () => {
    const bytes = Buffer.concat([
      Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'),
      hex('000000 04 00 00000000'), // empty SETTINGS
      hex('000005 01 25 00000001'), hex('8286 8441 82'), // HEADERS (END_STREAM|END_HEADERS|PRIORITY... see below)
      hex('000003 00 01 00000001'), hex('616263'), // DATA "abc"
    ]);
    for (const size of [1, 2, 7, 9, 100]) {
      const frames: Frame[] = [];
      let preface = 0;
      const reader = new FrameReader((f) => frames.push(f), { expectPreface: true, keepPayloadOf: new Set([FRAME_TYPES.HEADERS]), onPreface: (n) => { preface = n; } });
      for (let i = 0; i < bytes.length; i += size) reader.write(bytes.subarray(i, i + size));
      expect(preface).toBe(24);
      expect(frames.map((f) => [f.type, f.length, f.streamId])).toEqual([[4, 0, 0], [1, 5, 1], [0, 3, 1]]);
      expect(frames[2]!.payload).toBeUndefined();
      // Flags 0x25 = END_STREAM | END_HEADERS | PRIORITY: the first 5 bytes are priority fields.
      expect(headerBlockOf(frames[1]!)).toEqual(Buffer.alloc(0));
    }
  });

  it('strips padding from a HEADERS block (§6.2)', () => {
    const frame: Frame = { length: 6, type: FRAME_TYPES.HEADERS, flags: 0x0c, streamId: 3, payload: hex('02 8286 84 0000') };
    expect(headerBlockOf(frame)).toEqual(hex('8286 84'));
  });
});
