/**
 * The lesson page (web/lessons.html), served for /lessons, /lessons/<lang> and
 * /lessons/<lang>/<slug>. It fetches the lesson the server rendered
 * (GET /api/lessons/:lang/:slug), shows it with its table of contents and
 * previous/next links, loads the widgets the lesson embeds, and remembers the
 * student's progress in this browser. The language switch keeps the reader's
 * place: the same part, the same sub-section of it.
 *
 * For tests: <html data-ready="true"> once the lesson and every widget are
 * loaded; data-problems (the server's count of problems in the lesson) and
 * data-missing-widgets on <html>.
 */
import '../style.css';
import '../lane-style.ts';
import './lessons.css';
import './predict-measure.ts';
import './self-check.ts';
import { isLessonLang, type LessonLang, type PartId } from '../../../src/lessons/parts.ts';
import { BLOCK_ELEMENTS, WIDGETS } from '../../../src/lessons/elements.ts';
import { computeAnswer, formatAnswer } from '../../../src/lessons/answers.ts';
import type { LessonEntry, LessonLink, LessonPage } from '../../../src/lessons/catalog.ts';
import type { TocEntry } from '../../../src/lessons/render.ts';
import { setupDisplayToggles } from '../widgets/display.ts';
import { must } from '../dom.ts';
import { WIDGET_LOADERS } from './widget-loaders.ts';
import { correctCount, isDone, progress } from './progress.ts';
import { preferredLang, rememberLang, translateStatic } from '../i18n/index.ts';
import { t } from './i18n.ts';

interface LessonIndex {
  langs: LessonLang[];
  langNames: Record<LessonLang, string>;
  lessons: Record<LessonLang, LessonEntry[]>;
}

/** A heading counts as "where you are" once its top is this close to the top of the window. */
const PLACE_OFFSET_PX = 120;
/** While the reader scrolls, where they are is written to storage at most this often. */
const SAVE_PLACE_MS = 500;

const root = document.documentElement;
const el = {
  brand: must<HTMLAnchorElement>(document, '[data-field="brand"]'),
  langs: must<HTMLElement>(document, '[data-field="langs"]'),
  toc: must<HTMLElement>(document, '[data-field="toc"]'),
  problems: must<HTMLElement>(document, '[data-field="problems"]'),
  head: must<HTMLElement>(document, '[data-field="head"]'),
  body: must<HTMLElement>(document, '[data-field="body"]'),
  prevNext: must<HTMLElement>(document, '[data-field="prev-next"]'),
  dashboard: must<HTMLAnchorElement>(document, '[data-field="dashboard"]'),
  printAnswers: must<HTMLInputElement>(document, '[data-action="print-answers"]'),
};

async function getJson<T>(path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(path);
  return { status: response.status, body: (await response.json()) as T };
}

function node<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const n = Object.assign(document.createElement(tag), props);
  n.append(...children);
  return n;
}

function setLang(lang: LessonLang): void {
  root.lang = lang;
  translateStatic();
  el.brand.textContent = `Transport Lab · ${t('lessons', lang)}`;
  el.brand.href = `/lessons/${lang}`;
  el.dashboard.textContent = t('dashboard', lang);
  el.printAnswers.nextElementSibling!.textContent = t('printAnswers', lang);
  el.toc.setAttribute('aria-label', t('contents', lang));
}

// ---------------------------------------------------------------------------

async function main(): Promise<void> {
  const [, , askedLang, slug] = location.pathname.replace(/\/+$/, '').split('/');
  // The page's language before anything builds itself, the display toggles included.
  root.lang = isLessonLang(askedLang) ? askedLang : preferredLang();
  setupDisplayToggles(must<HTMLElement>(document, '#display'));
  setupPrinting();
  const index = (await getJson<LessonIndex>('/api/lessons')).body;
  if (slug !== undefined && isLessonLang(askedLang)) {
    await showLesson(index, askedLang, slug);
  } else {
    showIndex(index, isLessonLang(askedLang) ? askedLang : preferredLang(), askedLang !== undefined && !isLessonLang(askedLang));
  }
  root.dataset.ready = 'true';
}

