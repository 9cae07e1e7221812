/**
 * The teacher's kit on a real lab: every lesson's kit in both languages answers
 * with its three parts built from the lesson (each prediction, each self-check
 * question), a measured range for every prediction a widget answers (so a new
 * predict-measure block without a measured range fails here), computed answers
 * filled in, the glossary's terms found in the lessons, and errors in the lab's
 * shape.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type RunningLab } from './support/lab.ts';
import { LessonCatalog } from '../src/lessons/catalog.ts';
import { Kit, KIT_PARTS, type KitRanges } from '../src/lessons/kit.ts';
import { LESSON_LANGS } from '../src/lessons/parts.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const catalog = new LessonCatalog({ lessonsDir: `${ROOT}lessons`, projectRoot: ROOT, webDir: `${ROOT}web` });
const kit = new Kit(catalog, `${ROOT}lessons/kit`, `${ROOT}lessons`);
const lessons = LESSON_LANGS.flatMap((lang) => catalog.list()[lang].map((e) => ({ lang, slug: e.slug })));
const ranges = JSON.parse(readFileSync(`${ROOT}lessons/kit/ranges.json`, 'utf8')) as KitRanges;

let lab: RunningLab;
beforeAll(async () => {
  lab = await startLab();
});
afterAll(async () => {
  await lab?.close();
});

async function getText(path: string): Promise<{ status: number; type: string; text: string }> {
  const response = await fetch(lab.base + path);
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

describe.each(lessons)('the kit of /lessons/$lang/$slug', ({ lang, slug }) => {
  it('has the three parts, every prediction and self-check question, a measured range for each widget prediction, computed answers filled', async () => {
    const { status, type, text } = await getText(`/lessons/kit/${slug}?lang=${lang}`);
    expect(status).toBe(200);
    expect(type).toContain('text/html');
    expect(text).toContain(`<html lang="${lang}">`);
    for (const part of KIT_PARTS) expect(text).toContain(`data-part="${part}"`);
    const lesson = catalog.render(lang, slug)!;
    const predictions = lesson.outline.flatMap((p) => p.predictMeasures);
    const questions = lesson.outline.flatMap((p) => p.selfChecks.flatMap((s) => s.questions));
    expect(text.match(/<li class="kit-pm">/g) ?? []).toHaveLength(predictions.length);
    expect(text.match(/<li class="kit-sc">/g) ?? []).toHaveLength(questions.length);
    for (const p of predictions.filter((b) => b.for !== undefined)) {
      const range = ranges.lessons[slug]?.[`${p.for}.${p.value}`];
      expect(range, `lessons/kit/ranges.json has no measured range for ${slug} ${p.for}.${p.value}`).toBeDefined();
      if (Array.isArray(range)) {
        expect(range[0]).toBeLessThanOrEqual(range[1]);
        expect(text).toMatch(new RegExp(`<td class="range" data-source="${p.for}\\.${p.value}">[0-9]`));
      } else {
        // Not measurable when the ranges were taken: said so, with the reason, in the data.
        expect(range!.unmeasured.length).toBeGreaterThan(10);
      }
    }
    // Computed answers and values are written by the server: paper runs no script.
    expect(text).not.toContain('<output class="computed"');
    expect(text.match(/<code class="computed-answer">([^<]*)<\/code>/g)?.every((c) => !c.includes('></code>')) ?? true).toBe(true);
    expect(text).not.toContain('<script');
  });
});

describe('the kit routes', () => {
  it('serves the index and one part alone', async () => {
    const index = await getText('/lessons/kit');
    expect(index.status).toBe(200);
    for (const { lang, slug } of lessons) expect(index.text).toContain(`/lessons/kit/${slug}?lang=${lang}`);
    const sheet = await getText('/lessons/kit/03-short-polling?lang=ko&part=sheet');
    expect(sheet.text).toContain('data-part="sheet"');
    expect(sheet.text).not.toContain('data-part="key"');
    expect(sheet.text).toContain('학생 활동지');
  });

  it('shows the self-check key the lab computes (lesson 6: the accept of a key)', async () => {
    const { text } = await getText('/lessons/kit/06-websocket-handshake?lang=en&part=key');
    // RFC 6455 §1.3's key gives s3pPLMBiTxaQ9kYGzzhZRbK+xOo=; lesson 6 asks for x3JJHMbDL1EzLkh9GBhXDw==.
    expect(text).toContain('<code class="computed-answer">HSmrc0sMlYUkAGmm5OPpG2HaGWk=</code>');
  });

  it.each([
    ['a lesson that does not exist', '/lessons/kit/99-nothing?lang=en'],
    ['a language the lab does not have', '/lessons/kit/03-short-polling?lang=fr'],
    ['a part that does not exist', '/lessons/kit/03-short-polling?part=quiz'],
    ['a name that is not a lesson name', '/lessons/kit/..%2Fpackage'],
  ])('answers %s with 404 in the lab\'s error shape', async (_, path) => {
    const response = await fetch(lab.base + path);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: 'LAB_ERR_NOT_FOUND' });
  });
});

describe('the glossary', () => {
  it('lists only terms the lessons use (each row found in the lesson files), each Korean term once', () => {
    const rows = kit.glossaryRows();
    expect(rows.length).toBeGreaterThan(50);
    for (const row of rows) expect(row.lessons, `${row.ko} / ${row.en} appears in no lesson`).not.toEqual([]);
    expect(new Set(rows.map((r) => r.ko)).size).toBe(rows.length);
  });

  it('renders in both languages, sorted for the reader', async () => {
    const ko = await getText('/lessons/kit/glossary?lang=ko');
    expect(ko.text).toContain('<td>출처</td><td>origin</td>');
    const en = await getText('/lessons/kit/glossary?lang=en');
    expect(en.text).toContain('<td>origin</td><td>출처</td>');
    const firstEn = /<tbody><tr><td>([^<]*)</.exec(en.text)![1]!;
    expect(firstEn.toLowerCase() <= 'b').toBe(true);
  });
});
