/**
 * Korean all the way through: Korean pages in Chromium against a real lab,
 * read the way a student reads them, must show no English UI.
 *
 * What counts as shown: every text node in the body that the browser renders
 * (checkVisibility), plus the `placeholder` of inputs and the `value` of
 * input buttons. Left out on purpose: text inside code, pre, kbd and samp
 * (code and captured bytes are the same in every language), inside an
 * element that says it is another language (`lang="en"`, e.g. the "English"
 * of the language switch) or `translate="no"`.
 *
 * A text fails when
 *  1. it is an `en` message of the catalogue whose `ko` differs (a word the
 *     page forgot to translate), or matches the `en` template of such a
 *     message with its {params} filled in; or
 *  2. it has no Hangul and, once protocol tokens are taken out (header and
 *     API names, lane ids, status phrases, product names: PROTOCOL_TOKENS),
 *     still holds a run of three or more plain English words (`[A-Za-z]{2,}`
 *     separated by spaces): an English phrase that never went through the
 *     catalogue (a label built in code, a server text shown raw).
 *
 * Every failure lists the page, the text and its place, so the fix is one
 * catalogue entry away.
 */
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { collectPageErrors, launchChromium, startWebLab, type Chromium, type WebLab } from './support/chromium.ts';
import { MESSAGES, type Lang } from '../web/src/i18n/messages.ts';
import { LANE_IDS } from '../src/lanes.ts';

/**
 * Names that are the same in every language: a Korean sentence keeps them,
 * and a Korean page may show them on their own.
 */
const PROTOCOL_TOKENS = [
  'Transport Lab', 'Server-Sent Events', 'Switching Protocols', 'Bad Request', 'Upgrade Required', 'Forbidden',
  'Not Found', 'No Content', 'Payload Too Large', 'Too Many Requests', 'Method Not Allowed',
  'HTTP streaming', 'long polling', 'short polling', 'Socket.IO', 'SockJS', 'EventSource', 'WebSocket',
  'permessage-deflate', 'text/event-stream', 'keep-alive', 'no-cache', 'Last-Event-ID',
];

/** Shown alone, these are ids and units, the same in every language: lane ids (the controls' lane toggles) and units. */
const SAME_IN_EVERY_LANGUAGE = new Set<string>([...LANE_IDS, 'msg/s', 'ms', 'B', 'KB', 'MB', 's']);

interface Shown {
  text: string;
  where: string;
}

