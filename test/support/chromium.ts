/**
 * Browser tests' shared helpers: Debian's Chromium driven by playwright-core
 * (never a downloaded browser), and a lab on a free loopback port serving the
 * built pages.
 *
 *   const lab = await startWebLab({ feedRate: 5 });
 *   const browser = await launchChromium();
 *   const page = await browser.newPage();
 *   await page.goto(lab.url);
 *   ...
 *   await browser.close();
 *   await lab.close();
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { buildLab, openHttps, WEB_ROOT, type BuildOptions } from '../../src/app.ts';
import { makeSelfSigned } from '../../src/h2/cert.ts';
import type { HttpsListener } from '../../src/h2/server.ts';

/** Debian's package puts it here; CHROMIUM_PATH overrides (e.g. on another distribution). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

export interface Chromium {
  context: BrowserContext;
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

/** Launch Chromium with a fresh profile; a clear error (a failure, not a skip) when it is not installed. */
export async function launchChromium(options: { viewport?: { width: number; height: number }; args?: readonly string[] } = {}): Promise<Chromium> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. The browser tests need Debian's chromium: ` +
      'install it with `apt-get install -y chromium` (or set CHROMIUM_PATH to a Chromium binary).',
    );
  }
  const profile = await mkdtemp(join(tmpdir(), 'transport-lab-chromium-'));
  let context: BrowserContext;
  try {
    // launchPersistentContext is how playwright takes a --user-data-dir of our choosing.
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_FLAGS, ...(options.args ?? [])],
      viewport: options.viewport ?? { width: 1280, height: 720 },
    });
  } catch (err) {
    await rm(profile, { recursive: true, force: true });
    throw err;
  }
  return {
    context,
    async newPage(viewport) {
      const page = await context.newPage();
      if (viewport) await page.setViewportSize(viewport);
      return page;
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export interface WebLab {
  app: FastifyInstance;
  port: number;
  /** The dashboard's URL, on 127.0.0.1. */
  url: string;
  close(): Promise<void>;
}

/**
 * A lab on a loopback port serving the built pages in web/dist: a free port by
 * default, or a given one (to restart a lab where a page expects it).
 */
export async function startWebLab(options: BuildOptions = {}, port = 0): Promise<WebLab> {
  if (!existsSync(join(WEB_ROOT, 'index.html'))) {
    throw new Error('web/dist is missing: run `npm run build:web` first (`npm test` builds it before the tests).');
  }
  const app = await buildLab({ serveWeb: true, ...options });
  await app.listen({ port, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('the lab did not get a port');
  return { app, port: address.port, url: `http://127.0.0.1:${address.port}/`, close: () => app.close() };
}

/**
 * A web lab with its HTTPS (HTTP/2) port open on a fresh self-signed
 * certificate, and a Chromium told to accept that certificate: in tests only.
 */
export async function startHttpsWebLab(options: BuildOptions = {}): Promise<{ lab: WebLab; https: HttpsListener; browser: Chromium }> {
  const lab = await startWebLab(options);
  const { cert, key } = await makeSelfSigned();
  const https = await openHttps(lab.app, 0, { cert, key, selfSigned: true, source: 'test', fingerprint256: '' });
  const browser = await launchChromium({ args: ['--ignore-certificate-errors'] });
  return { lab, https, browser };
}

/**
 * Opens one of the lab's pages (`path` relative to `lab.url`) in a new 1280x900
 * tab and waits until the page says it is built (`<html data-ready>`); its
 * console errors are collected from the start.
 */
export async function openLabPage(browser: Chromium, lab: WebLab, path: string): Promise<{ page: Page; errors: string[]; status: number }> {
  const page = await browser.newPage({ width: 1280, height: 900 });
  const errors = collectPageErrors(page);
  const response = await page.goto(lab.url + path);
  await page.waitForFunction(() => document.documentElement.dataset.ready !== undefined);
  return { page, errors, status: response?.status() ?? 0 };
}

/** Every console error and uncaught page error, for a test to assert there were none. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
  return errors;
}
