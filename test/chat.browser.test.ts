/**
 * The three-people view (web/chat.html) in Chromium: three chat clients on one
 * page, three real WebSocket connections to the lab. Each delivery mode is
 * sent through the page's own form, and each column is read back.
 *
 * As in chat.int.test.ts, "did not receive" is proven with a marker sent to
 * everyone right after: a column that shows the marker and not the message
 * never got the message (each connection delivers in order).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { collectPageErrors, launchChromium, startWebLab, type Chromium, type WebLab } from './support/chromium.ts';

const NICKS = ['유재석', '강호동', '신동엽'] as const;
const MAX_TEXT_CHARS = 1_200;
type Nick = (typeof NICKS)[number];

let lab: WebLab;
let browser: Chromium;
let page: Page;
let errors: string[];
const dialogs: string[] = [];

const person = (nick: Nick): Locator => page.locator(`chat-client[nick="${nick}"]`);
const texts = (nick: Nick) => person(nick).locator('.chat-line[data-kind="message"] .text').allTextContents();

async function send(nick: Nick, mode: string, text: string, room?: string): Promise<void> {
  const client = person(nick);
  await client.locator('select[name="mode"]').selectOption(mode);
  if (room) await client.locator('select[name="room"]').selectOption(room);
  await client.locator('input[name="text"]').fill(text);
  await client.locator('.chat-say button[type="submit"]').click();
}

/** Send `text` with `mode`, then a marker to all; return what each column received between the two. */
async function deliveries(from: Nick, mode: string, text: string, room?: string): Promise<Record<Nick, boolean>> {
  const before = Object.fromEntries(await Promise.all(NICKS.map(async (n) => [n, (await texts(n)).length]))) as Record<Nick, number>;
  await send(from, mode, text, room);
  const marker = `marker after ${text}`;
  await send(from, 'all', marker);
  const got = {} as Record<Nick, boolean>;
  for (const nick of NICKS) {
    try {
      await person(nick).locator('.chat-line[data-kind="message"]', { hasText: marker }).waitFor({ timeout: 15_000 });
    } catch (err) {
      // Say what each column did show, so a failure can be read without a rerun.
      for (const n of NICKS) console.error(`${n} (${await person(n).getAttribute('data-state')}):`, await person(n).locator('.chat-line').allTextContents());
      throw err;
    }
    const received = (await texts(nick)).slice(before[nick]);
    expect(received.at(-1)).toBe(marker);
    got[nick] = received.includes(text);
  }
  return got;
}

beforeAll(async () => {
  // This test types faster than people do: lift the per-connection rate limit
  // (2 commands/s after a burst of 10), which chat.int.test.ts tests on its own.
  // With it, a refused marker made the test wait forever on a fast run.
  // Messages up to 1,200 characters: then a message of 4-byte characters can pass maxCommandBytes
  // (4,096) before it passes maxTextChars, and the page must say which limit it met.
  lab = await startWebLab({ feedRate: 0, startFeed: false, chatLimits: { rateBurst: 1000, ratePerSecond: 1000, maxTextChars: MAX_TEXT_CHARS } });
  browser = await launchChromium();
  page = await browser.newPage({ width: 1280, height: 900 });
  errors = collectPageErrors(page);
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  // In English: the test reads the page's English words (test/i18n.browser.test.ts reads the Korean).
  await page.goto(`${lab.url}chat.html?lang=en`);
});

afterAll(async () => {
  await browser?.close();
  await lab?.close();
});