/** The page's description (what a search result or a shared link shows) follows the lesson and its language. */
function describePage(text: string): void {
  document.querySelector<HTMLMetaElement>('meta[name="description"]')?.setAttribute('content', text);
}

function showIndex(index: LessonIndex, lang: LessonLang, unknown = false): void {
  setLang(lang);
  rememberLang(lang);
  document.title = `${t('lessons', lang)} · Transport Lab`;
  describePage(t('syllabusNote', lang));
  root.dataset.view = 'index';
  langSwitch(index, lang, (l) => `/lessons/${l}`);
  el.toc.hidden = true;
  el.head.replaceChildren(node('h1', { textContent: t('lessons', lang) }), node('p', { className: 'summary', textContent: t('syllabusNote', lang) }),
    node('p', { className: 'summary' }, node('a', { href: `/lessons/kit`, className: 'kit-link', textContent: t('teacherKit', lang) })));
  if (unknown) el.head.append(node('p', { className: 'lesson-problem', textContent: t('notFound', lang) }));
  const lessons = index.lessons[lang];
  const list = node('ol', { className: 'lesson-index' });
  for (const lesson of lessons) {
    const p = progress().get(lesson.lesson);
    const status = [
      `${p.seen.length}/${lesson.parts.length} ${t('progressParts', lang)}`,
      p.questions ? `${t('progressCheck', lang)} ${correctCount(p)}/${p.questions}` : '',
      isDone(p) ? `✓ ${t('progressDone', lang)}` : '',
    ].filter(Boolean).join(' · ');
    const item = node('li', {},
      node('a', { href: `/lessons/${lang}/${lesson.slug}` }, node('span', { className: 'n', textContent: String(lesson.lesson) }), ` ${lesson.title}`),
      node('p', { className: 'summary', textContent: lesson.summary }),
      node('p', { className: 'lesson-progress', textContent: p.visitedAt ? status : '' }));
    item.dataset.lesson = String(lesson.lesson);
    item.dataset.done = String(isDone(p));
    list.append(item);
  }
  const forget = node('button', { type: 'button', textContent: t('resetProgress', lang) });
  forget.addEventListener('click', () => {
    progress().clear();
    showIndex(index, lang);
  });
  el.body.replaceChildren(lessons.length ? list : node('p', { textContent: t('noLessons', lang) }), node('p', {}, forget));
  el.prevNext.replaceChildren();
}

async function showLesson(index: LessonIndex, lang: LessonLang, slug: string): Promise<void> {
  setLang(lang);
  rememberLang(lang);
  root.dataset.view = 'lesson';
  el.body.replaceChildren(node('p', { textContent: t('loading', lang) }));
  const { status, body } = await getJson<LessonPage | { error: string; message: string }>(`/api/lessons/${lang}/${encodeURIComponent(slug)}`);
  if (status !== 200 || !('html' in body)) {
    showIndex(index, lang, true);
    return;
  }
  const page = body;
  root.dataset.lesson = String(page.lesson);
  root.dataset.problems = String(page.problems.length);
  document.title = `${page.lesson}. ${page.title} · Transport Lab`;
  describePage(page.summary);
  progress().update(page.lesson, (p) => { p.visitedAt = Date.now(); });

  langSwitch(index, lang, (l) => {
    const other = page.other?.lang === l ? page.other : undefined;
    return other ? `/lessons/${l}/${other.slug}` : undefined;
  }, page);
  renderHead(page);
  renderProblems(page);
  el.body.innerHTML = page.html; // rendered and sanitised by the server (src/lessons/render.ts)
  renderToc(page.toc);
  renderPrevNext(page);
  await loadWidgets(el.body);
  await fillComputed(el.body);
  if (location.hash) document.getElementById(decodeURIComponent(location.hash.slice(1)))?.scrollIntoView();
  trackPlace(page);
}

function renderHead(page: LessonPage): void {
  const lang = page.lang;
  const kicker = `${t('lessonN', lang)} ${page.lesson}${page.minutes ? ` · ${page.minutes} ${t('minutes', lang)}` : ''}`;
  el.head.replaceChildren(
    node('p', { className: 'kicker', textContent: kicker }),
    node('h1', { textContent: page.title }),
    node('p', { className: 'summary', textContent: page.summary }),
  );
  const place = progress().get(page.lesson).place;
  const entry = place && placeEntry(page.toc, place);
  if (entry && !location.hash && entry.id !== page.toc[0]?.id) {
    el.head.append(node('p', { className: 'continue' }, `${t('continueAt', lang)}: `, node('a', { href: `#${entry.id}`, textContent: entry.title })));
  }
}

