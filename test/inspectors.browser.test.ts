/**
 * The protocol inspectors (web/inspect.html, web/cross-origin.html) in a real
 * Chromium against a real lab: each widget does its main action and shows the
 * bytes the lab captured from its own sockets. Screenshots go to artifacts/
 * (git-ignored) for a person to look at.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { openSecondOrigin } from '../src/app.ts';
import { collectPageErrors, launchChromium, startWebLab, type Chromium, type WebLab } from './support/chromium.ts';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));

/**
 * Console errors the browser itself logs for what these pages do on purpose:
 * a refused WebSocket handshake, a fetch blocked by CORS (and its refused
 * preflight, 404), the lab's 400 for a bad playground request or a switch past
 * its cap. Anything else fails the test.
 */
const EXPECTED_CONSOLE = [
  /WebSocket connection to '.*' failed/,
  /has been blocked by CORS policy/,
  /Failed to load resource: net::ERR_FAILED/,
  /Failed to load resource: the server responded with a status of (400|404)/,
];

let lab: WebLab;
let secondOrigin: string;
let browser: Chromium;
let page: Page;
let errors: string[];

const post = (path: string, body: unknown) => fetch(`${lab.url}${path.slice(1)}`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
});

const unexpected = () => errors.filter((e) => !EXPECTED_CONSOLE.some((re) => re.test(e)));

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  lab = await startWebLab({ feedRate: 5 });
  secondOrigin = await openSecondOrigin(lab.app, 0);
  browser = await launchChromium();
  page = await browser.newPage({ width: 1280, height: 900 });
  errors = collectPageErrors(page);
  await page.goto(`${lab.url}inspect.html`);
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await lab?.close();
});

beforeEach(async () => {
  await post('/api/switches/reset', {});
});

/** The second origin as the lab names it to a page opened by 127.0.0.1 (it follows the Host). */
const framedOrigin = () => secondOrigin.replace('//localhost:', '//127.0.0.1:');

/** Screenshot of one widget, scrolled into view. */
async function shoot(locator: Locator, name: string): Promise<void> {
  await locator.scrollIntoViewIfNeeded();
  await locator.screenshot({ path: `${ARTIFACTS}${name}.png` });
}

describe('<handshake-inspector>', () => {
  it('shows the real 101 handshake and computes the same Sec-WebSocket-Accept in the browser', async () => {
    const hs = page.locator('handshake-inspector');
    // Before connecting: the RFC 6455 §1.3 vector, computed by WebCrypto in the page.
    await expect.poll(() => hs.locator('[data-part="accept-browser"]').textContent()).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    expect(await hs.locator('.hs-compare').getAttribute('data-match')).toBe('true');

    await hs.locator('[data-action="connect"]').click();
    await page.locator('handshake-inspector[data-state="captured"]').waitFor();
    expect(await hs.locator('[data-part="response"] .hs-status-line').textContent()).toMatch(/^HTTP\/1\.1 101 Switching Protocols/);
    const request = await hs.locator('[data-part="request"] .hs-line').allTextContents();
    expect(request[0]).toMatch(/^GET \/feed\/ws\?inspector=\w+ HTTP\/1\.1/);
    expect(request.some((l) => /^Upgrade: websocket/i.test(l))).toBe(true);
    expect(request.some((l) => /^Sec-WebSocket-Version: 13/i.test(l))).toBe(true);
    // Every line's bytes add up to what the server's socket measured, both ways.
    expect(await hs.locator('.hs-head .insp-ok').count()).toBe(2);
    // Every header line is explained.
    const notes = await hs.locator('[data-part="request"] tr[data-header="sec-websocket-key"] .hs-note').textContent();
    expect(notes).toContain('16 random bytes');

    const key = await hs.locator('[data-part="request"] tr[data-header="sec-websocket-key"] .hs-line').textContent();
    const browserAccept = await hs.locator('[data-part="accept-browser"]').textContent();
    const serverAccept = await hs.locator('[data-part="accept-server"]').textContent();
    expect(key).toContain(await hs.locator('[data-part="accept-key"]').textContent());
    expect(browserAccept).toMatch(/^[A-Za-z0-9+/]{27}=$/);
    expect(browserAccept).toBe(serverAccept);
    expect(await hs.locator('.hs-compare').getAttribute('data-match')).toBe('true');
    await shoot(hs, 'inspect-handshake');
  });

  it('computes the accept of any typed key, and refuses input that is not a header value', async () => {
    const hs = page.locator('handshake-inspector');
    await hs.locator('input[name="key"]').fill('x3JJHMbDL1EzLkh9GBhXDw==');
    // RFC 6455 §1.2's other sample handshake.
    await expect.poll(() => hs.locator('[data-part="accept-browser"]').textContent()).toBe('HSmrc0sMlYUkAGmm5OPpG2HaGWk=');
    await hs.locator('input[name="key"]').fill('키');
    await hs.locator('.hs-steps .insp-error', { hasText: 'LAB_ERR_KEY_NOT_ASCII' }).waitFor();
  });
});

