/**
 * The teacher's kit: for every lesson, in Korean and English, a printable A4
 * document built from the lesson itself, so it cannot drift from what the page
 * teaches:
 *
 *   1. the student sheet (one page): the lesson's predictions with a box for the
 *      guess and one for the measurement, and its self-check;
 *   2. the answer key: each prediction with the range the lab measured
 *      (lessons/kit/ranges.json, from real runs of the lesson's widgets in
 *      Chromium) and the lesson's explanation; each self-check answer, computed
 *      answers computed with the lab's own code (src/lessons/answers.ts);
 *   3. a 45-minute plan: the lesson's goals, a timeline around its own 10-minute
 *      demo (the teacher notes' steps), and the notes' "things to know".
 *
 * Plus a ko↔en glossary (lessons/kit/glossary.md), with the lessons each term
 * appears in found in the lesson files.
 *
 *   GET /lessons/kit                       the index
 *   GET /lessons/kit/:slug?lang=ko         one lesson's kit (part=sheet|key|plan: one section)
 *   GET /lessons/kit/glossary?lang=ko      the glossary
 *
 * Pages are plain HTML with their own print CSS (@page A4): no script, so what
 * prints is exactly what the server wrote.
 */
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { computeAnswer, formatAnswer } from './answers.ts';
import { LANG_NAMES, LESSON_LANGS, type LessonLang } from './parts.ts';
import { unitLabel } from './units.ts';
import type { LessonCatalog, LessonPage } from './catalog.ts';

export const KIT_PARTS = ['sheet', 'key', 'plan'] as const;
export type KitPart = (typeof KIT_PARTS)[number];

/** Pages each part may take when printed on A4 (checked by test/lessons-kit.browser.test.ts). */
export const KIT_PAGE_LIMITS: Record<KitPart, number> = { sheet: 1, key: 3, plan: 2 };

/**
 * What lessons/kit/ranges.json holds: per lesson, `widgetId.measure` → [min, max] over the
 * runs, or why it could not be measured (the key then says it is read when run).
 */
export interface KitRanges {
  measured: { date: string; browser: string; machine: string; runs: number; feedRate: number; how: string };
  lessons: Record<string, Record<string, [number, number] | { unmeasured: string }>>;
}

interface Prediction { id: string; source: string | null; unit: string; unitLabel: string; question: string; explanation: string }
interface SelfCheckItem { n: number; kind: 'choice' | 'computed'; text: string; options: string[]; answer: number; compute?: string; args?: string[]; value?: string; explanation: string }