function renderProblems(page: LessonPage): void {
  el.problems.hidden = page.problems.length === 0;
  if (!page.problems.length) return;
  el.problems.replaceChildren(
    node('p', {}, node('strong', { textContent: `${t('problems', page.lang)} ${page.problems.length}` })),
    node('ul', {}, ...page.problems.map((p) => node('li', {}, node('code', { textContent: p.code }), `${p.line ? ` (line ${p.line})` : ''}: ${p.message}`))),
  );
}

function renderToc(toc: TocEntry[]): void {
  el.toc.hidden = false;
  const list = node('ol');
  let sub: HTMLOListElement | undefined;
  for (const entry of toc) {
    const link = node('a', { href: `#${entry.id}`, textContent: entry.title });
    link.dataset.target = entry.id;
    if (entry.level === 2 || !list.lastElementChild) {
      const item = node('li', {}, link);
      if (entry.part) item.dataset.part = entry.part;
      list.append(item);
      sub = undefined;
    } else {
      if (!sub) {
        sub = node('ol');
        list.lastElementChild.append(sub);
      }
      sub.append(node('li', {}, link));
    }
  }
  el.toc.replaceChildren(node('p', { className: 'toc-title', textContent: t('contents') }), list);
}

function lessonLink(link: LessonLink | null, rel: 'prev' | 'next'): Node {
  if (!link) return node('span');
  const a = node('a', { href: `/lessons/${link.lang}/${link.slug}`, rel },
    node('span', { className: 'dir', textContent: rel === 'prev' ? `← ${t('previous')}` : `${t('next')} →` }),
    node('span', { className: 'title', textContent: `${link.lesson}. ${link.title}` }));
  a.dataset.rel = rel;
  return a;
}

function renderPrevNext(page: LessonPage): void {
  el.prevNext.replaceChildren(lessonLink(page.prev, 'prev'), node('a', { href: `/lessons/${page.lang}`, textContent: t('allLessons') }), lessonLink(page.next, 'next'));
}

/** 한국어 | English: to the same lesson in the other language, at the same place. */
function langSwitch(index: LessonIndex, current: LessonLang, target: (lang: LessonLang) => string | undefined, page?: LessonPage): void {
  el.langs.replaceChildren(...index.langs.map((lang) => {
    const href = target(lang);
    if (lang === current || !href) {
      const span = node('span', { textContent: index.langNames[lang] });
      if (lang === current) span.setAttribute('aria-current', 'true');
      span.lang = lang;
      return span;
    }
    const a = node('a', { href, textContent: index.langNames[lang], hreflang: lang, lang });
    a.dataset.lang = lang;
    a.addEventListener('click', (event) => {
      rememberLang(lang);
      if (!page) return;
      event.preventDefault();
      const place = currentPlace();
      a.href = `${href}#${place?.part ?? ''}`;
      void (async () => {
        // The other language's headings have their own ids: find the same part, the same sub-section.
        try {
          const other = (await getJson<LessonPage>(`/api/lessons/${lang}/${href.split('/').pop()}`)).body;
          const entry = place && placeEntry(other.toc, place);
          location.assign(entry ? `${href}#${entry.id}` : href);
        } catch {
          location.assign(a.href);
        }
      })();
    });
    return a;
  }));
}

// ---------------------------------------------------------------------------
// Where the reader is

interface Place {
  part: PartId;
  /** 0: the part's own heading; n: its n-th sub-section. */
  ordinal: number;
}

function headings(): HTMLElement[] {
  return [...el.body.querySelectorAll<HTMLElement>('h2[data-part], h3[data-part]')];
}

function placeOf(heading: HTMLElement): Place | undefined {
  const part = heading.dataset.part as PartId | '';
  if (!part) return undefined;
  const same = headings().filter((h) => h.dataset.part === part);
  return { part, ordinal: same.indexOf(heading) };
}

