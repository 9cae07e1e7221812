/**
 * The pages that need a WebSocket, opened over the https port in a real
 * Chromium. That port speaks only HTTP/2 and the lab has no WebSocket over
 * HTTP/2 (RFC 8441), and a browser blocks ws:// from an https page: each page
 * says so, links to itself on the HTTP/1.1 port, loads with no console error,
 * and uses the HTTP carriers it has (the chat runs over SSE). On the dashboard
 * over https the lane cards speak of streams on one connection, not of the six.
 *
 * Regression: over https the chat and STOMP pages opened wss:// to the h2-only
 * port and failed on every load (ERR_SSL_PROTOCOL_ERROR in the console).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpsListener } from '../src/h2/server.ts';
import { collectPageErrors, launchChromium, startHttpsWebLab, type Chromium, type WebLab } from './support/chromium.ts';

let lab: WebLab;
let https: HttpsListener;
let browser: Chromium;

beforeAll(async () => {
  // The certificate is self-signed: Chromium ignores that here, in the test only.
  ({ lab, https, browser } = await startHttpsWebLab({ feedRate: 5 }));
});

afterAll(async () => {
  await browser?.close();
  await lab?.close();
});

describe('pages that need a WebSocket, over https', () => {
  it.each(['/chat.html', '/stomp.html', '/inspect.html'])('%s loads with no console error and says where WebSockets work', async (path) => {
    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    await page.goto(`${https.url}${path}`);
    const notice = page.locator('[data-field="h2-notice"]');
    await notice.locator('a').waitFor();
    expect(await notice.textContent()).toContain('WebSocket needs the HTTP/1.1 port');
    // The link is this page on the http port.
    expect(await notice.locator('a').getAttribute('href')).toBe(`http://localhost:${lab.port}${path}`);
    if (path === '/chat.html') {
      // Three people, each joined over SSE: the chat's HTTP carrier works over HTTP/2.
      await page.waitForFunction(() => [...document.querySelectorAll('chat-client')].filter((c) => c.getAttribute('data-state') === 'joined').length === 3);
      expect(await page.locator('chat-client').first().locator('text=joined over sse').count()).toBe(1);
      expect(lab.app.lab.h2.snapshot().other.chat.requests).toBeGreaterThan(0);
    }
    if (path === '/stomp.html') {
      // Connect says why it does not, instead of failing a wss:// handshake.
      await page.getByRole('button', { name: 'Connect', exact: true }).click();
      expect(await page.locator('stomp-frames').getAttribute('data-state')).toBe('closed');
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the same pages over http show no notice', async () => {
    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    // Other names: the https test's people may still be leaving (their SSE sessions end on the server's time).
    await page.goto(`${lab.url}chat.html?nicks=Ann,Bob,Cy`);
    await page.waitForFunction(() => [...document.querySelectorAll('chat-client')].filter((c) => c.getAttribute('data-state') === 'joined').length === 3);
    expect(await page.locator('chat-client').first().locator('text=joined over ws').count()).toBe(1);
    expect(await page.locator('[data-field="h2-notice"]').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the dashboard\'s lane cards over https count streams of one connection, not connections of six, and offer no WebSocket', async () => {
    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    // A WebSocket asked for by the address is not tried over https: the library lanes stay on HTTP.
    await page.goto(`${https.url}/?socketio=websocket&sockjs=websocket`);
    await page.waitForSelector('html[data-ready="true"][data-protocol="h2"]');
    for (const lane of ['socketio', 'sockjs']) {
      await page.waitForFunction((l) => Number(document.querySelector(`article[data-lane="${l}"] [data-stat="browser.received"]`)?.getAttribute('data-value')) > 0, lane);
      expect(await page.locator(`article[data-lane="${lane}"] select[data-field="picker"] option[value="websocket"]`).isDisabled(), lane).toBe(true);
    }
    const lines = await page.$$eval('.lane-card [data-field="connections"]', (els) => els.map((e) => [e.closest<HTMLElement>('.lane-card')!.dataset.lane, e.textContent] as const));
    expect(lines).toHaveLength(7);
    for (const [lane, text] of lines) {
      expect(text, lane).not.toMatch(/of 6/);
      expect(text, lane).toMatch(lane === 'ws' ? /HTTP\/1\.1 connection of its own/ : /stream/);
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the https dashboard opened from another device', () => {
  // A classroom device reaches the lab by name or address, not as localhost: its https page may not open
  // ws:// to the http port (mixed content; only loopback is potentially trustworthy). Chromium is told here
  // that student.lab is this machine, so the page is such a device's page.
  // Regression: the ws lane threw on the page (an insecure WebSocket from https), which also kept the socketio
  // and sockjs lanes from starting, and the server column stayed empty (the stats WebSocket was refused).
  it('says the ws lane cannot open here, runs every other lane, and gets the server\'s counters by polling', async () => {
    const device = await launchChromium({ args: ['--ignore-certificate-errors', '--host-resolver-rules=MAP student.lab 127.0.0.1'] });
    try {
      const page = await device.newPage();
      const errors = collectPageErrors(page);
      const url = new URL(https.url);
      url.hostname = 'student.lab';
      await page.goto(`${url.origin}/`);
      await page.waitForSelector('html[data-ready="true"][data-protocol="h2"]');
      const ws = page.locator('article[data-lane="ws"]');
      await page.locator('article[data-lane="ws"][data-state="unavailable"]').waitFor();
      expect(await ws.locator('[data-field="problem"]').textContent()).toContain(`Open http://student.lab:${lab.port}/ for this lane`);
      // Every other lane receives, and its server column (from GET /api/stats, not /api/live) has the same count.
      await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>('.lane-card:not([data-lane="ws"])')].every((card) => {
        const stat = (name: string) => Number(card.querySelector<HTMLElement>(`[data-stat="${name}"]`)?.dataset.value);
        return card.dataset.state === 'open' && stat('browser.received') >= 3 && stat('server.messages') >= 3;
      }));
      expect(await page.getAttribute('.h2-banner', 'data-stats')).toBe('polled');
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await device.close();
    }
  });
});

describe('lesson 14\'s header probe', () => {
  // Regression: its kit ranges were recorded "unmeasured" (the run did not finish over https).
  it('finishes on both ports, and a repeated poll\'s head is smaller over HTTP/2 than over HTTP/1.1', async () => {
    const run = async (base: string) => {
      const page = await browser.newPage();
      const errors = collectPageErrors(page);
      await page.goto(`${base}/lessons/en/14-http2`);
      await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
      const m = await page.evaluate(() => (document.getElementById('heads') as HTMLElement & { run(): Promise<Record<string, number>> }).run());
      expect(await page.getAttribute('#heads', 'data-state')).toBe('done');
      expect(errors).toEqual([]);
      await page.close();
      return m;
    };
    const h1 = await run(`http://localhost:${lab.port}`);
    const h2 = await run(https.url);
    expect(h1).toMatchObject({ protocol: 1, requests: 5 });
    expect(h2).toMatchObject({ protocol: 2, requests: 5 });
    // HTTP/1.1 repeats every header: the first and the fifth head are the same size, to the byte.
    expect(h1.lastHeaderBytes).toBe(h1.firstHeaderBytes);
    // HPACK: the fifth head is table references and the :path literal, a fraction of the text head.
    expect(h2.lastHeaderBytes! * 4).toBeLessThan(h1.lastHeaderBytes!);
    expect(h2.otherProtocolHeaderBytesPerRequest).toBe(h1.headerBytesPerRequest);
  });
});
