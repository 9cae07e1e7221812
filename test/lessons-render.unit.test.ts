/**
 * The lesson renderer on small made-up lessons in a temporary project: source
 * includes (the allowlist, `..`, symlinks, missing files, ranges, regions,
 * anchors), the HTML allowlist, links, the predict-measure and self-check
 * blocks, the parts, and the cache that re-renders when a file changes.
 * Each problem has a stable code and is shown where it happened.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderLesson, slugify, type RenderContext } from '../src/lessons/render.ts';
import { parseFrontMatter } from '../src/lessons/front-matter.ts';
import { readInclude } from '../src/lessons/source.ts';
import { sanitizeHtml } from '../src/lessons/html.ts';
import { parseErrata, parsePredictMeasure, parseSelfCheck } from '../src/lessons/blocks.ts';
import { parseInfo } from '../src/lessons/info.ts';
import { LessonCatalog } from '../src/lessons/catalog.ts';
import { LESSON_LIMITS } from '../src/lessons/limits.ts';
import { PART_TITLES, type LessonLang } from '../src/lessons/parts.ts';

let root: string;

const POLL_TS = [
  '/** A made-up transport. */',
  'export function pollTransport(): number {',
  '  const answer = 42;',
  '  // #region inner',
  '  return answer;',
  '  // #endregion',
  '}',
  '',
  'export const after = 1;',
].join('\n');

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'lessons-render-'));
  mkdirSync(join(root, 'src/transports'), { recursive: true });
  mkdirSync(join(root, 'web/src'), { recursive: true });
  mkdirSync(join(root, 'test'), { recursive: true });
  mkdirSync(join(root, 'lessons/en'), { recursive: true });
  mkdirSync(join(root, 'lessons/ko'), { recursive: true });
  writeFileSync(join(root, 'src/transports/poll.ts'), POLL_TS);
  writeFileSync(join(root, 'web/src/page.ts'), 'export const page = "<b>&</b>";\n');
  writeFileSync(join(root, 'test/secret.ts'), 'export const secret = 1;\n');
  writeFileSync(join(root, 'package.json'), '{}\n');
  writeFileSync(join(root, 'src/big.ts'), `// ${'x'.repeat(LESSON_LIMITS.maxIncludeBytes)}\n`);
  writeFileSync(join(root, 'outside.ts'), 'export const outside = 1;\n');
  symlinkSync(join(root, 'outside.ts'), join(root, 'src/link.ts'));
  writeFileSync(join(root, 'web/chat.html'), '<!doctype html>\n');
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

const ctx = (lang: LessonLang = 'en'): RenderContext => ({
  lang, slug: '03-test', projectRoot: root,
  lessonExists: (l, s) => s === '04-next' && (l === 'en' || l === 'ko'),
  pageExists: (p) => p === '/' || p === '/chat.html',
});

const FRONT = '---\nlesson: 3\ntitle: A test\nsummary: For the renderer.\n---\n';

/** A complete lesson, with `extra` added to the experiment part. */
function lesson(extra = '', lang: LessonLang = 'en'): string {
  const h = (id: keyof typeof PART_TITLES) => `## ${PART_TITLES[id][lang]}`;
  return `${FRONT}
${h('learn')}

- one thing

${h('idea')}

Some prose.

\`\`\`diagram A caption
a ──► b
\`\`\`

${h('experiment')}

<lane-run id="run" lane="poll"></lane-run>

\`\`\`predict-measure
for: run
value: latencyMeanMs
unit: ms
? How late?
> Half the interval.
\`\`\`
${extra}

${h('code')}

\`\`\`source src/transports/poll.ts
\`\`\`

${h('check')}

\`\`\`self-check
? First?
- [x] yes
- [ ] no
> Because.

? Second?
= labOption sseRetryMs
> The retry field.
\`\`\`

${h('teacher')}

Run it on the projector.
`;
}

