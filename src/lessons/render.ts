/**
 * One lesson file → the page's HTML, its table of contents, an outline of its
 * parts (for the structure test and the index) and every problem found.
 *
 * markdown-it with headings anchored (markdown-it-anchor) and code highlighted
 * on the server (highlight.js), plus the lesson conventions (lessons/README.md):
 *
 *   ## part headings    fixed titles per language, stable ids (src/lessons/parts.ts)
 *   ```diagram …        a figure drawn in text
 *   ```source <path>    code read from the project's files now (src/lessons/source.ts)
 *   ```predict-measure  a guess, a widget run, the comparison (src/lessons/blocks.ts)
 *   ```self-check       questions with explanations; computed answers
 *   ```errata           a seed note's mistake beside what the wire shows
 *   <lane-run …>        widgets, the only HTML allowed (src/lessons/html.ts)
 *   {=fn args}          a value the page computes (src/lessons/answers.ts)
 *   [next](04-long-polling.md)   a link to another lesson, checked and rewritten
 *
 * Problems never throw: each is shown where it happened and returned.
 */
import MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';
import type StateInline from 'markdown-it/lib/rules_inline/state_inline.mjs';
import anchor from 'markdown-it-anchor';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import css from 'highlight.js/lib/languages/css';
import http from 'highlight.js/lib/languages/http';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import plaintext from 'highlight.js/lib/languages/plaintext';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import { parseFrontMatter, type LessonMeta } from './front-matter.ts';
import { PART_IDS, partOfTitle, type LessonLang, type PartId } from './parts.ts';
import { problem, type LessonProblem, type LessonProblemCode } from './errors.ts';
import { escapeHtml, sanitizeHtml } from './html.ts';
import { parseInfo } from './info.ts';
import { readInclude, type IncludeRequest } from './source.ts';
import { parseErrata, parsePredictMeasure, parseSelfCheck, type ErrataBlock, type PredictMeasureBlock, type SelfCheckBlock } from './blocks.ts';
import { checkAnswer } from './answers.ts';
import { WIDGETS } from './elements.ts';
import { unitLabel } from './units.ts';
import { LESSON_LIMITS } from './limits.ts';
import { checkStructure } from './structure.ts';

for (const [name, language] of Object.entries({ bash, css, http, java, javascript, json, plaintext, typescript, xml })) {
  hljs.registerLanguage(name, language);
}
hljs.registerAliases(['ts'], { languageName: 'typescript' });
hljs.registerAliases(['js', 'mjs'], { languageName: 'javascript' });
hljs.registerAliases(['sh', 'shell'], { languageName: 'bash' });
hljs.registerAliases(['html'], { languageName: 'xml' });
hljs.registerAliases(['text', 'txt'], { languageName: 'plaintext' });

export interface TocEntry {
  id: string;
  title: string;
  level: 2 | 3;
  part: PartId | null;
}

/** What one part of a lesson contains: the structure test reads this. */
export interface PartOutline {
  part: PartId | null;
  title: string;
  line: number;
  diagrams: number;
  predictMeasures: PredictMeasureBlock[];
  selfChecks: SelfCheckBlock[];
  errata: ErrataBlock[];
  includes: IncludeRequest[];
  widgets: { tag: string; attributes: Record<string, string> }[];
  /** Paragraphs, lists and tables: prose. */
  prose: number;
}

export interface RenderedLesson {
  meta: LessonMeta | undefined;
  html: string;
  toc: TocEntry[];
  outline: PartOutline[];
  problems: LessonProblem[];
  /** Every file the result was read from, with the mtime it had: the cache checks these. */
  deps: { file: string; mtimeMs: number }[];
}

export interface RenderContext {
  lang: LessonLang;
  slug: string;
  /** The project root: source includes are resolved from here. */
  projectRoot: string;
  /** Does this lesson exist (for links between lessons)? */
  lessonExists(lang: LessonLang, slug: string): boolean;
  /** Pages the lab serves besides the lessons (`/`, `/chat.html`, …), for links. */
  pageExists(path: string): boolean;
  limits?: typeof LESSON_LIMITS;
}

