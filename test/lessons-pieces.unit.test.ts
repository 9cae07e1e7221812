/**
 * The small pure pieces of the lesson system: reading a typed guess with its
 * unit, comparing it with a measurement, the computed answers (RFC 6455 test
 * vectors, the lab's own framing), checking a typed answer, the progress kept
 * in the browser, and the figures a one-lane run reports.
 */
import { describe, expect, it } from 'vitest';
import { compareGuess, parseGuess } from '../src/lessons/units.ts';
import { answerMatches as matches, checkAnswer, computeAnswer, formatAnswer } from '../src/lessons/answers.ts';
import { DEFAULTS } from '../src/config.ts';
import { isDone, Progress, PROGRESS_KEY, type StorageLike } from '../web/src/lessons/progress.ts';
import { counterDelta, reconnectGaps, runFigures } from '../web/src/lessons/run-figures.ts';

describe('a typed guess', () => {
  it.each([
    ['500', 'ms', 500],
    ['500 ms', 'ms', 500],
    ['0.5 s', 'ms', 500],
    ['0.5초', 'ms', 500],
    ['2 s', 's', 2],
    ['1,200', 'B', 1200],
    ['3 KiB', 'B', 3072],
    ['3 kB', 'B', 3000],
    ['300바이트', 'B', 300],
    ['10 requests', 'count', 10],
    ['10번', 'count', 10],
    ['6.6 Mbit/s', 'bit/s', 6_600_000],
    ['1 Mibit/s', 'bit/s', 1_048_576],
  ])('"%s" in a block measured in %s reads as %d', (text, unit, value) => {
    expect(parseGuess(text, unit)).toEqual({ ok: true, value });
  });

  it('refuses empty text, words, and a unit of another kind', () => {
    expect(parseGuess('  ', 'ms')).toEqual({ ok: false, reason: 'empty' });
    expect(parseGuess('about five hundred', 'ms')).toEqual({ ok: false, reason: 'not-a-number' });
    expect(parseGuess('500 B', 'ms')).toEqual({ ok: false, reason: 'wrong-unit' });
    expect(parseGuess('5 s', 'count')).toEqual({ ok: true, value: 5 }); // "s" is a word here; counts take any label
    expect(parseGuess('5 ms', 'B')).toEqual({ ok: false, reason: 'wrong-unit' });
  });

  it('is compared by its ratio to the measurement', () => {
    expect(compareGuess(500, 491)).toEqual({ ratio: 500 / 491, verdict: 'close' });
    expect(compareGuess(120, 165)).toEqual({ ratio: 120 / 165, verdict: 'ballpark' });
    expect(compareGuess(10, 165)).toMatchObject({ verdict: 'off' });
    expect(compareGuess(0, 0)).toEqual({ ratio: undefined, verdict: 'exact' });
    expect(compareGuess(3, 0)).toEqual({ ratio: undefined, verdict: 'off' });
    expect(compareGuess(6, 6)).toEqual({ ratio: 1, verdict: 'exact' });
  });
});