const WORDS = {
  en: {
    kit: "Teacher's kit", sheet: 'Student sheet', key: 'Answer key', plan: '45-minute plan', glossary: 'Glossary (한국어 ↔ English)',
    name: 'Name', date: 'Date', predict: 'Predict, then measure', guess: 'My guess', measured: 'Measured', ratio: 'guess ÷ measured',
    selfCheck: 'Self-check', answer: 'Answer', expected: 'Expected on the lab', why: 'Why', noRange: 'read from the lab when run',
    runs: (n: number) => `${n} runs`, rangesFrom: (m: KitRanges['measured']) => `Ranges: ${m.runs} runs of each experiment in ${m.browser} on ${m.machine}, feed at ${m.feedRate} messages/s (${m.date}). ${m.how}`,
    goals: 'Goals', timeline: 'Timeline', before: 'Before class', demo: 'The 10-minute demo (from the lesson\'s teacher notes)',
    steps: (title: string) => [
      [5, `Hook: ask the first question of the demo below; write the class's answers on the board. Hand out the student sheet.`],
      [10, `The idea: draw the lesson's diagram${title ? ` (${title})` : ''} and go through its sections.`],
      [5, 'Predictions: everyone writes a guess in each box of part 1 of the sheet, alone, without discussing.'],
      [10, 'The demo (steps below) on the projector: run the experiments; students copy each measurement and compute guess ÷ measured.'],
      [10, 'Self-check: students answer part 2 alone, then in pairs; go through the key and the surprises.'],
      [5, 'Exit: each student writes one sentence: which prediction was furthest off, and why.'],
    ] as [number, string][],
    lesson: 'Lesson', lessons: 'lessons', index: 'Kits for every lesson', otherLang: '한국어', print: 'Print (A4)', appearsIn: 'in lessons',
    min: 'min',
  },
  ko: {
    kit: '교사용 키트', sheet: '학생 활동지', key: '정답과 해설', plan: '45분 수업 계획', glossary: '용어집 (한국어 ↔ English)',
    name: '이름', date: '날짜', predict: '예측하고 측정하기', guess: '내 예측', measured: '측정값', ratio: '예측 ÷ 측정',
    selfCheck: '스스로 점검', answer: '답', expected: '랩에서 예상되는 범위', why: '이유', noRange: '실행할 때 랩에서 읽음',
    runs: (n: number) => `${n}회 실행`, rangesFrom: (m: KitRanges['measured']) => `범위: 실험마다 ${m.runs}회 실행, ${m.browser}, ${m.machine}, 피드 초당 메시지 ${m.feedRate}개 (${m.date}). ${m.how}`,
    goals: '목표', timeline: '시간표', before: '수업 전에', demo: '10분 시연 (레슨의 교사용 노트에서)',
    steps: (title: string) => [
      [5, '도입: 아래 시연의 첫 질문을 던지고 학생들의 답을 칠판에 적습니다. 학생 활동지를 나눠 줍니다.'],
      [10, `핵심 아이디어: 레슨의 다이어그램${title ? `(${title})` : ''}을 그리고 각 절을 설명합니다.`],
      [5, '예측: 모두가 활동지 1부의 칸마다 혼자, 의논하지 않고 예측을 적습니다.'],
      [10, '시연(아래 단계)을 프로젝터로 진행합니다. 실험을 실행하고, 학생들은 측정값을 옮겨 적고 예측 ÷ 측정을 계산합니다.'],
      [10, '스스로 점검: 학생들이 2부를 혼자 풀고, 짝과 비교합니다. 정답과 해설로 함께 확인하고 놀라운 점을 이야기합니다.'],
      [5, '마무리: 학생마다 한 문장을 씁니다. 어느 예측이 가장 빗나갔고, 왜 그랬는지.'],
    ] as [number, string][],
    lesson: '레슨', lessons: '레슨', index: '모든 레슨의 키트', otherLang: 'English', print: '인쇄 (A4)', appearsIn: '나오는 레슨',
    min: '분',
  },
} as const;

export class Kit {
  constructor(private readonly catalog: LessonCatalog, private readonly kitDir: string, private readonly lessonsDir: string) {}

  ranges(): KitRanges | undefined {
    const file = join(this.kitDir, 'ranges.json');
    return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as KitRanges : undefined;
  }

  /** One lesson's kit as a whole HTML document, or undefined when there is no such lesson. */
  async page(lang: LessonLang, slug: string, part?: KitPart): Promise<string | undefined> {
    const lesson = this.catalog.page(lang, slug);
    if (!lesson) return undefined;
    const w = WORDS[lang];
    const html = await fillComputed(lesson.html);
    const predictions = predictionsOf(html);
    const questions = selfCheckOf(html);
    for (const q of questions) {
      if (q.kind === 'computed') q.value = formatAnswer(await computeAnswer(q.compute!, q.args!));
    }
    const ranges = this.ranges();
    const sections: Record<KitPart, () => Promise<string>> = {
      sheet: async () => sheet(lang, lesson, predictions, questions),
      key: async () => key(lang, lesson, predictions, questions, ranges),
      plan: async () => plan(lang, lesson, html),
    };
    const parts = part ? [part] : [...KIT_PARTS];
    const body = (await Promise.all(parts.map((p) => sections[p]()))).join('\n');
    const other = lang === 'ko' ? 'en' : 'ko';
    const nav = `<nav class="kit-nav"><a href="/lessons/kit">${esc(w.index)}</a> · <a href="/lessons/${lang}/${slug}">${esc(w.lesson)} ${lesson.lesson}</a> · ` +
      `<a href="/lessons/kit/${slug}?lang=${other}${part ? `&part=${part}` : ''}" hreflang="${other}">${esc(w.otherLang)}</a>` +
      KIT_PARTS.map((p) => ` · <a href="/lessons/kit/${slug}?lang=${lang}&part=${p}">${esc(w[p])}</a>`).join('') + '</nav>';
    return documentOf(lang, `${w.kit}: ${w.lesson} ${lesson.lesson}. ${lesson.title}`, nav + body);
  }

