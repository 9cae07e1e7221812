/**
 * The frame inspector's commands (src/inspect/commands.ts), checked before `ws`
 * is asked to send anything it would throw on (RFC 6455 §5.5, §7.4).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkCommand, isSendableCloseCode } from '../src/inspect/commands.ts';

const limits = { commandMaxBytes: 4096, maxFragments: 16, maxJsonDepth: 64 };
const check = (value: unknown) => checkCommand(JSON.stringify(value), limits);

describe('inspector commands', () => {
  it('runs the valid ones', () => {
    expect(check({ cmd: 'ping', data: 'hi' })).toEqual({ kind: 'run', command: { cmd: 'ping', data: 'hi' } });
    expect(check({ cmd: 'ping' })).toEqual({ kind: 'run', command: { cmd: 'ping', data: '' } });
    expect(check({ cmd: 'ping', data: 'a'.repeat(125) })).toMatchObject({ kind: 'run' });
    expect(check({ cmd: 'close' })).toEqual({ kind: 'run', command: { cmd: 'close', code: 1000, reason: '' } });
    expect(check({ cmd: 'close', code: 4999, reason: '가'.repeat(41) })).toMatchObject({ kind: 'run' });
    expect(check({ cmd: 'fragments', text: 'Hello', parts: 3 })).toEqual({ kind: 'run', command: { cmd: 'fragments', parts: ['He', 'll', 'o'] } });
  });

  it.each([
    ['close code 5', { cmd: 'close', code: 5 }],
    ['close code 999', { cmd: 'close', code: 999 }],
    ['close code 1005', { cmd: 'close', code: 1005 }],
    ['close code 1006', { cmd: 'close', code: 1006 }],
    ['close code 2999', { cmd: 'close', code: 2999 }],
    ['close code 5000', { cmd: 'close', code: 5000 }],
    ['close code 4000.5', { cmd: 'close', code: 4000.5 }],
    ['close code "4000"', { cmd: 'close', code: '4000' }],
    ['a reason of 100 × "가" (300 bytes)', { cmd: 'close', code: 4000, reason: '가'.repeat(100) }],
    ['a reason of 42 × "가" (126 bytes, 42 UTF-16 units)', { cmd: 'close', code: 4000, reason: '가'.repeat(42) }],
    ['ping data of 50 × "가" (150 bytes)', { cmd: 'ping', data: '가'.repeat(50) }],
    ['ping data that is not a string', { cmd: 'ping', data: { a: 1 } }],
  ])('regression: refuses %s with a message, instead of letting ws throw', (_name, command) => {
    const result = check(command);
    expect(result.kind).toBe('refuse');
    if (result.kind === 'refuse') expect(result.message).toMatch(/RFC 6455|must be/);
  });

  it('anything else is echoed: binary-looking text, other JSON, unknown commands, too deep', () => {
    expect(checkCommand('hello', limits)).toEqual({ kind: 'echo' });
    expect(checkCommand('{"cmd":"shutdown"}', limits)).toEqual({ kind: 'echo' });
    expect(checkCommand('{"cmd":', limits)).toEqual({ kind: 'echo' });
    expect(checkCommand(`{"cmd":"ping","data":${'['.repeat(100)}${']'.repeat(100)}}`, limits)).toEqual({ kind: 'echo' });
  });

  it('fragments never split a surrogate pair (each fragment is valid UTF-8, §8.1)', () => {
    const result = check({ cmd: 'fragments', text: '😀😀😀', parts: 3 });
    expect(result).toEqual({ kind: 'run', command: { cmd: 'fragments', parts: ['😀', '😀', '😀'] } });
  });

  it('property: for any command-shaped JSON, a refusal or a command ws can send without throwing', () => {
    const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.integer({ min: -10, max: 70_000 }), fc.string({ unit: 'grapheme', maxLength: 200 }));
    const command = fc.record({ cmd: fc.constantFrom('ping', 'close', 'fragments'), code: anyValue, reason: anyValue, data: anyValue, text: anyValue, parts: anyValue }, { requiredKeys: ['cmd'] });
    fc.assert(fc.property(command, (value) => {
      const result = check(value);
      expect(['run', 'refuse']).toContain(result.kind);
      if (result.kind !== 'run') return;
      const c = result.command;
      if (c.cmd === 'ping') expect(Buffer.byteLength(c.data)).toBeLessThanOrEqual(125);
      if (c.cmd === 'close') {
        expect(isSendableCloseCode(c.code)).toBe(true);
        expect(Buffer.byteLength(c.reason)).toBeLessThanOrEqual(123);
      }
      if (c.cmd === 'fragments') {
        expect(c.parts.length).toBeGreaterThanOrEqual(1);
        expect(c.parts.length).toBeLessThanOrEqual(16);
        for (const part of c.parts) expect(Buffer.from(part).toString()).toBe(part); // no lone surrogate
      }
    }), { numRuns: 2_000 });
  });

  it('property: any text gives echo, run or refuse, never a throw', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
      expect(['echo', 'run', 'refuse']).toContain(checkCommand(text, limits).kind);
    }), { numRuns: 2_000 });
  });
});
