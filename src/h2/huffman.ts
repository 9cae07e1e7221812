/**
 * The HPACK Huffman code (RFC 7541 §5.2, Appendix B), decoding only.
 *
 * Appendix B is a canonical Huffman code: codes of the same length are
 * consecutive numbers in symbol order, and each length starts where the shorter
 * ones ended. So the 257 code lengths below are all it takes to rebuild every
 * code (the test checks a few against the appendix). Frequent header characters
 * ('0'-'9', 'a', 'c', 'e', 'i', 'o', 's', 't') get 5 bits instead of 8.
 */

/** Code length in bits of symbols 0..255, then EOS (256). */
export const CODE_LENGTHS: readonly number[] = [
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
  6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
  13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
  15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, 6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
  20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, 24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
  22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, 21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
  26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, 19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
  20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, 26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
  30,
];

export const EOS = 256;

/** The code of each symbol, rebuilt from the lengths (canonical order: by length, then symbol). */
export const CODES: readonly number[] = (() => {
  const codes = new Array<number>(CODE_LENGTHS.length).fill(0);
  const order = CODE_LENGTHS.map((_, sym) => sym).sort((a, b) => CODE_LENGTHS[a]! - CODE_LENGTHS[b]! || a - b);
  let code = 0;
  let prevLength = CODE_LENGTHS[order[0]!]!;
  order.forEach((sym, i) => {
    const length = CODE_LENGTHS[sym]!;
    if (i > 0) code = (code + 1) * 2 ** (length - prevLength);
    prevLength = length;
    codes[sym] = code;
  });
  return codes;
})();

/** A binary tree of the codes: node = [zero-child, one-child] or a symbol number. */
type Node = number | [Node | undefined, Node | undefined];
const ROOT: Node = (() => {
  const root: [Node | undefined, Node | undefined] = [undefined, undefined];
  CODES.forEach((code, sym) => {
    const length = CODE_LENGTHS[sym]!;
    let node = root;
    for (let bit = length - 1; bit > 0; bit--) {
      const b = Math.floor(code / 2 ** bit) % 2;
      node = (node[b] ??= [undefined, undefined]) as [Node | undefined, Node | undefined];
    }
    node[code % 2] = sym;
  });
  return root;
})();

export class HuffmanError extends Error {}

/** Decode a Huffman-coded string literal (§5.2): padding is up to 7 one-bits (a prefix of EOS). */
export function huffmanDecode(bytes: Uint8Array): string {
  let out = '';
  let node: Node = ROOT;
  let pendingBits = 0;
  let pendingAllOnes = true;
  for (const byte of bytes) {
    for (let bit = 7; bit >= 0; bit--) {
      const b = (byte >> bit) & 1;
      const next: Node | undefined = (node as [Node | undefined, Node | undefined])[b];
      if (next === undefined) throw new HuffmanError('invalid Huffman code');
      pendingBits++;
      pendingAllOnes &&= b === 1;
      if (typeof next === 'number') {
        if (next === EOS) throw new HuffmanError('EOS inside a Huffman string (RFC 7541 §5.2)');
        out += String.fromCharCode(next);
        node = ROOT;
        pendingBits = 0;
        pendingAllOnes = true;
      } else {
        node = next;
      }
    }
  }
  if (pendingBits > 7 || !pendingAllOnes) throw new HuffmanError('Huffman padding must be fewer than 8 one-bits (RFC 7541 §5.2)');
  return out;
}

/** How many bytes `text` takes Huffman-coded (for the wire view's "saved" column). */
export function huffmanLength(text: string): number {
  let bits = 0;
  for (let i = 0; i < text.length; i++) bits += CODE_LENGTHS[text.charCodeAt(i) & 0xff]!;
  return Math.ceil(bits / 8);
}