const codes = (source: string, lang: LessonLang = 'en') => renderLesson(source, ctx(lang)).problems.map((p) => p.code);

describe('a complete lesson', () => {
  it('renders with no problem, in both languages', () => {
    expect(codes(lesson())).toEqual([]);
    expect(codes(lesson('', 'ko'), 'ko')).toEqual([]);
  });

  it('gives part headings their stable ids in both languages, and slugs to the rest', () => {
    for (const lang of ['en', 'ko'] as const) {
      const { html, toc } = renderLesson(lesson('\n### Sub part 한글\n', lang), ctx(lang));
      expect(toc.filter((t) => t.level === 2).map((t) => t.id)).toEqual(['learn', 'idea', 'experiment', 'code', 'check', 'teacher']);
      expect(toc.find((t) => t.level === 3)).toEqual({ id: 'sub-part-한글', title: 'Sub part 한글', level: 3, part: 'experiment' });
      expect(html).toContain('<h2 id="experiment" data-part="experiment">');
    }
    expect(slugify('Two costs: you can predict!')).toBe('two-costs-you-can-predict');
  });

  it('renders the blocks as the elements the page defines', () => {
    const { html } = renderLesson(lesson(), ctx());
    expect(html).toContain('<predict-measure id="pm-1" for="run" value="latencyMeanMs" unit="ms"');
    expect(html).toContain('<self-check><ol class="sc-questions"><li class="sc-question" data-q="1" data-kind="choice" data-answer="1">');
    expect(html).toContain('data-kind="computed" data-compute="labOption" data-args="[&quot;sseRetryMs&quot;]"');
    expect(html).toContain('<figure class="diagram"><pre>a ──► b</pre><figcaption>A caption</figcaption></figure>');
    expect(html).toContain('<lane-run id="run" lane="poll"></lane-run>');
    expect(html).not.toContain('<p><lane-run'); // a widget alone on its line is not wrapped in a paragraph
  });
});

