/**
 * The lesson pages in Chromium against a real lab. Every lesson file that
 * exists, in both languages, renders with no problem, no broken link, no
 * missing widget and no console error. Then the parts a student uses: an
 * experiment whose numbers are the wire meter's, the computed answers, the
 * drop-and-resume and six-connection experiments, the café, the language
 * switch that keeps the place, progress across reloads, and the printout.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium, openLabPage, startWebLab, type Chromium, type WebLab } from './support/chromium.ts';
import { LessonCatalog } from '../src/lessons/catalog.ts';
import { LESSON_LANGS } from '../src/lessons/parts.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const FEED_RATE = 5;
/** Seconds of the 10-second experiments, plus what it takes to set them up and settle. */
const EXPERIMENT_TIMEOUT_MS = 45_000;

const catalog = new LessonCatalog({ lessonsDir: `${ROOT}lessons`, projectRoot: ROOT, webDir: `${ROOT}web` });
const lessons = LESSON_LANGS.flatMap((lang) => catalog.list()[lang].map((e) => ({ lang, slug: e.slug })));

let lab: WebLab;
let browser: Chromium;

beforeAll(async () => {
  lab = await startWebLab({ feedRate: FEED_RATE });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await lab?.close();
});

const open = (path: string) => openLabPage(browser, lab, path);

const dataset = (page: Page) => page.evaluate(() => ({ ...document.documentElement.dataset }));

/** Every link on the page that does not lead anywhere. */
async function brokenLinks(page: Page): Promise<string[]> {
  const links = await page.$$eval('a[href]', (as) => as.map((a) => ({ href: (a as HTMLAnchorElement).href, raw: a.getAttribute('href') ?? '' })));
  const broken: string[] = [];
  const here = new URL(page.url());
  for (const { href, raw } of links) {
    const url = new URL(href);
    if (url.origin === here.origin && url.pathname === here.pathname && url.hash) {
      const id = decodeURIComponent(url.hash.slice(1));
      if (!(await page.evaluate((i) => document.getElementById(i) !== null, id))) broken.push(raw);
    } else if (url.origin === here.origin) {
      const response = await page.request.get(url.href);
      if (response.status() !== 200) broken.push(`${raw} (${response.status()})`);
    } else if (url.protocol !== 'https:') {
      broken.push(raw);
    }
  }
  return broken;
}