/** Every text the page shows, with a short path to where it is. */
async function shownTexts(page: Page): Promise<Shown[]> {
  return page.evaluate(() => {
    const skip = 'code, pre, kbd, samp, script, style, noscript, template, [lang="en"], [translate="no"]';
    const where = (el: Element) => {
      const parts: string[] = [];
      for (let e: Element | null = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
        parts.unshift(e.tagName.toLowerCase() + (e.id ? `#${e.id}` : '') + (e.classList[0] ? `.${e.classList[0]}` : ''));
      }
      return parts.join(' > ');
    };
    const out: { text: string; where: string }[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent?.replace(/\s+/g, ' ').trim() ?? '';
      const parent = node.parentElement;
      if (!text || !parent || parent.closest(skip)) continue;
      if (!parent.checkVisibility({ checkOpacity: false, checkVisibilityCSS: true })) continue;
      out.push({ text, where: where(parent) });
    }
    for (const input of document.querySelectorAll<HTMLInputElement>('input[placeholder], textarea[placeholder], input[type="button"], input[type="submit"]')) {
      if (input.closest(skip) || !input.checkVisibility()) continue;
      const text = (input.type === 'button' || input.type === 'submit' ? input.value : input.placeholder).trim();
      if (text) out.push({ text, where: `${where(input)}[${input.type === 'button' || input.type === 'submit' ? 'value' : 'placeholder'}]` });
    }
    return out;
  });
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const untranslated = Object.values(MESSAGES as Record<string, Record<Lang, string>>).filter((m) => m.en.trim() !== m.ko.trim());
const exact = new Set(untranslated.map((m) => m.en.trim()));
/** Templates with {params}: matched whole, each param standing for some text. */
const templates = untranslated.filter((m) => /\{\w+\}/.test(m.en) && m.en.replace(/\{\w+\}/g, '').trim().length >= 4)
  .map((m) => ({ en: new RegExp(`^${m.en.trim().split(/\{\w+\}/).map(escape).join('.*')}$`, 's'), ko: new RegExp(`^${m.ko.trim().split(/\{\w+\}/).map(escape).join('.*')}$`, 's') }));
const HANGUL = /[\uac00-\ud7a3]/;
const tokens = new RegExp(PROTOCOL_TOKENS.map(escape).join('|'), 'g');

/** Why a text is English UI on a Korean page, or undefined when it is not. */
export function englishProblem(text: string): string | undefined {
  if (SAME_IN_EVERY_LANGUAGE.has(text)) return undefined;
  if (exact.has(text)) return 'an en message of the catalogue';
  if (templates.some((tpl) => tpl.en.test(text) && !tpl.ko.test(text))) return 'an en template of the catalogue';
  if (HANGUL.test(text)) return undefined;
  const rest = text.replace(tokens, ' ');
  if (/(?:^|[^\w-])[A-Za-z]{2,}(?: [A-Za-z]{2,}){2,}(?![\w-])/.test(rest)) return 'a run of plain English words';
  return undefined;
}

let lab: WebLab;
let browser: Chromium;

beforeAll(async () => {
  lab = await startWebLab({ feedRate: 5 });
  browser = await launchChromium();
  // The reader chose Korean before (the switch remembers it here).
  await browser.context.addInitScript(() => localStorage.setItem('transport-lab.lang', 'ko'));
});

afterAll(async () => {
  await browser?.close();
  await lab?.close();
});

async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ width: 1280, height: 900 });
  const errors = collectPageErrors(page);
  await page.goto(lab.url + path.replace(/^\//, ''));
  // Every custom element defined and built (each builds itself in connectedCallback).
  await page.waitForFunction(() => document.querySelectorAll(':not(:defined)').length === 0);
  return { page, errors };
}

async function expectKorean(page: Page, name: string): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.lang), `${name}: <html lang>`).toBe('ko');
  const problems = (await shownTexts(page))
    .map((s) => ({ ...s, why: englishProblem(s.text) }))
    .filter((s) => s.why !== undefined)
    .map((s) => `${s.why}: "${s.text}" at ${s.where}`);
  // The tab's title and the description a search or a share shows are the page's words too.
  const { title, description } = await page.evaluate(() => ({
    title: document.title,
    description: document.querySelector<HTMLMetaElement>('meta[name="description"]')?.content ?? '',
  }));
  for (const [what, text] of [['<title>', title], ['<meta name="description">', description]] as const) {
    const why = text && !/[\uac00-\ud7a3]/.test(text) ? 'no Korean' : englishProblem(text);
    if (why) problems.push(`${why}: "${text}" in ${what}`);
  }
  expect(problems, `${name} shows English`).toEqual([]);
}

describe('the English detector', () => {
  it('flags catalogue English and plain English phrases, and lets Korean and protocol tokens through', () => {
    expect(englishProblem('Server pings')).toBeDefined();
    expect(englishProblem('connecting to ws://127.0.0.1:3000/feed/ws…')).toBeDefined();
    expect(englishProblem('the browser answers by itself')).toBeDefined();
    expect(englishProblem('서버가 ping 보내기')).toBeUndefined();
    expect(englishProblem('Server-Sent Events')).toBeUndefined();
    expect(englishProblem('101 Switching Protocols')).toBeUndefined();
    expect(englishProblem('FIN=1 · opcode=0x1 (text)')).toBeUndefined();
    expect(englishProblem('Sec-WebSocket-Accept')).toBeUndefined();
    expect(englishProblem('longpoll')).toBeUndefined();
  });
});