describe('the structure', () => {
  it('reports a missing part, an extra ## heading, a part out of order, a # heading', () => {
    const missing = lesson().replace(/## Teacher notes\n\nRun it on the projector.\n/, '');
    expect(renderLesson(missing, ctx()).problems).toContainEqual(expect.objectContaining({ code: 'LAB_ERR_LESSON_STRUCTURE', message: 'missing part "## Teacher notes"' }));
    expect(codes(lesson('\n## Extra\n\ntext\n'))).toContain('LAB_ERR_LESSON_STRUCTURE');
    const swapped = lesson().replace('## What you will learn', '## TEMP').replace('## The idea', '## What you will learn').replace('## TEMP', '## The idea');
    expect(renderLesson(swapped, ctx()).problems.map((p) => p.message)).toContain('parts out of order: idea, learn, experiment, code, check, teacher (expected learn, idea, experiment, code, check, teacher)');
    expect(codes(lesson().replace('# What you will learn', '# What you will learn\n\n# Title'))).toContain('LAB_ERR_LESSON_BLOCK');
  });

  it('reports an idea without a diagram and an experiment without a guess', () => {
    const noDiagram = lesson().replace(/```diagram[\s\S]*?```\n/, '');
    expect(renderLesson(noDiagram, ctx()).problems.map((p) => p.message)).toContain('"idea" has no ```diagram');
    const noGuess = lesson().replace(/```predict-measure[\s\S]*?```\n/, '');
    expect(renderLesson(noGuess, ctx()).problems.map((p) => p.message)).toContain('"experiment" has no ```predict-measure block');
  });
});

describe('front matter', () => {
  it('reads lesson, title, summary and minutes', () => {
    expect(parseFrontMatter(`${FRONT.replace('---\n', '---\nminutes: 20\n')}body`).meta).toEqual({ lesson: 3, title: 'A test', summary: 'For the renderer.', minutes: 20 });
  });

  it.each([
    ['no front matter', '# hello\n'],
    ['no closing line', '---\nlesson: 3\n'],
    ['an unknown key', '---\nlesson: 3\ntitle: t\nsummary: s\nauthor: me\n---\n'],
    ['a lesson number that is not one', '---\nlesson: three\ntitle: t\nsummary: s\n---\n'],
    ['no summary', '---\nlesson: 3\ntitle: t\n---\n'],
  ])('refuses %s with LAB_ERR_LESSON_FRONT_MATTER', (_, source) => {
    const parsed = parseFrontMatter(source);
    expect(parsed.meta).toBeUndefined();
    expect(parsed.problems[0]?.code).toBe('LAB_ERR_LESSON_FRONT_MATTER');
  });
});

describe('source includes: the allowlist', () => {
  it.each([
    ['..', '../outside.ts'],
    ['.. in the middle', 'src/../package.json'],
    ['an absolute path', '/etc/passwd'],
    ['a folder outside src/ and web/src/', 'test/secret.ts'],
    ['a file at the root', 'package.json'],
    ['an unknown file type', 'src/transports/poll.md'],
    ['a URL', 'https://example.com/x.ts'],
    ['a symlink that leads out of src/', 'src/link.ts'],
    ['a backslash path', 'src\\transports\\poll.ts'],
  ])('refuses %s (%s) with LAB_ERR_LESSON_INCLUDE_PATH', (_, path) => {
    const result = readInclude(root, { path });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem.code).toBe('LAB_ERR_LESSON_INCLUDE_PATH');
  });

  it('reports a file that does not exist with LAB_ERR_LESSON_INCLUDE_MISSING', () => {
    const result = readInclude(root, { path: 'src/transports/nope.ts' });
    expect(!result.ok && result.problem.code).toBe('LAB_ERR_LESSON_INCLUDE_MISSING');
  });

  it('refuses a file over the size limit with LAB_ERR_LESSON_INCLUDE_TOO_LARGE', () => {
    const result = readInclude(root, { path: 'src/big.ts' });
    expect(!result.ok && result.problem.code).toBe('LAB_ERR_LESSON_INCLUDE_TOO_LARGE');
  });

  it('shows the problem on the page, where the code would have been', () => {
    const { html, problems } = renderLesson(lesson('\n```source ../outside.ts\n```\n'), ctx());
    expect(problems.map((p) => p.code)).toEqual(['LAB_ERR_LESSON_INCLUDE_PATH']);
    expect(problems[0]!.line).toBeGreaterThan(20);
    expect(html).toMatch(/<div class="lesson-problem" role="alert" data-code="LAB_ERR_LESSON_INCLUDE_PATH">/);
    expect(html).not.toContain('outside = 1');
  });

  it('refuses an include with a body: code is read from the file, never pasted', () => {
    expect(codes(lesson('\n```source src/transports/poll.ts\nexport function pollTransport(): number {\n```\n'))).toEqual(['LAB_ERR_LESSON_INCLUDE_NOT_EMPTY']);
  });
});