interface Env {
  ctx: RenderContext;
  limits: typeof LESSON_LIMITS;
  lineOffset: number;
  problems: LessonProblem[];
  deps: RenderedLesson['deps'];
  widgetIds: Map<string, string>;
  includes: number;
  predictMeasures: number;
  outline: PartOutline[];
  /** Heading and widget ids: where `#…` links may point. */
  ids: Set<string>;
}

/** The words the renderer itself puts on the page. */
const WORDS: Record<LessonLang, Record<'lines' | 'problem' | 'question' | 'errata' | 'noteSays' | 'wireShows', string>> = {
  en: { lines: 'lines', problem: 'Problem in this lesson', question: 'Question', errata: 'Correcting the seed notes', noteSays: 'The note says', wireShows: 'The wire shows' },
  ko: { lines: '행', problem: '이 레슨의 문제', question: '문제', errata: '시드 노트 바로잡기', noteSays: '노트의 내용', wireShows: '실제 전송 내용' },
};

const md = new MarkdownIt({ html: true, linkify: false, typographer: false });
md.inline.ruler.before('emphasis', 'computed', computedRule);
md.core.ruler.push('lesson-parts', partIdsRule);
md.use(anchor, {
  level: [2, 3],
  slugify,
  tabIndex: false,
  permalink: anchor.permalink.linkInsideHeader({ symbol: '#', placement: 'after', class: 'header-anchor', ariaHidden: true }),
});
md.renderer.rules.fence = renderFence;
md.renderer.rules.code_block = (tokens, idx) => `<pre><code>${escapeHtml(tokens[idx]!.content)}</code></pre>\n`;
md.renderer.rules.html_block = (tokens, idx) => renderHtmlToken(tokens[idx]!, true);
md.renderer.rules.html_inline = (tokens, idx) => renderHtmlToken(tokens[idx]!, false);
md.renderer.rules.computed = (tokens, idx) => {
  const { fn, args } = tokens[idx]!.meta as { fn: string; args: string[] };
  return `<output class="computed" data-compute="${escapeHtml(fn)}" data-args="${escapeHtml(JSON.stringify(args))}">…</output>`;
};
const defaultImage = md.renderer.rules.image;
md.renderer.rules.image = (tokens, idx, options, env: Env, self) => {
  const token = tokens[idx]!;
  if (token.meta?.problem) return inlineProblem(token.meta.problem as LessonProblem, env.ctx.lang);
  return defaultImage ? defaultImage(tokens, idx, options, env, self) : '';
};

export function renderLesson(source: string, ctx: RenderContext): RenderedLesson {
  const limits = ctx.limits ?? LESSON_LIMITS;
  const size = new TextEncoder().encode(source).length;
  if (size > limits.maxLessonBytes) {
    const p = problem('LAB_ERR_LESSON_TOO_LARGE', `${size} bytes; at most ${limits.maxLessonBytes}`);
    return { meta: undefined, html: blockProblem(p, ctx.lang), toc: [], outline: [], problems: [p], deps: [] };
  }
  const front = parseFrontMatter(source);
  const env: Env = {
    ctx, limits, lineOffset: front.bodyLineOffset, problems: [...front.problems], deps: [],
    widgetIds: new Map(), includes: 0, predictMeasures: 0, outline: [], ids: new Set(),
  };
  const tokens = md.parse(front.body, env);
  checkHtml(tokens, env);
  unwrapWidgets(tokens);
  env.ids = headingIds(tokens);
  for (const id of env.widgetIds.keys()) env.ids.add(id);
  checkLinks(tokens, env);
  outlineOf(tokens, env);
  const body = md.renderer.render(tokens, md.options, env);
  for (const issue of checkStructure({ outline: env.outline, meta: front.meta }, ctx.lang)) {
    env.problems.push(problem('LAB_ERR_LESSON_STRUCTURE', issue));
  }
  return {
    meta: front.meta,
    html: body,
    toc: tocOf(tokens),
    outline: env.outline,
    problems: env.problems,
    deps: env.deps,
  };
}

