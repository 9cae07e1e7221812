/**
 * HTTP/1.1 and HTTP/2 measured the same way, with real Chromium clients (the
 * browser's own headers are what a request head costs). Two runs:
 *
 *   npx tsx src/h2/compare.ts five-updates            # the 2017 table: five updates, one subscriber per lane
 *   npx tsx src/h2/compare.ts side-by-side --seconds 30   # the default feed, one client per lane, per protocol
 *   npx tsx src/h2/compare.ts lanes --seconds 30          # every lane on one dashboard, HTTP/1.1 (issue 11's closing note)
 *
 * Each starts a lab in this process (HTTP port + HTTPS/h2 port), opens the
 * dashboard in a headless Chromium over http:// and over https:// (the lab's
 * self-signed certificate is accepted for this loopback run only), and reads
 * the lab's own counters: `lanes` for HTTP/1.1 cleartext, `h2.lanes` for
 * HTTP/2 frames, TLS apart. Needs `npm run build:web` and Debian's Chromium
 * (CHROMIUM_PATH overrides); playwright-core is a development dependency.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLab, openHttps } from '../app.ts';
import { DEFAULTS } from '../config.ts';
import { LANE_IDS, type LaneId } from '../lanes.ts';
import type { Counters } from '../wire/meter.ts';
import { makeSelfSigned } from './cert.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--ignore-certificate-errors'];
/** The 2017 experiment: five updates, one second apart. */
const UPDATES = 5;
const UPDATE_EVERY_MS = 1_000;
/** A lane that cannot run over HTTP/2 here (RFC 8441 is not implemented). */
const HTTP1_ONLY: ReadonlySet<LaneId> = new Set(['ws']);
/** What the two library lanes carry on each port (web/src/transports/transport.ts isHttp2Only). */
const LIBRARY_NOTE = 'socketio and sockjs run their library defaults over HTTP/1.1 (a few HTTP requests, then a WebSocket), ' +
  'and their HTTP transports only over HTTP/2 (Socket.IO long polling; SockJS xhr-streaming first), since the https port has no WebSocket.';
/** The counts are the lab's own, from the real sockets: exact whatever the machine's load; only the requests per second move with it. */
const EXACT_NOTE = 'Bytes are counted from the real sockets (HTTP/2 frames inside TLS): exact whatever the load; a loaded machine changes how many requests a polling lane makes, not what each one costs.';

type Protocol = 'h1' | 'h2';

