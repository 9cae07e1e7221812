/**
 * web/stomp.html in Chromium: @stomp/stompjs in the page talks to the lab's
 * /stomp endpoint, and the widget shows each STOMP frame beside the WebSocket
 * frame that carries it. The widget's claim is checked against the lab: the
 * header and payload bytes of every row add up to exactly what the wire meter
 * counted on the real socket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { collectPageErrors, launchChromium, startWebLab, type Chromium, type WebLab } from './support/chromium.ts';

let lab: WebLab;
let browser: Chromium;
let page: Page;
let errors: string[];

interface Row { dir: 'in' | 'out'; command: string; payloadBytes: number; header: string; text: string }

const rows = (): Promise<Row[]> => page.$$eval('stomp-frames .stomp-log tbody tr', (trs) => trs.map((tr) => ({
  dir: (tr as HTMLElement).dataset.dir as 'in' | 'out',
  command: (tr as HTMLElement).dataset.command!,
  payloadBytes: Number((tr as HTMLElement).dataset.payloadBytes),
  header: (tr as HTMLElement).dataset.header!,
  text: tr.querySelector('pre')!.textContent!,
})));

/** Bytes on the wire for a row: its header (?? = a masking-key byte the page cannot see) plus the payload. */
const wireBytes = (row: Row) => row.header.split(' ').length + row.payloadBytes;

beforeAll(async () => {
  lab = await startWebLab({ feedRate: 0, startFeed: false });
  browser = await launchChromium();
  page = await browser.newPage({ width: 1280, height: 900 });
  errors = collectPageErrors(page);
  // In English: the test reads the page's English words (test/i18n.browser.test.ts reads the Korean).
  await page.goto(`${lab.url}stomp.html?lang=en`);
});

afterAll(async () => {
  await browser?.close();
  await lab?.close();
});

describe('web/stomp.html: STOMP frames beside their WebSocket frames', () => {
  let afterConnect: { bytesIn: number; bytesOut: number };
  let rowsAtConnect = 0;

  it('connects with v12.stomp and shows CONNECT and CONNECTED', async () => {
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.locator('stomp-frames[data-state="connected"]').waitFor();
    const [connect, connected] = await rows();
    expect(connect).toMatchObject({ dir: 'out', command: 'CONNECT' });
    expect(connect!.text).toMatch(/^CONNECT↵\naccept-version:1\.2,1\.1,1\.0↵\nheart-beat:10000,10000↵\n↵\nNUL$/);
    // A client frame: FIN + text (81), MASK + length, then the key the page cannot see.
    expect(connect!.header).toBe(`81 ${(0x80 | connect!.payloadBytes).toString(16)} ?? ?? ?? ??`);
    expect(connected).toMatchObject({ dir: 'in', command: 'CONNECTED' });
    expect(connected!.header).toBe(`81 ${connected!.payloadBytes.toString(16).padStart(2, '0')}`);
    expect(connected!.text).toContain('version:1.2↵');
    rowsAtConnect = (await rows()).length;
    afterConnect = lab.app.lab.meter.snapshot().stomp;
  });

  it('subscribes to /topic/feed and shows a feed message as a MESSAGE frame', async () => {
    await page.locator('.stomp-subscribe button[type="submit"]').click();
    await page.locator('stomp-frames tr[data-command="RECEIPT"]').waitFor();
    const published = lab.app.lab.feed.publish({ hello: 'browser' });
    await page.locator('stomp-frames tr[data-command="MESSAGE"]').first().waitFor();
    const message = (await rows()).find((r) => r.command === 'MESSAGE')!;
    expect(message.dir).toBe('in');
    expect(message.text).toContain('destination:/topic/feed↵');
    expect(message.text.endsWith(`${published.json}NUL`)).toBe(true);
  });

  it('sends with a receipt, and a long body gets the 16-bit length form', async () => {
    await page.locator('.stomp-subscribe input[name="subscribe"]').fill('/topic/chat');
    await page.locator('.stomp-subscribe button[type="submit"]').click();
    await page.locator('stomp-frames tr[data-command="RECEIPT"]').nth(1).waitFor();
    await page.locator('.stomp-send input[name="body"]').fill('x'.repeat(200));
    await page.locator('.stomp-send button[type="submit"]').click();
    await page.locator('stomp-frames tr[data-command="MESSAGE"]', { hasText: 'xxxx' }).waitFor();
    await page.locator('stomp-frames tr[data-command="RECEIPT"]').nth(2).waitFor();
    const send = (await rows()).find((r) => r.command === 'SEND')!;
    const hi = (send.payloadBytes >> 8).toString(16).padStart(2, '0');
    const lo = (send.payloadBytes & 0xff).toString(16).padStart(2, '0');
    expect(send.header).toBe(`81 fe ${hi} ${lo} ?? ?? ?? ??`); // RFC 6455 §5.2: 126 = a 16-bit length follows
  });

  it('shows exactly the bytes the lab counted on the socket, both ways', async () => {
    const now = lab.app.lab.meter.snapshot().stomp;
    const shown = (await rows()).slice(rowsAtConnect);
    const sum = (dir: 'in' | 'out') => shown.filter((r) => r.dir === dir).reduce((n, r) => n + wireBytes(r), 0);
    expect(sum('out')).toBe(now.bytesIn - afterConnect.bytesIn);
    expect(sum('in')).toBe(now.bytesOut - afterConnect.bytesOut);
  });

  it('disconnects with DISCONNECT and its RECEIPT', async () => {
    await page.getByRole('button', { name: 'Disconnect', exact: true }).click();
    await page.locator('stomp-frames[data-state="closed"]').waitFor();
    const last = (await rows()).slice(-2);
    expect(last.map((r) => r.command)).toEqual(['DISCONNECT', 'RECEIPT']);
    expect(errors).toEqual([]);
  });

  it('words a refused SUBSCRIBE from the server\'s code, the ERROR frame\'s own text kept as the detail', async () => {
    await page.locator('[data-action="connect"]').click();
    await page.locator('stomp-frames[data-state="connected"]').waitFor();
    await page.locator('.stomp-subscribe input[name="subscribe"]').fill('/queue/nope');
    await page.locator('[data-action="subscribe"]').click();
    await page.locator('stomp-frames[data-state="closed"]').waitFor();
    const error = (await rows()).find((r) => r.command === 'ERROR')!;
    expect(error.text).toContain('message:LAB_ERR_STOMP_DESTINATION'); // the colon after it is escaped, \c (STOMP 1.2 "Value Encoding")
    const status = page.locator('.stomp-status');
    // The close after the ERROR frame (STOMP 1.2 "ERROR"): 1008, its reason starting with the same code.
    expect(await status.evaluate((el) => el.firstChild?.textContent)).toBe('closed (1008: destinations are /topic/<name> (letters, digits, . _ -))');
    expect(await status.locator('code.raw[lang="en"]').textContent()).toMatch(/^LAB_ERR_STOMP_DESTINATION: /);
    expect(errors).toEqual([]);
  });
});
