/**
 * The lesson API and the page route on a real lab: the index, one lesson with
 * its neighbours and translation, the errors, and the proof that the code a
 * lesson shows is the project's file as it is now (the page carries the file's
 * current text; the structure test proves no lesson carries a copy).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type RunningLab } from './support/lab.ts';
import { lessonsPlugin } from '../src/lessons/plugin.ts';
import { LESSON_LANGS, PART_IDS, PART_TITLES } from '../src/lessons/parts.ts';
import type { LessonEntry, LessonPage } from '../src/lessons/catalog.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

let lab: RunningLab;
beforeAll(async () => {
  lab = await startLab();
});
afterAll(async () => {
  await lab?.close();
});

async function get<T>(path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(lab.base + path);
  return { status: response.status, body: (await response.json()) as T };
}

/** The text of highlighted HTML: tags removed, entities decoded. */
function textOf(html: string): string {
  return html.replace(/<[^>]+>/g, '').replace(/&(lt|gt|amp|quot|#x27|#39);/g, (_, e: string) =>
    ({ lt: '<', gt: '>', amp: '&', quot: '"', '#x27': "'", '#39': "'" })[e]!);
}

describe('GET /api/lessons', () => {
  it('lists every lesson per language, by number, with its parts', async () => {
    const { status, body } = await get<{ langs: string[]; lessons: Record<string, LessonEntry[]>; parts: { id: string }[] }>('/api/lessons');
    expect(status).toBe(200);
    expect(body.langs).toEqual([...LESSON_LANGS]);
    expect(body.parts.map((p) => p.id)).toEqual([...PART_IDS]);
    for (const lang of LESSON_LANGS) {
      const lessons = body.lessons[lang]!;
      expect(lessons.slice(0, 5).map((l) => [l.lesson, l.slug])).toEqual([
        [1, '01-http-and-sockets'], [2, '02-sync-and-async'], [3, '03-short-polling'], [4, '04-long-polling'], [5, '05-streaming-and-sse'],
      ]);
      for (const l of lessons) expect(l.parts).toEqual([...PART_IDS]);
    }
  });
});

describe('GET /api/lessons/:lang/:slug', () => {
  it('answers a lesson with its HTML, contents, neighbours and translation', async () => {
    const { status, body } = await get<LessonPage>('/api/lessons/en/03-short-polling');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      lang: 'en', slug: '03-short-polling', lesson: 3, title: 'Short polling', problems: [],
      prev: { lang: 'en', slug: '02-sync-and-async', lesson: 2 },
      next: { lang: 'en', slug: '04-long-polling', lesson: 4 },
      other: { lang: 'ko', slug: '03-short-polling', lesson: 3, title: '숏 폴링' },
    });
    expect(body.toc.filter((t) => t.level === 2)).toEqual(PART_IDS.map((id) => ({ id, title: PART_TITLES[id].en, level: 2, part: id })));
    expect(body.html).toContain('<lane-run id="poll-busy" lane="poll"');
  });

  it('counts its traffic as the lab\'s api, never as a lane', async () => {
    const before = lab.app.lab.meter.snapshot();
    await get('/api/lessons/ko/04-long-polling');
    const after = lab.app.lab.meter.snapshot();
    expect(after.api.requests).toBe(before.api.requests + 1);
    expect(after.longpoll.requests).toBe(before.longpoll.requests);
  });

  it.each([
    ['a language the lab does not have', '/api/lessons/fr/03-short-polling'],
    ['a lesson that does not exist', '/api/lessons/en/99-nothing'],
    ['a name that is not a lesson name', '/api/lessons/en/..%2F..%2Fpackage'],
    ['a file name with its extension', '/api/lessons/en/03-short-polling.md'],
  ])('answers 404 LAB_ERR_NOT_FOUND for %s', async (_, path) => {
    const { status, body } = await get<{ error: string }>(path);
    expect(status).toBe(404);
    expect(body.error).toBe('LAB_ERR_NOT_FOUND');
  });
});

describe('the code a lesson shows is the file as it is now', () => {
  it.each(LESSON_LANGS.map((lang) => ({ lang })))('every ```source in the $lang lessons renders the current lines of its file', async ({ lang }) => {
    const { body } = await get<{ lessons: Record<string, LessonEntry[]> }>('/api/lessons');
    let figures = 0;
    for (const entry of body.lessons[lang]!) {
      const page = (await get<LessonPage>(`/api/lessons/${lang}/${entry.slug}`)).body;
      for (const m of page.html.matchAll(/<figure class="source" data-source="([^"]+)" data-lines="(\d+)-(\d+)">[\s\S]*?<pre class="code"><code[^>]*>([\s\S]*?)<\/code><\/pre><\/div><\/figure>/g)) {
        const [, path, first, last, code] = m as unknown as [string, string, string, string, string];
        const lines = readFileSync(join(ROOT, path), 'utf8').replace(/\r\n?/g, '\n').split('\n');
        expect(textOf(code), `${entry.slug}: ${path}`).toBe(lines.slice(Number(first) - 1, Number(last)).join('\n'));
        figures++;
      }
    }
    expect(figures).toBeGreaterThanOrEqual(10);
  });
});

describe('the page route and render problems, on a lab of its own', () => {
  let dir: string;
  let app: FastifyInstance;
  const PAGE = '<!doctype html><title>lessons page</title>\n';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lessons-int-'));
    mkdirSync(join(dir, 'dist'));
    mkdirSync(join(dir, 'lessons/en'), { recursive: true });
    writeFileSync(join(dir, 'dist/lessons.html'), PAGE);
    writeFileSync(join(dir, 'lessons/en/01-broken.md'), [
      '---', 'lesson: 1', 'title: Broken', 'summary: An include that leaves the project.', '---', '',
      `## ${PART_TITLES.learn.en}`, '', '```source ../../etc/passwd', '```', '',
    ].join('\n'));
    app = Fastify();
    await app.register(lessonsPlugin, { lessonsDir: join(dir, 'lessons'), webRoot: join(dir, 'dist') });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['/lessons', 200], ['/lessons/', 200], ['/lessons/en', 200], ['/lessons/ko', 200], ['/lessons/en/01-broken', 200],
    ['/lessons/fr', 404], ['/lessons/en/02-missing', 404],
  ])('serves the page at %s with status %d', async (url, status) => {
    const response = await app.inject({ url });
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toBe(PAGE);
  });

  it('says how to build the page when it is not built', async () => {
    const bare = Fastify();
    await bare.register(lessonsPlugin, { lessonsDir: join(dir, 'lessons'), webRoot: join(dir, 'nowhere') });
    const response = await bare.inject({ url: '/lessons' });
    expect(response.statusCode).toBe(503);
    expect(response.body).toMatch(/npm run build:web/);
    await bare.close();
  });

  it('renders a broken lesson with its problems listed and shown where they are', async () => {
    const response = await app.inject({ url: '/api/lessons/en/01-broken' });
    const page = JSON.parse(response.body) as LessonPage;
    expect(response.statusCode).toBe(200);
    expect(page.problems.map((p) => p.code)).toContain('LAB_ERR_LESSON_INCLUDE_PATH');
    expect(page.problems.map((p) => p.code)).toContain('LAB_ERR_LESSON_STRUCTURE');
    expect(page.html).toContain('data-code="LAB_ERR_LESSON_INCLUDE_PATH"');
    expect(page.html).not.toContain('root:');
    const index = JSON.parse((await app.inject({ url: '/api/lessons' })).body) as { lessons: { en: LessonEntry[] } };
    expect(index.lessons.en[0]).toMatchObject({ slug: '01-broken', problems: page.problems.length });
  });
});
