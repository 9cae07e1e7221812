/**
 * The rough edges a teacher meets first (issue 14 item 8): a mistake in the
 * environment or a busy port gets one clear line and a non-zero exit, before
 * any page is built; a checkout whose pages were never built says so on every
 * page. The server is spawned for real, as `npm start` would run it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLab } from '../src/app.ts';
import type { FastifyInstance } from 'fastify';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Runs a script of src/ under tsx with `env` added; resolves with its exit code and output. */
async function run(script: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    env: { ...process.env, HTTPS_PORT: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const [code] = await once(child, 'exit') as [number | null];
  return { code, stdout, stderr };
}

let busy: Server | undefined;
let lab: FastifyInstance | undefined;
let dir: string | undefined;
afterEach(async () => {
  if (busy) await new Promise((resolve) => busy!.close(resolve));
  busy = undefined;
  await lab?.close();
  lab = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

// Each case starts node with tsx (a few seconds on a busy machine): a longer budget than a unit test's.
describe('a mistake in the environment gets one clear line and exit 1', { timeout: 60_000 }, () => {
  it.each([
    ['PORT=abc', { PORT: 'abc' }, 'PORT must be a whole number from 0 to 65535 (got "abc")'],
    ['LOG_LEVEL=loud', { LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")'],
    ['SECOND_ORIGIN_PORT=abc', { SECOND_ORIGIN_PORT: 'abc' }, 'SECOND_ORIGIN_PORT must be a whole number from 0 to 65535 (got "abc")'],
    ['TEACHER_KEY too short', { TEACHER_KEY: 'short' }, 'TEACHER_KEY must be at least 12 characters (got 5); leave it unset for a random one'],
  ])('%s: the server says it in one line', async (_name, env, message) => {
    const result = await run('src/main.ts', env);
    expect([result.code, result.stderr, result.stdout]).toEqual([1, `transport-lab: ${message}\n`, '']);
  });

  it('npm start\'s prestart check (before the build) says the same line', async () => {
    const result = await run('src/env-check.ts', { PORT: 'abc' });
    expect([result.code, result.stderr, result.stdout]).toEqual([1, 'transport-lab: PORT must be a whole number from 0 to 65535 (got "abc")\n', '']);
  });

  it('a port already in use: one line naming the port, before any build (prestart) and from the server', async () => {
    busy = createServer();
    busy.listen(0, '127.0.0.1');
    await once(busy, 'listening');
    const port = (busy.address() as { port: number }).port;
    for (const script of ['src/env-check.ts', 'src/main.ts']) {
      const result = await run(script, { PORT: String(port), HOST: '127.0.0.1', SECOND_ORIGIN_PORT: '0' });
      expect([script, result.code, result.stdout]).toEqual([script, 1, '']);
      expect(result.stderr).toBe(`transport-lab: port ${port} is already in use on 127.0.0.1: is the lab already running? Open http://localhost:${port}/ or start another with PORT=${port + 10}\n`);
    }
  });
});

describe('a checkout whose pages were never built', () => {
  it('says so on every page, not only the dashboard', async () => {
    dir = await mkdtemp(join(tmpdir(), 'transport-lab-unbuilt-'));
    lab = await buildLab({ feedRate: 0, webRoot: dir });
    for (const url of ['/', '/inspect.html', '/chat.html', '/join', '/lessons']) {
      const res = await lab.inject({ method: 'GET', url });
      expect([url, res.statusCode]).toEqual([url, 503]);
      expect(res.body).toContain('npm run build:web');
    }
    // The API is not a page: it still answers.
    expect((await lab.inject({ method: 'GET', url: '/api/stats' })).statusCode).toBe(200);
  });
});
