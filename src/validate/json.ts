/**
 * The one JSON parse for anything a client sends (POST bodies, WebSocket
 * publishes, STOMP SEND bodies, chat and inspector commands), with a cap on
 * nesting depth.
 *
 * Why a cap: `JSON.parse` copes with deep nesting, but everything after it is
 * recursive. 6,000 levels of `[` (12 KB) overflow the stack in `JSON.stringify`
 * when the feed serialises the message (issue 10), so the depth is checked
 * before anything is parsed, committed or given a seq.
 *
 * Pure: no Node imports, so the browser widgets can use it too.
 *
 *   parseJson('{"data":[1]}', 64)   -> { ok: true, value: { data: [1] } }
 *   parseJson('[[[]]]', 2)          -> { ok: false, reason: 'depth', message: 'JSON nested deeper than 2 levels' }
 *   parseJson('{', 64)              -> { ok: false, reason: 'syntax', message: '…' }
 */

export type JsonResult =
  | { ok: true; value: unknown }
  | { ok: false; reason: 'depth' | 'syntax'; message: string };

const OPEN_OBJECT = 0x7b; // {
const OPEN_ARRAY = 0x5b; // [
const CLOSE_OBJECT = 0x7d; // }
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

/**
 * The deepest nesting of objects and arrays in `text`, counting only brackets
 * outside strings; stops counting once past `max` (so it costs nothing more on
 * a hostile input). `{"a":[1]}` is 2 deep, a bare `1` is 0. Malformed text gives
 * some number: `JSON.parse` refuses it afterwards anyway.
 */
export function jsonDepth(text: string, max = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++; // RFC 8259 §7: the escaped character cannot end the string
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > deepest && (deepest = depth) > max) return deepest;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
    }
  }
  return deepest;
}

/** Parse `text` as JSON if it nests at most `maxDepth` levels. Never throws. */
export function parseJson(text: string, maxDepth: number): JsonResult {
  if (jsonDepth(text, maxDepth) > maxDepth) {
    return { ok: false, reason: 'depth', message: `JSON nested deeper than ${maxDepth} levels (maxJsonDepth)` };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, reason: 'syntax', message: err instanceof Error ? err.message : 'not JSON' };
  }
}