  /** The glossary: every row of lessons/kit/glossary.md, with the lessons each term appears in. */
  glossaryRows(): { ko: string; en: string; lessons: number[] }[] {
    const text = readFileSync(join(this.kitDir, 'glossary.md'), 'utf8');
    const files = Object.fromEntries(LESSON_LANGS.map((lang) => [lang, lessonTexts(join(this.lessonsDir, lang))])) as Record<LessonLang, { lesson: number; text: string }[]>;
    return text.split('\n')
      .filter((line) => /^\|[^-]/.test(line) && !line.startsWith('| 한국어'))
      .map((line) => line.split('|').slice(1, 3).map((c) => c.trim()) as [string, string])
      .map(([ko, en]) => {
        const inKo = files.ko.filter((f) => f.text.includes(ko)).map((f) => f.lesson);
        const inEn = files.en.filter((f) => f.text.toLowerCase().includes(en.toLowerCase())).map((f) => f.lesson);
        return { ko, en, lessons: [...new Set([...inKo, ...inEn])].sort((a, b) => a - b) };
      });
  }

  glossary(lang: LessonLang): string {
    const w = WORDS[lang];
    const rows = this.glossaryRows().sort((a, b) => (lang === 'ko' ? a.ko.localeCompare(b.ko, 'ko') : a.en.localeCompare(b.en, 'en')));
    const head = lang === 'ko' ? ['한국어', 'English', w.appearsIn] : ['English', '한국어', w.appearsIn];
    const body = rows.map((r) => {
      const cells = lang === 'ko' ? [r.ko, r.en] : [r.en, r.ko];
      return `<tr><td>${esc(cells[0]!)}</td><td>${esc(cells[1]!)}</td><td class="num">${r.lessons.join(', ')}</td></tr>`;
    }).join('');
    const other = lang === 'ko' ? 'en' : 'ko';
    const nav = `<nav class="kit-nav"><a href="/lessons/kit">${esc(w.index)}</a> · <a href="/lessons/kit/glossary?lang=${other}" hreflang="${other}">${esc(w.otherLang)}</a></nav>`;
    return documentOf(lang, w.glossary, `${nav}<section class="kit-part glossary"><h1>${esc(w.glossary)}</h1>` +
      `<table class="kit-table"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table></section>`);
  }

  index(): string {
    const list = this.catalog.list();
    const rows = list.en.map((e) => {
      const ko = list.ko.find((k) => k.slug === e.slug);
      return `<tr><td class="num">${e.lesson}</td><td>${esc(e.title)}${ko ? `<br><span lang="ko">${esc(ko.title)}</span>` : ''}</td>` +
        `<td>${LESSON_LANGS.map((l) => `<a href="/lessons/kit/${e.slug}?lang=${l}" hreflang="${l}">${esc(LANG_NAMES[l])}</a>`).join(' · ')}</td></tr>`;
    }).join('');
    return documentOf('en', "Teacher's kit / 교사용 키트",
      `<section class="kit-part"><h1>Teacher's kit / 교사용 키트</h1>` +
      `<p>For every lesson: a one-page student sheet, the answer key with the ranges measured on this lab, and a 45-minute plan. Print on A4.<br>` +
      `<span lang="ko">레슨마다 한 쪽짜리 학생 활동지, 이 랩에서 측정한 범위가 담긴 정답과 해설, 45분 수업 계획. A4로 인쇄하세요.</span></p>` +
      `<table class="kit-table"><tbody>${rows}</tbody></table>` +
      `<p><a href="/lessons/kit/glossary?lang=ko">용어집</a> · <a href="/lessons/kit/glossary?lang=en">Glossary</a></p></section>`);
  }
}

// ---------------------------------------------------------------------------
// The three parts