/** Heading ids that read well in both scripts: letters (Hangul too) and digits, joined by "-". */
export function slugify(text: string): string {
  return text.normalize('NFC').trim().toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .trim().replace(/[\s-]+/g, '-') || 'section';
}

// ---------------------------------------------------------------------------
// Parse-time rules

/** `{=fn arg …}`: a value the page computes (an answer function), e.g. {=labOption sseRetryMs}. */
function computedRule(state: StateInline, silent: boolean): boolean {
  const { src, pos } = state;
  if (src.charCodeAt(pos) !== 0x7b /* { */ || src.charCodeAt(pos + 1) !== 0x3d /* = */) return false;
  const end = src.indexOf('}', pos + 2);
  if (end === -1) return false;
  const [fn = '', ...args] = src.slice(pos + 2, end).trim().split(/\s+/);
  if (!silent) {
    const wrong = checkAnswer(fn, args);
    const env = state.env as Env;
    if (wrong) {
      const token = state.push('text', '', 0);
      token.content = src.slice(pos, end + 1);
      env.problems.push(problem('LAB_ERR_LESSON_BLOCK', `{=${fn} …}: ${wrong}`));
    } else {
      const token = state.push('computed', 'output', 0);
      token.meta = { fn, args };
    }
  }
  state.pos = end + 1;
  return true;
}

/**
 * Part headings get their part's id (`## The idea` → id="idea", whatever the
 * language); every h2/h3 is tagged with the part it belongs to, so the page
 * can keep the reader's place when the language changes.
 */
function partIdsRule(state: { tokens: Token[]; env: Env }): void {
  const { tokens, env } = state;
  let part: PartId | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.type !== 'heading_open') continue;
    const title = inlineText(tokens[i + 1]);
    if (token.tag === 'h1') {
      env.problems.push(problem('LAB_ERR_LESSON_BLOCK', 'no "# " heading: the title comes from the front matter; parts are "## " headings', lineOf(token, env)));
    } else if (token.tag === 'h2') {
      part = partOfTitle(title, env.ctx.lang) ?? null;
      if (part) token.attrSet('id', part);
    }
    if (token.tag === 'h2' || token.tag === 'h3') token.attrSet('data-part', part ?? '');
  }
}

// ---------------------------------------------------------------------------
// Checks over the parsed tokens

/** Sanitize every HTML token once, remember the widgets (and their ids) it holds. */
function checkHtml(tokens: Token[], env: Env): void {
  const visit = (token: Token) => {
    if (token.type !== 'html_block' && token.type !== 'html_inline') return;
    if (token.meta?.isPermalinkSymbol) return;
    const safe = sanitizeHtml(token.content);
    token.meta = { ...token.meta, safe };
    for (const p of safe.problems) env.problems.push(problem('LAB_ERR_LESSON_HTML', p, lineOf(token, env)));
    for (const w of safe.widgets) {
      const id = w.attributes.id;
      if (id === undefined) continue;
      if (env.widgetIds.has(id)) env.problems.push(problem('LAB_ERR_LESSON_HTML', `two elements with id="${id}"`, lineOf(token, env)));
      env.widgetIds.set(id, w.tag);
    }
  };
  for (const token of tokens) {
    visit(token);
    token.children?.forEach(visit);
  }
}

/** A paragraph that holds nothing but widgets is not a paragraph: drop the <p> around them. */
function unwrapWidgets(tokens: Token[]): void {
  for (let i = 0; i + 2 < tokens.length; i++) {
    const [open, inline, close] = [tokens[i]!, tokens[i + 1]!, tokens[i + 2]!];
    if (open.type !== 'paragraph_open' || close.type !== 'paragraph_close') continue;
    const children = inline.children ?? [];
    const onlyWidgets = children.some((c) => c.type === 'html_inline') && children.every((c) =>
      (c.type === 'html_inline' && (c.meta?.safe as ReturnType<typeof sanitizeHtml> | undefined)?.problems.length === 0 &&
        /^<\/?[a-z]+-[a-z-]+[\s>]/.test(c.content)) ||
      c.type === 'softbreak' || (c.type === 'text' && c.content.trim() === ''));
    if (onlyWidgets) open.hidden = close.hidden = true;
  }
}