describe.each(lessons)('/lessons/$lang/$slug', ({ lang, slug }) => {
  it('renders with no problem, no broken link, no missing widget and no console error', async () => {
    const { page, errors, status } = await open(`lessons/${lang}/${slug}`);
    expect(status).toBe(200);
    expect(await dataset(page)).toMatchObject({ ready: 'true', problems: '0', missingWidgets: '0', view: 'lesson' });
    expect(await page.getAttribute('html', 'lang')).toBe(lang);
    expect(await page.locator('.lesson-problem, .broken-link, .widget-missing').count()).toBe(0);
    // Every custom element in the lesson is defined and has built itself.
    const undefinedTags = await page.$$eval('.lesson-body *', (els) =>
      [...new Set(els.map((e) => e.localName).filter((n) => n.includes('-') && !customElements.get(n)))]);
    expect(undefinedTags).toEqual([]);
    expect(await page.$$eval('.lesson-body *', (els) => els.filter((e) => e.localName.includes('-') && e.childElementCount === 0).map((e) => e.localName))).toEqual([]);
    // The contents list every part and its sub-sections; prev/next and the other language are there.
    const toc = await page.$$eval('[data-field="toc"] a', (as) => as.map((a) => a.getAttribute('href')));
    expect(toc.slice(0, 2)).toEqual(['#learn', '#idea']);
    expect(toc).toContain('#teacher');
    expect(await page.locator(`[data-field="langs"] a[data-lang="${lang === 'en' ? 'ko' : 'en'}"]`).count()).toBe(1);
    expect(await brokenLinks(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the index', () => {
  it.each(LESSON_LANGS)('lists the %s lessons, each link working', async (lang) => {
    const { page, errors, status } = await open(`lessons/${lang}`);
    expect(status).toBe(200);
    expect(await dataset(page)).toMatchObject({ ready: 'true', view: 'index' });
    expect(await page.locator('.lesson-index li').count()).toBe(catalog.list()[lang].length);
    expect(await brokenLinks(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('answers a lesson that does not exist with 404 and the list', async () => {
    const { page, status } = await open('lessons/en/99-nothing');
    expect(status).toBe(404);
    expect(await dataset(page)).toMatchObject({ ready: 'true', view: 'index' });
    await page.close();
  });
});

describe('an experiment: predict, then measure (lesson 3)', () => {
  it('compares the guess with the header bytes the wire meter counted, and puts the feed back', { timeout: EXPERIMENT_TIMEOUT_MS }, async () => {
    const { page, errors } = await open('lessons/en/03-short-polling');
    const block = page.locator('#pm-1');
    await block.locator('button').click();
    expect(await block.getAttribute('data-state')).toBe('idle'); // no guess, no run
    const before = lab.app.lab.meter.snapshot().poll;
    await block.locator('input').fill('150 B');
    await block.locator('button').click();
    await page.waitForFunction(() => document.querySelector('#pm-1')?.getAttribute('data-state') === 'measured', null, { timeout: EXPERIMENT_TIMEOUT_MS });
    const after = lab.app.lab.meter.snapshot().poll;

    const m = JSON.parse((await page.getAttribute('#poll-busy', 'data-measured'))!) as Record<string, number>;
    // The page's own counts and the server's agree (no other client on the lane) …
    expect(m.serverRequests).toBe(after.requests - before.requests);
    expect(m.requests).toBe(m.serverRequests);
    expect(m.messages).toBe(m.serverMessages);
    // … and the bytes shown are the wire meter's, exactly.
    expect(m.headerBytes).toBe(after.headerBytes - before.headerBytes);
    expect(m.headerBytesPerMessage).toBeCloseTo(m.headerBytes! / m.serverMessages!, 9);
    expect(Number(await block.getAttribute('data-measured-value'))).toBe(m.headerBytesPerMessage);
    expect(Number(await block.getAttribute('data-ratio'))).toBeCloseTo(150 / m.headerBytesPerMessage!, 9);
    // Short polling every second: a message waits between 0 and one interval, half of it on average.
    expect(m.latencyMeanMs).toBeGreaterThan(0);
    expect(m.latencyMeanMs).toBeLessThan(1_000);
    // The run's block told the second block nothing: it has no guess yet.
    expect(await page.getAttribute('#pm-2', 'data-state')).toBe('idle');
    expect(lab.app.lab.producer.rate).toBe(FEED_RATE);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('self-check answers computed by the lab\'s own code (lesson 5)', () => {
  it('marks a typed answer right or wrong against the computed key, in any unit', async () => {
    const { page } = await open('lessons/en/05-streaming-and-sse');
    const question = (n: number) => page.locator(`self-check li.sc-question[data-q="${n}"]`);
    const answer = async (n: number, text: string) => {
      await question(n).locator('input[type="text"]').fill(text);
      await question(n).locator('button').click();
      await page.waitForFunction((q) => document.querySelector(`li.sc-question[data-q="${q}"]`)?.hasAttribute('data-correct'), n);
      const correct = await question(n).getAttribute('data-correct');
      return correct;
    };
    expect(await answer(1, '14')).toBe('false');
    expect(await answer(1, '15')).toBe('true');
    expect(await answer(2, '2 s')).toBe('true');
    expect(await question(2).locator('.sc-answer').textContent()).toBe('The answer: 2,000 ms');
    expect(await page.locator('output.computed').first().textContent()).toBe('2,000 ms');
    await page.close();
  });
});

describe('lesson 5\'s experiments', () => {
  it('drops every SSE connection and resumes with Last-Event-ID: nothing lost, nothing twice', { timeout: EXPERIMENT_TIMEOUT_MS }, async () => {
    const { page, errors } = await open('lessons/en/05-streaming-and-sse');
    const block = page.locator('predict-measure[for="resume"][value="lost"]');
    await block.locator('input').fill('0');
    await block.locator('button').click();
    await page.waitForFunction(() => ['done', 'error'].includes(document.querySelector('#resume')?.getAttribute('data-state') ?? ''), null, { timeout: EXPERIMENT_TIMEOUT_MS });
    expect(await page.locator('#resume [data-field="status"]').textContent()).toBe('done');
    const m = JSON.parse((await page.getAttribute('#resume', 'data-measured'))!) as Record<string, number>;
    expect(m).toMatchObject({ lost: 0, duplicates: 0 });
    expect(m.lastEventId).toBeGreaterThan(0);
    expect(m.reconnectMs).toBeGreaterThanOrEqual(lab.app.lab.options.sseRetryMs);
    expect(await page.locator('#resume [data-field="head"]').textContent()).toMatch(new RegExp(`^last-event-id: ${m.lastEventId}$`, 'im'));
    expect(await block.getAttribute('data-verdict')).toBe('exact');
    // The cut itself is a network error in the console; nothing else is.
    expect(errors.filter((e) => !e.includes('net::ERR_INCOMPLETE_CHUNKED_ENCODING'))).toEqual([]);
    await page.close();
  });

  it('opens seven SSE streams at once: six start, one waits, and the server held six', { timeout: EXPERIMENT_TIMEOUT_MS }, async () => {
    const { page, errors } = await open('lessons/en/05-streaming-and-sse');
    await page.locator('#six button[data-action="run"]').click();
    await page.waitForFunction(() => ['done', 'error'].includes(document.querySelector('#six')?.getAttribute('data-state') ?? ''), null, { timeout: EXPERIMENT_TIMEOUT_MS });
    expect(JSON.parse((await page.getAttribute('#six', 'data-measured'))!)).toEqual({ streams: 7, opened: 6, stalled: 1, serverHeld: 6 });
    expect(await page.locator('#six .stream-boxes li[data-state="waiting"]').count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('lesson 1\'s socket calls', () => {
  it.each(LESSON_LANGS)('runs one TCP exchange on the lab and lists its calls in order, beside their C names (%s)', async (lang) => {
    const { page, errors } = await open(`lessons/${lang}/01-http-and-sockets`);
    const block = page.locator('predict-measure[for="socket-calls"][value="requestBytes"]');
    await block.locator('input').fill('16 B');
    await block.locator('button').click();
    await page.waitForFunction(() => ['done', 'error'].includes(document.querySelector('#socket-calls')?.getAttribute('data-state') ?? ''));
    expect(await page.getAttribute('#socket-calls', 'data-state')).toBe('done');
    const m = JSON.parse((await page.getAttribute('#socket-calls', 'data-measured'))!) as Record<string, number>;
    // 안녕하세요 and a newline: 5 × 3 bytes of UTF-8 and 1; the reply adds "echo: ".
    expect(m).toMatchObject({ requestBytes: 16, replyBytes: 22, serverSockets: 2 });
    const rows = await page.$$eval('#socket-calls tbody tr', (trs) => trs.map((tr) => ({
      side: (tr as HTMLElement).dataset.side, step: (tr as HTMLElement).dataset.step, bytes: (tr as HTMLElement).dataset.bytes,
      c: tr.querySelector('td.c code')!.textContent, what: tr.querySelector('td.what')!.textContent!,
    })));
    expect(rows).toHaveLength(m.calls!);
    const index = (side: string, step: string) => rows.findIndex((r) => r.side === side && r.step === step);
    expect(rows[0]).toMatchObject({ side: 'server', step: 'listen', c: 'socket() bind() listen()' });
    expect(index('client', 'connect')).toBeLessThan(index('server', 'accept'));
    expect(index('client', 'write')).toBeLessThan(index('server', 'read'));
    expect(index('server', 'write')).toBeLessThan(index('client', 'read'));
    expect(rows[index('client', 'write')]).toMatchObject({ c: 'write()', bytes: '16' });
    expect(rows[index('client', 'read')]).toMatchObject({ c: 'read()', bytes: '22' });
    // The page's words are the lesson's language; the text that crossed the wire is as it was.
    expect(rows[index('server', 'accept')]!.what).toMatch(lang === 'ko' ? /새 소켓/ : /a new socket/);
    expect(rows[index('server', 'read')]!.what).toContain('안녕하세요');
    expect(await block.getAttribute('data-verdict')).toBe('exact');
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the café (lesson 2)', () => {
  it('a synchronous wait freezes the page\'s clock; an asynchronous one does not, and buzzer 4 rings first', { timeout: EXPERIMENT_TIMEOUT_MS }, async () => {
    const { page, errors } = await open('lessons/ko/02-sync-and-async');
    const block = page.locator('#pm-1');
    await block.locator('input').fill('0번');
    await block.locator('button').click();
    await page.waitForFunction(() => document.querySelector('#pm-1')?.getAttribute('data-state') === 'measured', null, { timeout: EXPERIMENT_TIMEOUT_MS });
    const sync = JSON.parse((await page.getAttribute('#cafe-sync', 'data-measured'))!) as Record<string, number>;
    expect(sync.ticks).toBe(0);
    expect(sync.expectedTicks).toBeGreaterThanOrEqual(30);
    expect(await block.getAttribute('data-verdict')).toBe('exact');

    await page.locator('#cafe-async button').click();
    await page.waitForFunction(() => document.querySelector('#cafe-async')?.getAttribute('data-state') === 'done');
    const async = JSON.parse((await page.getAttribute('#cafe-async', 'data-measured'))!) as Record<string, number>;
    expect(async.ticks).toBeGreaterThan(0);
    expect(async.waitMs).toBeLessThan(sync.waitMs!);
    expect(await page.$$eval('#cafe-async li[data-buzzer]', (lis) => lis.map((li) => (li as HTMLElement).dataset.buzzer))).toEqual(['4', '3']);
    expect(await page.$$eval('#cafe-sync li[data-buzzer]', (lis) => lis.map((li) => (li as HTMLElement).dataset.buzzer))).toEqual(['3', '4']);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the language switch', () => {
  it.each([
    ['a part', 'experiment', 'experiment'],
    ['a sub-section', 'two-costs-you-can-predict', '미리-계산할-수-있는-두-가지-비용'],
  ])('keeps the place at %s', async (_, from, to) => {
    const { page } = await open(`lessons/en/03-short-polling#${from}`);
    // The page opened at the anchor: that heading is at the top, under the header.
    await page.waitForFunction((id) => {
      const top = document.getElementById(id)!.getBoundingClientRect().top;
      return top >= 0 && top < 120;
    }, from);
    await Promise.all([
      page.waitForURL(/\/lessons\/ko\/03-short-polling#/),
      page.locator('[data-field="langs"] a[data-lang="ko"]').click(),
    ]);
    expect(decodeURIComponent(new URL(page.url()).hash)).toBe(`#${to}`);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
    expect(await page.getAttribute('html', 'lang')).toBe('ko');
    await page.close();
  });
});

describe('progress, remembered in this browser', () => {
  it('keeps a self-check answer across a reload and across languages, and shows it in the index', async () => {
    const { page } = await open('lessons/ko/03-short-polling');
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
    const first = page.locator('self-check li.sc-question[data-q="1"]');
    const answer = await first.getAttribute('data-answer');
    await first.locator(`input[type="radio"][value="${answer}"]`).check();
    await first.locator('button').click();
    expect(await first.getAttribute('data-correct')).toBe('true');

    await page.goto(`${lab.url}lessons/en/03-short-polling`);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
    const same = page.locator('self-check li.sc-question[data-q="1"]');
    await page.waitForFunction(() => document.querySelector('li.sc-question[data-q="1"]')?.getAttribute('data-correct') === 'true');
    expect(await same.locator(`input[type="radio"][value="${answer}"]`).isChecked()).toBe(true);
    expect(await page.getAttribute('self-check', 'data-score')).toBe('1/4');

    await page.goto(`${lab.url}lessons/en`);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
    expect(await page.locator('.lesson-index li[data-lesson="3"] .lesson-progress').textContent()).toMatch(/self-check 1\/4/);
    await page.close();
  });
});

describe('printing', () => {
  it('prints the lesson as a handout: no navigation, answers and teacher notes only when asked', async () => {
    const { page } = await open('lessons/en/04-long-polling');
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('[data-field="toc"]').isVisible()).toBe(false);
    expect(await page.locator('.lesson-top').isVisible()).toBe(false);
    expect(await page.locator('figure.source').first().isVisible()).toBe(true);
    expect(await page.locator('#teacher').isVisible()).toBe(false);
    await page.emulateMedia({ media: 'screen' });
    await page.locator('[data-action="print-answers"]').check();
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('#teacher').isVisible()).toBe(true);
    expect(await page.locator('.sc-explanation').first().isVisible()).toBe(true);
    await mkdir(ARTIFACTS, { recursive: true });
    const pdf = await page.pdf({ path: `${ARTIFACTS}lesson-04-en.pdf`, format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await page.close();
  });
});
