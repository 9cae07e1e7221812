/**
 * What ships: the compiled JavaScript in dist/ (`npm run build:server`), run the
 * way `npm start` and the installed transport-lab command run it, with no
 * TypeScript loader. Node 20 cannot load a .ts file, so anything in dist/ that
 * still pointed at src/ would fail here. The rest of the suite runs the sources.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildLab } from '../src/app.ts';
import type { BenchReport } from '../src/bench/report.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(ROOT, 'bin/transport-lab.mjs');
const MAIN = join(ROOT, 'dist/main.js');
/** A bound on each child process, far above what it needs. */
const RUN_TIMEOUT_MS = 45_000;

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourcesUnder(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

beforeAll(() => {
  // Testing a stale build would prove nothing about the sources beside it.
  const stale = sourcesUnder(join(ROOT, 'src')).filter((source) => {
    const built = join(ROOT, 'dist', relative(join(ROOT, 'src'), source)).replace(/\.ts$/, '.js');
    return !existsSync(built) || statSync(built).mtimeMs < statSync(source).mtimeMs;
  });
  if (stale.length > 0) {
    throw new Error(`dist/ is missing or older than ${stale.length} source file(s) (${relative(ROOT, stale[0]!)}…): run \`npm run build:server\` (npm test does)`);
  }
});

interface Exit { code: number | null; stdout: string; stderr: string }

function collect(child: ChildProcess): Promise<Exit> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
    child.stderr!.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
    const timer = setTimeout(() => child.kill(), RUN_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

let app: FastifyInstance | undefined;
let server: ChildProcess | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
  if (server && server.exitCode === null && server.signalCode === null) server.kill();
  server = undefined;
});

describe('the built lab (dist/)', () => {
  it('transport-lab answers --help from dist/', async () => {
    const run = await collect(spawn(process.execPath, [BIN, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] }));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: transport-lab <command>');
  });

  it('transport-lab bench runs its client processes from dist/ and delivers every message', async () => {
    app = await buildLab({ feedRate: 0, serveWeb: false });
    const origin = await app.listen({ port: 0, host: '127.0.0.1' });
    const run = await collect(spawn(process.execPath,
      [BIN, 'bench', '--url', origin, '--json', '--lanes', 'longpoll,ws', '--clients', '2', '--duration', '300ms', '--rate', '20'],
      { stdio: ['ignore', 'pipe', 'pipe'] }));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as BenchReport;
    expect(report.ok).toBe(true);
    for (const lane of report.lanes) {
      expect(lane).toMatchObject({ clients: 2, connected: 2, failed: 0, missing: 0, duplicates: 0 });
      expect(lane.delivered).toBe(lane.expected);
    }
  });

  it('npm start\'s server (dist/main.js) finds the built page and the lessons from dist/, and closes on SIGTERM', async () => {
    const child = spawn(process.execPath, [MAIN], {
      env: { ...process.env, PORT: '0', SECOND_ORIGIN_PORT: '0', LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server = child;
    const exited = collect(child);
    const origin = await new Promise<string>((resolve, reject) => {
      let seen = '';
      child.stdout!.on('data', (s: string) => {
        seen += s;
        const match = /running: (http:\/\/\S+)/.exec(seen);
        if (match) resolve(match[1]!.replace('//localhost', '//127.0.0.1'));
      });
      child.on('close', (code) => reject(new Error(`dist/main.js exited (${code}) before listening: ${seen}`)));
    });

    // WEB_ROOT (src/app.ts) and the project root (src/lessons/plugin.ts) come from import.meta.url.
    expect(existsSync(join(ROOT, 'web/dist/index.html')), 'web/dist is built (npm run build:web; npm test does)').toBe(true);
    const page = await fetch(`${origin}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const lesson = await fetch(`${origin}/api/lessons/en/03-short-polling`);
    expect(lesson.status).toBe(200);
    expect(JSON.stringify(await lesson.json())).toContain('poll');

    child.kill('SIGTERM');
    const exit = await exited;
    expect(exit.code).toBe(0);
  });
});