describe('source includes: which lines', () => {
  const text = (request: Parameters<typeof readInclude>[1]) => {
    const result = readInclude(root, request);
    if (!result.ok) throw new Error(result.problem.message);
    return { text: result.included.text, first: result.included.firstLine, last: result.included.lastLine };
  };

  it('takes the whole file by default', () => {
    expect(text({ path: 'src/transports/poll.ts' })).toEqual({ text: POLL_TS, first: 1, last: 9 });
  });

  it('takes lines=A-B and lines=A-', () => {
    expect(text({ path: 'src/transports/poll.ts', lines: '2-3' })).toEqual({ text: 'export function pollTransport(): number {\n  const answer = 42;', first: 2, last: 3 });
    expect(text({ path: 'src/transports/poll.ts', lines: '9-' }).text).toBe('export const after = 1;');
  });

  it('takes from the first line containing `from` to the next line starting with `to`', () => {
    expect(text({ path: 'src/transports/poll.ts', from: 'export function pollTransport', to: '}' })).toMatchObject({ first: 2, last: 7 });
  });

  it('takes a region without its marker lines', () => {
    expect(text({ path: 'src/transports/poll.ts', region: 'inner' })).toEqual({ text: '  return answer;', first: 5, last: 5 });
  });

  it.each([
    ['lines past the end', { lines: '5-99' }],
    ['lines backwards', { lines: '5-2' }],
    ['lines in another form', { lines: 'L5' }],
    ['an anchor that is not there', { from: 'export function gone' }],
    ['an end that is not there', { from: 'export function pollTransport', to: 'never' }],
    ['a region that is not there', { region: 'outer' }],
    ['two ways at once', { lines: '1-2', region: 'inner' }],
    ['to= without from=', { to: '}' }],
  ])('reports %s with LAB_ERR_LESSON_INCLUDE_RANGE', (_, options) => {
    const result = readInclude(root, { path: 'src/transports/poll.ts', ...options });
    expect(!result.ok && result.problem.code).toBe('LAB_ERR_LESSON_INCLUDE_RANGE');
  });

  it('renders the current text with line numbers and highlighting, escaped', () => {
    const { html } = renderLesson(lesson('\n```source web/src/page.ts\n```\n'), ctx());
    expect(html).toContain('data-source="web/src/page.ts" data-lines="1-1"');
    expect(html).toContain('&lt;b&gt;&amp;&lt;/b&gt;');
    expect(html).not.toContain('<b>&</b>');
  });

  it('reads info strings with quoted values', () => {
    expect(parseInfo('source a.ts from="export function x" to="}"')).toEqual({
      kind: 'source', words: ['a.ts'], options: { from: 'export function x', to: '}' }, rest: 'a.ts from="export function x" to="}"',
    });
  });
});

describe('raw HTML: widgets and a few tags, nothing else', () => {
  it('escapes a script and reports it', () => {
    const safe = sanitizeHtml('<script>alert(1)</script>');
    expect(safe.html).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(safe.problems.length).toBeGreaterThan(0);
  });

  it('drops event handlers and styles from a widget, and reports them', () => {
    const safe = sanitizeHtml('<lane-run lane="poll" onclick="alert(1)" style="x"></lane-run>');
    expect(safe.html).toBe('<lane-run lane="poll"></lane-run>');
    expect(safe.problems).toHaveLength(2);
  });

  it('checks attribute names and values per widget', () => {
    expect(sanitizeHtml('<lane-run lane="carrier-pigeon"></lane-run>').problems).toEqual(['<lane-run lane="carrier-pigeon">: not a valid value']);
    expect(sanitizeHtml('<lane-run secounds="10"></lane-run>').problems[0]).toMatch(/has no attribute "secounds"/);
    expect(sanitizeHtml('<chat-client base="http://evil.example"></chat-client>').problems[0]).toMatch(/has no attribute "base"/);
  });

  it('escapes attribute values and closes a self-closed widget', () => {
    expect(sanitizeHtml('<chat-client nick="a&quot;b" transport="ws" />').html).toBe('<chat-client nick="a&quot;b" transport="ws"></chat-client>');
  });

  it('lets <kbd>, <details>, <summary> through, drops comments', () => {
    expect(sanitizeHtml('<kbd>').html).toBe('<kbd>');
    expect(sanitizeHtml('<details open>\n<summary>More</summary>\n<!-- a note -->').html).toBe('<details open>\n<summary>More</summary>\n');
    expect(sanitizeHtml('<details open>\n<summary>More</summary>').problems).toEqual([]);
  });

  it('reports markup in a lesson as LAB_ERR_LESSON_HTML and shows it as text', () => {
    const { html, problems } = renderLesson(lesson('\nSome <b>bold</b> and <img src=x onerror=alert(1)>.\n'), ctx());
    expect(problems.map((p) => p.code)).toEqual(['LAB_ERR_LESSON_HTML', 'LAB_ERR_LESSON_HTML', 'LAB_ERR_LESSON_HTML']);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toMatch(/<img|<b>/);
  });

  it('reports a widget that is not known, and two elements with one id', () => {
    expect(codes(lesson('\n<magic-box></magic-box>\n'))).toEqual(['LAB_ERR_LESSON_HTML', 'LAB_ERR_LESSON_HTML']);
    expect(codes(lesson('\n<lane-run id="run" lane="ws"></lane-run>\n'))).toEqual(['LAB_ERR_LESSON_HTML']);
  });
});