function currentPlace(): Place | undefined {
  const passed = headings().filter((h) => h.getBoundingClientRect().top <= PLACE_OFFSET_PX);
  const heading = passed.at(-1) ?? headings()[0];
  return heading ? placeOf(heading) : undefined;
}

function placeEntry(toc: TocEntry[], place: Place): TocEntry | undefined {
  const same = toc.filter((e) => e.part === place.part);
  return same[place.ordinal] ?? same[0];
}

function trackPlace(page: LessonPage): void {
  let scheduled = false;
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  const save = () => {
    saveTimer = undefined;
    const place = currentPlace();
    const visible = headings().filter((h) => h.tagName === 'H2' && h.getBoundingClientRect().top < innerHeight).map((h) => h.dataset.part as PartId);
    progress().update(page.lesson, (p) => {
      if (place) p.place = place;
      p.seen = [...new Set([...p.seen, ...visible.filter(Boolean)])];
    });
  };
  const update = () => {
    scheduled = false;
    saveTimer ??= setTimeout(save, SAVE_PLACE_MS); // the TOC follows every frame; storage once in a while
    const place = currentPlace();
    const id = place && placeEntry(page.toc, place)?.id;
    for (const link of el.toc.querySelectorAll<HTMLAnchorElement>('a[data-target]')) {
      if (link.dataset.target === id) link.setAttribute('aria-current', 'location');
      else link.removeAttribute('aria-current');
    }
  };
  addEventListener('scroll', () => {
    if (!scheduled) {
      scheduled = true;
      requestAnimationFrame(update);
    }
  }, { passive: true });
  addEventListener('pagehide', () => {
    if (saveTimer !== undefined) {
      clearTimeout(saveTimer);
      save();
    }
  });
  update();
}

// ---------------------------------------------------------------------------

/** Load the module of every widget in the lesson; say so, visibly, when one is not available. */
async function loadWidgets(container: HTMLElement): Promise<void> {
  const tags = new Set([...container.querySelectorAll('*')].map((e) => e.localName).filter((n) => n.includes('-')));
  let missing = 0;
  await Promise.all([...tags].map(async (tag) => {
    if ((BLOCK_ELEMENTS as readonly string[]).includes(tag)) return;
    const spec = WIDGETS[tag];
    const loader = spec && WIDGET_LOADERS[spec.module];
    try {
      if (!loader) throw new Error(`no module for <${tag}>`);
      await loader();
      if (!customElements.get(tag)) throw new Error(`the module did not define <${tag}>`);
    } catch (err) {
      missing++;
      for (const widget of container.querySelectorAll(tag)) {
        widget.before(node('p', { className: 'widget-missing lesson-problem', role: 'alert' }, `${t('missingWidget')}: `, node('code', { textContent: `<${tag}>` })));
      }
      console.error(`lesson widget <${tag}> is missing: ${(err as Error).message}`);
    }
  }));
  root.dataset.missingWidgets = String(missing);
}

/** `{=fn args}` in the Markdown: values the page computes (src/lessons/answers.ts). */
async function fillComputed(container: HTMLElement): Promise<void> {
  await Promise.all([...container.querySelectorAll<HTMLOutputElement>('output.computed')].map(async (out) => {
    const answer = await computeAnswer(out.dataset.compute ?? '', JSON.parse(out.dataset.args ?? '[]') as string[]);
    out.value = formatAnswer(answer);
  }));
}

function setupPrinting(): void {
  el.printAnswers.addEventListener('change', () => {
    root.dataset.printAnswers = el.printAnswers.checked ? 'on' : 'off';
  });
  // A handout shows everything: open the closed <details> while printing.
  let opened: HTMLDetailsElement[] = [];
  addEventListener('beforeprint', () => {
    opened = [...document.querySelectorAll<HTMLDetailsElement>('.lesson-body details:not([open])')];
    for (const d of opened) d.open = true;
  });
  addEventListener('afterprint', () => {
    for (const d of opened) d.open = false;
    opened = [];
  });
}

main().catch((err: Error) => {
  root.dataset.ready = 'error';
  el.body.replaceChildren(node('p', { className: 'lesson-problem', role: 'alert', textContent: `${t('failed')}: ${err.message}` }));
  throw err;
});

