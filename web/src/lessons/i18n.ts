/**
 * The lesson page's words, from the lab's one catalogue (web/src/i18n/messages.ts,
 * keys 'lesson.*'). The page sets <html lang> to the lesson's language; every
 * element reads it when it builds itself.
 */
import { currentLang, t as message, type Lang, type MessageKey } from '../i18n/index.ts';

export { formatNumber } from '../i18n/index.ts';

export type WordKey = MessageKey extends infer K ? (K extends `lesson.${infer W}` ? W : never) : never;

export const pageLang = currentLang;

export function t(key: WordKey, lang: Lang = currentLang()): string {
  return message(`lesson.${key}`, undefined, lang);
}