describe('links', () => {
  const rendered = (markdown: string) => renderLesson(lesson(`\n${markdown}\n`), ctx());

  it('rewrites a link to another lesson, in this language or the other', () => {
    expect(rendered('[next](04-next.md) and [다음](../ko/04-next.md#idea)').html)
      .toContain('<a href="/lessons/en/04-next">next</a> and <a href="/lessons/ko/04-next#idea">다음</a>');
  });

  it('keeps links to sections, widgets, lab pages and https', () => {
    const { problems } = rendered('[a](#idea) [b](#run) [c](/chat.html) [d](/api/stats) [e](https://www.rfc-editor.org/rfc/rfc6455)');
    expect(problems).toEqual([]);
  });

  it.each([
    ['a section that does not exist', '[a](#nowhere)'],
    ['a lesson that does not exist', '[a](09-missing.md)'],
    ['a part that is not a part', '[a](04-next.md#some-heading)'],
    ['a page the lab does not serve', '[a](/nowhere.html)'],
    ['a relative file', '[a](../README.md)'],
    ['plain http', '[a](http://example.com)'],
  ])('reports %s with LAB_ERR_LESSON_LINK and marks the link', (_, markdown) => {
    const { html, problems } = rendered(markdown);
    expect(problems.map((p) => p.code)).toEqual(['LAB_ERR_LESSON_LINK']);
    expect(html).toContain('class="broken-link"');
  });

  it('never makes a javascript: link', () => {
    expect(rendered('[x](javascript:alert(1))').html).not.toContain('href="javascript:');
  });
});

describe('predict-measure blocks', () => {
  it('reads a widget measure or a stats path', () => {
    expect(parsePredictMeasure('for: run\nvalue: requests\nunit: count\n? How many?\nmore of the question\n> Because.'))
      .toEqual({ ok: true, block: { for: 'run', value: 'requests', unit: 'count', question: 'How many? more of the question', explanation: 'Because.' } });
    expect(parsePredictMeasure('stats: lanes.sse.held\nunit: count\n? How many?')).toMatchObject({ ok: true, block: { stats: 'lanes.sse.held' } });
  });

  it.each([
    ['no question', 'for: run\nvalue: requests\nunit: count'],
    ['an unknown unit', 'for: run\nvalue: requests\nunit: furlongs\n? q'],
    ['nothing to measure', 'unit: ms\n? q'],
    ['both a widget and stats', 'for: run\nvalue: requests\nstats: feed.head\nunit: count\n? q'],
    ['a stats path outside the snapshot', 'stats: process.pid\nunit: count\n? q'],
    ['an unknown field', 'for: run\nvalue: requests\nunit: count\ncolour: red\n? q'],
  ])('refuses %s', (_, body) => {
    expect(parsePredictMeasure(body).ok).toBe(false);
  });

  it('reports a block that names a widget not in the lesson, or a measure the widget does not have', () => {
    const other = lesson().replace('for: run\nvalue: latencyMeanMs', 'for: nowhere\nvalue: latencyMeanMs');
    expect(codes(other)).toContain('LAB_ERR_LESSON_BLOCK');
    const wrong = lesson().replace('value: latencyMeanMs', 'value: happiness');
    expect(renderLesson(wrong, ctx()).problems.map((p) => p.message).join()).toMatch(/<lane-run> measures .* not "happiness"/);
  });
});

