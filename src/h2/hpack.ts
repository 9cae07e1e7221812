/**
 * An HPACK decoder (RFC 7541) that also says how each field was sent, for the
 * wire view: a repeated request costs a few bytes because most of its fields
 * are one-byte references to the static or dynamic table.
 *
 *   1xxxxxxx                 indexed field (§6.1): name and value from a table
 *   01xxxxxx + value         literal, added to the dynamic table (§6.2.1)
 *   0000xxxx + value         literal, not added (§6.2.2)
 *   0001xxxx + value         literal, never to be added, even by proxies (§6.2.3)
 *   001xxxxx                 dynamic table size update (§6.3)
 *   (xxxx = a name index, or 0 when the name follows as a string literal)
 *
 * A string literal is H|length (7-bit prefix) then the octets, Huffman-coded
 * when H is set (§5.2). One decoder per direction per connection: the dynamic
 * table is the state both ends keep in step.
 */
import { huffmanDecode } from './huffman.ts';

/** RFC 7541 Appendix A: index 1..61. */
export const STATIC_TABLE: readonly (readonly [string, string])[] = [
  [':authority', ''], [':method', 'GET'], [':method', 'POST'], [':path', '/'], [':path', '/index.html'],
  [':scheme', 'http'], [':scheme', 'https'], [':status', '200'], [':status', '204'], [':status', '206'],
  [':status', '304'], [':status', '400'], [':status', '404'], [':status', '500'], ['accept-charset', ''],
  ['accept-encoding', 'gzip, deflate'], ['accept-language', ''], ['accept-ranges', ''], ['accept', ''],
  ['access-control-allow-origin', ''], ['age', ''], ['allow', ''], ['authorization', ''], ['cache-control', ''],
  ['content-disposition', ''], ['content-encoding', ''], ['content-language', ''], ['content-length', ''],
  ['content-location', ''], ['content-range', ''], ['content-type', ''], ['cookie', ''], ['date', ''],
  ['etag', ''], ['expect', ''], ['expires', ''], ['from', ''], ['host', ''], ['if-match', ''],
  ['if-modified-since', ''], ['if-none-match', ''], ['if-range', ''], ['if-unmodified-since', ''],
  ['last-modified', ''], ['link', ''], ['location', ''], ['max-forwards', ''], ['proxy-authenticate', ''],
  ['proxy-authorization', ''], ['range', ''], ['referer', ''], ['refresh', ''], ['retry-after', ''],
  ['server', ''], ['set-cookie', ''], ['strict-transport-security', ''], ['transfer-encoding', ''],
  ['user-agent', ''], ['vary', ''], ['via', ''], ['www-authenticate', ''],
];

/** §4.1: an entry's size is its name and value lengths plus 32. */
export const ENTRY_OVERHEAD = 32;
/** RFC 9113 §6.5.2: SETTINGS_HEADER_TABLE_SIZE starts at 4,096. */
export const DEFAULT_TABLE_SIZE = 4096;

export type FieldKind = 'indexed' | 'literal-indexed' | 'literal' | 'literal-never-indexed' | 'size-update';

export interface DecodedField {
  kind: FieldKind;
  name: string;
  value: string;
  /** Bytes this representation took in the block. */
  bytes: number;
  /** The table index used (whole field for `indexed`, the name otherwise; 0 = name sent as a literal). */
  index: number;
  /** Which table the index pointed into. */
  table: 'static' | 'dynamic' | undefined;
  nameHuffman: boolean | undefined;
  valueHuffman: boolean | undefined;
  /** For `size-update`: the new maximum size. */
  newSize?: number;
}

export interface DecodedBlock {
  fields: DecodedField[];
  bytes: number;
  /** The dynamic table after this block: its size in bytes, its limit and its entries (newest first). */
  table: { size: number; maxSize: number; entries: [string, string][] };
}

export class HpackError extends Error {
  readonly code = 'LAB_ERR_HPACK';
}

export class HpackDecoder {
  private entries: [string, string][] = []; // newest first (§2.3.3)
  private size = 0;
  private maxSize: number;

  /** `settingsLimit`: the SETTINGS_HEADER_TABLE_SIZE this side advertised (the most a size update may ask for). */
  constructor(private readonly settingsLimit = DEFAULT_TABLE_SIZE) {
    this.maxSize = settingsLimit;
  }

