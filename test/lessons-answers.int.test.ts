/**
 * Every answer a lesson computes instead of typing (`= fn args` in a
 * self-check, `{=fn args}` in prose) agrees with what the running lab really
 * does: the Sec-WebSocket-Accept it sends back for a key, the `retry:` it
 * writes on an SSE response, the frame headers its socket carried, the bytes
 * around an SSE event. A new answer function without a check here fails.
 */
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANSWERS, computeAnswer, type Answer } from '../src/lessons/answers.ts';
import { parseSelfCheck } from '../src/lessons/blocks.ts';
import { LESSON_LANGS } from '../src/lessons/parts.ts';
import { DEFAULTS } from '../src/config.ts';
import { RawClient, dechunk, headEnd, startLab, type RunningLab } from './support/lab.ts';

const LESSONS = fileURLToPath(new URL('../lessons/', import.meta.url));

/** Every computed answer written in any lesson file, with where it is. */
function computedInLessons(): { fn: string; args: string[]; where: string }[] {
  const found: { fn: string; args: string[]; where: string }[] = [];
  for (const lang of LESSON_LANGS) {
    for (const file of readdirSync(join(LESSONS, lang)).filter((f) => f.endsWith('.md'))) {
      const text = readFileSync(join(LESSONS, lang, file), 'utf8');
      const where = `lessons/${lang}/${file}`;
      for (const m of text.matchAll(/```self-check\n([\s\S]*?)```/g)) {
        const parsed = parseSelfCheck(m[1]!);
        if (!parsed.ok) throw new Error(`${where}: ${JSON.stringify(parsed.errors)}`);
        for (const q of parsed.block.questions) if (q.kind === 'computed') found.push({ fn: q.fn, args: q.args, where });
      }
      const prose = text.replace(/```[\s\S]*?```/g, '');
      for (const m of prose.matchAll(/\{=(\S+)((?:\s+[^\s}]+)*)\s*\}/g)) found.push({ fn: m[1]!, args: m[2]!.trim().split(/\s+/).filter(Boolean), where });
    }
  }
  return found;
}

let lab: RunningLab;
beforeAll(async () => {
  lab = await startLab();
});
afterAll(async () => {
  await lab?.close();
});