describe('self-check blocks', () => {
  it('reads choices, computed answers and explanations', () => {
    const parsed = parseSelfCheck('? One?\n- [ ] a\n- [x] b\n> Why.\n\n? Two?\n= websocketAccept dGhlIHNhbXBsZSBub25jZQ==\n> SHA-1.');
    expect(parsed).toEqual({
      ok: true,
      block: {
        questions: [
          { kind: 'choice', text: 'One?', options: [{ text: 'a', correct: false }, { text: 'b', correct: true }], explanation: 'Why.' },
          { kind: 'computed', text: 'Two?', fn: 'websocketAccept', args: ['dGhlIHNhbXBsZSBub25jZQ=='], explanation: 'SHA-1.' },
        ],
      },
    });
  });

  it.each([
    ['a question without an explanation', '? One?\n- [ ] a\n- [x] b\n\n? Two?\n- [x] a\n- [ ] b\n> Why.'],
    ['no option marked right', '? One?\n- [ ] a\n- [ ] b\n> Why.\n\n? Two?\n- [x] a\n- [ ] b\n> Why.'],
    ['two options marked right', '? One?\n- [x] a\n- [x] b\n> Why.\n\n? Two?\n- [x] a\n- [ ] b\n> Why.'],
    ['a single question', '? One?\n- [ ] a\n- [x] b\n> Why.'],
    ['an unknown answer function', '? One?\n= magic 42\n> Why.\n\n? Two?\n- [x] a\n- [ ] b\n> Why.'],
    ['a typed key that is not a key', '? One?\n= websocketAccept hello\n> Why.\n\n? Two?\n- [x] a\n- [ ] b\n> Why.'],
    ['an option before any question', '- [x] a\n? One?\n- [x] a\n- [ ] b\n> Why.\n\n? Two?\n- [x] a\n- [ ] b\n> Why.'],
  ])('refuses %s', (_, body) => {
    expect(parseSelfCheck(body).ok).toBe(false);
  });

  it('reports a broken self-check where it is, with LAB_ERR_LESSON_BLOCK', () => {
    const broken = lesson().replace('- [x] yes', '- [ ] yes');
    const { html, problems } = renderLesson(broken, ctx());
    expect(problems.map((p) => p.code)).toContain('LAB_ERR_LESSON_BLOCK');
    expect(html).toContain('data-code="LAB_ERR_LESSON_BLOCK"');
  });

  it('reports an inline {=…} that cannot be computed', () => {
    expect(codes(lesson('\nThe retry is {=labOption noSuchOption}.\n'))).toEqual(['LAB_ERR_LESSON_BLOCK']);
    expect(renderLesson(lesson('\nThe retry is {=labOption sseRetryMs}.\n'), ctx()).html)
      .toContain('<output class="computed" data-compute="labOption" data-args="[&quot;sseRetryMs&quot;]">');
  });
});

