/**
 * Classroom access (issue 14 item 2): the teacher key on every teacher-only
 * route from another device, loopback as the teacher, GET /api/access.
 *
 * "Another device" for real: the lab listens on 0.0.0.0 and the test connects
 * to this machine's own non-loopback interface address, so the lab sees a
 * non-loopback client address (the traffic never leaves the machine). On a
 * machine with no such interface the test falls back to buildLab's
 * `clientAddress` injection point and says so; that injection point has its
 * own test below, run everywhere.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { networkInterfaces } from 'node:os';
import { buildLab, type BuildOptions } from '../src/app.ts';
import { LabAddresses } from '../src/security/addresses.ts';
import { TeacherAccess } from '../src/security/access.ts';
import type { FastifyInstance } from 'fastify';

const KEY = 'class-key-0123456789';

/** This machine's first non-loopback IPv4 address, if it has one. */
function interfaceAddress(): string | undefined {
  return Object.values(networkInterfaces()).flatMap((list) => list ?? [])
    .find((i) => (i.family === 'IPv4' || (i.family as unknown) === 4) && !i.internal)?.address;
}

interface Lab {
  app: FastifyInstance;
  port: number;
  /** Reaches the lab as another device would. */
  remote: string;
  /** Reaches the lab over loopback. */
  local: string;
  close(): Promise<void>;
}

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

async function startClassLab(options: BuildOptions = {}): Promise<Lab> {
  const address = interfaceAddress();
  const app = await buildLab({
    feedRate: 0, serveWeb: false, teacherKey: KEY, ...options,
    // No interface to come in by: pretend loopback clients are on the network (see the file comment).
    ...(address === undefined && { clientAddress: (req) => (req.headers['x-test-local'] ? req.socket.remoteAddress : '203.0.113.7') }),
  });
  await app.listen({ port: 0, host: address === undefined ? '127.0.0.1' : '0.0.0.0' });
  const port = (app.server.address() as { port: number }).port;
  if (address === undefined) console.warn('access tests: no non-loopback interface; using the clientAddress injection point');
  return {
    app, port,
    remote: `http://${address ?? '127.0.0.1'}:${port}`,
    local: `http://127.0.0.1:${port}`,
    close: () => app.close(),
  };
}

/** An HTTP request with any headers (fetch may not set Host), answering status and JSON. */
function send(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; json: any }> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path: url.pathname + url.search, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = text;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const json = (extra: Record<string, string> = {}) => ({ 'content-type': 'application/json', ...extra });

/** A body each teacher-only route accepts; a route added later without one here is sent `{}`. */
const VALID_BODIES: Record<string, unknown> = {
  'POST /api/feed': { rate: 2 },
  'POST /api/feed/burst': { count: 1 },
  'POST /api/reset': {},
  'POST /api/chaos': { lane: 'poll', delayMs: 0 },
  'POST /api/chaos/drop': { lane: 'ws' },
  'POST /api/security': { originCheck: false },
  'POST /api/switches/reset': {},
};

