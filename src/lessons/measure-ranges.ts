/**
 * Measure a lesson's predict-then-measure ranges for the teacher's kit
 * (lessons/kit/ranges.json): every widget a prediction reads is run `--runs`
 * times in a real Chromium on the lesson's English page, against a lab started
 * here, and the min–max of each measure is printed as the lesson's entry.
 *
 *   npm run build:web && npx tsx src/lessons/measure-ranges.ts 14-http2 --https --runs 3
 *
 * `--https` opens the page on the lab's HTTPS port (HTTP/2; the lab's
 * self-signed certificate is accepted for this loopback run only), for a
 * lesson whose predictions are about HTTP/2. The feed runs at the rate
 * ranges.json records (`--feed-rate`, default 5). Needs Debian's Chromium
 * (CHROMIUM_PATH overrides); playwright-core is a development dependency.
 * Paste the printed object under `lessons.<slug>` in ranges.json.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLab, openHttps } from '../app.ts';
import { makeSelfSigned } from '../h2/cert.ts';
import { LessonCatalog } from './catalog.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--ignore-certificate-errors'];
/** One widget run: the longest experiments take 10 s plus set-up on a loaded machine. */
const RUN_TIMEOUT_MS = 60_000;

export type Ranges = Record<string, [number, number]>;

export async function measureRanges(slug: string, options: { runs: number; https: boolean; feedRate: number }): Promise<Ranges> {
  const catalog = new LessonCatalog({ lessonsDir: `${ROOT}lessons`, projectRoot: ROOT, webDir: `${ROOT}web` });
  const lesson = catalog.render('en', slug);
  if (!lesson) throw new Error(`no lesson ${slug} in lessons/en`);
  // widget id → the measures its predictions read
  const wanted = new Map<string, Set<string>>();
  for (const p of lesson.outline.flatMap((part) => part.predictMeasures)) {
    if (p.for && p.value) wanted.set(p.for, (wanted.get(p.for) ?? new Set()).add(p.value));
  }
  const app = await buildLab({ serveWeb: true, feedRate: options.feedRate, fastify: { logger: false } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  let base = `http://localhost:${typeof address === 'object' && address ? address.port : 0}`;
  if (options.https) {
    const { cert, key } = await makeSelfSigned();
    base = (await openHttps(app, 0, { cert, key, selfSigned: true, source: 'generated', fingerprint256: '' })).url;
  }
  const { chromium } = await import('playwright-core');
  const profile = await mkdtemp(join(tmpdir(), 'transport-lab-ranges-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS });
  const seen = new Map<string, number[]>();
  try {
    for (let run = 1; run <= options.runs; run++) {
      // A fresh page per run, as a student opens the lesson.
      const page = await context.newPage();
      await page.goto(`${base}/lessons/en/${slug}`);
      await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
      for (const [widget, measures] of wanted) {
        const m = await page.evaluate(async (id) => {
          const el = document.getElementById(id) as (HTMLElement & { run?: () => Promise<Record<string, number>> }) | null;
          if (!el?.run) throw new Error(`#${id} is not a measuring widget`);
          return el.run();
        }, widget).then((value) => value, (err: Error) => { throw new Error(`${slug} #${widget}, run ${run}: ${err.message}`); });
        for (const measure of measures) {
          const value = m[measure];
          if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${slug} #${widget}.${measure}, run ${run}: no number (${String(value)})`);
          const key = `${widget}.${measure}`;
          seen.set(key, [...(seen.get(key) ?? []), value]);
        }
      }
      await page.close();
    }
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
    await app.close();
  }
  // Rounded as the kit shows them: what a student copies from the widget.
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return Object.fromEntries([...seen].map(([key, values]) => [key, [round(Math.min(...values)), round(Math.max(...values))]]));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const slug = args.find((a) => !a.startsWith('--'));
  const flag = (name: string, fallback: number) => {
    const i = args.indexOf(name);
    const n = i >= 0 ? Number(args[i + 1]) : fallback;
    return Number.isInteger(n) && n > 0 ? n : NaN;
  };
  const runs = flag('--runs', 3);
  const feedRate = flag('--feed-rate', 5);
  if (!slug || Number.isNaN(runs) || Number.isNaN(feedRate)) {
    process.stderr.write('usage: tsx src/lessons/measure-ranges.ts <lesson-slug> [--https] [--runs 3] [--feed-rate 5]\n');
    process.exit(2);
  }
  // The widgets wait out their own timeouts; this only stops a run that hangs.
  const watchdog = setTimeout(() => {
    process.stderr.write(`gave up after ${(runs * RUN_TIMEOUT_MS) / 1000} s\n`);
    process.exit(1);
  }, runs * RUN_TIMEOUT_MS * 2);
  measureRanges(slug, { runs, https: args.includes('--https'), feedRate }).then((ranges) => {
    clearTimeout(watchdog);
    process.stdout.write(`${JSON.stringify({ [slug]: ranges }, null, 2)}\n`);
  }, (err: Error) => {
    process.stderr.write(`${err.stack ?? err.message}\n`);
    process.exit(1);
  });
}
