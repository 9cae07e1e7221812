/**
 * Every cap of the lesson system, by name (the lab's caps live in src/config.ts;
 * these only concern lesson files, which are trusted but still bounded).
 */

export const LESSON_LIMITS = {
  /** Largest lesson Markdown file rendered; a larger one renders as a problem. */
  maxLessonBytes: 256 * 1024,
  /** Largest source file a lesson may include. */
  maxIncludeBytes: 64 * 1024,
  /** Most source includes in one lesson. */
  maxIncludesPerLesson: 24,
  /** Most lesson files read from one language folder. */
  maxLessonsPerLang: 64,
  /** Rendered lessons kept in memory (each re-rendered when a file it reads changes). */
  cacheEntries: 128,
} as const;

/** The only folders a lesson may show code from, relative to the project root. */
export const INCLUDE_ROOTS = ['src/', 'web/src/'] as const;

/** File types a lesson may show, and the highlighter language for each. */
export const INCLUDE_LANGUAGES: Record<string, string> = {
  '.ts': 'typescript',
  '.mjs': 'javascript',
  '.js': 'javascript',
  '.css': 'css',
  '.json': 'json',
};
