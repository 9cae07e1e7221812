/**
 * No cross-site control (issue 10 items 3 and 4) and the lab's own origins
 * (issue 14 item 3): control requests only as JSON from the lab's own pages,
 * the CORS switch never opens a control endpoint, every WebSocket route honours
 * the Origin allowlist, and the origins and the second origin follow the Host.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { once } from 'node:events';
import { startLab, RawClient, headEnd, type RunningLab } from './support/lab.ts';
import { openSecondOrigin } from '../src/app.ts';

let lab: RunningLab;
afterEach(async () => {
  await lab?.close();
});

function send(method: string, path: string, headers: Record<string, string> = {}, body?: string, port = lab.port) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; json: any }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, json: text ? JSON.parse(text) : undefined });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const own = () => `http://localhost:${lab.port}`;
const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const upgrade = (path: string, origin: string) =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${lab.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
  `Sec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: v12.stomp\r\nOrigin: ${origin}\r\n\r\n`;

async function handshake(path: string, origin: string): Promise<string> {
  const c = await RawClient.open(lab.port);
  c.write(upgrade(path, origin));
  await c.until((b) => headEnd(b) > 0);
  // A refusal carries a JSON body after its head.
  if (!c.received.toString('latin1').startsWith('HTTP/1.1 101')) await c.closed;
  c.socket.destroy();
  return c.received.toString('latin1');
}

describe('CSRF: state-changing requests only as JSON from the lab\'s own pages', () => {
  it('refuses a text/plain cross-site POST to /api/reset (the no-cors form attack) and resets nothing', async () => {
    lab = await startLab();
    await fetch(`http://127.0.0.1:${lab.port}/feed/poll?since=0`);
    const before = lab.app.lab.meter.snapshot().poll.requests;
    const res = await send('POST', '/api/reset', { 'content-type': 'text/plain', origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' }, 'x');
    expect([res.status, res.json.error]).toEqual([403, 'LAB_ERR_CROSS_SITE']);
    expect(lab.app.lab.meter.snapshot().poll.requests).toBe(before);
  });

  it('refuses a text/plain POST to /api/switches/reset even with no Origin (415), and the allowlist stays on', async () => {
    lab = await startLab();
    lab.app.lab.security.set({ originCheck: true });
    const res = await send('POST', '/api/switches/reset', { 'content-type': 'text/plain' }, '{}');
    expect([res.status, res.json.error]).toEqual([415, 'LAB_ERR_CONTENT_TYPE']);
    const bare = await send('POST', '/api/reset');
    expect([bare.status, bare.json.error]).toEqual([415, 'LAB_ERR_CONTENT_TYPE']);
    expect(lab.app.lab.security.switches.originCheck).toBe(true);
  });

  it('refuses JSON from a foreign Origin, from the second origin (same-site), and from a DNS-rebound page', async () => {
    lab = await startLab();
    const body = '{"originCheck":true}';
    const cases: [string, Record<string, string>][] = [
      ['foreign Origin', { origin: 'http://evil.example' }],
      ['Origin null', { origin: 'null' }],
      ['same-site (the second origin)', { origin: `http://localhost:${lab.port + 1}`, 'sec-fetch-site': 'same-site' }],
      ['cross-site without Origin', { 'sec-fetch-site': 'cross-site' }],
      ['DNS rebinding', { host: `rebind.example:${lab.port}`, origin: `http://rebind.example:${lab.port}`, 'sec-fetch-site': 'same-origin' }],
    ];
    for (const [name, headers] of cases) {
      const res = await send('POST', '/api/security', { 'content-type': 'application/json', ...headers }, body);
      expect([name, res.status, res.json.error]).toEqual([name, 403, 'LAB_ERR_CROSS_SITE']);
    }
    expect(lab.app.lab.security.switches.originCheck).toBe(false);
  });

  it('accepts JSON from the lab\'s own page, by any of its names', async () => {
    lab = await startLab();
    for (const origin of [own(), `http://127.0.0.1:${lab.port}`, `http://[::1]:${lab.port}`]) {
      const res = await send('POST', '/api/security', { 'content-type': 'application/json; charset=utf-8', origin, 'sec-fetch-site': 'same-origin' }, '{"cors":true}');
      expect([origin, res.status]).toEqual([origin, 200]);
    }
    // The Host it was reached by counts when it is an IP literal: a classroom device's page.
    const byIp = await send('POST', '/api/security', { 'content-type': 'application/json', host: `10.1.2.3:${lab.port}`, origin: `http://10.1.2.3:${lab.port}` }, '{"cors":false}');
    expect(byIp.status).toBe(200);
  });
});

describe('the CORS switch opens the feed lanes\' reads, never the control endpoints', () => {
  it('answers a foreign preflight for /feed/poll and not for a control endpoint', async () => {
    lab = await startLab();
    lab.app.lab.security.set({ cors: true });
    const preflight = (path: string, method: string) => send('OPTIONS', path, {
      origin: 'http://evil.example', 'access-control-request-method': method, 'access-control-request-headers': 'content-type',
    });
    expect((await preflight('/feed/poll', 'GET')).headers['access-control-allow-origin']).toBe('http://evil.example');
    for (const path of ['/api/reset', '/api/security', '/api/feed', '/api/switches/reset', '/feed/messages']) {
      const res = await preflight(path, 'POST');
      expect([path, res.headers['access-control-allow-origin'], res.headers['access-control-allow-methods']]).toEqual([path, undefined, undefined]);
    }
    const stats = await send('GET', '/api/stats', { origin: 'http://evil.example' });
    expect(stats.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('every WebSocket route honours the Origin allowlist', () => {
  it('walks Fastify\'s WebSocket routes: 403 for a foreign Origin with the switch on, in for the lab\'s own', async () => {
    lab = await startLab();
    const paths = [...lab.app.lab.security.websocketPaths];
    // The routes the issue names, so a route list that lost them fails here.
    expect(paths).toEqual(expect.arrayContaining(['/feed/ws', '/api/live', '/inspect/echo', '/chat/ws', '/stomp']));
    lab.app.lab.security.set({ originCheck: true });
    for (const path of paths) {
      const refused = await handshake(path, 'http://evil.example');
      expect([path, refused.split('\r\n')[0]]).toEqual([path, 'HTTP/1.1 403 Forbidden']);
      expect(refused).toContain('LAB_ERR_ORIGIN_REFUSED');
      const admitted = await handshake(path, own());
      expect([path, admitted.split('\r\n')[0]]).toEqual([path, 'HTTP/1.1 101 Switching Protocols']);
    }
  });

  it('covers a WebSocket server that listens for upgrades itself (as socket.io and sockjs do)', async () => {
    lab = await startLab();
    // Such a library adds its own 'upgrade' listener on the HTTP server, outside Fastify's hooks.
    const seen: string[] = [];
    let sawOwn!: () => void;
    const ownArrived = new Promise<void>((resolve) => { sawOwn = resolve; });
    lab.app.server.on('upgrade', (req) => {
      if (!req.url?.startsWith('/outside')) return;
      seen.push(String(req.headers.origin));
      if (req.headers.origin === own()) sawOwn();
    });
    lab.app.lab.security.set({ originCheck: true });
    const refused = await handshake('/outside/websocket', 'http://evil.example');
    expect(refused.split('\r\n')[0]).toBe('HTTP/1.1 403 Forbidden');
    expect(JSON.parse(refused.slice(headEnd(Buffer.from(refused, 'latin1'))))).toMatchObject({ error: 'LAB_ERR_ORIGIN_REFUSED' });
    // The lab's own page gets through to the listener; the foreign one never reached it.
    const c = await RawClient.open(lab.port);
    c.write(upgrade('/outside/websocket', own()));
    await ownArrived;
    c.socket.destroy();
    expect(seen).toEqual([own()]);
  });

  it('admits the dashboard opened by the lab\'s address on another device (its Host is an IP)', async () => {
    lab = await startLab();
    lab.app.lab.security.set({ originCheck: true });
    const c = await RawClient.open(lab.port);
    c.write(upgrade('/api/live', 'http://10.1.2.3:3000').replace(`Host: 127.0.0.1:${lab.port}`, 'Host: 10.1.2.3:3000'));
    await c.until((b) => headEnd(b) > 0);
    expect(c.received.toString('latin1')).toMatch(/^HTTP\/1\.1 101 /);
    c.socket.destroy();
    await once(c.socket, 'close');
  });
});

describe('the lab knows its own addresses', () => {
  it('/config.json on the second origin names the lab by the Host it was reached by', async () => {
    lab = await startLab();
    const second = await openSecondOrigin(lab.app, 0);
    const port = Number(new URL(second).port);
    const config = (host: string) => send('GET', '/config.json', { host }, undefined, port).then((r) => r.json);
    expect(await config(`192.168.1.20:${port}`)).toEqual({ labOrigin: `http://192.168.1.20:${lab.port}` });
    expect(await config(`[fd00::2]:${port}`)).toEqual({ labOrigin: `http://[fd00::2]:${lab.port}` });
    expect(await config(`lab-laptop.local:${port}`)).toEqual({ labOrigin: `http://lab-laptop.local:${lab.port}` });
    // Header injection: a Host that is not a plain host name is never echoed.
    expect(await config('evil.example/"><script>')).toEqual({ labOrigin: `http://localhost:${lab.port}` });
    expect(await config('a@b:1')).toEqual({ labOrigin: `http://localhost:${lab.port}` });
  });

  it('the switches (and every stats snapshot) give the second origin and own origins for the asking Host', async () => {
    lab = await startLab();
    const second = await openSecondOrigin(lab.app, 0);
    const secondPort = new URL(second).port;
    const switches = (await send('GET', '/api/switches', { host: `192.168.1.20:${lab.port}` })).json;
    expect(switches.secondOrigin).toBe(`http://192.168.1.20:${secondPort}`);
    expect(switches.security.allowedOrigins).toContain(`http://192.168.1.20:${lab.port}`);
    const stats = (await send('GET', '/api/stats', { host: `192.168.1.20:${lab.port}` })).json;
    expect(stats.switches.secondOrigin).toBe(`http://192.168.1.20:${secondPort}`);
    // A foreign name is not the lab's own (DNS rebinding), though the link still follows it.
    const foreign = (await send('GET', '/api/switches', { host: `rebind.example:${lab.port}` })).json;
    expect(foreign.security.allowedOrigins).not.toContain(`http://rebind.example:${lab.port}`);
  });
});
