/**
 * The lessons on disk: `lessons/<lang>/<NN-slug>.md`, listed and rendered on
 * request, each result cached until one of the files it was read from (the
 * lesson, or a source file it includes) changes its modification time. So an
 * edited lesson, or an edited transport it shows, is on the page at the next
 * reload, without a restart and without re-rendering on every request.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LESSON_LANGS, SLUG_PATTERN, partOfTitle, type LessonLang, type PartId } from './parts.ts';
import { LESSON_LIMITS } from './limits.ts';
import { parseFrontMatter } from './front-matter.ts';
import { renderLesson, type RenderedLesson, type TocEntry } from './render.ts';
import type { LessonProblem } from './errors.ts';

export interface LessonEntry {
  lang: LessonLang;
  slug: string;
  /** The syllabus number (front matter `lesson:`); 0 when the front matter is broken. */
  lesson: number;
  title: string;
  summary: string;
  minutes: number | null;
  /** The parts the lesson has, in order. */
  parts: PartId[];
  /** How many problems its last render had (0 for a lesson not rendered since it changed). */
  problems: number;
}

export interface LessonLink {
  lang: LessonLang;
  slug: string;
  lesson: number;
  title: string;
}

export interface LessonPage {
  lang: LessonLang;
  slug: string;
  lesson: number;
  title: string;
  summary: string;
  minutes: number | null;
  html: string;
  toc: TocEntry[];
  parts: PartId[];
  prev: LessonLink | null;
  next: LessonLink | null;
  /** The same lesson in the other language, if it exists. */
  other: LessonLink | null;
  problems: LessonProblem[];
}

export interface CatalogOptions {
  /** Where lessons/<lang>/*.md live. */
  lessonsDir: string;
  /** The project root: source includes are resolved from here. */
  projectRoot: string;
  /** The page sources (web/), to check links such as /chat.html. */
  webDir: string;
  limits?: typeof LESSON_LIMITS;
}

interface Cached {
  mtimeMs: number;
  rendered: RenderedLesson;
}

export class LessonCatalog {
  private readonly limits: typeof LESSON_LIMITS;
  private readonly rendered = new Map<string, Cached>();
  private readonly fronts = new Map<string, { mtimeMs: number; entry: LessonEntry }>();

  constructor(private readonly options: CatalogOptions) {
    this.limits = options.limits ?? LESSON_LIMITS;
  }

  /** Every lesson in every language, ordered by number. */
  list(): Record<LessonLang, LessonEntry[]> {
    const out = {} as Record<LessonLang, LessonEntry[]>;
    for (const lang of LESSON_LANGS) {
      const entries = this.files(lang).map((slug) => this.entry(lang, slug)).filter((e): e is LessonEntry => e !== undefined);
      out[lang] = entries.sort((a, b) => a.lesson - b.lesson || a.slug.localeCompare(b.slug));
    }
    return out;
  }

  exists(lang: LessonLang, slug: string): boolean {
    return SLUG_PATTERN.test(slug) && existsSync(this.path(lang, slug));
  }

  /** The rendered lesson with its neighbours, or undefined when there is no such file. */
  page(lang: LessonLang, slug: string): LessonPage | undefined {
    if (!this.exists(lang, slug)) return undefined;
    const rendered = this.render(lang, slug);
    if (!rendered) return undefined;
    const all = this.list();
    const mine = all[lang];
    const index = mine.findIndex((e) => e.slug === slug);
    const link = (e: LessonEntry | undefined): LessonLink | null => (e ? { lang: e.lang, slug: e.slug, lesson: e.lesson, title: e.title } : null);
    const number = rendered.meta?.lesson ?? 0;
    // The same lesson in the other language: the same number (or, if its front matter is broken, the same file name).
    const otherLang = LESSON_LANGS.find((l) => l !== lang)!;
    const other = link(all[otherLang].find((e) => e.lesson === number && number > 0) ?? all[otherLang].find((e) => e.slug === slug));
    return {
      lang, slug, lesson: number,
      title: rendered.meta?.title ?? slug,
      summary: rendered.meta?.summary ?? '',
      minutes: rendered.meta?.minutes ?? null,
      html: rendered.html,
      toc: rendered.toc,
      parts: partsOf(rendered),
      prev: link(index > 0 ? mine[index - 1] : undefined),
      next: link(index >= 0 ? mine[index + 1] : undefined),
      other,
      problems: rendered.problems,
    };
  }