describe('web/chat.html: three people, three connections', () => {
  it('joins all three and shows everyone the same presence list', async () => {
    for (const nick of NICKS) {
      await person(nick).locator('.chat-members li').nth(2).waitFor();
      expect(await person(nick).getAttribute('data-state')).toBe('joined');
      // The three connect at once, so the server may see them join in any order.
      expect((await person(nick).locator('.chat-members li').allTextContents()).sort()).toEqual([...NICKS].sort());
      expect(await person(nick).locator('.chat-members li[data-self="true"]').textContent()).toBe(nick);
    }
    expect(lab.app.lab.meter.snapshot().chat.open).toBeGreaterThanOrEqual(3);
  });

  it('"all" reaches all three columns', async () => {
    expect(await deliveries('유재석', 'all', '(유재석)안녕하세요.')).toEqual({ 유재석: true, 강호동: true, 신동엽: true });
  });

  it('"self" reaches the sender\'s column only', async () => {
    expect(await deliveries('강호동', 'self', 'only me')).toEqual({ 유재석: false, 강호동: true, 신동엽: false });
  });

  it('"others" reaches every column but the sender\'s', async () => {
    expect(await deliveries('신동엽', 'others', '그래 안녕.')).toEqual({ 유재석: true, 강호동: true, 신동엽: false });
  });

  it('"room" reaches the columns that joined the room', async () => {
    for (const nick of ['강호동', '신동엽'] as const) {
      await person(nick).locator('input[name="room"]').fill('snl');
      await person(nick).locator('.chat-room-form button[type="submit"]').click();
      await person(nick).locator('.chat-rooms', { hasText: 'snl' }).waitFor();
    }
    expect(await deliveries('신동엽', 'room', 'room only', 'snl')).toEqual({ 유재석: false, 강호동: true, 신동엽: true });
  });

  it('shows markup as text, never as HTML', async () => {
    const xss = '<img src=x onerror=alert(1)>';
    expect(await deliveries('유재석', 'all', xss)).toEqual({ 유재석: true, 강호동: true, 신동엽: true });
    for (const nick of NICKS) expect(await person(nick).locator('.chat-log img').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it('shows a refused message as an error in the sender\'s column', async () => {
    // The form no longer lets a person send it (the inputs carry the limits); the server's refusal
    // still shows when a message gets past the page, as a lesson's script may send one.
    await person('유재석').evaluate((el, text) => (el as HTMLElement & { say(t: string, to: string): Promise<unknown> }).say(text, 'all'), 'x'.repeat(MAX_TEXT_CHARS + 1));
    await person('유재석').locator('.chat-line[data-kind="error"]', { hasText: 'LAB_ERR_CHAT_TEXT_TOO_LONG' }).waitFor();
    // Worded from the code, with this lab's limit; the server's own words beside it, as data.
    const line = person('유재석').locator('.chat-line[data-code="LAB_ERR_CHAT_TEXT_TOO_LONG"]');
    expect(await line.locator('.text').textContent()).toBe(`The message is longer than the lab takes (${MAX_TEXT_CHARS} characters).`);
    expect(await line.locator('code.raw[lang="en"]').textContent()).toBe(`LAB_ERR_CHAT_TEXT_TOO_LONG: text of ${MAX_TEXT_CHARS + 1} characters; the limit is ${MAX_TEXT_CHARS}`);
  });

  it('updates everyone\'s presence list when someone leaves', async () => {
    await person('신동엽').locator('.chat-leave').click();
    for (const nick of ['유재석', '강호동'] as const) {
      await person(nick).locator('.chat-line[data-kind="presence"]', { hasText: '신동엽 left' }).waitFor();
      expect((await person(nick).locator('.chat-members li').allTextContents()).sort()).toEqual(['유재석', '강호동'].sort());
    }
    await page.locator('chat-client[nick="신동엽"][data-state="closed"]').waitFor();
  });

  it('shows the chat traffic the lab measured', async () => {
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('.chat-cost')?.dataset.bytes ?? 0) > 0);
    expect(await page.locator('.chat-cost').textContent()).toMatch(/^Chat traffic \(lab's wire meter\): [\d,]+ B in, [\d,]+ B out/);
    expect(errors).toEqual([]);
  });

  it('regression: a refused nickname stayed as the column heading; the inputs carry the lab\'s limits', async () => {
    const limits = await (await fetch(`${lab.url}chat/limits`)).json() as { nickMaxChars: number; maxTextChars: number; maxCommandBytes: number };
    const tooLong = '가'.repeat(limits.nickMaxChars + 1);
    const other = await browser.newPage({ width: 1280, height: 900 });
    const otherErrors = collectPageErrors(other);
    await other.goto(`${lab.url}chat.html?lang=en&nicks=${encodeURIComponent(tooLong)},limits-b`);
    const refused = other.locator(`chat-client[nick="${tooLong}"]`);
    await refused.locator('.chat-line[data-kind="error"]').waitFor();
    expect(await refused.getAttribute('data-state')).toBe('idle');
    expect(await refused.locator('h2').textContent()).not.toContain(tooLong);

    // The nickname field knows the limit in characters (code points, as the server counts them).
    const nick = refused.locator('input[name="nick"]');
    await nick.waitFor();
    expect(await nick.getAttribute('data-max-chars')).toBe(String(limits.nickMaxChars));
    await nick.fill(tooLong);
    expect(await nick.evaluate((el: HTMLInputElement) => el.validationMessage)).toContain(String(limits.nickMaxChars));
    await nick.fill('𠀀'.repeat(limits.nickMaxChars)); // two UTF-16 units each, one character each
    expect(await nick.evaluate((el: HTMLInputElement) => el.validity.valid)).toBe(true);
    await refused.locator('.chat-join button[type="submit"]').click();
    await refused.and(other.locator('[data-state="joined"]')).waitFor();
    expect(await refused.locator('h2').textContent()).toContain('𠀀'.repeat(limits.nickMaxChars));

    // The message field: characters, and the bytes of the command that would carry it.
    const text = refused.locator('input[name="text"]');
    expect(await text.getAttribute('data-max-chars')).toBe(String(limits.maxTextChars));
    expect(await text.getAttribute('data-max-bytes')).toBe(String(limits.maxCommandBytes));
    await text.fill('a'.repeat(limits.maxTextChars + 1));
    expect(await text.evaluate((el: HTMLInputElement) => el.validity.valid)).toBe(false);
    await text.fill('"'.repeat(limits.maxTextChars)); // each escaped in JSON: 2 bytes
    expect(await text.evaluate((el: HTMLInputElement) => el.validity.valid)).toBe(true);
    await text.fill('𠀀'.repeat(limits.maxTextChars)); // 4 UTF-8 bytes each: 4,800 in all
    expect(await text.evaluate((el: HTMLInputElement) => el.validationMessage)).toContain(String(limits.maxCommandBytes));
    await other.close();
    expect(otherErrors).toEqual([]);
  });

  for (const transport of ['longpoll', 'sse'] as const) {
    it(`carries the same chat over ${transport} (?transport=${transport})`, async () => {
      const other = await browser.newPage({ width: 1280, height: 900 });
      const otherErrors = collectPageErrors(other);
      await other.goto(`${lab.url}chat.html?lang=en&transport=${transport}&nicks=${transport}-a,${transport}-b`);
      const a = other.locator(`chat-client[nick="${transport}-a"]`);
      const b = other.locator(`chat-client[nick="${transport}-b"]`);
      await a.locator('.chat-members li', { hasText: `${transport}-b` }).waitFor();
      await a.locator('input[name="text"]').fill(`hi over ${transport}`);
      await a.locator('select[name="mode"]').selectOption('others');
      await a.locator('.chat-say button[type="submit"]').click();
      await b.locator('.chat-line[data-kind="message"]', { hasText: `hi over ${transport}` }).waitFor();
      // The first page's WebSocket members saw them come; they see them go when the page closes.
      await other.close();
      await person('유재석').locator('.chat-line[data-kind="presence"]', { hasText: `${transport}-b left` }).waitFor();
      expect(otherErrors).toEqual([]);
    });
  }
});