describe('errata blocks: a seed note beside what the wire shows', () => {
  const ERRATUM = '```errata\nnote: *공백문자로 구분되며*\nwire: Sec-WebSocket-Protocol: chat, superchat\nwire:   HTTP/1.1 101 <ok>\n> Commas (RFC 6455 §11.3.4), [lesson 4](04-next.md).\n```';

  it('reads the note, the wire lines as written and the explanation', () => {
    expect(parseErrata('note: says X\n  and more\nwire: a  b\nwire: c\n> Y,\n  because.')).toEqual({
      ok: true, block: { note: 'says X and more', wire: ['a  b', 'c'], explanation: 'Y, because.' },
    });
  });

  it.each([
    ['no note', 'wire: a\n> Why.'],
    ['no wire line', 'note: X\n> Why.'],
    ['no explanation', 'note: X\nwire: a'],
    ['two notes', 'note: X\nnote: Y\nwire: a\n> Why.'],
    ['a stray line', 'hello\nnote: X\nwire: a\n> Why.'],
  ])('refuses %s', (_, body) => {
    expect(parseErrata(body).ok).toBe(false);
  });

  it('renders as an aside in the lesson\'s language, the wire escaped and kept as written, and counts in the outline', () => {
    for (const lang of ['en', 'ko'] as const) {
      const { html, problems, outline } = renderLesson(lesson(`\n${ERRATUM}\n`, lang), ctx(lang));
      expect(problems).toEqual([]);
      expect(html).toContain(lang === 'ko' ? '<p class="errata-title">시드 노트 바로잡기</p>' : '<p class="errata-title">Correcting the seed notes</p>');
      expect(html).toContain('<pre class="errata-wire">Sec-WebSocket-Protocol: chat, superchat\n  HTTP/1.1 101 &lt;ok&gt;</pre>');
      expect(html).toContain(`<dd class="errata-note"><em>공백문자로 구분되며</em></dd>`);
      expect(html).toContain(`href="/lessons/${lang}/04-next"`);
      expect(outline.find((p) => p.part === 'experiment')!.errata).toHaveLength(1);
    }
  });

  it('reports a broken erratum where it is, with LAB_ERR_LESSON_BLOCK', () => {
    const { html, problems } = renderLesson(lesson('\n```errata\nnote: X\n```\n'), ctx());
    expect(problems.map((p) => p.code)).toEqual(['LAB_ERR_LESSON_BLOCK']);
    expect(html).toContain('data-code="LAB_ERR_LESSON_BLOCK"');
  });
});

describe('the catalog: index, neighbours, and a cache that follows the files', () => {
  const write = (lang: LessonLang, slug: string, text: string, mtime?: number) => {
    const file = join(root, 'lessons', lang, `${slug}.md`);
    writeFileSync(file, text);
    if (mtime !== undefined) utimesSync(file, mtime, mtime);
  };

  it('lists lessons by number with their parts, and links each to its neighbours and its translation', () => {
    write('en', '03-test', lesson());
    write('en', '04-next', lesson().replace('lesson: 3', 'lesson: 4').replace('title: A test', 'title: Next'));
    write('ko', '03-test', lesson('', 'ko'));
    const catalog = new LessonCatalog({ lessonsDir: join(root, 'lessons'), projectRoot: root, webDir: join(root, 'web') });
    const list = catalog.list();
    expect(list.en.map((e) => [e.lesson, e.slug, e.title])).toEqual([[3, '03-test', 'A test'], [4, '04-next', 'Next']]);
    expect(list.en[0]!.parts).toEqual(['learn', 'idea', 'experiment', 'code', 'check', 'teacher']);
    const page = catalog.page('en', '03-test')!;
    expect(page).toMatchObject({ lesson: 3, prev: null, next: { slug: '04-next', lesson: 4 }, other: { lang: 'ko', slug: '03-test' } });
    expect(catalog.page('en', '04-next')!.other).toBeNull();
    expect(catalog.page('en', '99-none')).toBeUndefined();
    expect(catalog.page('en', '../03-test')).toBeUndefined();
  });

  it('renders again when the lesson changes, and when a file it shows changes, and not otherwise', () => {
    write('en', '03-test', lesson(), 1_000_000);
    const catalog = new LessonCatalog({ lessonsDir: join(root, 'lessons'), projectRoot: root, webDir: join(root, 'web') });
    const first = catalog.render('en', '03-test')!;
    expect(catalog.render('en', '03-test')).toBe(first); // cached

    write('en', '03-test', lesson('\nAn added line.\n'), 1_000_100);
    const second = catalog.render('en', '03-test')!;
    expect(second).not.toBe(first);
    expect(second.html).toContain('An added line.');

    const source = join(root, 'src/transports/poll.ts');
    writeFileSync(source, `${POLL_TS}\nexport const changed = 2;`);
    utimesSync(source, 2_000_000, 2_000_000);
    const third = catalog.render('en', '03-test')!;
    expect(third).not.toBe(second);
    expect(third.html).toContain('changed');
    writeFileSync(source, POLL_TS);
  });
});
