/**
 * The two lesson blocks written as fenced code in the Markdown, parsed here
 * (pure: the renderer turns them into elements, the structure test reads them).
 *
 * Predict, then measure: the student writes a guess, runs a widget, and the
 * page compares the guess with what the lab measured.
 *
 *   ```predict-measure
 *   for: poll-run                   the id of a widget in this lesson
 *   value: latencyMeanMs            one of the numbers that widget measures
 *   unit: ms                        ms, s, B, KiB, count, Mbit/s … (src/lessons/units.ts)
 *   ? What mean latency do you expect for a 1 s poll while 5 messages a second are published?
 *   > Shown after the run: a message waits for the next poll, on average half an interval.
 *   ```
 *
 * (`stats: lanes.sse.held` instead of `for`/`value` reads one number from
 * GET /api/stats when the student presses Run.)
 *
 * Self-check: questions, each with options (one marked [x]) or an answer a
 * function computes (src/lessons/answers.ts), and always an explanation.
 *
 *   ```self-check
 *   ? How many requests does a 1 s short poll send in 10 s when nothing is published?
 *   - [ ] none
 *   - [x] 10
 *   > It asks every second, news or not.
 *
 *   ? Type the Sec-WebSocket-Accept for the key dGhlIHNhbXBsZSBub25jZQ==.
 *   = websocketAccept dGhlIHNhbXBsZSBub25jZQ==
 *   > SHA-1 of the key and the GUID, in base64.
 *   ```
 *
 * Source-note erratum: a claim in the seed notes that the wire contradicts,
 * taught where the lesson meets it. The note's words, what the wire shows
 * (literal lines, as a capture or the lab prints them), and why.
 *
 *   ```errata
 *   note: Sec-WebSocket-Protocol: chat, superchat -> … 공백문자로 구분되며 …
 *   wire: Sec-WebSocket-Protocol: chat, superchat
 *   wire: HTTP/1.1 400 Bad Request      (several wire lines, in order)
 *   > Comma-separated (RFC 6455 §11.3.4); the lab refuses a space-separated offer.
 *   ```
 *
 * A line that starts with none of the markers continues the line before it.
 */
import { checkAnswer } from './answers.ts';
import { isUnit } from './units.ts';

export interface PredictMeasureBlock {
  /** A widget id in the same lesson and the measure to read from it… */
  for?: string;
  value?: string;
  /** …or a path into GET /api/stats, e.g. `lanes.sse.held`. */
  stats?: string;
  unit: string;
  /** Inline Markdown. */
  question: string;
  explanation?: string;
}

export type Question =
  | { kind: 'choice'; text: string; options: { text: string; correct: boolean }[]; explanation: string }
  | { kind: 'computed'; text: string; fn: string; args: string[]; explanation: string };

export interface SelfCheckBlock {
  questions: Question[];
}

export interface ErrataBlock {
  /** Inline Markdown: what the seed note says, in its words. */
  note: string;
  /** Literal lines: what crosses the wire instead. */
  wire: string[];
  /** Inline Markdown: why, with the source. */
  explanation: string;
}

export type BlockResult<T> = { ok: true; block: T } | { ok: false; errors: { line: number; message: string }[] };

/** Paths into the stats snapshot a block may read (src/api/stats.ts). */
export const STATS_PATH = /^(lanes\.(poll|longpoll|stream|sse|ws)|other\.(publish|api|chat|stomp|static|other))\.[a-zA-Z]+$|^(feed|totals)\.[a-zA-Z]+$/;

/** At least this many questions in a self-check. */
export const MIN_QUESTIONS = 2;

export function parsePredictMeasure(body: string): BlockResult<PredictMeasureBlock> {
  const errors: { line: number; message: string }[] = [];
  const fields = new Map<string, string>();
  let question = '';
  let explanation = '';
  let last: 'question' | 'explanation' | undefined;
  body.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    const n = i + 1;
    if (line === '') return;
    if (line.startsWith('? ') || line === '?') {
      if (question) errors.push({ line: n, message: 'one question (`? …`) per block' });
      question = line.slice(1).trim();
      last = 'question';
    } else if (line.startsWith('>')) {
      explanation = join(explanation, line.slice(1).trim());
      last = 'explanation';
    } else if (/^[a-z]+:/.test(line) && last === undefined) {
      const [key, ...rest] = line.split(':');
      const value = rest.join(':').trim();
      if (!['for', 'value', 'stats', 'unit'].includes(key!)) errors.push({ line: n, message: `unknown field "${key}" (fields: for, value, stats, unit)` });
      else if (fields.has(key!)) errors.push({ line: n, message: `"${key}" is given twice` });
      else fields.set(key!, value);
    } else if (last === 'question') {
      question = join(question, line);
    } else if (last === 'explanation') {
      explanation = join(explanation, line);
    } else {
      errors.push({ line: n, message: `expected "field: value", "? question" or "> explanation", got "${line}"` });
    }
  });
  const unit = fields.get('unit') ?? '';
  if (!isUnit(unit)) errors.push({ line: 1, message: `"unit:" must be one of ms, s, B, kB, KiB, MB, MiB, count, bit/s, kbit/s, Mbit/s, Mibit/s (got "${unit}")` });
  const stats = fields.get('stats');
  const target = fields.get('for');
  const value = fields.get('value');
  if (stats !== undefined) {
    if (target !== undefined || value !== undefined) errors.push({ line: 1, message: 'give either "stats:" or "for:" with "value:", not both' });
    if (!STATS_PATH.test(stats)) errors.push({ line: 1, message: `"stats: ${stats}" is not a path into /api/stats such as lanes.sse.held` });
  } else if (target === undefined || value === undefined) {
    errors.push({ line: 1, message: 'name what to measure: "for: <widget id>" and "value: <measure>" (or "stats: <path>")' });
  }
  if (!question) errors.push({ line: 1, message: 'the block needs a question: "? …"' });
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    block: {
      ...(target !== undefined && { for: target }),
      ...(value !== undefined && { value }),
      ...(stats !== undefined && { stats }),
      unit, question,
      ...(explanation && { explanation }),
    },
  };
}