describe('computed answers', () => {
  it('websocketAccept: the RFC 6455 §1.3 example', async () => {
    expect(await computeAnswer('websocketAccept', ['dGhlIHNhbXBsZSBub25jZQ=='])).toEqual({ kind: 'text', text: 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=' });
  });

  it('labOption: the lab\'s own default, with the unit its name says', async () => {
    expect(await computeAnswer('labOption', ['sseRetryMs'])).toEqual({ kind: 'number', value: DEFAULTS.sseRetryMs, unit: 'ms' });
    expect(await computeAnswer('labOption', ['maxPublishBytes'])).toEqual({ kind: 'number', value: DEFAULTS.maxPublishBytes, unit: 'B' });
    expect(formatAnswer(await computeAnswer('labOption', ['longpollWaitMs']))).toBe('25,000 ms');
  });

  it('wsHeaderBytes: RFC 6455 §5.2 sizes, plus the 4-byte mask from a client', async () => {
    const size = async (bytes: number, from: string) => (await computeAnswer('wsHeaderBytes', [String(bytes), from])) as { value: number };
    expect((await size(5, 'server')).value).toBe(2);
    expect((await size(5, 'client')).value).toBe(6);
    expect((await size(126, 'server')).value).toBe(4);
    expect((await size(65_536, 'server')).value).toBe(10);
    expect((await size(65_536, 'client')).value).toBe(14);
  });

  it('sseFraming: what the lab writes around a message\'s JSON', async () => {
    // "id: 42\n" + "data: " + "\n\n"
    expect(await computeAnswer('sseFraming', ['42'])).toEqual({ kind: 'number', value: 15, unit: 'B' });
  });

  it('refuses an unknown function or wrong arguments, with the usage', async () => {
    expect(checkAnswer('nope', [])).toMatch(/unknown answer function/);
    expect(checkAnswer('websocketAccept', ['short'])).toMatch(/^websocketAccept <Sec-WebSocket-Key>:/);
    expect(checkAnswer('labOption', ['notAnOption'])).toMatch(/one argument/);
    await expect(computeAnswer('wsHeaderBytes', ['5', 'sideways'])).rejects.toThrow(/then server \(unmasked\) or client \(masked\)/);
  });

  it('accepts a typed answer in any unit of the right kind, text exactly', () => {
    const retry = { kind: 'number', value: 2000, unit: 'ms' } as const;
    expect(matches('2000', retry)).toBe(true);
    expect(matches('2 s', retry)).toBe(true);
    expect(matches('2초', retry)).toBe(true);
    expect(matches('2001 ms', retry)).toBe(false);
    const accept = { kind: 'text', text: 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=' } as const;
    expect(matches(' s3pPLMBiTxaQ9kYGzzhZRbK+xOo= ', accept)).toBe(true);
    expect(matches('s3pPLMBiTxaQ9kYGzzhZRbK+xOo', accept)).toBe(false);
  });
});

class MemoryStorage implements StorageLike {
  readonly data = new Map<string, string>();
  getItem(key: string) { return this.data.get(key) ?? null; }
  setItem(key: string, value: string) { this.data.set(key, value); }
  removeItem(key: string) { this.data.delete(key); }
}

describe('progress in the browser', () => {
  it('keeps what a student did per lesson number, across reloads', () => {
    const storage = new MemoryStorage();
    new Progress(storage).update(3, (p) => {
      p.seen.push('learn');
      p.guesses['pm-1'] = { text: '0.5 s', value: 500, measured: 491 };
    });
    expect(new Progress(storage).get(3)).toEqual({ seen: ['learn'], guesses: { 'pm-1': { text: '0.5 s', value: 500, measured: 491 } }, answers: {} });
    expect(new Progress(storage).get(4)).toEqual({ seen: [], guesses: {}, answers: {} });
    expect(JSON.parse(storage.data.get(PROGRESS_KEY)!)).toHaveProperty('3');
  });

  it('counts a lesson done when every self-check question is right', () => {
    expect(isDone({ seen: [], guesses: {}, answers: { 1: { value: '2', correct: true } }, questions: 2 })).toBe(false);
    expect(isDone({ seen: [], guesses: {}, answers: { 1: { value: '2', correct: true }, 2: { value: 'x', correct: true } }, questions: 2 })).toBe(true);
    expect(isDone({ seen: [], guesses: {}, answers: {} })).toBe(false);
  });

  it('survives unreadable or blocked storage', () => {
    const storage = new MemoryStorage();
    storage.setItem(PROGRESS_KEY, '{not json');
    expect(new Progress(storage).get(1).seen).toEqual([]);
    const blocked: StorageLike = { getItem: () => { throw new Error('blocked'); }, setItem: () => { throw new Error('blocked'); }, removeItem: () => {} };
    expect(() => new Progress(blocked).update(1, (p) => { p.seen.push('idea'); })).not.toThrow();
    expect(new Progress(undefined).get(1).seen).toEqual([]);
  });
});

describe('the figures of a one-lane run', () => {
  const zero = { requests: 0, messages: 0, headerBytes: 0, payloadBytes: 0, framingBytes: 0, bytesIn: 0, bytesOut: 0, connections: 0 };

  it('divide the server\'s bytes by its messages, and keep the page\'s own counts', () => {
    const server = counterDelta(zero, { requests: 10, messages: 50, headerBytes: 7_440, payloadBytes: 3_800, framingBytes: 1_060, bytesIn: 5_400, bytesOut: 6_900, connections: 1 });
    const figures = runFigures({ seconds: 10, requests: 10, messages: 50, emptyAnswers: 1, latencies: [400, 600], latencyP50: 400, latencyMax: 600 }, server);
    expect(figures).toMatchObject({
      requests: 10, serverRequests: 10, messages: 50, emptyAnswers: 1, requestsPerMessage: 0.2,
      headerBytesPerRequest: 744, headerBytesPerMessage: 148.8, payloadBytesPerMessage: 76, framingBytesPerMessage: 21.2,
      wireBytesPerMessage: 246, latencyMeanMs: 500,
    });
    expect(figures).not.toHaveProperty('reconnectGapMs');
  });

  it('leave out what cannot be divided (no message: no per-message figure)', () => {
    const figures = runFigures({ seconds: 1, requests: 1, messages: 0, emptyAnswers: 1, latencies: [], latencyP50: undefined, latencyMax: undefined }, zero);
    expect(figures).not.toHaveProperty('headerBytesPerMessage');
    expect(figures).not.toHaveProperty('latencyMeanMs');
  });

  it('measure the reconnect gap from each answer to the next request on any connection', () => {
    expect(reconnectGaps([
      { conn: 1, start: 100, end: 300 },
      { conn: 1, start: 301, end: 500 },
      { conn: 1, start: 503, end: null },
    ])).toEqual([1, 3]);
  });

  it('reconnect gap: Chromium rotating long polls over 3 keep-alive connections gives the true gaps, not another request\'s hold time', () => {
    // Measured per connection, these would give 138, 140 and 148 ms: each "gap"
    // spans the requests held on the other two connections. The true gaps are 18 to 22 ms.
    const requests = [
      { conn: 1, start: 0, end: 50 },
      { conn: 2, start: 70, end: 118 },
      { conn: 3, start: 140, end: 170 },
      { conn: 1, start: 188, end: 240 },
      { conn: 2, start: 258, end: 300 },
      { conn: 3, start: 318, end: null },
    ];
    expect(reconnectGaps(requests)).toEqual([20, 22, 18, 18, 18]);
    expect(reconnectGaps([...requests].reverse())).toEqual([20, 22, 18, 18, 18]);
    const figures = runFigures({ seconds: 1, requests: 6, messages: 5, emptyAnswers: 0, latencies: [1], latencyP50: 1, latencyMax: 1 },
      { requests: 6, messages: 5, headerBytes: 0, payloadBytes: 0, framingBytes: 0, bytesIn: 0, bytesOut: 0, connections: 3 },
      reconnectGaps(requests));
    expect(figures.reconnectGapMs).toBe(19.2);
  });

  it('reconnect gap: a request that overlaps the previous one (another client on the lane) opens no gap', () => {
    expect(reconnectGaps([
      { conn: 1, start: 0, end: 100 },
      { conn: 2, start: 40, end: 160 },
      { conn: 1, start: 170, end: null },
    ])).toEqual([10]);
  });
});
