/**
 * What can be wrong with a lesson, as stable codes (the same shape as the lab's
 * table in src/errors.ts). A problem does not stop the page: it is rendered
 * where it happened, visibly, and listed in the API answer's `problems`, so an
 * author sees it at once and the tests fail on it.
 */

export const LESSON_PROBLEMS = {
  LAB_ERR_LESSON_FRONT_MATTER: 'the front matter is missing or invalid',
  LAB_ERR_LESSON_STRUCTURE: 'a part every lesson has is missing, empty or out of order (src/lessons/structure.ts)',
  LAB_ERR_LESSON_TOO_LARGE: 'the lesson file is larger than the configured limit',
  LAB_ERR_LESSON_HTML: 'HTML that is not an allowed widget or tag (it is shown as text)',
  LAB_ERR_LESSON_LINK: 'a link that leads nowhere',
  LAB_ERR_LESSON_BLOCK: 'a predict-measure, self-check or diagram block that does not follow the format',
  LAB_ERR_LESSON_INCLUDE_PATH: 'a source include outside the allowed folders',
  LAB_ERR_LESSON_INCLUDE_MISSING: 'a source include names a file that does not exist',
  LAB_ERR_LESSON_INCLUDE_RANGE: 'a source include names lines, a region or an anchor the file does not have',
  LAB_ERR_LESSON_INCLUDE_TOO_LARGE: 'a source include is larger than the configured limit',
  LAB_ERR_LESSON_INCLUDE_NOT_EMPTY: 'a source include has a body: code is read from the file, never copied into the lesson',
} as const;

export type LessonProblemCode = keyof typeof LESSON_PROBLEMS;

export interface LessonProblem {
  code: LessonProblemCode;
  message: string;
  /** 1-based line in the lesson file, when known. */
  line?: number;
}

export function problem(code: LessonProblemCode, detail: string, line?: number): LessonProblem {
  return { code, message: detail, ...(line !== undefined && { line }) };
}