describe('teacher-only routes from another device', () => {
  it('marks every state-changing endpoint teacher-only, and publishing is not', async () => {
    lab = await startClassLab();
    const marked = lab.app.lab.access.routes.map((r) => `${r.method} ${r.url}`);
    expect(marked).toEqual(expect.arrayContaining(Object.keys(VALID_BODIES)));
    expect(marked).not.toContain('POST /feed/messages');
  });

  it('answers 403 LAB_ERR_TEACHER_ONLY without the key on every teacher-only route, and succeeds with it', async () => {
    lab = await startClassLab();
    const { routes } = lab.app.lab.access;
    expect(routes.length).toBeGreaterThanOrEqual(Object.keys(VALID_BODIES).length);
    for (const { method, url } of routes) {
      const name = `${method} ${url}`;
      const body = method === 'GET' ? undefined : JSON.stringify(VALID_BODIES[name] ?? {});
      const headers = body === undefined ? {} : json();
      const refused = await send(lab.remote, method, url, headers, body);
      expect([name, refused.status, refused.json?.error]).toEqual([name, 403, 'LAB_ERR_TEACHER_ONLY']);
      const allowed = await send(lab.remote, method, url, { ...headers, authorization: `Bearer ${KEY}` }, body);
      if (name in VALID_BODIES) expect([name, allowed.status]).toEqual([name, 200]);
      else expect([name, allowed.status]).not.toEqual([name, 403]); // a route added later: past the gate
    }
  });

  it('refuses a wrong key and says so, without changing anything', async () => {
    lab = await startClassLab();
    const res = await send(lab.remote, 'POST', '/api/feed', json({ authorization: 'Bearer not-the-key-at-all' }), '{"rate":900}');
    expect([res.status, res.json.error]).toEqual([403, 'LAB_ERR_TEACHER_ONLY']);
    expect(res.json.message).toContain('not this lab\'s');
    expect(lab.app.lab.producer.rate).toBe(0);
    const access = await send(lab.remote, 'GET', '/api/access', { authorization: 'Bearer not-the-key-at-all' });
    expect(access.json).toEqual({ teacher: false, via: null, wrongKey: true, local: false });
  });

  it('lets a student read and publish: stats, switches, POST /feed/messages', async () => {
    lab = await startClassLab();
    expect((await send(lab.remote, 'GET', '/api/stats')).status).toBe(200);
    expect((await send(lab.remote, 'GET', '/api/switches')).status).toBe(200);
    const published = await send(lab.remote, 'POST', '/feed/messages', json(), '{"data":"hi from a student"}');
    expect(published.status).toBe(201);
    expect(lab.app.lab.feed.head).toBe(1);
  });

  it('GET /api/access tells a page whether it is the teacher, and why', async () => {
    lab = await startClassLab();
    expect((await send(lab.remote, 'GET', '/api/access')).json).toEqual({ teacher: false, via: null, wrongKey: false, local: false });
    expect((await send(lab.remote, 'GET', '/api/access', { authorization: `Bearer ${KEY}` })).json)
      .toEqual({ teacher: true, via: 'key', wrongKey: false, local: false });
    expect((await send(lab.local, 'GET', '/api/access', { 'x-test-local': '1' })).json)
      .toEqual({ teacher: true, via: 'loopback', wrongKey: false, local: true });
  });
});

describe('the local user is the teacher', () => {
  it('on loopback, no key is needed (npm start on a laptop works as before)', async () => {
    lab = await startClassLab();
    const res = await send(lab.local, 'POST', '/api/feed', json({ 'x-test-local': '1' }), '{"rate":3}');
    expect(res.status).toBe(200);
    expect(lab.app.lab.producer.rate).toBe(3);
  });

  it('DNS rebinding: a loopback request whose Host is a foreign name is not the teacher', async () => {
    lab = await startClassLab();
    const host = `rebind.example:${lab.port}`;
    const access = await send(lab.local, 'GET', '/api/access', { host, 'x-test-local': '1' });
    expect(access.json).toMatchObject({ teacher: false, local: false });
    const res = await send(lab.local, 'POST', '/api/reset', json({ host, 'x-test-local': '1' }), '{}');
    expect([res.status, res.json.error]).toEqual([403, 'LAB_ERR_TEACHER_ONLY']);
  });
});

