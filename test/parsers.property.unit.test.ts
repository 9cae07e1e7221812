/**
 * Every parser that takes client (or wire) input, under fast-check: for ANY
 * input it returns a value or refuses with its own typed error, never another
 * throw. Counterexamples are shrunk and printed with their seed by fast-check.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeFrameHeader, encodeFrameHeader, FrameError, FrameScanner, OPCODE_NAMES } from '../src/framing/ws-frame.ts';
import { NdjsonDecoder, ndjsonLine } from '../src/framing/ndjson.ts';
import { SseDecoder, sseMessage } from '../src/framing/sse.ts';
import { FrameDecoder, encodeFrame } from '../src/stomp/frame.ts';
import { StompError } from '../src/stomp/errors.ts';
import { parseCommandText } from '../src/chat/protocol.ts';
import { ChatError } from '../src/chat/errors.ts';
import { resolveChatLimits } from '../src/chat/limits.ts';
import { parseSince, parseWait } from '../src/delivery/since.ts';
import { LabError } from '../src/errors.ts';
import { Feed } from '../src/feed/feed.ts';

const RUNS = { numRuns: 2_000 };

/** Run `fn`; a throw must be an instance of `allowed`. */
function valueOrRefusal<T>(fn: () => T, allowed: abstract new (...args: never[]) => Error): T | Error {
  try {
    return fn();
  } catch (err) {
    expect(err).toBeInstanceOf(allowed);
    expect((err as Error).message.length).toBeGreaterThan(0);
    return err as Error;
  }
}

/** Split `bytes` at the given cut points (chunks as a proxy or the kernel might deliver them). */
function chunks(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const at of points) {
    out.push(bytes.subarray(from, at));
    from = at;
  }
  out.push(bytes.subarray(from));
  return out;
}

describe('WebSocket frame headers (src/framing/ws-frame.ts)', () => {
  it('property: any bytes decode to a header, "need more", or a FrameError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 20 }), (bytes) => {
      const result = valueOrRefusal(() => decodeFrameHeader(bytes), FrameError);
      if (result && !(result instanceof Error)) {
        expect(result.headerLength).toBeLessThanOrEqual(bytes.length);
        expect(Number.isSafeInteger(result.payloadLength)).toBe(true);
      }
    }), RUNS);
  });

  it('property: any header the lab can encode decodes to the same fields', () => {
    const opcode = fc.constantFrom(...Object.keys(OPCODE_NAMES).map(Number));
    fc.assert(fc.property(opcode, fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 2 ** 40 }), fc.option(fc.uint8Array({ minLength: 4, maxLength: 4 }), { nil: undefined }),
      (op, fin, rsv1, length, maskingKey) => {
        const control = op >= 0x8;
        const payloadLength = control ? length % 126 : length;
        const header = decodeFrameHeader(encodeFrameHeader({ opcode: op, fin: control ? true : fin, rsv1, payloadLength, maskingKey }));
        expect(header).toMatchObject({ opcode: op, fin: control ? true : fin, rsv1, payloadLength, masked: maskingKey !== undefined });
      }), RUNS);
  });

  it('property: the frame scanner never throws, whatever the stream and however it is cut', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), fc.array(fc.nat(), { maxLength: 6 }), (bytes, cuts) => {
      const scanner = new FrameScanner(8);
      for (const chunk of chunks(bytes, cuts)) scanner.push(chunk);
      expect(scanner.failed === undefined || typeof scanner.failed === 'string').toBe(true);
    }), RUNS);
  });
});

describe('NDJSON decoder (src/framing/ndjson.ts)', () => {
  it('property: any text gives values or a FrameError, never a bare SyntaxError', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
      valueOrRefusal(() => new NdjsonDecoder().push(text), FrameError);
    }), RUNS);
  });

  it('property: lines of JSON come back whole, however the stream is cut', () => {
    fc.assert(fc.property(fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 6 }), (values, cuts) => {
      const text = values.map((v) => ndjsonLine(JSON.stringify(v))).join('');
      const decoder = new NdjsonDecoder();
      const bytes = new TextEncoder().encode(text);
      const textDecoder = new TextDecoder();
      const out = chunks(bytes, cuts).flatMap((c) => decoder.push(textDecoder.decode(c, { stream: true })));
      expect(out).toEqual(values.map((v) => JSON.parse(JSON.stringify(v))));
    }), RUNS);
  });
});

describe('SSE decoder (src/framing/sse.ts)', () => {
  it('property: any text gives events and never throws', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.array(fc.nat(), { maxLength: 6 }), (text, cuts) => {
      const decoder = new SseDecoder();
      const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
      let from = 0;
      for (const at of [...points, text.length]) {
        for (const ev of decoder.push(text.slice(from, at))) expect(typeof ev.data).toBe('string');
        from = at;
      }
    }), RUNS);
  });

  it('property: the lab\'s own events come back with their id and data', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(), fc.jsonValue({ maxDepth: 2 })), { maxLength: 6 }), (events) => {
      const decoder = new SseDecoder();
      const out = decoder.push(events.map(([seq, v]) => sseMessage(seq, JSON.stringify(v))).join(''));
      expect(out.map((e) => [Number(e.id), JSON.parse(e.data)])).toEqual(events.map(([seq, v]) => [seq, JSON.parse(JSON.stringify(v))]));
    }), RUNS);
  });
});