function header(lang: LessonLang, lesson: LessonPage, title: string): string {
  const w = WORDS[lang];
  return `<header class="kit-head"><p class="kit-kind">${esc(title)} · ${esc(w.lesson)} ${lesson.lesson}</p><h1>${esc(lesson.title)}</h1></header>`;
}

function sheet(lang: LessonLang, lesson: LessonPage, predictions: Prediction[], questions: SelfCheckItem[]): string {
  const w = WORDS[lang];
  const rows = predictions.map((p, i) => `<li class="kit-pm"><div class="q">${p.question}</div>` +
    `<div class="boxes"><span>${esc(w.guess)}: <span class="blank"></span> ${esc(p.unitLabel)}</span>` +
    `<span>${esc(w.measured)}: <span class="blank"></span> ${esc(p.unitLabel)}</span>` +
    `<span>${esc(w.ratio)}: <span class="blank short"></span></span></div></li>`).join('');
  const checks = questions.map((q) => `<li class="kit-sc"><div class="q">${q.text}</div>` + (q.kind === 'choice'
    ? `<ol class="opts" type="a">${q.options.map((o) => `<li><span class="box"></span> ${o}</li>`).join('')}</ol>`
    : `<div class="boxes"><span>${esc(w.answer)}: <span class="blank wide"></span></span></div>`) + '</li>').join('');
  return `<section class="kit-part sheet" data-part="sheet">${header(lang, lesson, w.sheet)}` +
    `<p class="kit-line">${esc(w.name)}: <span class="blank"></span> ${esc(w.date)}: <span class="blank short"></span></p>` +
    `<h2>1. ${esc(w.predict)}</h2><ol class="kit-list">${rows}</ol>` +
    `<h2>2. ${esc(w.selfCheck)}</h2><ol class="kit-list">${checks}</ol></section>`;
}

function key(lang: LessonLang, lesson: LessonPage, predictions: Prediction[], questions: SelfCheckItem[], ranges: KitRanges | undefined): string {
  const w = WORDS[lang];
  const lessonRanges = ranges?.lessons[lesson.slug] ?? {};
  const pm = predictions.map((p) => {
    const range = p.source ? lessonRanges[p.source] : undefined;
    const shown = Array.isArray(range) ? `${formatRange(range, p.unit)} ${esc(p.unitLabel)}` : esc(w.noRange);
    return `<tr><td>${p.question}</td><td class="range" data-source="${esc(p.source ?? '')}">${shown}</td><td>${p.explanation}</td></tr>`;
  }).join('');
  const sc = questions.map((q) => {
    const answer = q.kind === 'choice' ? `${String.fromCharCode(96 + q.answer)}) ${q.options[q.answer - 1] ?? ''}` : `<code class="computed-answer">${esc(q.value ?? '')}</code>`;
    return `<li><div class="q">${q.text}</div><p class="ans"><strong>${esc(w.answer)}:</strong> ${answer}</p><div class="why">${q.explanation}</div></li>`;
  }).join('');
  return `<section class="kit-part key" data-part="key">${header(lang, lesson, w.key)}` +
    `<h2>1. ${esc(w.predict)}</h2><table class="kit-table"><thead><tr><th></th><th>${esc(w.expected)}</th><th>${esc(w.why)}</th></tr></thead><tbody>${pm}</tbody></table>` +
    (ranges ? `<p class="kit-note">${esc(w.rangesFrom(ranges.measured))}</p>` : '') +
    `<h2>2. ${esc(w.selfCheck)}</h2><ol class="kit-list">${sc}</ol></section>`;
}

