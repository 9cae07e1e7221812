/**
 * What every lesson is made of, in both languages: the six parts, in order,
 * each an `##` heading with a fixed title per language and a stable id (the
 * same in every language, so `#experiment` means the same place in Korean and
 * in English and the language switch can keep the reader's place).
 *
 * Pure data (no Node imports): the server, the page and the tests share it.
 */

export const LESSON_LANGS = ['ko', 'en'] as const;
export type LessonLang = (typeof LESSON_LANGS)[number];

/** How each language names itself on the switch. */
export const LANG_NAMES: Record<LessonLang, string> = { ko: '한국어', en: 'English' };

export const PART_IDS = ['learn', 'idea', 'experiment', 'code', 'check', 'teacher'] as const;
export type PartId = (typeof PART_IDS)[number];

/** The `##` heading of each part, word for word, per language. */
export const PART_TITLES: Record<PartId, Record<LessonLang, string>> = {
  learn: { ko: '이번 시간에 배울 것', en: 'What you will learn' },
  idea: { ko: '핵심 아이디어', en: 'The idea' },
  experiment: { ko: '실험: 예측하고 측정하기', en: 'Experiment: predict, then measure' },
  code: { ko: '실제로 돌아가는 코드', en: 'The code that runs' },
  check: { ko: '스스로 점검', en: 'Self-check' },
  teacher: { ko: '교사용 노트', en: 'Teacher notes' },
};

export function isLessonLang(value: unknown): value is LessonLang {
  return typeof value === 'string' && (LESSON_LANGS as readonly string[]).includes(value);
}

/** The part whose `##` title this is in `lang`, if any. */
export function partOfTitle(title: string, lang: LessonLang): PartId | undefined {
  const wanted = title.trim();
  return PART_IDS.find((id) => PART_TITLES[id][lang] === wanted);
}

/** Lesson file names: `03-short-polling.md` → slug `03-short-polling`. */
export const SLUG_PATTERN = /^[0-9]{2}-[a-z0-9]+(?:-[a-z0-9]+)*$/;
