/**
 * Nicknames (issue 10, item 7): NFKC, no invisible or filler characters, no
 * combining-only names, no look-alike of a present member (UTS #39 skeletons).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkNick } from '../src/chat/protocol.ts';
import { confusableKeys, skeleton } from '../src/chat/nickname.ts';
import { ChatHub } from '../src/chat/hub.ts';
import { ChatError } from '../src/chat/errors.ts';
import { resolveChatLimits } from '../src/chat/limits.ts';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (err instanceof ChatError) return err.code;
    throw err;
  }
};

describe('checkNick', () => {
  it('normalises with NFKC: full-width letters and compatibility jamo become the plain ones', () => {
    expect(checkNick('Ａｌｉｃｅ', 20)).toBe('Alice');
    expect(checkNick('유재석', 20)).toBe('유재석');
    expect(checkNick('\u1100\u1161', 20)).toBe('가');
  });

  it.each([
    ['the Hangul filler U+3164 alone', '\u3164'],
    ['the Hangul choseong filler U+115F', '\u115f'],
    ['the halfwidth Hangul filler U+FFA0', '\uffa0'],
    ['a zero-width space inside', 'Al\u200bice'],
    ['a zero-width joiner', 'Al\u200dice'],
    ['a left-to-right mark', '\u200eAlice'],
    ['a word joiner U+2060', 'Ali\u2060ce'],
    ['a BOM U+FEFF', '\ufeffAlice'],
    ['a soft hyphen U+00AD', 'Ali\u00adce'],
    ['a variation selector', 'Alice\ufe0f'],
    ['a bidi override', '\u202eecilA'],
  ])('regression: refuses %s (LAB_ERR_CHAT_NICK_INVISIBLE)', (_name, nick) => {
    expect(codeOf(() => checkNick(nick, 20))).toBe('LAB_ERR_CHAT_NICK_INVISIBLE');
  });

  it.each([
    ['combining marks only', '\u0301\u0301\u0301'],
    ['a name starting with a combining mark', '\u0301Alice'],
    ['no letter or digit', '._-'],
  ])('regression: refuses %s (LAB_ERR_CHAT_NICK_INVALID)', (_name, nick) => {
    expect(codeOf(() => checkNick(nick, 20))).toBe('LAB_ERR_CHAT_NICK_INVALID');
  });

  it('property: for any string, a normalised nickname or a ChatError, never anything else', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (text) => {
      let nick: string;
      try {
        nick = checkNick(text, 20);
      } catch (err) {
        expect(err).toBeInstanceOf(ChatError);
        return;
      }
      expect(nick).toBe(nick.normalize('NFKC'));
      expect(nick).not.toMatch(/\p{Default_Ignorable_Code_Point}|\p{Cf}|\p{Cc}/u);
      expect(nick).toMatch(/[\p{L}\p{N}]/u);
    }), { numRuns: 3_000 });
  });
});

describe('UTS #39 skeletons', () => {
  it.each([
    ['Alice', '\u0410lice', 'Cyrillic А'],
    ['sam', '\u0455am', 'Cyrillic ѕ'],
    ['lan', '\u0399an', 'Greek Ι'],
    ['paypal', 'p\u0430yp\u0430l', 'Cyrillic а'],
    ['ok', '\u03bfk', 'Greek ο'],
  ])('%s and %s (with a %s) have the same skeleton', (a, b, _script) => {
    expect(a).not.toBe(b);
    expect(skeleton(a)).toBe(skeleton(b));
  });

  it('different names keep different skeletons', () => {
    expect(skeleton('유재석')).not.toBe(skeleton('강호동'));
    expect(skeleton('Alice')).not.toBe(skeleton('Alicia'));
  });

  it('lower case is a key too, so АLICE clashes with alice', () => {
    expect(confusableKeys('АLICE').some((k) => confusableKeys('alice').includes(k))).toBe(true);
  });
});

describe('the hub refuses look-alikes of present members', () => {
  const limits = resolveChatLimits();
  it('regression: "Аlice" with a Cyrillic А is refused beside "Alice", and accepted once Alice left', () => {
    const hub = new ChatHub(limits);
    const { member } = hub.join('Alice', () => {});
    expect(codeOf(() => hub.join('\u0410lice', () => {}))).toBe('LAB_ERR_CHAT_NICK_CONFUSABLE');
    expect(codeOf(() => hub.join('alice', () => {}))).toBe('LAB_ERR_CHAT_NICK_TAKEN');
    hub.leave(member, 'left');
    expect(hub.join('\u0410lice', () => {}).member.nick).toBe('\u0410lice');
  });
});
