/**
 * The one depth-capped JSON parse (src/validate/json.ts): for any input, a
 * value or a clear refusal, never a throw; and the depth it counts is the
 * real nesting of the value.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { jsonDepth, parseJson } from '../src/validate/json.ts';

/** Nesting depth of a parsed value, counted the slow, obvious way. */
function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (value !== null && typeof value === 'object') return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

describe('jsonDepth', () => {
  it.each([
    ['1', 0], ['"[[["', 0], ['[]', 1], ['{"a":[1]}', 2], ['[[],[[]]]', 3],
    ['{"a":"\\"[[["}', 1], ['["\\\\",[]]', 2], ['{"data":[[[]]]}', 4],
  ])('%s is %i deep', (text, depth) => {
    expect(jsonDepth(text)).toBe(depth);
  });

  it('stops counting past the cap, so a hostile input costs no more than the cap', () => {
    expect(jsonDepth('['.repeat(100_000), 64)).toBe(65);
  });

  it('property: for any JSON value, jsonDepth of its text is its nesting depth', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 12 }), (value) => {
      expect(jsonDepth(JSON.stringify(value))).toBe(depthOf(value));
    }), { numRuns: 500 });
  });
});

describe('parseJson', () => {
  it('returns the value within the cap, refuses beyond it, and says why', () => {
    expect(parseJson('{"data":[1]}', 64)).toEqual({ ok: true, value: { data: [1] } });
    expect(parseJson('[[[]]]', 2)).toEqual({ ok: false, reason: 'depth', message: 'JSON nested deeper than 2 levels (maxJsonDepth)' });
    expect(parseJson('[[[]]]', 3)).toMatchObject({ ok: true });
    expect(parseJson('{', 64)).toMatchObject({ ok: false, reason: 'syntax' });
    expect(parseJson('', 64)).toMatchObject({ ok: false, reason: 'syntax' });
  });

  it('regression: 6,000 levels of nesting are refused before JSON.stringify could overflow the stack', () => {
    const text = `{"data":${'['.repeat(6_000)}${']'.repeat(6_000)}}`;
    expect(parseJson(text, 64)).toMatchObject({ ok: false, reason: 'depth' });
  });

  it('property: any string gives a value or a refusal, never a throw', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.json()), fc.integer({ min: 0, max: 80 }), (text, max) => {
      const result = parseJson(text, max);
      if (result.ok) {
        expect(depthOf(result.value)).toBeLessThanOrEqual(max);
        expect(result.value).toEqual(JSON.parse(text));
      } else {
        expect(result.message.length).toBeGreaterThan(0);
      }
    }), { numRuns: 2_000 });
  });

  it('property: any JSON value round-trips when the cap allows its depth, and is refused as too deep when it does not', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 10 }), fc.integer({ min: 0, max: 12 }), (value, max) => {
      const result = parseJson(JSON.stringify(value), max);
      if (depthOf(value) <= max) expect(result).toEqual({ ok: true, value: JSON.parse(JSON.stringify(value)) });
      else expect(result).toMatchObject({ ok: false, reason: 'depth' });
    }), { numRuns: 1_000 });
  });
});