export function parseSelfCheck(body: string): BlockResult<SelfCheckBlock> {
  const errors: { line: number; message: string }[] = [];
  interface Draft { line: number; text: string; options: { text: string; correct: boolean }[]; computed?: { fn: string; args: string[] }; explanation: string }
  const drafts: Draft[] = [];
  let last: 'question' | 'option' | 'explanation' | undefined;
  body.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    const n = i + 1;
    const current = drafts.at(-1);
    if (line === '') return;
    const option = /^- \[( |x|X)\] (.+)$/.exec(line);
    if (line.startsWith('? ')) {
      drafts.push({ line: n, text: line.slice(2).trim(), options: [], explanation: '' });
      last = 'question';
    } else if (!current) {
      errors.push({ line: n, message: `a self-check starts with a question ("? …"), got "${line}"` });
    } else if (option) {
      current.options.push({ text: option[2]!.trim(), correct: option[1] !== ' ' });
      last = 'option';
    } else if (line.startsWith('= ')) {
      const [fn = '', ...args] = line.slice(2).trim().split(/\s+/);
      if (current.computed) errors.push({ line: n, message: 'one computed answer ("= …") per question' });
      const wrong = checkAnswer(fn, args);
      if (wrong) errors.push({ line: n, message: wrong });
      current.computed = { fn, args };
      last = undefined;
    } else if (line.startsWith('>')) {
      current.explanation = join(current.explanation, line.slice(1).trim());
      last = 'explanation';
    } else if (last === 'question') {
      current.text = join(current.text, line);
    } else if (last === 'option') {
      const o = current.options.at(-1)!;
      o.text = join(o.text, line);
    } else if (last === 'explanation') {
      current.explanation = join(current.explanation, line);
    } else {
      errors.push({ line: n, message: `expected "- [ ] option", "- [x] option", "= function args" or "> explanation", got "${line}"` });
    }
  });

  const questions: Question[] = [];
  for (const d of drafts) {
    const where = (message: string) => errors.push({ line: d.line, message });
    if (!d.explanation) where('every question needs an explanation ("> …")');
    if (d.computed && d.options.length) where('a question has options or a computed answer, not both');
    else if (d.computed) {
      questions.push({ kind: 'computed', text: d.text, fn: d.computed.fn, args: d.computed.args, explanation: d.explanation });
    } else {
      const correct = d.options.filter((o) => o.correct).length;
      if (d.options.length < 2) where('a choice question needs at least two options');
      if (correct !== 1) where(`mark exactly one option with [x] (marked: ${correct})`);
      questions.push({ kind: 'choice', text: d.text, options: d.options, explanation: d.explanation });
    }
  }
  if (drafts.length < MIN_QUESTIONS) errors.push({ line: 1, message: `a self-check has at least ${MIN_QUESTIONS} questions` });
  if (errors.length) return { ok: false, errors };
  return { ok: true, block: { questions } };
}

function join(a: string, b: string): string {
  return a ? `${a} ${b}` : b;
}

export function parseErrata(body: string): BlockResult<ErrataBlock> {
  const errors: { line: number; message: string }[] = [];
  let note = '';
  const wire: string[] = [];
  let explanation = '';
  let last: 'note' | 'explanation' | undefined;
  body.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    const n = i + 1;
    if (line === '') return;
    if (line.startsWith('note:')) {
      if (note) errors.push({ line: n, message: 'one `note:` per erratum' });
      note = line.slice(5).trim();
      last = 'note';
    } else if (line.startsWith('wire:')) {
      // Keep the wire line as written after "wire: " (its own spaces are data).
      wire.push(raw.slice(raw.indexOf('wire:') + 5).replace(/^ /, '').trimEnd());
      last = undefined;
    } else if (line.startsWith('>')) {
      explanation = [explanation, line.slice(1).trim()].filter(Boolean).join(' ');
      last = 'explanation';
    } else if (last === 'note') {
      note = `${note} ${line}`;
    } else if (last === 'explanation') {
      explanation = `${explanation} ${line}`;
    } else {
      errors.push({ line: n, message: `not part of an erratum: "${line}" (use note:, wire: or >)` });
    }
  });
  if (!note) errors.push({ line: 0, message: 'no `note:` (what the seed note says)' });
  if (wire.length === 0) errors.push({ line: 0, message: 'no `wire:` line (what the wire shows)' });
  if (!explanation) errors.push({ line: 0, message: 'no `>` explanation' });
  return errors.length ? { ok: false, errors } : { ok: true, block: { note, wire, explanation } };
}