describe('STOMP frames (src/stomp/frame.ts)', () => {
  const limits = { maxFrameBytes: 1024, maxHeaders: 8 };

  it('property: any bytes give frames and heart-beats or a StompError', () => {
    const stompish = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.array(fc.constantFrom('SEND', 'CONNECT', '\n', '\r\n', ':', 'content-length:', '3', 'destination:/topic/feed', '\0', 'x', '\\c', '\\', '\r'), { maxLength: 30 })
        .map((parts) => new TextEncoder().encode(parts.join(''))),
    );
    fc.assert(fc.property(stompish, fc.array(fc.nat(), { maxLength: 4 }), (bytes, cuts) => {
      const decoder = new FrameDecoder(limits);
      valueOrRefusal(() => {
        for (const chunk of chunks(bytes, cuts)) decoder.push(chunk);
      }, StompError);
    }), RUNS);
  });

  it('property: any frame the lab encodes decodes to itself, however it is cut', () => {
    const name = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 10 }).filter((s) => !/[:\r\n]/.test(s));
    const value = fc.string({ unit: 'grapheme', maxLength: 20 });
    fc.assert(fc.property(fc.array(fc.tuple(name, value), { maxLength: 5 }), fc.uint8Array({ maxLength: 100 }), fc.array(fc.nat(), { maxLength: 4 }),
      (headers, body, cuts) => {
        const all = [...headers, ['content-length', String(body.length)] as [string, string]];
        const bytes = encodeFrame({ command: 'MESSAGE', headers: all, body });
        const decoder = new FrameDecoder({ maxFrameBytes: Infinity, maxHeaders: Infinity });
        const out = chunks(bytes, cuts).flatMap((c) => decoder.push(c));
        expect(out).toHaveLength(1);
        const frame = out[0]!.type === 'frame' ? out[0]!.frame : undefined;
        expect(frame?.headers).toEqual(all);
        expect([...frame!.body]).toEqual([...body]);
      }), RUNS);
  });
});

describe('chat commands (src/chat/protocol.ts)', () => {
  const limits = resolveChatLimits();
  it('property: any text gives a command or a ChatError', () => {
    const commandish = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.json({ maxDepth: 3 }),
      fc.record({ type: fc.constantFrom('join', 'say', 'join-room', 'leave-room', 'leave', 'nope'), nick: fc.anything(), to: fc.anything(), text: fc.anything(), room: fc.anything(), ref: fc.anything() }, { requiredKeys: ['type'] })
        .map((v) => { try { return JSON.stringify(v) ?? ''; } catch { return ''; } }),
    );
    fc.assert(fc.property(commandish, (text) => {
      const result = valueOrRefusal(() => parseCommandText(text, limits), ChatError);
      if (!(result instanceof Error)) expect(['join', 'say', 'join-room', 'leave-room', 'leave']).toContain(result.type);
    }), RUNS);
  });
});

describe('since, wait and Last-Event-ID (src/delivery/since.ts)', () => {
  const feed = new Feed(100);
  for (let i = 0; i < 50; i++) feed.publish(i);

  it('property: any query value gives a seq within the feed or a LabError', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.nat().map(String), fc.anything()), (raw) => {
      const result = valueOrRefusal(() => parseSince(raw, feed), LabError);
      if (typeof result === 'number') {
        expect(Number.isSafeInteger(result)).toBe(true);
        expect(result).toBeGreaterThanOrEqual(0);
        expect(result).toBeLessThanOrEqual(feed.head);
      }
    }), RUNS);
  });

  it('property: a Last-Event-ID is refused with its own code', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 30 }).filter((s) => s !== '' && !/^[0-9]{1,15}$/.test(s)), (raw) => {
      const result = valueOrRefusal(() => parseSince(raw, feed, 'LAB_ERR_LAST_EVENT_ID_INVALID'), LabError);
      expect((result as LabError).code).toBe('LAB_ERR_LAST_EVENT_ID_INVALID');
    }), RUNS);
  });

  it('property: any wait gives an integer in [0, max] or a LabError', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.nat().map(String), fc.anything()), (raw) => {
      const result = valueOrRefusal(() => parseWait(raw, 25_000, 60_000), LabError);
      if (typeof result === 'number') {
        expect(Number.isInteger(result)).toBe(true);
        expect(result).toBeGreaterThanOrEqual(0);
        expect(result).toBeLessThanOrEqual(60_000);
      }
    }), RUNS);
  });
});
