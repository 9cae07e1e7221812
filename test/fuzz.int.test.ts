/**
 * Integration fuzz (issue 10): seeded random WebSocket frames and random JSON
 * to every WebSocket route of the lab, written by hand on a raw TCP socket
 * after a real opening handshake: random opcodes (reserved ones too), RSV bits,
 * FIN, masked or not, declared lengths true or false (7-, 16- and 64-bit
 * forms), payloads of random bytes or of JSON shaped for the route.
 *
 * The lab runs in its own process (`npm start`'s entry, feed at 5 msg/s), so a
 * crash is a dead process, as in a classroom, not an error the test runner
 * catches. Then the lab must still answer, and a bystander on each of the five
 * lanes must have received every message the feed holds, in order, with no gap
 * and no duplicate (the fuzz publishes too, whenever a frame happens to be valid).
 *
 * Reproduce a failure with FUZZ_SEED=<seed printed on failure>. Bounded:
 * CASES_PER_ROUTE connections per route, at most 6 frames each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import fc from 'fast-check';
import { buildLab, webSocketRoutes } from '../src/app.ts';
import { applyMask } from '../src/framing/ws-frame.ts';
import { LANE_IDS } from '../src/lanes.ts';
import { startClient, type LaneClient } from './support/clients.ts';

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31;
const CASES_PER_ROUTE = 40;

interface FuzzFrame {
  fin: boolean;
  rsv: number;
  opcode: number;
  masked: boolean;
  /** 'true': the real length; otherwise a declared length that lies, in this form. */
  length: 'true' | { form: 7 | 16 | 64; value: number };
  payload: Uint8Array;
}

interface FuzzCase { frames: FuzzFrame[] }

const utf8 = (text: string) => new TextEncoder().encode(text);

/** JSON a route might get from a confused or hostile client. */
function routeJson(route: string): fc.Arbitrary<string> {
  const any = fc.jsonValue({ maxDepth: 4 });
  const deep = fc.integer({ min: 60, max: 3_000 }).map((n) => `{"data":${'['.repeat(n)}${']'.repeat(n)}}`);
  const shaped: fc.Arbitrary<string>[] = [
    any.map((v) => JSON.stringify({ data: v })),
    any.map((v) => JSON.stringify(v)),
    deep,
  ];
  if (route.endsWith('/inspect/echo')) {
    shaped.push(fc.record({
      cmd: fc.constantFrom('ping', 'close', 'fragments'),
      code: fc.oneof(fc.integer({ min: -5, max: 70_000 }), fc.string(), fc.constant(undefined)),
      reason: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 80 }), fc.constant('가'.repeat(100)), any),
      data: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 80 }), fc.constant('가'.repeat(50)), any),
      text: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), any),
      parts: fc.oneof(fc.integer({ min: -3, max: 100 }), any),
    }, { requiredKeys: ['cmd'] }).map((v) => JSON.stringify(v)));
  }
  if (route.endsWith('/chat/ws')) {
    shaped.push(fc.record({
      type: fc.constantFrom('join', 'say', 'join-room', 'leave-room', 'leave', 'x'),
      nick: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 25 }), fc.constant('\u3164'), fc.constant('\u0410lice'), any),
      to: fc.constantFrom('all', 'self', 'others', 'room', 'nobody'),
      text: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 60 }), any),
      room: fc.oneof(fc.string({ maxLength: 10 }), any),
      ref: any,
    }, { requiredKeys: ['type'] }).map((v) => JSON.stringify(v)));
  }
  if (route.endsWith('/stomp')) {
    const frame = (command: string, headers: string, body: string) => `${command}\n${headers}\n${body}\0`;
    shaped.push(
      fc.constant(frame('CONNECT', 'accept-version:1.2\nhost:lab\n', '')),
      any.map((v) => frame('SEND', 'destination:/topic/feed\n', JSON.stringify({ data: v }))),
      deep.map((body) => frame('SEND', 'destination:/topic/feed\n', body)),
      fc.tuple(fc.constantFrom('SEND', 'SUBSCRIBE', 'ACK', 'BEGIN', 'DISCONNECT', 'NOPE'), fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }))
        .map(([c, h, b]) => frame(c, h, b)),
    );
  }
  return fc.oneof(...shaped);
}

function frameArb(route: string): fc.Arbitrary<FuzzFrame> {
  const payload = fc.oneof(
    { weight: 3, arbitrary: routeJson(route).map(utf8) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  );
  return fc.record({
    fin: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    rsv: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 7 }) }),
    opcode: fc.oneof({ weight: 6, arbitrary: fc.constant(0x1) }, { weight: 1, arbitrary: fc.constantFrom(0x0, 0x2, 0x8, 0x9, 0xa) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 15 }) }),
    masked: fc.oneof({ weight: 8, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    length: fc.oneof(
      { weight: 8, arbitrary: fc.constant('true' as const) },
      { weight: 1, arbitrary: fc.record({ form: fc.constantFrom(7 as const, 16 as const, 64 as const), value: fc.oneof(fc.nat({ max: 70_000 }), fc.constant(2 ** 53), fc.constant(2 ** 63)) }) },
    ),
    payload,
  });
}