  get tableSize(): number {
    return this.size;
  }

  decode(block: Uint8Array): DecodedBlock {
    const fields: DecodedField[] = [];
    let at = 0;
    const integer = (prefixBits: number): number => {
      // §5.1: an N-bit prefix; all ones means more 7-bit groups follow.
      const max = (1 << prefixBits) - 1;
      if (at >= block.length) throw new HpackError('header block ends inside an integer');
      let value = block[at++]! & max;
      if (value < max) return value;
      let shift = 0;
      for (;;) {
        if (at >= block.length) throw new HpackError('header block ends inside an integer');
        const b = block[at++]!;
        value += (b & 0x7f) * 2 ** shift;
        shift += 7;
        if (value > 0xffff_ffff) throw new HpackError('integer too large');
        if ((b & 0x80) === 0) return value;
      }
    };
    const string = (): { text: string; huffman: boolean } => {
      if (at >= block.length) throw new HpackError('header block ends before a string');
      const huffman = (block[at]! & 0x80) !== 0;
      const length = integer(7);
      if (at + length > block.length) throw new HpackError('string longer than the header block');
      const octets = block.subarray(at, at + length);
      at += length;
      return { text: huffman ? huffmanDecode(octets) : Buffer.from(octets).toString('latin1'), huffman };
    };
    const lookup = (index: number): { entry: readonly [string, string]; table: 'static' | 'dynamic' } => {
      // §2.3.3: static indices first, then the dynamic table, newest at 62.
      if (index >= 1 && index <= STATIC_TABLE.length) return { entry: STATIC_TABLE[index - 1]!, table: 'static' };
      const entry = this.entries[index - STATIC_TABLE.length - 1];
      if (!entry) throw new HpackError(`index ${index} is in neither table`);
      return { entry, table: 'dynamic' };
    };

    while (at < block.length) {
      const start = at;
      const first = block[at]!;
      if (first & 0x80) {
        const index = integer(7);
        if (index === 0) throw new HpackError('index 0 is not allowed (§6.1)');
        const { entry, table } = lookup(index);
        fields.push({ kind: 'indexed', name: entry[0], value: entry[1], bytes: at - start, index, table, nameHuffman: undefined, valueHuffman: undefined });
        continue;
      }
      if ((first & 0xe0) === 0x20) {
        const newSize = integer(5);
        if (newSize > this.settingsLimit) throw new HpackError(`table size update to ${newSize} exceeds the limit ${this.settingsLimit}`);
        this.maxSize = newSize;
        this.evict(0);
        fields.push({ kind: 'size-update', name: '', value: '', bytes: at - start, index: 0, table: undefined, nameHuffman: undefined, valueHuffman: undefined, newSize });
        continue;
      }
      const kind: FieldKind = (first & 0xc0) === 0x40 ? 'literal-indexed' : (first & 0xf0) === 0x10 ? 'literal-never-indexed' : 'literal';
      const index = integer(kind === 'literal-indexed' ? 6 : 4);
      let name: string;
      let nameHuffman: boolean | undefined;
      let table: 'static' | 'dynamic' | undefined;
      if (index === 0) {
        const s = string();
        name = s.text;
        nameHuffman = s.huffman;
      } else {
        const found = lookup(index);
        name = found.entry[0];
        table = found.table;
      }
      const value = string();
      fields.push({ kind, name, value: value.text, bytes: at - start, index, table, nameHuffman, valueHuffman: value.huffman });
      if (kind === 'literal-indexed') this.add(name, value.text);
    }
    return { fields, bytes: block.length, table: { size: this.size, maxSize: this.maxSize, entries: this.entries.map((e) => [e[0], e[1]]) } };
  }

  private add(name: string, value: string): void {
    const size = name.length + value.length + ENTRY_OVERHEAD;
    // §4.4: an entry larger than the table empties it and is not added.
    this.evict(size);
    if (size <= this.maxSize) {
      this.entries.unshift([name, value]);
      this.size += size;
    }
  }

  /** §4.3-4.4: drop the oldest entries until `room` more bytes fit. */
  private evict(room: number): void {
    while (this.entries.length > 0 && this.size + room > this.maxSize) {
      const [name, value] = this.entries.pop()!;
      this.size -= name.length + value.length + ENTRY_OVERHEAD;
    }
  }
}
