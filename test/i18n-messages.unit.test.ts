import { describe, expect, it } from 'vitest';
import { LANGS, MESSAGES, type Lang } from '../web/src/i18n/messages.ts';
import { fill } from '../web/src/i18n/index.ts';

const entries = Object.entries(MESSAGES) as [string, Record<Lang, string>][];

function params(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
}

describe('the message catalogue', () => {
  it('has both languages, and nothing else, for every key', () => {
    expect(entries.length).toBeGreaterThan(0);
    for (const [key, words] of entries) expect(Object.keys(words).sort(), key).toEqual([...LANGS].sort());
  });

  it('has no empty or blank message', () => {
    for (const [key, words] of entries) {
      for (const lang of LANGS) expect(words[lang].trim(), `${key} (${lang})`).not.toBe('');
    }
  });

  it('uses the same {params} in both languages', () => {
    for (const [key, words] of entries) expect(params(words.ko), key).toEqual(params(words.en));
  });

  it('names keys <group>.<what>', () => {
    for (const [key] of entries) expect(key).toMatch(/^[a-z][a-zA-Z0-9]*(\.[a-zA-Z0-9_]+)+$/);
  });

  it('has Korean in every Korean message that is not the same as its English one', () => {
    // A ko value that differs from en but holds no Hangul is a translation forgotten halfway.
    for (const [key, words] of entries) {
      if (words.ko !== words.en) expect(words.ko, key).toMatch(/[\uac00-\ud7a3]/);
    }
  });
});

describe('fill', () => {
  it('puts each {param} in place and leaves an unknown one visible', () => {
    expect(fill('{count} of {total} ({count})', { count: 3, total: 7 })).toBe('3 of 7 (3)');
    expect(fill('{count} messages', {})).toBe('{count} messages');
    expect(fill('no params')).toBe('no params');
  });
});