  /** Render (or reuse) one lesson; undefined when the file is gone. */
  render(lang: LessonLang, slug: string): RenderedLesson | undefined {
    const file = this.path(lang, slug);
    let mtimeMs: number;
    try {
      mtimeMs = statSync(file).mtimeMs;
    } catch {
      return undefined;
    }
    const key = `${lang}/${slug}`;
    const cached = this.rendered.get(key);
    if (cached && cached.mtimeMs === mtimeMs && cached.rendered.deps.every(unchanged)) return cached.rendered;

    const rendered = renderLesson(readFileSync(file, 'utf8'), {
      lang, slug,
      projectRoot: this.options.projectRoot,
      lessonExists: (l, s) => this.exists(l, s),
      pageExists: (path) => this.pageExists(path),
      limits: this.limits,
    });
    this.rendered.delete(key); // re-inserted last: the map's order is the eviction order
    this.rendered.set(key, { mtimeMs, rendered });
    while (this.rendered.size > this.limits.cacheEntries) this.rendered.delete(this.rendered.keys().next().value!);
    return rendered;
  }

  private entry(lang: LessonLang, slug: string): LessonEntry | undefined {
    const file = this.path(lang, slug);
    let mtimeMs: number;
    try {
      mtimeMs = statSync(file).mtimeMs;
    } catch {
      return undefined;
    }
    const key = `${lang}/${slug}`;
    const known = this.fronts.get(key);
    const rendered = this.rendered.get(key);
    const problems = rendered?.mtimeMs === mtimeMs ? rendered.rendered.problems.length : 0;
    if (known && known.mtimeMs === mtimeMs) return { ...known.entry, problems };
    const source = readFileSync(file, 'utf8');
    const { meta, body } = parseFrontMatter(source);
    const entry: LessonEntry = {
      lang, slug,
      lesson: meta?.lesson ?? 0,
      title: meta?.title ?? slug,
      summary: meta?.summary ?? '',
      minutes: meta?.minutes ?? null,
      parts: partsInBody(body, lang),
      problems,
    };
    this.fronts.set(key, { mtimeMs, entry });
    return entry;
  }

  private files(lang: LessonLang): string[] {
    const dir = join(this.options.lessonsDir, lang);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((name) => name.endsWith('.md') && SLUG_PATTERN.test(name.slice(0, -3)))
      .map((name) => name.slice(0, -3))
      .sort()
      .slice(0, this.limits.maxLessonsPerLang);
  }

  private path(lang: LessonLang, slug: string): string {
    return join(this.options.lessonsDir, lang, `${slug}.md`);
  }

  private pageExists(path: string): boolean {
    if (path === '/') return true;
    const page = /^\/([a-z0-9-]+)\.html$/.exec(path);
    return page !== null && existsSync(join(this.options.webDir, `${page[1]}.html`));
  }
}

function unchanged(dep: { file: string; mtimeMs: number }): boolean {
  try {
    return statSync(dep.file).mtimeMs === dep.mtimeMs;
  } catch {
    return dep.mtimeMs === -1; // it was missing then, and still is
  }
}

function partsOf(rendered: RenderedLesson): PartId[] {
  return rendered.outline.map((p) => p.part).filter((p): p is PartId => p !== null);
}

/** The parts a lesson has, from its `## ` headings alone (cheap enough for the index). */
function partsInBody(body: string, lang: LessonLang): PartId[] {
  const found: PartId[] = [];
  let fenced = false;
  for (const line of body.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    if (fenced || !line.startsWith('## ')) continue;
    const id = partOfTitle(line.slice(3), lang);
    if (id) found.push(id);
  }
  return found;
}