function headingIds(tokens: Token[]): Set<string> {
  const ids = new Set<string>();
  for (const t of tokens) if (t.type === 'heading_open' && t.attrGet('id')) ids.add(t.attrGet('id')!);
  return ids;
}

/**
 * Every link must lead somewhere: `#id` in this lesson, `NN-slug.md` (or
 * `../en/NN-slug.md`) to an existing lesson (rewritten to its /lessons URL),
 * a page or endpoint of the lab, or an https:// address.
 */
function checkLinks(tokens: Token[], env: Env): void {
  const { ctx, ids } = env;
  for (const block of tokens) {
    for (const token of block.children ?? []) {
      if (token.type === 'image') {
        token.meta = { problem: problem('LAB_ERR_LESSON_LINK', 'images are not supported; draw a ```diagram', lineOf(block, env)) };
        env.problems.push(token.meta.problem as LessonProblem);
        continue;
      }
      if (token.type !== 'link_open') continue;
      const href = token.attrGet('href') ?? '';
      const broken = (why: string) => {
        env.problems.push(problem('LAB_ERR_LESSON_LINK', `${href}: ${why}`, lineOf(block, env)));
        token.attrSet('class', 'broken-link');
        token.attrSet('data-problem', 'LAB_ERR_LESSON_LINK');
      };
      if (href.startsWith('#')) {
        if (!ids.has(decodeURIComponent(href.slice(1)))) broken('no such section or widget in this lesson');
        continue;
      }
      if (/^https:\/\/[^\s/]+\.[^\s/]+/.test(href)) {
        token.attrSet('rel', 'noopener noreferrer');
        continue;
      }
      const lesson = /^(?:\.\/|\.\.\/(ko|en)\/)?([0-9]{2}-[a-z0-9-]+)\.md(#[^\s]*)?$/.exec(href);
      if (lesson) {
        const lang = (lesson[1] as LessonLang | undefined) ?? ctx.lang;
        const slug = lesson[2]!;
        const hash = lesson[3] ?? '';
        if (!ctx.lessonExists(lang, slug)) broken(`there is no lesson lessons/${lang}/${slug}.md`);
        else if (hash && !(PART_IDS as readonly string[]).includes(hash.slice(1))) broken('link to a part of another lesson (#learn, #idea, #experiment, #code, #check, #teacher)');
        else token.attrSet('href', `/lessons/${lang}/${slug}${hash}`);
        continue;
      }
      if (href.startsWith('/')) {
        const path = href.split(/[?#]/)[0]!;
        const lessonPath = /^\/lessons\/(ko|en)\/([0-9]{2}-[a-z0-9-]+)$/.exec(path);
        const ok = lessonPath ? ctx.lessonExists(lessonPath[1] as LessonLang, lessonPath[2]!)
          : path === '/lessons' || /^\/(feed|api)\//.test(path) || ctx.pageExists(path);
        if (!ok) broken('the lab serves no such page');
        continue;
      }
      broken('use #section, NN-slug.md, /a-lab-page or https://');
    }
  }
}

/** Walk the parts (## headings) and note what each contains. */
function outlineOf(tokens: Token[], env: Env): void {
  let current: PartOutline | undefined;
  const start = (part: PartId | null, title: string, line: number) => {
    current = { part, title, line, diagrams: 0, predictMeasures: [], selfChecks: [], errata: [], includes: [], widgets: [], prose: 0 };
    env.outline.push(current);
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.type === 'heading_open' && token.tag === 'h2') {
      const id = token.attrGet('id');
      start((PART_IDS as readonly string[]).includes(id ?? '') ? id as PartId : null, inlineText(tokens[i + 1]), lineOf(token, env) ?? 0);
      continue;
    }
    if (!current) {
      if (['paragraph_open', 'bullet_list_open', 'fence', 'html_block'].includes(token.type) && token.level === 0) {
        start(null, '(before the first part)', lineOf(token, env) ?? 0);
      } else continue;
    }
    const part = current!;
    if (token.level === 0 && !token.hidden && ['paragraph_open', 'bullet_list_open', 'ordered_list_open', 'table_open'].includes(token.type)) part.prose++;
    if (token.type === 'fence') {
      const info = parseInfo(token.info);
      if (info.kind === 'diagram') part.diagrams++;
      if (info.kind === 'source') part.includes.push(includeRequest(info));
      if (info.kind === 'predict-measure') {
        const parsed = parsePredictMeasure(token.content);
        if (parsed.ok) part.predictMeasures.push(parsed.block);
      }
      if (info.kind === 'self-check') {
        const parsed = parseSelfCheck(token.content);
        if (parsed.ok) part.selfChecks.push(parsed.block);
      }
      if (info.kind === 'errata') {
        const parsed = parseErrata(token.content);
        if (parsed.ok) part.errata.push(parsed.block);
      }
    }
    for (const t of [token, ...(token.children ?? [])]) {
      const safe = t.meta?.safe as ReturnType<typeof sanitizeHtml> | undefined;
      if (safe) part.widgets.push(...safe.widgets);
    }
  }
}

function tocOf(tokens: Token[]): TocEntry[] {
  const toc: TocEntry[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type !== 'heading_open' || (t.tag !== 'h2' && t.tag !== 'h3')) continue;
    const part = t.attrGet('data-part');
    toc.push({
      id: t.attrGet('id') ?? '',
      title: inlineText(tokens[i + 1]),
      level: t.tag === 'h2' ? 2 : 3,
      part: (PART_IDS as readonly string[]).includes(part ?? '') ? part as PartId : null,
    });
  }
  return toc;
}

// ---------------------------------------------------------------------------
// Rendering

function renderHtmlToken(token: Token, block: boolean): string {
  if (token.meta?.isPermalinkSymbol) return escapeHtml(token.content);
  const safe = (token.meta?.safe ?? sanitizeHtml(token.content)) as ReturnType<typeof sanitizeHtml>;
  const flagged = safe.problems.length ? ` <span class="lesson-problem" role="alert" data-code="LAB_ERR_LESSON_HTML">⚠ LAB_ERR_LESSON_HTML: ${escapeHtml(safe.problems[0]!)}</span>` : '';
  return block ? `${safe.html}${flagged}\n` : safe.html + flagged;
}

function renderFence(tokens: Token[], idx: number, _options: unknown, env: Env): string {
  const token = tokens[idx]!;
  const info = parseInfo(token.info);
  const line = lineOf(token, env);
  const fail = (code: LessonProblemCode, detail: string) => {
    const p = problem(code, detail, line);
    env.problems.push(p);
    return blockProblem(p, env.ctx.lang);
  };
  switch (info.kind) {
    case 'diagram': {
      if (token.content.trim() === '') return fail('LAB_ERR_LESSON_BLOCK', 'an empty diagram');
      const caption = info.rest ? `<figcaption>${inline(info.rest, env)}</figcaption>` : '';
      return `<figure class="diagram"><pre>${escapeHtml(token.content.replace(/\n$/, ''))}</pre>${caption}</figure>\n`;
    }
    case 'source':
      return renderSource(info, token, env, fail);
    case 'predict-measure':
      return renderPredictMeasure(token, env, fail);
    case 'self-check':
      return renderSelfCheck(token, env, fail);
    case 'errata':
      return renderErrata(token, env, fail);
    default:
      return highlighted(token.content.replace(/\n$/, ''), info.kind);
  }
}

function highlighted(code: string, language: string): string {
  const lang = language && hljs.getLanguage(language) ? language : undefined;
  const html = lang ? hljs.highlight(code, { language: lang, ignoreIllegals: true }).value : escapeHtml(code);
  return `<pre class="code"><code class="hljs${lang ? ` language-${escapeHtml(lang)}` : ''}">${html}</code></pre>\n`;
}

function includeRequest(info: ReturnType<typeof parseInfo>): IncludeRequest {
  const { lines, region, from, to } = info.options;
  return {
    path: info.words[0] ?? '',
    ...(lines !== undefined && { lines }), ...(region !== undefined && { region }),
    ...(from !== undefined && { from }), ...(to !== undefined && { to }),
  };
}

function renderSource(info: ReturnType<typeof parseInfo>, token: Token, env: Env, fail: (c: LessonProblemCode, d: string) => string): string {
  if (token.content.trim() !== '') {
    return fail('LAB_ERR_LESSON_INCLUDE_NOT_EMPTY', `\`\`\`source ${info.words[0] ?? ''}: leave the block empty; the code is read from the file`);
  }
  const unknown = Object.keys(info.options).filter((k) => !['lines', 'region', 'from', 'to'].includes(k));
  if (unknown.length || info.words.length !== 1) {
    return fail('LAB_ERR_LESSON_INCLUDE_PATH', `write \`\`\`source <path> [lines=A-B | region=name | from="…" to="…"] (got "${info.rest}")`);
  }
  if (++env.includes > env.limits.maxIncludesPerLesson) {
    return fail('LAB_ERR_LESSON_INCLUDE_TOO_LARGE', `more than ${env.limits.maxIncludesPerLesson} source includes in one lesson`);
  }
  const result = readInclude(env.ctx.projectRoot, includeRequest(info), env.limits);
  if (!result.ok) {
    // A missing file is still a dependency: the lesson renders again once it appears.
    if (result.file) env.deps.push({ file: result.file, mtimeMs: -1 });
    return fail(result.problem.code, result.problem.message);
  }
  const { included } = result;
  env.deps.push({ file: included.file, mtimeMs: included.mtimeMs });
  const numbers = Array.from({ length: included.lastLine - included.firstLine + 1 }, (_, i) => included.firstLine + i).join('\n');
  const code = hljs.highlight(included.text, { language: included.language, ignoreIllegals: true }).value;
  const range = `${included.firstLine}–${included.lastLine}`;
  const where = env.ctx.lang === 'ko' ? `${range}${WORDS.ko.lines}` : `${WORDS.en.lines} ${range}`;
  return `<figure class="source" data-source="${escapeHtml(included.path)}" data-lines="${included.firstLine}-${included.lastLine}">` +
    `<figcaption><code>${escapeHtml(included.path)}</code> <span class="source-lines">${where}</span></figcaption>` +
    `<div class="source-body"><pre class="gutter" aria-hidden="true">${numbers}</pre>` +
    `<pre class="code"><code class="hljs language-${included.language}">${code}</code></pre></div></figure>\n`;
}

function renderPredictMeasure(token: Token, env: Env, fail: (c: LessonProblemCode, d: string) => string): string {
  const parsed = parsePredictMeasure(token.content);
  if (!parsed.ok) return fail('LAB_ERR_LESSON_BLOCK', `predict-measure: ${parsed.errors.map((e) => e.message).join('; ')}`);
  const b = parsed.block;
  if (b.for !== undefined) {
    const tag = env.widgetIds.get(b.for);
    const measures = tag ? WIDGETS[tag]?.measures : undefined;
    if (!tag) return fail('LAB_ERR_LESSON_BLOCK', `predict-measure: no widget with id="${b.for}" in this lesson`);
    if (!measures?.includes(b.value!)) {
      return fail('LAB_ERR_LESSON_BLOCK', `predict-measure: <${tag}> measures ${measures?.join(', ') || 'nothing'}, not "${b.value}"`);
    }
  }
  const id = `pm-${++env.predictMeasures}`;
  const source = b.for !== undefined ? ` for="${escapeHtml(b.for)}" value="${escapeHtml(b.value!)}"` : ` stats="${escapeHtml(b.stats!)}"`;
  const explanation = b.explanation ? `<div class="pm-explanation">${inline(b.explanation, env)}</div>` : '';
  return `<predict-measure id="${id}"${source} unit="${escapeHtml(b.unit)}" data-unit-label="${escapeHtml(unitLabel(b.unit))}">` +
    `<p class="pm-question">${inline(b.question, env)}</p>${explanation}</predict-measure>\n`;
}

function renderSelfCheck(token: Token, env: Env, fail: (c: LessonProblemCode, d: string) => string): string {
  const parsed = parseSelfCheck(token.content);
  if (!parsed.ok) {
    return fail('LAB_ERR_LESSON_BLOCK', `self-check: ${parsed.errors.map((e) => `line ${e.line}: ${e.message}`).join('; ')}`);
  }
  const items = parsed.block.questions.map((q, i) => {
    const n = i + 1;
    const text = `<p class="sc-text">${inline(q.text, env)}</p>`;
    const explanation = `<div class="sc-explanation">${inline(q.explanation, env)}</div>`;
    if (q.kind === 'computed') {
      return `<li class="sc-question" data-q="${n}" data-kind="computed" data-compute="${escapeHtml(q.fn)}" data-args="${escapeHtml(JSON.stringify(q.args))}">${text}${explanation}</li>`;
    }
    const answer = q.options.findIndex((o) => o.correct) + 1;
    const options = q.options.map((o, j) => `<li data-option="${j + 1}">${inline(o.text, env)}</li>`).join('');
    return `<li class="sc-question" data-q="${n}" data-kind="choice" data-answer="${answer}">${text}<ol class="sc-options" type="a">${options}</ol>${explanation}</li>`;
  }).join('');
  return `<self-check><ol class="sc-questions">${items}</ol></self-check>\n`;
}

function renderErrata(token: Token, env: Env, fail: (c: LessonProblemCode, d: string) => string): string {
  const parsed = parseErrata(token.content);
  if (!parsed.ok) return fail('LAB_ERR_LESSON_BLOCK', `errata: ${parsed.errors.map((e) => (e.line ? `line ${e.line}: ${e.message}` : e.message)).join('; ')}`);
  const w = WORDS[env.ctx.lang];
  const b = parsed.block;
  return `<aside class="errata" data-errata><p class="errata-title">${escapeHtml(w.errata)}</p><dl>` +
    `<dt>${escapeHtml(w.noteSays)}</dt><dd class="errata-note">${inline(b.note, env)}</dd>` +
    `<dt>${escapeHtml(w.wireShows)}</dt><dd><pre class="errata-wire">${escapeHtml(b.wire.join('\n'))}</pre></dd></dl>` +
    `<p class="errata-why">${inline(b.explanation, env)}</p></aside>\n`;
}

/** Inline Markdown inside a block (a question, an option, a caption), checked like the rest. */
function inline(text: string, env: Env): string {
  const tokens = md.parseInline(text, env);
  checkHtml(tokens, env);
  checkLinks(tokens, env);
  return md.renderer.render(tokens, md.options, env);
}

function blockProblem(p: LessonProblem, lang: LessonLang): string {
  return `<div class="lesson-problem" role="alert" data-code="${p.code}"><strong>${escapeHtml(WORDS[lang].problem)}</strong> ` +
    `<code>${p.code}</code>${p.line ? ` (line ${p.line})` : ''}: ${escapeHtml(p.message)}</div>\n`;
}

function inlineProblem(p: LessonProblem, _lang: LessonLang): string {
  return `<span class="lesson-problem" role="alert" data-code="${p.code}">⚠ ${p.code}: ${escapeHtml(p.message)}</span>`;
}

// ---------------------------------------------------------------------------

function inlineText(token: Token | undefined): string {
  return (token?.children ?? [])
    .filter((c) => (c.type === 'text' || c.type === 'code_inline') && !c.meta?.isPermalinkSymbol)
    .map((c) => c.content).join('').trim();
}

/** The 1-based line in the lesson file where a block token starts. */
function lineOf(token: Token, env: Env): number | undefined {
  return token.map ? token.map[0] + env.lineOffset + 1 : undefined;
}
