/**
 * A lesson file starts with a small front matter block:
 *
 *   ---
 *   lesson: 3
 *   title: Short polling
 *   summary: Ask every second, news or not, and count what the empty answers cost.
 *   minutes: 20
 *   ---
 *
 * One `key: value` per line, no nesting, no quotes needed: a tiny subset of
 * YAML, parsed here rather than with a YAML library, and checked strictly
 * (an unknown key is a problem, so a typo is not silently ignored).
 */
import { problem, type LessonProblem } from './errors.ts';

export interface LessonMeta {
  /** The lesson's number in the syllabus (1–99); the same in every language. */
  lesson: number;
  title: string;
  /** One sentence for the index. */
  summary: string;
  /** Class time for the whole lesson, in minutes (optional). */
  minutes?: number;
}

export interface Parsed {
  meta: LessonMeta | undefined;
  /** The Markdown after the front matter. */
  body: string;
  /** How many lines precede `body` in the file (to report problems at file lines). */
  bodyLineOffset: number;
  problems: LessonProblem[];
}

const KEYS = ['lesson', 'title', 'summary', 'minutes'] as const;
export const MAX_LESSON_NUMBER = 99;

export function parseFrontMatter(source: string): Parsed {
  const text = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const lines = text.split('\n');
  const fail = (detail: string, line?: number): Parsed => ({
    meta: undefined, body: text, bodyLineOffset: 0,
    problems: [problem('LAB_ERR_LESSON_FRONT_MATTER', detail, line)],
  });
  if (lines[0] !== '---') return fail('the file must start with a `---` line, then `lesson:`, `title:` and `summary:`', 1);
  const end = lines.indexOf('---', 1);
  if (end === -1) return fail('the front matter has no closing `---` line', 1);

  const values = new Map<string, string>();
  const problems: LessonProblem[] = [];
  for (let i = 1; i < end; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const match = /^([a-z]+):\s*(.*)$/.exec(line);
    if (!match) {
      problems.push(problem('LAB_ERR_LESSON_FRONT_MATTER', `expected \`key: value\`, got "${line}"`, i + 1));
      continue;
    }
    const [, key, value] = match as unknown as [string, string, string];
    if (!(KEYS as readonly string[]).includes(key)) {
      problems.push(problem('LAB_ERR_LESSON_FRONT_MATTER', `unknown key "${key}" (keys: ${KEYS.join(', ')})`, i + 1));
    } else if (values.has(key)) {
      problems.push(problem('LAB_ERR_LESSON_FRONT_MATTER', `"${key}" is given twice`, i + 1));
    } else {
      values.set(key, value.trim());
    }
  }

  const lesson = Number(values.get('lesson'));
  if (!Number.isInteger(lesson) || lesson < 1 || lesson > MAX_LESSON_NUMBER) {
    problems.push(problem('LAB_ERR_LESSON_FRONT_MATTER', `"lesson" must be a whole number from 1 to ${MAX_LESSON_NUMBER}`, 1));
  }
  for (const key of ['title', 'summary'] as const) {
    if (!values.get(key)) problems.push(problem('LAB_ERR_LESSON_FRONT_MATTER', `"${key}" is required`, 1));
  }
  const minutesText = values.get('minutes');
  const minutes = minutesText === undefined ? undefined : Number(minutesText);
  if (minutes !== undefined && !(Number.isInteger(minutes) && minutes > 0 && minutes <= 240)) {
    problems.push(problem('LAB_ERR_LESSON_FRONT_MATTER', '"minutes" must be a whole number from 1 to 240', 1));
  }

  const body = lines.slice(end + 1).join('\n');
  if (problems.length) return { meta: undefined, body, bodyLineOffset: end + 1, problems };
  return {
    meta: {
      lesson, title: values.get('title')!, summary: values.get('summary')!,
      ...(minutes !== undefined && { minutes }),
    },
    body,
    bodyLineOffset: end + 1,
    problems,
  };
}