function plan(lang: LessonLang, lesson: LessonPage, html: string): string {
  const w = WORDS[lang];
  const learn = between(html, '<h2 id="learn"', '<h2 ');
  const goals = /<ul>[\s\S]*?<\/ul>/.exec(learn)?.[0] ?? '';
  const idea = between(html, '<h2 id="idea"', '<h2 ');
  const diagram = /<figcaption>([\s\S]*?)<\/figcaption>/.exec(idea)?.[1] ?? '';
  const teacher = between(html, '<h2 id="teacher"', '\u0000');
  const demo = /<ol>[\s\S]*?<\/ol>/.exec(teacher)?.[0] ?? '';
  const notes = /<p><strong>(?:Things to know\.|알아 둘 것\.)<\/strong>([\s\S]*?)<\/p>/.exec(teacher)?.[1] ?? '';
  let t = 0;
  const rows = w.steps(stripTags(diagram).slice(0, 90)).map(([min, text]) => {
    const row = `<tr><td class="num">${t}–${t + min} ${esc(w.min)}</td><td>${esc(text)}</td></tr>`;
    t += min;
    return row;
  }).join('');
  return `<section class="kit-part plan" data-part="plan">${header(lang, lesson, w.plan)}` +
    `<h2>${esc(w.goals)}</h2>${goals}` +
    `<h2>${esc(w.timeline)}</h2><table class="kit-table timeline"><tbody>${rows}</tbody></table>` +
    `<h2>${esc(w.demo)}</h2>${demo}` +
    (notes ? `<h2>${esc(w.before)}</h2><p>${notes.trim()}</p>` : '') + '</section>';
}

// ---------------------------------------------------------------------------
// Reading the rendered lesson (its HTML is the renderer's own, so its shape is known)

function predictionsOf(html: string): Prediction[] {
  const out: Prediction[] = [];
  const pattern = /<predict-measure id="(pm-\d+)"(?: for="([^"]*)" value="([^"]*)"| stats="([^"]*)") unit="([^"]*)" data-unit-label="([^"]*)"><p class="pm-question">([\s\S]*?)<\/p>(?:<div class="pm-explanation">([\s\S]*?)<\/div>)?<\/predict-measure>/g;
  for (const m of html.matchAll(pattern)) {
    out.push({ id: m[1]!, source: m[2] !== undefined ? `${m[2]}.${m[3]}` : null, unit: m[5]!, unitLabel: unescapeAttr(m[6]!), question: m[7]!, explanation: m[8] ?? '' });
  }
  return out;
}

function selfCheckOf(html: string): SelfCheckItem[] {
  const chunks = html.split('<li class="sc-question" ').slice(1);
  return chunks.map((chunk) => {
    const attrs = chunk.slice(0, chunk.indexOf('>'));
    const attr = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(attrs)?.[1];
    const kind = attr('data-kind') === 'computed' ? 'computed' : 'choice';
    const optionsHtml = /<ol class="sc-options" type="a">([\s\S]*?)<\/ol><div class="sc-explanation">/.exec(chunk)?.[1] ?? '';
    const options = [...optionsHtml.matchAll(/<li data-option="\d+">([\s\S]*?)<\/li>/g)].map((m) => m[1]!);
    const item: SelfCheckItem = {
      n: Number(attr('data-q')), kind,
      text: /<p class="sc-text">([\s\S]*?)<\/p>/.exec(chunk)?.[1] ?? '',
      options, answer: Number(attr('data-answer') ?? 0),
      explanation: /<div class="sc-explanation">([\s\S]*?)<\/div>(?:<\/li>|$)/.exec(chunk)?.[1] ?? '',
    };
    if (kind === 'computed') {
      item.compute = attr('data-compute');
      item.args = JSON.parse(unescapeAttr(attr('data-args') ?? '[]')) as string[];
    }
    return item;
  });
}

/** Fill every value computed in prose (`{=labOption …}`) with what the lab's code computes: paper runs no script. */
async function fillComputed(html: string): Promise<string> {
  let filled = html;
  for (const m of html.matchAll(/<output class="computed" data-compute="([^"]*)" data-args="([^"]*)">[^<]*<\/output>/g)) {
    const value = formatAnswer(await computeAnswer(m[1]!, JSON.parse(unescapeAttr(m[2]!)) as string[]));
    filled = filled.replace(m[0], `<span class="computed">${esc(value)}</span>`);
  }
  return filled;
}

// ---------------------------------------------------------------------------

