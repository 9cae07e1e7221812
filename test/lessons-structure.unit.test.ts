/**
 * Every lesson file that exists, in both languages, has what the issue asks of
 * a lesson: what you will learn; the idea with a diagram; a live experiment
 * (a widget and a predict-then-measure block reading it); the code that runs,
 * read from the project's files; a self-check with explanations; teacher
 * notes. Lessons added later (6–13) are picked up by the same loop.
 *
 * Both languages must carry the same lesson: the same widgets, experiments,
 * includes and answer key (the words differ, the skeleton does not). And no
 * lesson may contain a copy of code it could include instead.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LessonCatalog } from '../src/lessons/catalog.ts';
import { LESSON_LANGS, PART_IDS, SLUG_PATTERN, type LessonLang } from '../src/lessons/parts.ts';
import { skeleton } from '../src/lessons/structure.ts';
import { WIDGETS } from '../src/lessons/elements.ts';
import { MIN_QUESTIONS } from '../src/lessons/blocks.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const LESSONS = join(ROOT, 'lessons');
const catalog = new LessonCatalog({ lessonsDir: LESSONS, projectRoot: ROOT, webDir: join(ROOT, 'web') });

const slugsOf = (lang: LessonLang) => readdirSync(join(LESSONS, lang)).filter((f) => f.endsWith('.md')).map((f) => f.slice(0, -3)).sort();
const files = LESSON_LANGS.flatMap((lang) => slugsOf(lang).map((slug) => ({ lang, slug })));

describe('the lesson files', () => {
  it('exist (lessons 1 to 5 at least) and are named NN-slug.md', () => {
    for (const lang of LESSON_LANGS) {
      expect(slugsOf(lang).length).toBeGreaterThanOrEqual(5);
      for (const slug of slugsOf(lang)) expect(slug).toMatch(SLUG_PATTERN);
    }
  });

  it('come in pairs: the same file names in Korean and English', () => {
    expect(slugsOf('ko')).toEqual(slugsOf('en'));
  });

  it('number the syllabus once per language, and a pair shares its number', () => {
    const list = catalog.list();
    for (const lang of LESSON_LANGS) {
      const numbers = list[lang].map((e) => e.lesson);
      expect(new Set(numbers).size).toBe(numbers.length);
      expect(numbers.every((n) => n >= 1)).toBe(true);
    }
    for (const en of list.en) expect(list.ko.find((ko) => ko.slug === en.slug)?.lesson).toBe(en.lesson);
    expect(list.en.slice(0, 5).map((e) => e.lesson)).toEqual([1, 2, 3, 4, 5]);
  });
});

describe.each(files)('lessons/$lang/$slug.md', ({ lang, slug }) => {
  const rendered = catalog.render(lang, slug)!;
  const part = (id: (typeof PART_IDS)[number]) => rendered.outline.find((p) => p.part === id)!;

  it('renders with no problem at all', () => {
    expect(rendered.problems).toEqual([]);
  });

  it('has front matter: lesson number, title, summary', () => {
    expect(rendered.meta).toMatchObject({ lesson: expect.any(Number), title: expect.any(String), summary: expect.any(String) });
  });

  it('has the six parts, each once, in order, and nothing else at that level', () => {
    expect(rendered.outline.map((p) => p.part)).toEqual([...PART_IDS]);
  });

  it('says what you will learn', () => {
    expect(part('learn').prose).toBeGreaterThan(0);
  });

  it('explains the idea in prose with a diagram', () => {
    expect(part('idea').prose).toBeGreaterThan(0);
    expect(part('idea').diagrams).toBeGreaterThanOrEqual(1);
  });

  it('runs a live experiment: a widget, and a guess compared with what it measures', () => {
    const { widgets, predictMeasures } = part('experiment');
    expect(widgets.length).toBeGreaterThan(0);
    expect(predictMeasures.length).toBeGreaterThan(0);
    for (const pm of predictMeasures) {
      if (pm.stats) continue;
      const widget = widgets.find((w) => w.attributes.id === pm.for);
      expect(widget, `predict-measure for="${pm.for}"`).toBeDefined();
      expect(WIDGETS[widget!.tag]!.measures).toContain(pm.value);
    }
  });

  it('shows the code that runs, read from the project\'s files', () => {
    const { includes } = part('code');
    expect(includes.length).toBeGreaterThan(0);
    for (const include of includes) expect(include.path).toMatch(/^(src|web\/src)\//);
  });

  it('ends with a self-check whose every question is explained', () => {
    const { selfChecks } = part('check');
    expect(selfChecks).toHaveLength(1);
    expect(selfChecks[0]!.questions.length).toBeGreaterThanOrEqual(MIN_QUESTIONS);
    for (const q of selfChecks[0]!.questions) expect(q.explanation.length).toBeGreaterThan(20);
  });

  it('has teacher notes', () => {
    expect(part('teacher').prose).toBeGreaterThan(0);
  });
});

describe.each(slugsOf('en'))('%s in Korean and in English', (slug) => {
  it('carries the same widgets, experiments, code and answer key', () => {
    expect(skeleton(catalog.render('ko', slug)!)).toEqual(skeleton(catalog.render('en', slug)!));
  });
});

/** Lines worth comparing: long enough that a match is a copy, not a coincidence (`}`, `return;`). */
function significant(line: string): boolean {
  return line.trim().length >= 16;
}

/** Does `text` contain `run` consecutive significant lines of `source`, in order, one after another? */
function containsRun(text: string, source: string, run: number): string | undefined {
  const mine = text.split('\n').map((l) => l.trim());
  const theirs = source.split('\n').map((l) => l.trim());
  for (let i = 0; i + run <= theirs.length; i++) {
    const window = theirs.slice(i, i + run);
    if (!window.every(significant)) continue;
    for (let j = 0; j + run <= mine.length; j++) {
      if (window.every((line, k) => mine[j + k] === line)) return window.join('\n');
    }
  }
  return undefined;
}

describe('code is shown from the files, never copied into a lesson', () => {
  const transports = ['src/transports', 'web/src/transports'].flatMap((dir) =>
    readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.ts')).map((f) => `${dir}/${f}`));

  it.each(files)('lessons/$lang/$slug.md contains no three lines in a row of a file it shows, or of a transport', ({ lang, slug }) => {
    const markdown = readFileSync(join(LESSONS, lang, `${slug}.md`), 'utf8');
    const shown = catalog.render(lang, slug)!.outline.flatMap((p) => p.includes.map((i) => i.path));
    for (const path of new Set([...shown, ...transports])) {
      expect(containsRun(markdown, readFileSync(join(ROOT, path), 'utf8'), 3), `a copy of ${path}`).toBeUndefined();
    }
  });

  it('the check itself finds a copy (a lesson that pasted poll.ts would fail)', () => {
    const source = readFileSync(join(ROOT, 'src/transports/poll.ts'), 'utf8');
    const pasted = `Some prose.\n\n\`\`\`ts\n${source.split('\n').slice(14, 22).join('\n')}\n\`\`\`\n`;
    expect(containsRun(pasted, source, 3)).toBeDefined();
  });
});