/** The bytes of one frame, exactly as described (lies included). */
function encode(frame: FuzzFrame): Buffer {
  const declared = frame.length === 'true' ? frame.payload.length : frame.length.value;
  const form = frame.length === 'true' ? (declared < 126 ? 7 : declared < 65_536 ? 16 : 64) : frame.length.form;
  const head: number[] = [(frame.fin ? 0x80 : 0) | (frame.rsv << 4) | frame.opcode];
  const maskBit = frame.masked ? 0x80 : 0;
  if (form === 7) head.push(maskBit | (declared & 0x7f));
  else if (form === 16) head.push(maskBit | 126, (declared >>> 8) & 0xff, declared & 0xff);
  else {
    head.push(maskBit | 127);
    const big = BigInt(Math.min(declared, 2 ** 64 - 1));
    for (let shift = 56n; shift >= 0n; shift -= 8n) head.push(Number((big >> shift) & 0xffn));
  }
  const key = randomBytes(4);
  const body = frame.masked ? applyMask(frame.payload, key) : frame.payload;
  return Buffer.concat([Buffer.from(head), frame.masked ? key : Buffer.alloc(0), Buffer.from(body)]);
}

/** One raw connection: handshake, the frames, then FIN; resolves when the server has closed too. */
async function runCase(port: number, route: string, fuzz: FuzzCase): Promise<'upgraded' | 'refused'> {
  const socket: Socket = connect(port, '127.0.0.1');
  socket.on('error', () => {}); // a reset after a protocol error is an allowed outcome
  await once(socket, 'connect');
  let received = Buffer.alloc(0);
  const head = new Promise<string>((resolve) => {
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end !== -1) {
        socket.off('data', onData);
        socket.resume(); // keep reading (and ignoring) what the server sends
        resolve(received.toString('latin1', 0, end));
      }
    };
    socket.on('data', onData);
    socket.once('close', () => resolve(received.toString('latin1')));
  });
  const protocol = route.endsWith('/stomp') ? 'Sec-WebSocket-Protocol: v12.stomp\r\n' : '';
  socket.write(`GET ${route} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n${protocol}\r\n`);
  // Not events.once: it rejects on 'error', and a reset after a protocol error is an allowed end.
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const status = (await head).split('\r\n')[0];
  if (status !== 'HTTP/1.1 101 Switching Protocols') {
    await closed;
    return 'refused';
  }
  for (const frame of fuzz.frames) if (!socket.destroyed) socket.write(encode(frame));
  socket.end(); // FIN after the frames: the server reads them all, then closes its side
  await closed;
  return 'upgraded';
}

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
let child: ChildProcess;
let exited: Promise<string>;
let lab: { port: number; base: string };
const bystanders: LaneClient[] = [];

beforeAll(async () => {
  child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, PORT: '0', HTTPS_PORT: 'off', SECOND_ORIGIN_PORT: '0', LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  exited = once(child, 'exit').then(([code, signal]) => `the lab process exited (code ${code}, signal ${signal})`);
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /running: http:\/\/[^:]+:(\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    void exited.then((why) => reject(new Error(`${why} before it listened: ${out}`)));
  });
  lab = { port, base: `http://127.0.0.1:${port}` };
  for (const lane of LANE_IDS) bystanders.push(startClient(lane, lab.base, 0));
  await Promise.all(bystanders.map((b) => b.ready));
});
afterAll(async () => {
  for (const b of bystanders) b.stop();
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await exited;
  }
});

/** The routes, read from a lab built the same way (the child process cannot be asked). */
async function routesOfTheLab(): Promise<string[]> {
  const app = await buildLab({ startFeed: false, serveWeb: false });
  try {
    return webSocketRoutes(app).filter((r) => !r.includes('*'));
  } finally {
    await app.close();
  }
}

describe('fuzz: random frames and JSON to every WebSocket route', () => {
  it('the lab keeps answering and every lane\'s bystander receives every message, in order, no gap', async () => {
    const routes = await routesOfTheLab();
    let cases = 0;
    let frames = 0;
    const outcomes = { upgraded: 0, refused: 0 };
    try {
      expect(routes).toEqual(expect.arrayContaining(['/feed/ws', '/inspect/echo', '/api/live', '/chat/ws', '/stomp']));
      await Promise.all(routes.map(async (route, r) => {
        const samples = fc.sample(fc.record({ frames: fc.array(frameArb(route), { minLength: 1, maxLength: 6 }) }), { seed: SEED + r, numRuns: CASES_PER_ROUTE });
        for (const fuzz of samples) {
          outcomes[await runCase(lab.port, route, fuzz)]++;
          cases++;
          frames += fuzz.frames.length;
        }
      }));

      // The process is alive and answers; stop the producer so the feed holds still, then mark the end.
      expect(child.exitCode, await Promise.race([exited, Promise.resolve('alive')])).toBe(null);
      const paused = await fetch(`${lab.base}/api/feed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"running":false}' });
      expect(paused.status).toBe(200);
      const marker = await fetch(`${lab.base}/feed/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"data":"after the fuzz"}' });
      expect(marker.status).toBe(201);
      const head = (await marker.json() as { seq: number }).seq;

      // Every bystander has 1..head, exactly once each, in order.
      await Promise.race([Promise.all(bystanders.map((b) => b.waitFor(head))), exited.then((why) => { throw new Error(why); })]);
      for (const b of bystanders) {
        expect(b.messages.map((m) => m.seq), `lane ${b.lane}`).toEqual(Array.from({ length: head }, (_, i) => i + 1));
      }
      console.log(`fuzz seed ${SEED}: ${cases} connections (${outcomes.upgraded} upgraded, ${outcomes.refused} refused), ${frames} frames over ${routes.length} routes; feed head ${head} (producer included), every bystander got all of them`);
      expect(outcomes.upgraded).toBeGreaterThan(0);
    } catch (err) {
      // Is the lab alive? Either it answers, or its exit explains the failure.
      const process = await fetch(`${lab.base}/api/stats`).then(() => 'the lab still answers', () => exited);
      throw new Error(`fuzz failed with FUZZ_SEED=${SEED} (after ${cases} cases; ${process}): ${(err as Error).message}`, { cause: err });
    }
  }, 60_000);
});