function formatRange([min, max]: [number, number], unit: string): string {
  const digits = (v: number) => (Math.abs(v) >= 100 || unit === 'B' ? 0 : Math.abs(v) >= 10 ? 1 : 2);
  const f = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: digits(v), minimumFractionDigits: 0 });
  return f(min) === f(max) ? f(min) : `${f(min)}–${f(max)}`;
}

function lessonTexts(dir: string): { lesson: number; text: string }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => /^\d\d-[a-z0-9-]+\.md$/.test(f)).map((f) => ({ lesson: Number(f.slice(0, 2)), text: readFileSync(join(dir, f), 'utf8') }));
}

function between(html: string, start: string, end: string): string {
  const i = html.indexOf(start);
  if (i === -1) return '';
  const j = html.indexOf(end, i + start.length);
  return html.slice(i, j === -1 ? undefined : j);
}

function stripTags(html: string): string {
  return html.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&').trim();
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function unescapeAttr(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function documentOf(lang: LessonLang, title: string, body: string): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">` +
    `<title>${esc(title)}</title><style>${KIT_CSS}</style></head><body><main class="kit">${body}</main></body></html>\n`;
}

/** A4 on paper: each part starts a new page; the student sheet is built to fit one. */
const KIT_CSS = `
@page { size: A4; margin: 14mm 14mm 16mm; }
:root { color-scheme: light; --fg: #111; --muted: #555; --line: #999; }
* { box-sizing: border-box; }
body { margin: 0; font: 10.5pt/1.4 system-ui, "Noto Sans KR", "Nanum Gothic", "Apple SD Gothic Neo", sans-serif; color: var(--fg); background: #fff; }
main.kit { max-width: 182mm; margin: 0 auto; padding: 8mm 0; }
.kit-nav { font-size: 9pt; color: var(--muted); margin-bottom: 4mm; }
.kit-nav a { color: inherit; }
.kit-part + .kit-part { margin-top: 12mm; }
.kit-head { border-bottom: 2px solid var(--fg); margin-bottom: 3mm; }
.kit-kind { margin: 0; font-size: 9pt; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
h1 { font-size: 15pt; margin: 1mm 0 2mm; }
h2 { font-size: 11.5pt; margin: 4mm 0 1.5mm; }
p { margin: 1.5mm 0; }
code { font-family: ui-monospace, "DejaVu Sans Mono", "Nanum Gothic Coding", monospace; font-size: .92em; }
.kit-list { margin: 0; padding-left: 6mm; }
.kit-list > li { margin: 0 0 2.4mm; break-inside: avoid; }
.q p { margin: 0; }
.boxes { display: flex; flex-wrap: wrap; gap: 2mm 6mm; margin-top: 1mm; }
.blank { display: inline-block; width: 28mm; border-bottom: 1px solid var(--line); height: 1.1em; vertical-align: bottom; }
.blank.short { width: 16mm; } .blank.wide { width: 70mm; }
.kit-line { margin-bottom: 3mm; }
.opts { margin: .6mm 0 0; padding-left: 6mm; columns: 2; column-gap: 6mm; }
.opts li { break-inside: avoid; }
.box { display: inline-block; width: .8em; height: .8em; border: 1px solid var(--fg); vertical-align: -.05em; }
.kit-table { width: 100%; border-collapse: collapse; font-size: 9.5pt; }
.kit-table th, .kit-table td { border-bottom: 1px solid #ccc; padding: 1.2mm 1.5mm; text-align: left; vertical-align: top; }
.kit-table td.range { white-space: nowrap; font-weight: 600; }
.num { white-space: nowrap; font-variant-numeric: tabular-nums; }
.kit-note { font-size: 8.5pt; color: var(--muted); }
.ans { margin: .5mm 0; } .why { color: var(--muted); font-size: 9.5pt; }
.timeline td:first-child { width: 22mm; }
.sheet { font-size: 10pt; }
.sheet .kit-list > li { margin-bottom: 1.8mm; }
@media print {
  .kit-nav { display: none; }
  main.kit { padding: 0; max-width: none; }
  .kit-part { break-before: page; }
  .kit-part:first-of-type { break-before: auto; }
  .kit-part + .kit-part { margin-top: 0; }
  a { color: inherit; text-decoration: none; }
}
`;