describe('<handshake-playground>', () => {
  const pg = () => page.locator('handshake-playground');
  async function sendAfter(action: string): Promise<string> {
    await pg().locator(`[data-action="valid"]`).click();
    if (action !== 'valid') await pg().locator(`[data-action="${action}"]`).click();
    await pg().locator('[data-action="send"]').click();
    await page.locator('handshake-playground[data-state="answered"]').waitFor();
    const status = (await pg().getAttribute('data-status'))!;
    // Reset the marker so the next send is awaited, not the previous answer.
    await pg().evaluate((el) => { (el as HTMLElement).dataset.state = 'idle'; });
    return status;
  }

  it('sends the raw request and shows the real answers: 101 with its first frame, 400, 426', async () => {
    expect(await sendAfter('valid')).toBe('101');
    expect(await pg().locator('.pg-head').textContent()).toContain('Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    // The first frame after the 101: the lab's hello, a text frame, unmasked.
    expect(await pg().locator('[data-part="frame-header"]').textContent()).toMatch(/^81 [0-7][0-9a-f]$/);
    expect(await pg().locator('.pg-frame-text').textContent()).toMatch(/^\{"type":"hello"/);
    await shoot(pg(), 'inspect-playground-101');

    expect(await sendAfter('remove-key')).toBe('400');
    expect(await sendAfter('version-8')).toBe('426');
    expect(await pg().locator('.pg-status').textContent()).toContain('426 Upgrade Required');
    expect(await pg().locator('.pg-head').textContent()).toMatch(/sec-websocket-version: 13/i);
    await shoot(pg(), 'inspect-playground-426');
  });

  it('answers the seed note\'s Host (a URL) with 400, and shows the JSON body as UTF-8 (regression: "§" showed as "Â§")', async () => {
    await pg().locator('[data-action="valid"]').click();
    const request = await pg().locator('textarea[name="request"]').inputValue();
    await pg().locator('textarea[name="request"]').fill(request.replace(/^Host: .*$/m, 'Host: ws://localhost:8089/myChat/echo.do'));
    await pg().locator('[data-action="send"]').click();
    await page.locator('handshake-playground[data-state="answered"]').waitFor();
    expect(await pg().getAttribute('data-status')).toBe('400');
    const body = JSON.parse((await pg().locator('.pg-body').textContent())!) as { error: string; message: string };
    expect(body.error).toBe('LAB_ERR_BAD_REQUEST');
    expect(body.message).toContain('RFC 9112 §3.2');
    await pg().evaluate((el) => { (el as HTMLElement).dataset.state = 'idle'; });
  });

  it('lets a foreign Origin in while the allowlist is off, and answers 403 once it is on', async () => {
    await pg().locator('[data-action="origin-check"][aria-pressed="false"]').waitFor();
    expect(await sendAfter('foreign-origin')).toBe('101');
    await pg().locator('[data-action="origin-check"]').click();
    await pg().locator('[data-action="origin-check"][aria-pressed="true"]').waitFor();
    expect(await sendAfter('foreign-origin')).toBe('403');
    expect(await pg().locator('.pg-head').textContent()).toContain('403 Forbidden');
  });

  it('shows the server\'s own error for a request it will not send, and refuses an oversized one before sending', async () => {
    await pg().locator('textarea[name="request"]').fill('GET /api/stats HTTP/1.1\nHost: x');
    await pg().locator('[data-action="send"]').click();
    await pg().locator('.pg-error', { hasText: 'LAB_ERR_PLAYGROUND_TARGET' }).waitFor();
    await pg().locator('textarea[name="request"]').fill(`GET /feed/ws HTTP/1.1\nX-Pad: ${'a'.repeat(5000)}`);
    expect(await pg().locator('textarea[name="request"]').getAttribute('aria-invalid')).toBe('true');
    await pg().locator('[data-action="send"]').click();
    await pg().locator('.pg-error', { hasText: /^not sent: LAB_ERR_PAYLOAD_TOO_LARGE: .*at most 4,096/ }).waitFor();
  });
});

describe('<frame-inspector>', () => {
  const fi = () => page.locator('frame-inspector');
  const frames = (dir: 'in' | 'out', opcode: string) => fi().locator(`.fi-frame[data-dir="${dir}"][data-opcode="${opcode}"]`);
  const hexOf = async (frame: Locator) => (await frame.locator('[data-part="frame-start-hex"]').textContent())!;

  it('shows a masked "Hello" from the browser and the server\'s unmasked echo, byte for byte', async () => {
    await fi().locator('[data-action="connect"]').click();
    await page.locator('frame-inspector[data-state="open"]').waitFor();
    await fi().locator('[data-action="preset-hello"]').click();
    await frames('out', 'text').nth(1).waitFor(); // the welcome, then the echo
    const sent = frames('in', 'text').last();
    const hex = await hexOf(sent);
    // RFC 6455 §5.7: 0x81 (FIN, text), 0x85 (MASK, length 5), a 4-byte key, 5 masked bytes.
    expect(hex).toMatch(/^81 85( [0-9a-f]{2}){4}( [0-9a-f]{2}){5}$/);
    expect(await sent.getAttribute('data-masked')).toBe('true');
    expect(await sent.locator('[data-part="unmasked-hex"]').textContent()).toBe('48 65 6c 6c 6f');
    expect(await sent.locator('[data-part="wire-hex"]').textContent()).not.toBe('48 65 6c 6c 6f');
    expect(await sent.locator('.fi-bytes .part-masking-key').count()).toBe(4);
    const echo = frames('out', 'text').last();
    expect(await hexOf(echo)).toBe('81 05 48 65 6c 6c 6f');
    expect(await echo.getAttribute('data-masked')).toBe('false');
    expect(await echo.locator('.fi-bytes td:last-child').allTextContents()).toEqual([
      'FIN=1 · RSV1-3=000 · opcode=0x1 (text)',
      'MASK=0 · payload length=5',
    ]);
    console.log(`captured from Chromium: browser → server ${hex}; server → browser ${await hexOf(echo)}`);
    await shoot(fi().locator('.fi-frame').last(), 'inspect-frame-hello-echo');
  });

  it('shows the 16- and 64-bit length forms, binary, fragments, ping/pong and both closes', async () => {
    await fi().locator('[data-action="preset-200"]').click();
    await fi().locator('.fi-frame[data-dir="out"]', { hasText: '200 B payload' }).waitFor();
    expect(await hexOf(fi().locator('.fi-frame[data-dir="out"]', { hasText: '200 B payload' }))).toMatch(/^81 7e 00 c8 /);
    await fi().locator('[data-action="preset-70000"]').click();
    const big = fi().locator('.fi-frame[data-dir="out"]', { hasText: '70,000 B payload' });
    await big.waitFor();
    expect(await hexOf(big)).toMatch(/^81 7f 00 00 00 00 00 01 11 70 /);
    expect(await big.locator('.fi-bytes .part-extended-length').count()).toBe(8);

    await fi().locator('textarea[name="message"]').fill('Hi');
    await fi().locator('[data-action="send-binary"]').click();
    await frames('out', 'binary').waitFor();
    expect(await hexOf(frames('out', 'binary'))).toBe('82 02 48 69');

    await fi().locator('[data-action="fragments"]').click();
    await frames('out', 'continuation').waitFor();
    expect(await hexOf(frames('out', 'continuation'))).toBe('80 02 6c 6f'); // "lo", FIN
    expect(await hexOf(fi().locator('.fi-frame[data-dir="out"][data-fin="false"]').last())).toBe('01 03 48 65 6c'); // "Hel", not FIN

    await fi().locator('[data-action="ping"]').click();
    await frames('in', 'pong').waitFor();
    expect(await hexOf(frames('out', 'ping'))).toBe('89 02 68 69');
    expect(await hexOf(frames('in', 'pong'))).toMatch(/^8a 82( [0-9a-f]{2}){6}$/); // the browser's pong, masked

    await fi().locator('[data-action="close"]').click();
    await page.locator('frame-inspector[data-state="closed"]').waitFor();
    await frames('out', 'close').waitFor();
    expect(await frames('in', 'close').locator('[data-part="text"]').textContent()).toBe('4000 bye');
    expect(await hexOf(frames('in', 'close'))).toMatch(/^88 85 /);
    expect(await hexOf(frames('out', 'close'))).toBe('88 05 0f a0 62 79 65');
    await shoot(fi(), 'inspect-frames');
  });

  it('refuses what the browser or the server would refuse, with the reason, and never crashes', async () => {
    await fi().locator('input[name="close-code"]').fill('999');
    await fi().locator('[data-action="close"]').click();
    await fi().locator('.fi-controls [role="status"]', { hasText: 'LAB_ERR_CLOSE_CODE' }).waitFor();
    await fi().locator('input[name="fragments-parts"]').fill('17');
    await fi().locator('[data-action="fragments"]').click();
    await fi().locator('.fi-controls [role="status"]', { hasText: 'LAB_ERR_FRAGMENTS_INVALID: parts must be a whole number from 1 to 16' }).waitFor();
    await fi().locator('input[name="fragments-parts"]').fill('2');
    await fi().locator('input[name="close-code"]').fill('4000');
  });

  it('negotiates permessage-deflate when asked: RSV1 set, the payload compressed', async () => {
    await fi().locator('input[name="deflate"]').check();
    await fi().locator('[data-action="connect"]').click();
    await page.locator('frame-inspector[data-state="open"]').waitFor();
    await fi().locator('textarea[name="message"]').fill('Hello Hello Hello Hello Hello');
    await fi().locator('[data-action="send-text"]').click();
    const echo = fi().locator('.fi-frame[data-dir="out"][data-opcode="text"]').nth(1);
    await echo.waitFor();
    expect(await hexOf(echo)).toMatch(/^c1 /); // FIN + RSV1 + text
    await fi().locator('input[name="deflate"]').uncheck();
    await fi().locator('[data-action="disconnect"]').click();
  });
});

describe('<request-timeline>', () => {
  it('draws the poll lane\'s requests as separate bars, one per request', async () => {
    const tl = page.locator('request-timeline .tl-lane[data-lane="poll"]');
    await tl.locator('[data-action="run"]').click();
    await expect.poll(() => tl.locator('.tl-row[data-method="GET"][data-status="200"][data-open="false"]').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    const rows = await tl.locator('.tl-row').evaluateAll((els) => els.map((e) => ({ ...(e as HTMLElement).dataset })));
    // Short polling: every request is answered at once and ends; none is held (only the newest may be in flight).
    expect(rows.slice(0, -1).every((r) => r.open === 'false')).toBe(true);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    expect(Number(await tl.getAttribute('data-requests'))).toBe(rows.length);
    await shoot(tl, 'inspect-timeline-poll');
    await tl.locator('[data-action="run"]').click();
  });

  it('shows a held SSE response as one bar that stays open', async () => {
    const tl = page.locator('request-timeline .tl-lane[data-lane="sse"]');
    await tl.locator('[data-action="run"]').click();
    await tl.locator('.tl-row[data-open="true"][data-status="200"]').waitFor();
    await shoot(tl, 'inspect-timeline-sse');
    await tl.locator('[data-action="run"]').click();
    await tl.locator('.tl-row[data-open="true"]').waitFor({ state: 'detached' });
  });
});

describe('<fallback-chain>', () => {
  it('connects over WebSocket when it can', async () => {
    const fc = page.locator('fallback-chain');
    await fc.locator('[data-action="start"]').click();
    await page.locator('fallback-chain[data-lane="ws"]').waitFor();
    await fc.locator('[data-part="first-message"][data-ms]').waitFor();
    expect(await fc.locator('.fc-attempt').count()).toBe(1);
    await fc.locator('[data-action="stop"]').click();
  });

  it('falls back to SSE when the lab refuses WebSocket upgrades, and says how the attempt failed', async () => {
    const fc = page.locator('fallback-chain');
    await fc.locator('[data-action="refuse-upgrade"]').click();
    await fc.locator('[data-action="refuse-upgrade"][aria-pressed="true"]').waitFor();
    await fc.locator('[data-action="start"]').click();
    await page.locator('fallback-chain[data-lane="sse"]').waitFor();
    await fc.locator('[data-part="first-message"][data-ms]').waitFor();
    const attempts = await fc.locator('.fc-attempt').evaluateAll((rows) => rows.map((r) => ({
      lane: (r as HTMLElement).dataset.lane, outcome: (r as HTMLElement).dataset.outcome, why: (r as HTMLTableRowElement).cells[4]!.textContent,
    })));
    expect(attempts.map((a) => [a.lane, a.outcome])).toEqual([['ws', 'failed'], ['sse', 'connected']]);
    expect(attempts[0]!.why).toMatch(/closed 1006/);
    expect(await fc.getAttribute('data-state')).toBe('connected');
    // Beside it, the real libraries on the same refusing proxy: Socket.IO's upgrade probe fails and it stays
    // on long polling; SockJS falls back from its WebSocket to xhr-streaming. Each cost is counted for its own page.
    const libraries = fc.locator('.fc-libraries');
    await libraries.locator('tr[data-client="sockjs"][data-transport="xhr-streaming"]').waitFor();
    await page.waitForFunction(() => /^polling ✓ .* → websocket \(upgrade\) ✗/.test(document.querySelector('.fc-libraries tr[data-client="socketio"] td')?.textContent ?? ''));
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>('.fc-libraries tr[data-client]')].every((r) => r.dataset.bytesPerMessage !== undefined));
    expect(await libraries.locator('tr[data-client="socketio"]').getAttribute('data-transport')).toBe('polling');
    expect(await libraries.locator('tr[data-client="chain"]').getAttribute('data-transport')).toBe('sse');
    expect(Number(await libraries.locator('tr[data-client="chain"]').getAttribute('data-requests'))).toBe(2); // the refused upgrade, the SSE stream
    expect(Object.entries(lab.app.lab.chaos.snapshot()).filter(([, s]) => s.refuseUpgrade).map(([lane]) => lane)).toEqual(['ws', 'socketio', 'sockjs']);
    await shoot(fc, 'inspect-fallback-sse');
    await fc.locator('[data-action="stop"]').click();
  });
});

describe('<chaos-panel>', () => {
  it('shows a badge on a lane while its switch is on, applies the server\'s limits, and resets', async () => {
    const cp = page.locator('chaos-panel');
    const poll = cp.locator('.cp-lane[data-lane="poll"]');
    await poll.locator('input[name="delayMs"]').fill('250');
    await poll.locator('[data-action="apply"]').click();
    await poll.locator('.cp-badge[data-key="delay"]', { hasText: '+250 ms delay' }).waitFor();
    expect((await (await fetch(`${lab.url}api/switches`)).json() as { chaos: { poll: { delayMs: number } } }).chaos.poll.delayMs).toBe(250);
    await cp.locator('.cp-lane[data-lane="ws"] input[name="refuseUpgrade"]').check();
    await cp.locator('.cp-lane[data-lane="ws"] .cp-badge[data-key="refuse-upgrade"]').waitFor();
    await page.locator('chaos-panel[data-active="true"]').waitFor();
    await shoot(cp, 'inspect-chaos-on');

    // Past the cap: the server's own refusal, shown as it is.
    await poll.locator('input[name="delayMs"]').fill('999999');
    await poll.locator('[data-action="apply"]').click();
    await cp.locator('.insp-error', { hasText: 'LAB_ERR_BODY_INVALID' }).waitFor();

    // A switch flipped elsewhere shows up too (from the stats snapshots).
    await post('/api/chaos', { lane: 'sse', bufferBytes: 4096 });
    await cp.locator('.cp-lane[data-lane="sse"] .cp-badge[data-key="buffer"]', { hasText: '4,096 B' }).waitFor();

    await cp.locator('[data-action="reset"]').click();
    await page.locator('chaos-panel[data-active="false"]').waitFor();
    expect(await cp.locator('.cp-badge').count()).toBe(0);
  });
});

describe('<origin-cors-demo> and the second origin', () => {
  const demo = () => page.locator('origin-cors-demo');
  const outcome = (experiment: string) => demo().locator(`.oc-result[data-experiment="${experiment}"]`);
  async function run(): Promise<Record<string, string>> {
    await page.locator('origin-cors-demo[data-state="ready"], origin-cors-demo[data-state="done"]').waitFor();
    await demo().locator('[data-action="run"]').click();
    await page.locator('origin-cors-demo[data-state="running"]').waitFor();
    await page.locator('origin-cors-demo[data-state="done"]').waitFor({ timeout: 15_000 });
    return Object.fromEntries(await Promise.all(['websocket', 'simple-fetch', 'preflighted-fetch'].map(async (e) => [e, (await outcome(e).getAttribute('data-outcome'))!])));
  }

  it('frames the cross-origin page from the second origin', async () => {
    const frame = page.frameLocator('origin-cors-demo iframe.oc-frame');
    await frame.locator('cross-origin-probe[data-state="ready"]').waitFor();
    // The link follows the Host the page reached the lab by (here 127.0.0.1, not localhost).
    expect(await frame.locator('.xo-origins').textContent()).toContain(framedOrigin());
  });

  it('with both switches off: the WebSocket opens (no CORS for WebSockets), the fetches are blocked', async () => {
    expect(await run()).toEqual({ websocket: 'opened', 'simple-fetch': 'blocked', 'preflighted-fetch': 'blocked' });
    // The lab saw the other page's Origin on the handshake and let it in.
    expect(await outcome('websocket').locator('td').nth(2).textContent()).toContain(`Origin: ${framedOrigin()}`);
    expect(await outcome('websocket').locator('.oc-status').textContent()).toMatch(/^HTTP\/1\.1 101 /);
    // The simple GET reached the lab and was answered; the page just may not read it.
    expect(await outcome('simple-fetch').locator('.oc-requests').getAttribute('data-requests')).toBe('GET 200');
    // The preflighted one: only the OPTIONS arrived, refused; the GET was never sent.
    expect(await outcome('preflighted-fetch').locator('.oc-requests').getAttribute('data-requests')).toBe('OPTIONS 404');
    await shoot(demo(), 'inspect-origin-off');
  });

  it('with the Origin allowlist on, the other origin\'s WebSocket is refused (403; the page sees only 1006)', async () => {
    await demo().locator('input[name="originCheck"]').check();
    await page.locator('origin-cors-demo[data-origin-check="true"]').waitFor();
    expect((await run()).websocket).toBe('refused');
    expect(await outcome('websocket').locator('td').nth(1).textContent()).toContain('close 1006');
    expect(await outcome('websocket').locator('.oc-status').textContent()).toMatch(/^HTTP\/1\.1 403 /);
    await shoot(demo(), 'inspect-origin-allowlist-on');
  });

  it('with CORS on, both fetches are readable, the preflight answered first', async () => {
    await demo().locator('input[name="cors"]').check();
    await page.locator('origin-cors-demo[data-cors="true"]').waitFor();
    const got = await run();
    expect(got).toEqual({ websocket: 'opened', 'simple-fetch': 'readable', 'preflighted-fetch': 'readable' });
    expect(await outcome('preflighted-fetch').locator('.oc-requests').getAttribute('data-requests')).toBe('OPTIONS 204,GET 200');
    expect(await outcome('simple-fetch').locator('td').nth(1).textContent()).toContain('status 200');
    await shoot(demo(), 'inspect-origin-cors-on');
  });

  it('the cross-origin page works on its own, from the second origin', async () => {
    const other = await browser.newPage({ width: 1100, height: 700 });
    const otherErrors = collectPageErrors(other);
    await other.goto(`${secondOrigin}/`);
    await other.locator('cross-origin-probe[data-state="ready"]').waitFor();
    await post('/api/security', { originCheck: true });
    await other.locator('[data-action="websocket"]').click();
    await other.locator('.xo-result[data-experiment="websocket"][data-outcome="refused"]').waitFor();
    await post('/api/security', { originCheck: false });
    await other.locator('[data-action="websocket"]').click();
    await other.locator('.xo-result[data-experiment="websocket"][data-outcome="opened"]').waitFor();
    await other.screenshot({ path: `${ARTIFACTS}cross-origin-page.png` });
    expect(otherErrors.filter((e) => !EXPECTED_CONSOLE.some((re) => re.test(e)))).toEqual([]);
    await other.close();
  });
});

describe('each inspector alone', () => {
  it('works as the only element on a page (as a lesson embeds it)', async () => {
    const alone = await browser.newPage({ width: 1000, height: 800 });
    const aloneErrors = collectPageErrors(alone);
    await alone.goto(`${lab.url}inspect.html`);
    await alone.evaluate(() => {
      const timeline = Object.assign(document.createElement('request-timeline'), {});
      timeline.setAttribute('lane', 'longpoll');
      timeline.setAttribute('run', '');
      document.body.replaceChildren(document.createElement('frame-inspector'), document.createElement('handshake-inspector'), timeline);
    });
    // One lane only, its client started by the `run` attribute: long polls, one after another.
    await expect.poll(() => alone.locator('request-timeline .tl-row[data-method="GET"][data-status="200"]').count(), {
      timeout: 10_000, message: 'long polls answered' }).toBeGreaterThanOrEqual(2);
    expect(await alone.locator('request-timeline .tl-lane').count()).toBe(1);
    await alone.locator('frame-inspector [data-action="connect"]').click();
    await alone.locator('frame-inspector[data-state="open"]').waitFor();
    await alone.locator('frame-inspector [data-action="preset-hello"]').click();
    await alone.locator('frame-inspector .fi-frame[data-dir="in"][data-opcode="text"]').waitFor();
    await alone.locator('handshake-inspector [data-action="connect"]').click();
    await alone.locator('handshake-inspector[data-state="captured"]').waitFor();
    expect(aloneErrors).toEqual([]);
    await alone.close();
  });

  it('the full page, as a class would see it; no unexpected errors', async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${ARTIFACTS}inspect-1280-full.png`, fullPage: true });
    await page.click('[data-action="projector"]');
    await page.waitForSelector('html[data-projector="on"]');
    await page.screenshot({ path: `${ARTIFACTS}inspect-projector-1280x900.png` });
    await page.click('[data-action="projector"]');
    await page.click('[data-action="theme"]');
    await page.waitForSelector('html[data-theme="dark"]');
    await shoot(page.locator('handshake-inspector'), 'inspect-handshake-dark');
    await shoot(page.locator('request-timeline'), 'inspect-timeline-dark');
    await page.click('[data-action="theme"]');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${ARTIFACTS}inspect-390-full.png`, fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390); // no sideways scrolling
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(unexpected()).toEqual([]);
  });
});