describe('the clientAddress injection point', () => {
  it('makes a loopback client count as another device (for machines with no other interface)', async () => {
    const app = await buildLab({ feedRate: 0, serveWeb: false, teacherKey: KEY, clientAddress: () => '203.0.113.7' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    lab = { app, port: 0, remote: base, local: base, close: () => app.close() };
    const res = await send(base, 'POST', '/api/reset', json(), '{}');
    expect([res.status, res.json.error]).toEqual([403, 'LAB_ERR_TEACHER_ONLY']);
    expect((await send(base, 'POST', '/api/reset', json({ authorization: `Bearer ${KEY}` }), '{}')).status).toBe(200);
  });
});

describe('the teacher key', () => {
  const access = (key: string) => new TeacherAccess(key, new LabAddresses(() => undefined));

  it('matches only itself, whatever the length of what is presented', () => {
    const a = access(KEY);
    expect(a.keyMatches(KEY)).toBe(true);
    for (const other of ['', 'c', KEY.slice(0, -1), `${KEY}x`, KEY.toUpperCase(), 'x'.repeat(10_000)]) {
      expect(a.keyMatches(other)).toBe(false);
    }
  });

  it('refuses a TEACHER_KEY that is too short or cannot travel in a URL, at start-up', async () => {
    await expect(buildLab({ serveWeb: false, teacherKey: 'short' })).rejects.toThrow(/at least 12 characters/);
    await expect(buildLab({ serveWeb: false, teacherKey: 'has spaces in it!' })).rejects.toThrow(/letters, digits/);
  });

  it('is random when not given: two labs, two keys of 24 characters', async () => {
    const [a, b] = await Promise.all([buildLab({ serveWeb: false, startFeed: false }), buildLab({ serveWeb: false, startFeed: false })]);
    expect(a.lab.access.key).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(a.lab.access.key).not.toBe(b.lab.access.key);
    await Promise.all([a.close(), b.close()]);
  });
});

describe('over the HTTPS (HTTP/2) listener', () => {
  it('the local teacher and the lab\'s own https origin work through :authority (no Host header in h2)', async () => {
    const { makeSelfSigned } = await import('../src/h2/cert.ts');
    const { openHttps } = await import('../src/app.ts');
    const http2 = await import('node:http2');
    const { cert, key } = await makeSelfSigned();
    const app = await buildLab({ feedRate: 0, serveWeb: false, teacherKey: KEY });
    await app.listen({ port: 0, host: '127.0.0.1' });
    lab = { app, port: 0, remote: '', local: '', close: () => app.close() };
    const https = await openHttps(app, 0, { cert, key, selfSigned: true, source: 'test', fingerprint256: '' });
    // The lab's certificate is self-signed: accepted here, for loopback only.
    const session = http2.connect(`https://localhost:${https.port}`, { rejectUnauthorized: false });
    const post = (origin: string) => new Promise<{ status: number; body: any }>((resolve, reject) => {
      const req = session.request({ ':method': 'POST', ':path': '/api/feed', 'content-type': 'application/json', origin });
      let status = 0;
      let text = '';
      req.setEncoding('utf8');
      req.on('response', (h) => { status = Number(h[':status']); });
      req.on('data', (d: string) => { text += d; });
      req.on('end', () => resolve({ status, body: JSON.parse(text) }));
      req.on('error', reject);
      req.end('{"rate":4}');
    });
    const own = await post(`https://localhost:${https.port}`);
    expect([own.status, own.body]).toEqual([200, expect.anything()]);
    expect(app.lab.producer.rate).toBe(4);
    const foreign = await post('https://evil.example');
    expect([foreign.status, foreign.body.error]).toEqual([403, 'LAB_ERR_CROSS_SITE']);
    session.close();
  });
});

describe('GET /api/join (the projector\'s join page)', () => {
  it('gives the student URL by the address the page came by, every network URL, and its QR code as SVG', async () => {
    lab = await startClassLab();
    const join = (await send(lab.remote, 'GET', '/api/join')).json;
    expect(join.studentUrl).toBe(`${lab.remote}/`);
    expect(join.reachable).toBe(true);
    expect(join.qrSvg).toMatch(/^<svg [^>]*viewBox/);
    expect(join.studentUrl).not.toContain(KEY);
    // Opened on the projector's own machine as localhost: still a URL other devices can use.
    const local = (await send(lab.local, 'GET', '/api/join', { host: `localhost:${lab.port}`, 'x-test-local': '1' })).json;
    if (lab.remote !== lab.local) expect(local.studentUrl).toBe(`${lab.remote}/`);
  });

  it('says no other device can reach a lab bound to loopback', async () => {
    const app = await buildLab({ feedRate: 0, serveWeb: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;
    lab = { app, port, remote: '', local: `http://127.0.0.1:${port}`, close: () => app.close() };
    const join = (await send(lab.local, 'GET', '/api/join', { host: `localhost:${port}` })).json;
    expect([join.reachable, join.studentUrl]).toEqual([false, `http://localhost:${port}/`]);
  });
});
