import { afterEach, describe, expect, it, vi } from 'vitest';
import { LANGS, MESSAGES, type Lang } from '../web/src/i18n/messages.ts';
import { fill } from '../web/src/i18n/index.ts';
import { labErrorText, problemText, retryText } from '../web/src/i18n/problems.ts';
import { ERRORS } from '../src/errors.ts';

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

describe('the lab error codes in the catalogue', () => {
  it('explains every code of src/errors.ts, in English with the server\'s own message', () => {
    for (const [code, { message }] of Object.entries(ERRORS)) {
      const words = (MESSAGES as Record<string, Record<Lang, string>>)[`error.${code}`];
      expect(words, `error.${code} is missing`).toBeDefined();
      expect(words!.en, code).toBe(message);
    }
  });

  it('has no entry for a code the server does not have', () => {
    const codes = new Set(Object.keys(ERRORS));
    for (const [key] of entries.filter(([k]) => k.startsWith('error.'))) expect(codes.has(key.slice('error.'.length)), key).toBe(true);
  });
});

describe('problems in the page\'s language', () => {
  afterEach(() => vi.unstubAllGlobals());
  const pageIn = (lang: Lang) => vi.stubGlobal('document', { documentElement: { lang } });

  it('keeps the server\'s own words on an English page', () => {
    pageIn('en');
    expect(labErrorText('LAB_ERR_LANE_BUSY', 'held 200 of 200')).toBe('LAB_ERR_LANE_BUSY: held 200 of 200');
    expect(retryText('closed 1013 LAB_ERR_SLOW_CONSUMER: consumer fell too far behind; reconnect and resume'))
      .toBe('closed 1013 (try again later) · LAB_ERR_SLOW_CONSUMER: consumer fell too far behind; reconnect and resume');
    expect(retryText('Failed to fetch')).toBe('reconnecting: Failed to fetch');
  });

  it('explains a known code from the catalogue on a Korean page, keeping the code', () => {
    pageIn('ko');
    expect(labErrorText('LAB_ERR_SLOW_CONSUMER', 'consumer fell too far behind; reconnect and resume'))
      .toBe(`LAB_ERR_SLOW_CONSUMER: ${MESSAGES['error.LAB_ERR_SLOW_CONSUMER'].ko}`);
    expect(retryText('closed 1006')).toBe('종료 코드 1006 (종료 프레임 없이 끊김)');
    expect(retryText('LAB_ERR_SINCE_AHEAD: `since` is beyond the newest message')).toBe(`LAB_ERR_SINCE_AHEAD: ${MESSAGES['error.LAB_ERR_SINCE_AHEAD'].ko}`);
    // A code the catalogue does not know keeps the server's words rather than losing them.
    expect(problemText('LAB_ERR_FRAGMENTS_INVALID: parts must be 1 to 16')).toBe('LAB_ERR_FRAGMENTS_INVALID: parts must be 1 to 16');
    expect(retryText('transport close')).toBe('재연결 중: transport close');
  });
});