async function withLab<T>(feedRate: number, run: (urls: Record<Protocol, string>, lab: Awaited<ReturnType<typeof buildLab>>) => Promise<T>): Promise<T> {
  const app = await buildLab({ feedRate, fastify: { logger: false } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { cert, key } = await makeSelfSigned();
  const https = await openHttps(app, 0, { cert, key, selfSigned: true, source: 'generated', fingerprint256: '' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  try {
    return await run({ h1: `http://localhost:${port}/`, h2: `${https.url}/` }, app);
  } finally {
    await app.close();
  }
}

async function withBrowser<T>(run: (open: (url: string) => Promise<import('playwright-core').Page>) => Promise<T>): Promise<T> {
  const { chromium } = await import('playwright-core');
  const profile = await mkdtemp(join(tmpdir(), 'transport-lab-compare-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS });
  try {
    return await run(async (url) => {
      const page = await context.newPage();
      await page.goto(url);
      await page.waitForSelector('html[data-ready="true"]', { timeout: 30_000 });
      return page;
    });
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}

function countersOf(lab: Awaited<ReturnType<typeof buildLab>>, protocol: Protocol, lane: LaneId): Counters {
  return protocol === 'h2' && !HTTP1_ONLY.has(lane) ? lab.lab.h2.snapshot().lanes[lane] : lab.lab.meter.snapshot()[lane];
}

/** Five updates to one subscriber per lane and protocol: every byte of that lane, connection set-up included. */
export async function fiveUpdates(): Promise<string> {
  const rows: string[] = [];
  for (const lane of LANE_IDS) {
    const cells: string[] = [];
    for (const protocol of ['h1', 'h2'] as const) {
      if (protocol === 'h2' && HTTP1_ONLY.has(lane)) {
        cells.push('(HTTP/1.1 only)', '');
        continue;
      }
      const c = await withLab(0, (urls, lab) => withBrowser(async (open) => {
        const page = await open(`${urls[protocol]}?lanes=${lane}`);
        for (let i = 1; i <= UPDATES; i++) {
          await new Promise((r) => setTimeout(r, UPDATE_EVERY_MS));
          lab.lab.feed.publish(`update ${i}`);
        }
        await page.waitForFunction((l) => Number(document.querySelector(`article[data-lane="${l}"] [data-stat="browser.received"]`)?.getAttribute('data-value')) >= 5, lane);
        await page.close(); // the lane's last bytes (a held request ending, a close frame) are counted too
        await new Promise((r) => setTimeout(r, 300));
        return countersOf(lab, protocol, lane);
      }));
      cells.push((c.bytesIn + c.bytesOut).toLocaleString('en-US'), `${c.requests} req, ${c.headerBytes.toLocaleString('en-US')} B heads`);
    }
    rows.push(`| ${lane} | ${cells.join(' | ')} |`);
  }
  return [
    `Five updates (one per second) to one Chromium subscriber per lane; bytes of that lane, both directions, connection set-up included; HTTP/2 without TLS and connection frames.`,
    '',
    '| lane | HTTP/1.1 bytes | HTTP/1.1 | HTTP/2 bytes | HTTP/2 |',
    '|---|---:|---|---:|---|',
    ...rows,
    '',
    LIBRARY_NOTE,
    EXACT_NOTE,
  ].join('\n');
}

/** The default feed for `seconds`, one Chromium client per lane on each protocol at the same time. */
export async function sideBySide(seconds: number): Promise<string> {
  return withLab(5, (urls, lab) => withBrowser(async (open) => {
    const h1 = await open(urls.h1);
    const h2 = await open(`${urls.h2}?lanes=${LANE_IDS.filter((l) => !HTTP1_ONLY.has(l)).join(',')}`);
    // Counted from the lab's start: each lane's one request (stream, sse) or handshake (ws) is part of its cost.
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const one = lab.lab.meter.snapshot();
    const two = lab.lab.h2.snapshot();
    await h1.close();
    await h2.close();
    const f = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
    const rows = LANE_IDS.map((lane) => {
      const a = one[lane];
      const b = two.lanes[lane];
      return `| ${lane} | ${a.requests} | ${f(a.headerBytes / a.requests)} | ${f(a.headerBytes / a.messages)} | ${b.requests || '–'} | ${f(b.headerBytes / b.requests)} | ${f(b.headerBytes / b.messages)} |`;
    });
    return [
      `${seconds} s at the default feed (5 messages/s, 32-byte payloads) after both pages were ready, one Chromium client per lane on each protocol at the same time; counted from the lab's start, so each lane's set-up is included.`,
      '',
      '| lane | h1 requests | h1 header B / request | h1 header B / message | h2 requests | h2 header B / request | h2 header B / message |',
      '|---|---:|---:|---:|---:|---:|---:|',
      ...rows,
      '',
      `HTTP/2 connection frames: ${two.connection.bytesIn + two.connection.bytesOut} B; TLS overhead: ${two.tls.overheadBytes} B (handshakes ${two.tls.handshakeBytes} B) on ${two.tls.plaintextIn + two.tls.plaintextOut} B of HTTP/2.`,
      LIBRARY_NOTE,
      EXACT_NOTE,
    ].join('\n');
  }));
}

/** A lane's figures from the dashboard's own card: what the page counted (`data-value` of `data-stat="browser.…"`). */
interface PageFigures { requests: number; received: number; missing: number; duplicates: number; latencyP50: number; latencyP95: number }

/**
 * Every lane on one HTTP/1.1 dashboard (one Chromium client per lane, the
 * library lanes on their default transports) for `seconds` at the default
 * feed: per lane, the server's requests, header bytes and framing bytes per
 * message (GET /api/stats, counted from the lab's start, so each lane's
 * set-up is included), and the page's own latency p50/p95.
 */
export async function allLanes(seconds: number): Promise<string> {
  return withLab(DEFAULTS.feedRate, (urls) => withBrowser(async (open) => {
    const page = await open(urls.h1);
    await page.waitForFunction((lanes) => lanes.every((l) => {
      const card = document.querySelector<HTMLElement>(`article[data-lane="${l}"]`);
      return card?.dataset.state === 'open' && Number(card.querySelector<HTMLElement>('[data-stat="browser.received"]')?.dataset.value) >= 1;
    }), [...LANE_IDS], { timeout: 30_000 });
    const started = Date.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const stats = (await (await fetch(`${urls.h1}api/stats`)).json()) as { lanes: Record<LaneId, Counters> };
    // A string, not a function: tsx would wrap a named inner function in a helper the page does not have.
    const figures = await page.evaluate(`Object.fromEntries(${JSON.stringify(LANE_IDS)}.map((l) => [l, Object.fromEntries(
      ['requests', 'received', 'missing', 'duplicates', 'latencyP50', 'latencyP95'].map((name) => [name,
        Number(document.querySelector('article[data-lane="' + l + '"] [data-stat="browser.' + name + '"]')?.dataset.value)]))]))`) as Record<LaneId, PageFigures>;
    const measuredMs = Date.now() - started;
    await page.close();
    const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
    const rows = LANE_IDS.map((lane) => {
      const c = stats.lanes[lane];
      const p = figures[lane];
      return `| ${lane} | ${c.requests} | ${p.requests} | ${c.messages} | ${p.received} | ${p.missing}/${p.duplicates} | ${c.headerBytes} | ${f(c.headerBytes / c.messages)} | ${f(c.framingBytes / c.messages)} | ${f((c.bytesIn + c.bytesOut) / c.messages)} | ${f(p.latencyP50)} | ${f(p.latencyP95)} |`;
    });
    return [
      `${seconds} s (${(measuredMs / 1000).toFixed(1)} s measured) at the default feed (${DEFAULTS.feedRate} messages/s, ${DEFAULTS.feedPayloadBytes}-byte payloads), one HTTP/1.1 dashboard in Chromium running all ${LANE_IDS.length} lanes (one client per lane, each library on its default transports), after every lane had its first message. Server figures from GET /api/stats, counted from the lab's start (each lane's set-up included); latency from the page (p50/p95 since the page opened).`,
      '',
      '| lane | requests (server) | requests (page) | messages (server) | messages (page) | missing/dup. | header B | header B / msg | framing B / msg | wire B / msg | latency p50 ms | latency p95 ms |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...rows,
    ].join('\n');
  }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [what, flag, value] = process.argv.slice(2);
  const seconds = flag === '--seconds' ? Number(value) : 30;
  const run = what === 'five-updates' ? fiveUpdates()
    : what === 'side-by-side' && seconds > 0 ? sideBySide(seconds)
      : what === 'lanes' && seconds > 0 ? allLanes(seconds) : undefined;
  if (!run) {
    process.stderr.write('usage: tsx src/h2/compare.ts five-updates | side-by-side [--seconds 30] | lanes [--seconds 30]\n');
    process.exit(2);
  }
  run.then((text) => process.stdout.write(`${text}\n`), (err: Error) => {
    process.stderr.write(`${err.stack ?? err.message}\n`);
    process.exit(1);
  });
}