describe('Korean pages show no English UI', () => {
  it('lesson 6 (the handshake) with its inspectors, after a real handshake', async () => {
    const { page, errors } = await open('/lessons/ko/06-websocket-handshake');
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
    const inspector = page.locator('handshake-inspector');
    await inspector.locator('[data-action="connect"]').click();
    await page.waitForSelector('handshake-inspector[data-state="captured"]');
    await expectKorean(page, 'lesson 6');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lesson 3 (short polling): a run, then its wire view with the poll answer\'s body labelled', async () => {
    const { page, errors } = await open('/lessons/ko/03-short-polling');
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
    const run = page.locator('lane-run#poll-busy');
    await run.locator('[data-action="run"]').click();
    // The run said it was watching the lane, so the server kept the last answer's body for the wire view.
    await run.locator('[data-part="body-row"][data-kind="payload"]').first().waitFor();
    expect(await run.locator('.wire-view').getAttribute('data-lane')).toBe('poll');
    await expectKorean(page, 'lesson 3');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('every Korean lesson, as it first appears (widgets built, nothing run yet)', async () => {
    const slugs = readdirSync(new URL('../lessons/ko/', import.meta.url)).filter((f) => f.endsWith('.md')).map((f) => f.slice(0, -3));
    expect(slugs.length).toBeGreaterThanOrEqual(15);
    for (const slug of slugs) {
      const { page, errors } = await open(`/lessons/ko/${slug}`);
      await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
      await expectKorean(page, `lesson ${slug}`);
      expect(errors, slug).toEqual([]);
      await page.close();
    }
  });

  it('lesson 11 (fallbacks) with its widgets', async () => {
    const { page, errors } = await open('/lessons/ko/11-fallbacks');
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
    await expectKorean(page, 'lesson 11');
    expect(errors).toEqual([]);
    await page.close();
  });

  /** The words a reader meets in attributes (tooltips, screen-reader labels) on the chat and STOMP pages: English there fails too. */
  const englishAttributes = (page: Page) => page.evaluate(() => [...document.body.querySelectorAll('[title], [aria-label]')]
    .filter((el) => !el.closest('code, pre, [lang="en"]'))
    .flatMap((el) => ['title', 'aria-label'].map((a) => el.getAttribute(a)).filter((v): v is string => !!v))).then((values) =>
    values.filter((v) => englishProblem(v) !== undefined));

  it('the chat page: three people joined, a message in every mode, a refused message and a refused nickname', async () => {
    const { page, errors } = await open('/chat.html');
    const column = (i: number) => page.locator('chat-client').nth(i);
    await page.waitForFunction(() => {
      const people = [...document.querySelectorAll<HTMLElement>('chat-client')];
      return people.length === 3 && people.every((c) => c.dataset.state === 'joined' && c.querySelectorAll('.chat-members li').length === 3);
    });
    // Two of them in a room, so the room's lines and the "rooms" line show.
    for (const i of [0, 1]) {
      await column(i).locator('input[name="room"]').fill('snl');
      await column(i).locator('.chat-room-form button[type="submit"]').click();
      await column(i).locator('.chat-rooms', { hasText: 'snl' }).waitFor();
    }
    const say = async (mode: string, text: string) => {
      await column(0).locator('select[name="mode"]').selectOption(mode);
      if (mode === 'room') await column(0).locator('select[name="room"]').selectOption('snl');
      await column(0).locator('input[name="text"]').fill(text);
      await column(0).locator('.chat-say button[type="submit"]').click();
      await column(0).locator(`.chat-line[data-kind="message"][data-mode="${mode}"]`, { hasText: text }).or(
        column(1).locator(`.chat-line[data-kind="message"][data-mode="${mode}"]`, { hasText: text })).first().waitFor();
    };
    await say('all', '안녕하세요.');
    await say('self', '나만 보는 메모');
    await say('others', '나 빼고 다들 안녕');
    await say('room', 'SNL 멤버만');
    // A message longer than the lab takes, sent the way a lesson's script could (the form refuses it first).
    const limits = await (await fetch(`${lab.url}chat/limits`)).json() as { maxTextChars: number };
    await column(0).evaluate((el, text) => (el as HTMLElement & { say(t: string, to: string): Promise<unknown> }).say(text, 'all'), '가'.repeat(limits.maxTextChars + 1));
    await column(0).locator('.chat-line[data-kind="error"][data-code="LAB_ERR_CHAT_TEXT_TOO_LONG"]').waitFor();
    // The third leaves, then tries to come back under a nickname in use.
    await column(2).locator('.chat-leave').click();
    await page.locator('chat-client[data-state="closed"]').waitFor();
    await page.waitForFunction(() => document.querySelector('chat-client')?.querySelectorAll('.chat-members li').length === 2);
    await column(2).locator('input[name="nick"]').fill(await column(0).getAttribute('nick') ?? '');
    await column(2).locator('.chat-join button[type="submit"]').click();
    await column(2).locator('.chat-line[data-kind="error"][data-code="LAB_ERR_CHAT_NICK_TAKEN"]').waitFor();
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('.chat-cost')?.dataset.bytes ?? 0) > 0);
    expect(await page.title(), 'chat <title>').toMatch(/[\uac00-\ud7a3]/);
    await expectKorean(page, 'chat');
    expect(await englishAttributes(page), 'chat: titles and aria-labels').toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the STOMP page: connected, subscribed to /topic/feed, a feed message received, one sent, then a refused SUBSCRIBE', async () => {
    const { page, errors } = await open('/stomp.html');
    const frames = page.locator('stomp-frames');
    await frames.locator('[data-action="connect"]').click();
    await page.locator('stomp-frames[data-state="connected"]').waitFor();
    await frames.locator('[data-action="subscribe"]').click();
    await frames.locator('tr[data-command="RECEIPT"]').waitFor();
    await frames.locator('tr[data-command="MESSAGE"]').first().waitFor(); // the lab's feed runs in this file
    await frames.locator('[data-action="send"]').click();
    await frames.locator('tr[data-command="SEND"]').waitFor();
    await frames.locator('tr[data-command="RECEIPT"]').nth(1).waitFor();
    await page.waitForFunction(() => /\d/.test(document.querySelector('.stomp-cost')?.textContent ?? ''));
    expect(await page.title(), 'STOMP <title>').toMatch(/[\uac00-\ud7a3]/);
    await expectKorean(page, 'STOMP, connected');
    expect(await englishAttributes(page), 'STOMP: titles and aria-labels').toEqual([]);
    // A destination the lab refuses: an ERROR frame, then the close; both worded from the code.
    await frames.locator('input[name="subscribe"]').fill('/queue/nope');
    await frames.locator('[data-action="subscribe"]').click();
    await page.locator('stomp-frames[data-state="closed"]').waitFor();
    await frames.locator('tr[data-command="ERROR"]').waitFor();
    expect(await frames.locator('.stomp-status code.raw').textContent()).toContain('LAB_ERR_STOMP_DESTINATION');
    await expectKorean(page, 'STOMP, refused');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the dashboard, its lanes receiving', async () => {
    const { page, errors } = await open('/');
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
    // Every lane card past "connecting", so their states and counts are drawn.
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>('.lane-card')].every((c) => c.dataset.state === 'open'));
    await expectKorean(page, 'dashboard');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the inspectors page', async () => {
    const { page, errors } = await open('/inspect.html');
    await page.locator('frame-inspector [data-action="connect"]').click();
    await page.waitForSelector('frame-inspector[data-state="open"]');
    await expectKorean(page, 'inspect');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the class page during a class run with one student device, the student\'s strip, and a refusal', async () => {
    // A student device: a dashboard page (a page on loopback is also the teacher, so the projector may start runs).
    const student = await open('/');
    await student.page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
    const { page, errors } = await open('/class.html');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-field="devices"]')?.dataset.value === '1');
    await page.click('[data-action="start"]'); // the default lanes (longpoll + ws) and duration
    await student.page.waitForSelector('#class-run[data-state="running"]');
    // The run on the projector: its status, a lane card with reported latencies, the device's row.
    await page.waitForFunction(() => document.documentElement.dataset.runState === 'running' &&
      Number(document.querySelector<HTMLElement>('.class-lane-card[data-lane="longpoll"] .histogram')?.dataset.count) > 0 &&
      document.querySelector('[data-field="device-rows"] tr[data-lane="longpoll"]') !== null);
    await student.page.waitForFunction(() => Number(document.querySelector<HTMLElement>('[data-stat="class.messages"]')?.dataset.value) > 0);
    await expectKorean(page, 'class page');
    await expectKorean(student.page, 'a student\'s page in a class run');
    // The projector still fits (the Korean labels have their own widths): nothing to scroll at 1280×720 or 1920×1080.
    for (const [width, height] of [[1280, 720], [1920, 1080]] as const) {
      await page.setViewportSize({ width, height });
      const size = await page.evaluate(() => ({ width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight }));
      expect(size, `class page at ${width}×${height}`).toEqual({ width, height });
    }
    // A run the lab refuses (longer than classMaxRunMs; the input's own max taken away): explained in Korean,
    // the lab's code and English text beside it as the raw detail.
    await page.locator('input[name="seconds"]').evaluate((input) => input.removeAttribute('max'));
    await page.fill('input[name="seconds"]', '100000');
    await page.click('[data-action="start"]');
    await page.waitForSelector('[data-field="message"] code[lang="en"]');
    expect(await page.textContent('[data-field="message"] code')).toMatch(/^LAB_ERR_BODY_INVALID: /);
    await expectKorean(page, 'class page, a refused run');
    await page.click('[data-action="stop"]');
    await student.page.waitForSelector('#class-run[data-state="done"]');
    await expectKorean(student.page, 'a student\'s page after a class run');
    // The one error: the lab's 400 to the refused run, which the browser logs.
    expect(errors).toEqual([expect.stringContaining('400 (Bad Request)')]);
    expect(student.errors).toEqual([]);
    await page.close();
    await student.page.close();
  });

  it('the join page, on a loopback lab (its note says so), switched to Korean from an English address', async () => {
    // Regression: with ?lang=en in the address the switch saved the choice, reloaded, and the page came back English.
    const { page, errors } = await open('/join?lang=en');
    await page.waitForSelector('main.join[data-state="ready"]');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await Promise.all([page.waitForEvent('load'), page.click('.join-lang button[data-lang="ko"]')]);
    await page.waitForSelector('main.join[data-state="ready"][data-reachable="false"]');
    expect(await page.title()).toBe('Transport Lab: 수업 참여');
    await expectKorean(page, 'join');
    expect(errors).toEqual([]);
    await page.close();
  });
});
