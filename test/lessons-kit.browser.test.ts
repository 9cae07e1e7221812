/**
 * The teacher's kit printed by Chromium: every lesson's kit, in both languages,
 * prints to an A4 PDF, each part within its page limit (the student sheet on
 * one page), the whole kit within the sum, and the glossary. Pages are counted
 * in the PDF itself (its /Type /Page objects), no PDF tool needed.
 */
import { writeFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, launchChromium, startWebLab, type Chromium, type WebLab } from './support/chromium.ts';
import { LessonCatalog } from '../src/lessons/catalog.ts';
import { KIT_PAGE_LIMITS, KIT_PARTS } from '../src/lessons/kit.ts';
import { LESSON_LANGS } from '../src/lessons/parts.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const catalog = new LessonCatalog({ lessonsDir: `${ROOT}lessons`, projectRoot: ROOT, webDir: `${ROOT}web` });
const lessons = LESSON_LANGS.flatMap((lang) => catalog.list()[lang].map((e) => ({ lang, slug: e.slug })));

let lab: WebLab;
let browser: Chromium;
beforeAll(async () => {
  lab = await startWebLab();
  browser = await launchChromium();
  await mkdir(ARTIFACTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await lab?.close();
});

/** Pages in a PDF: one `/Type /Page` object each (`/Type /Pages` is the tree). */
function pdfPages(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-z])/g) ?? []).length;
}

async function print(path: string): Promise<{ pages: number; pdf: Buffer; errors: string[] }> {
  const page = await browser.newPage();
  const errors = collectPageErrors(page);
  const response = await page.goto(lab.url + path);
  expect(response?.status()).toBe(200);
  const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
  await page.close();
  return { pages: pdfPages(pdf), pdf, errors };
}

describe.each(lessons)('the kit of $lang/$slug, printed on A4', ({ lang, slug }) => {
  it('prints each part within its page limit, the student sheet on one page', async () => {
    let sum = 0;
    for (const part of KIT_PARTS) {
      const { pages, errors } = await print(`lessons/kit/${slug}?lang=${lang}&part=${part}`);
      expect(pages, `${part}: ${pages} pages`).toBeGreaterThanOrEqual(1);
      expect(pages, `${part}: ${pages} pages`).toBeLessThanOrEqual(KIT_PAGE_LIMITS[part]);
      expect(errors).toEqual([]);
      sum += pages;
    }
    const whole = await print(`lessons/kit/${slug}?lang=${lang}`);
    // Each part starts a new page, so the whole kit is exactly its parts.
    expect(whole.pages).toBe(sum);
    if (slug === '07-websocket-frames') await writeFile(`${ARTIFACTS}kit-${lang}-${slug}.pdf`, whole.pdf);
  });
});

it('prints the glossary in both languages', async () => {
  for (const lang of LESSON_LANGS) {
    const { pages } = await print(`lessons/kit/glossary?lang=${lang}`);
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(pages).toBeLessThanOrEqual(4);
  }
});