/** What the lab does, for each answer function: the witness the answer is checked against. */
const WITNESSES: Record<string, (args: string[]) => Promise<Answer>> = {
  /** A real handshake with the lab's ws lane, with this key: the accept it answers. */
  async websocketAccept([key]) {
    const client = await RawClient.open(lab.port);
    client.write(`GET /feed/ws HTTP/1.1\r\nHost: 127.0.0.1:${lab.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    await client.until((b) => headEnd(b) !== -1);
    const head = client.received.toString('latin1', 0, headEnd(client.received));
    client.socket.destroy();
    expect(head).toMatch(/^HTTP\/1\.1 101 /);
    return { kind: 'text', text: /^sec-websocket-accept: (.+)\r$/im.exec(head)![1]! };
  },

  /** The option the running lab resolved, and for the ones a client can see at once, what it sees. */
  async labOption([name]) {
    const value = lab.app.lab.options[name as keyof typeof DEFAULTS];
    if (name === 'sseRetryMs') {
      const client = await RawClient.open(lab.port);
      client.write('GET /feed/sse HTTP/1.1\r\nHost: x\r\n\r\n');
      await client.untilText('event: hello');
      const retry = /\nretry: (\d+)\n/.exec(client.received.toString('latin1'))?.[1];
      client.socket.destroy();
      expect(Number(retry)).toBe(value);
    }
    return { kind: 'number', value, unit: name!.endsWith('Ms') ? 'ms' : name!.endsWith('Bytes') ? 'B' : 'count' };
  },

  /** A message of that size through the frame inspector's echo socket: the header the socket carried that way. */
  async wsHeaderBytes([bytes, from]) {
    const ws = new WebSocket(`ws://127.0.0.1:${lab.port}/inspect/echo`, { perMessageDeflate: false });
    const messages: string[] = [];
    const next = () => once(ws, 'message').then(([data]) => messages.push(String(data)));
    await next(); // welcome
    const { id } = JSON.parse(messages[0]!) as { id: number };
    const text = 'x'.repeat(Number(bytes));
    ws.send(text);
    await next(); // the echo
    const dir = from === 'client' ? 'in' : 'out';
    let frame: { dir: string; payloadLength: number; headerLength: number } | undefined;
    while (!frame) {
      const { frames } = (await (await fetch(`${lab.base}/api/inspect/frames/${id}`)).json()) as { frames: { dir: string; payloadLength: number; headerLength: number }[] };
      frame = frames.find((f) => f.dir === dir && f.payloadLength === Number(bytes));
    }
    ws.close();
    return { kind: 'number', value: frame.headerLength, unit: 'B' };
  },

  /** The event the lab's sse lane writes for that seq, minus the message's JSON. */
  async sseFraming([seq]) {
    const n = Number(seq);
    while (lab.app.lab.feed.head < n) lab.app.lab.feed.publish(`filler ${lab.app.lab.feed.head + 1}`);
    const client = await RawClient.open(lab.port);
    client.write(`GET /feed/sse?since=${n - 1} HTTP/1.1\r\nHost: x\r\n\r\n`);
    await client.untilText(`id: ${n}\n`);
    await client.until((b) => dechunk(b.subarray(headEnd(b))).data.toString().includes(`"seq":${n},`) &&
      /\n\n$/.test(dechunk(b.subarray(headEnd(b))).data.toString().split(`id: ${n}\n`)[1] ?? ''));
    const body = dechunk(client.received.subarray(headEnd(client.received))).data.toString('utf8');
    client.socket.destroy();
    const event = `id: ${n}\n${body.split(`id: ${n}\n`)[1]!.split('\n\n')[0]!}\n\n`;
    const json = /^data: (.*)$/m.exec(event)![1]!;
    expect(JSON.parse(json)).toMatchObject({ seq: n });
    return { kind: 'number', value: Buffer.byteLength(event) - Buffer.byteLength(json), unit: 'B' };
  },
};

/** Arguments each function is checked with, besides those the lessons use. */
const SAMPLES: Record<string, string[][]> = {
  websocketAccept: [['dGhlIHNhbXBsZSBub25jZQ=='], ['AQIDBAUGBwgJCgsMDQ4PEA==']],
  labOption: [['sseRetryMs'], ['longpollWaitMs']],
  wsHeaderBytes: [['5', 'server'], ['5', 'client'], ['200', 'server'], ['200', 'client'], ['70000', 'server'], ['70000', 'client']],
  sseFraming: [['7'], ['42'], ['123']],
};

describe('computed answers agree with the lab', () => {
  it('every answer function has a witness here', () => {
    expect(Object.keys(WITNESSES).sort()).toEqual(Object.keys(ANSWERS).sort());
  });

  it('the lessons compute answers (lessons 4 and 5 at least)', () => {
    const used = computedInLessons();
    expect(used.filter((u) => u.where.includes('05-streaming-and-sse')).map((u) => u.fn)).toEqual(
      expect.arrayContaining(['sseFraming', 'labOption']));
    expect(used.length).toBeGreaterThanOrEqual(8);
  });

  const cases = [
    ...Object.entries(SAMPLES).flatMap(([fn, list]) => list.map((args) => ({ fn, args, where: 'sample' }))),
    ...computedInLessons(),
  ].filter((c, i, all) => all.findIndex((d) => d.fn === c.fn && d.args.join() === c.args.join()) === i);

  it.each(cases)('$fn $args ($where)', async ({ fn, args }) => {
    const witness = WITNESSES[fn];
    expect(witness, `no witness for ${fn}`).toBeDefined();
    expect(await computeAnswer(fn, args)).toEqual(await witness!(args));
  });
});
