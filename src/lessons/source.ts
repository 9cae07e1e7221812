/**
 * Source includes: the code a lesson shows is read from the project's own
 * files when the lesson is rendered, never copied into the Markdown, so it
 * cannot drift from what runs.
 *
 *   ```source web/src/transports/poll.ts
 *   ```                                                       the whole file
 *   ```source src/transports/poll.ts lines=12-24
 *   ```                                                       lines 12 to 24
 *   ```source web/src/transports/poll.ts from="export function pollTransport" to="}"
 *   ```  from the first line containing `from` to the next line starting with `to`
 *   ```source web/src/lessons/widgets/cafe-buzzer.ts region=blocking
 *   ```  between `// #region blocking` and `// #endregion` (marker lines left out)
 *
 * Only files under INCLUDE_ROOTS (src/, web/src/) with a known extension;
 * no `..`, no absolute paths, no symlinks out of the folder. Anything else is
 * a problem with a stable code, shown where the code would have been.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { extname, join, sep } from 'node:path';
import { problem, type LessonProblem } from './errors.ts';
import { INCLUDE_LANGUAGES, INCLUDE_ROOTS, LESSON_LIMITS } from './limits.ts';

export interface IncludeRequest {
  /** Path relative to the project root, with forward slashes. */
  path: string;
  lines?: string;
  region?: string;
  from?: string;
  to?: string;
}

export interface Included {
  path: string;
  /** The file on disk, and its modification time when read (for the render cache). */
  file: string;
  mtimeMs: number;
  language: string;
  /** 1-based, inclusive. */
  firstLine: number;
  lastLine: number;
  /** The lines shown, joined with \n. */
  text: string;
}

export type IncludeResult = { ok: true; included: Included } | { ok: false; problem: LessonProblem; file?: string };

const OPTIONS = ['lines', 'region', 'from', 'to'] as const;

export function readInclude(projectRoot: string, request: IncludeRequest, limits = LESSON_LIMITS): IncludeResult {
  const fail = (code: LessonProblem['code'], detail: string, file?: string): IncludeResult =>
    ({ ok: false, problem: problem(code, detail), ...(file !== undefined && { file }) });
  const { path } = request;

  if (!path) return fail('LAB_ERR_LESSON_INCLUDE_PATH', 'name a file: ```source web/src/transports/poll.ts');
  if (path.includes('\\') || path.startsWith('/') || /^[a-z]+:/i.test(path) || path.split('/').some((s) => s === '..' || s === '.' || s === '')) {
    return fail('LAB_ERR_LESSON_INCLUDE_PATH', `"${path}": use a plain relative path such as web/src/transports/poll.ts (no "..", no absolute path)`);
  }
  const root = INCLUDE_ROOTS.find((r) => path.startsWith(r));
  if (!root) return fail('LAB_ERR_LESSON_INCLUDE_PATH', `"${path}" is outside ${INCLUDE_ROOTS.join(' and ')}`);
  const language = INCLUDE_LANGUAGES[extname(path)];
  if (!language) return fail('LAB_ERR_LESSON_INCLUDE_PATH', `"${path}": only ${Object.keys(INCLUDE_LANGUAGES).join(', ')} files can be shown`);
  const chosen = OPTIONS.filter((o) => request[o] !== undefined && o !== 'to');
  if (chosen.length > 1) return fail('LAB_ERR_LESSON_INCLUDE_RANGE', `"${path}": give one of lines=, region= or from= (got ${chosen.join(', ')})`);
  if (request.to !== undefined && request.from === undefined) return fail('LAB_ERR_LESSON_INCLUDE_RANGE', `"${path}": to= needs from=`);

  const file = join(projectRoot, ...path.split('/'));
  let real: string;
  let size: number;
  let mtimeMs: number;
  try {
    real = realpathSync(file);
    const stat = statSync(real);
    if (!stat.isFile()) return fail('LAB_ERR_LESSON_INCLUDE_MISSING', `"${path}" is not a file`, file);
    size = stat.size;
    mtimeMs = stat.mtimeMs;
  } catch {
    return fail('LAB_ERR_LESSON_INCLUDE_MISSING', `"${path}" does not exist`, file);
  }
  // A symlink inside src/ must not lead out of it.
  const allowed = join(realpathSync(projectRoot), ...root.split('/').filter(Boolean)) + sep;
  if (!real.startsWith(allowed)) return fail('LAB_ERR_LESSON_INCLUDE_PATH', `"${path}" leads outside ${root}`);
  if (size > limits.maxIncludeBytes) {
    return fail('LAB_ERR_LESSON_INCLUDE_TOO_LARGE', `"${path}" has ${size} bytes; at most ${limits.maxIncludeBytes} can be shown (name a part: lines=, region= or from=)`, file);
  }

  const lines = readFileSync(real, 'utf8').replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n');
  const range = selectLines(lines, request);
  if (typeof range === 'string') return fail('LAB_ERR_LESSON_INCLUDE_RANGE', `"${path}": ${range}`, file);
  const [first, last, shown] = range;
  return { ok: true, included: { path, file, mtimeMs, language, firstLine: first, lastLine: last, text: shown.join('\n') } };
}

/** [first, last, lines shown] (1-based, inclusive), or why the request does not fit the file. */
function selectLines(lines: string[], request: IncludeRequest): [number, number, string[]] | string {
  if (request.lines !== undefined) {
    const m = /^([0-9]+)-([0-9]*)$/.exec(request.lines);
    if (!m) return `lines=${request.lines}: write lines=12-24 (or lines=12- to the end)`;
    const first = Number(m[1]);
    const last = m[2] === '' ? lines.length : Number(m[2]);
    if (first < 1 || last < first || last > lines.length) return `lines=${request.lines}: the file has ${lines.length} lines`;
    return [first, last, lines.slice(first - 1, last)];
  }
  if (request.region !== undefined) {
    const name = request.region;
    const open = lines.findIndex((l) => regionMarker(l) === `#region ${name}`);
    if (open === -1) return `no "// #region ${name}" marker`;
    const close = lines.findIndex((l, i) => i > open && regionMarker(l) === '#endregion');
    if (close === -1) return `region "${name}" has no "// #endregion"`;
    if (close === open + 1) return `region "${name}" is empty`;
    return [open + 2, close, lines.slice(open + 1, close)];
  }
  if (request.from !== undefined) {
    const from = lines.findIndex((l) => l.includes(request.from!));
    if (from === -1) return `no line contains from="${request.from}"`;
    if (request.to === undefined) return [from + 1, lines.length, lines.slice(from)];
    const to = lines.findIndex((l, i) => i >= from && l.startsWith(request.to!));
    if (to === -1) return `no line after line ${from + 1} starts with to="${request.to}"`;
    return [from + 1, to + 1, lines.slice(from, to + 1)];
  }
  return [1, lines.length, lines];
}

/** `// #region name`, `/* #endregion *\/` → `#region name`, `#endregion`; other lines → undefined. */
function regionMarker(line: string): string | undefined {
  const m = /^\s*(?:\/\/|\/\*)\s*(#region\s+\S+|#endregion)\b.*$/.exec(line);
  return m?.[1]?.replace(/\s+/g, ' ');
}
