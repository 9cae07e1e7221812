/**
 * The wait the lesson widgets share (web/src/lessons/widgets/waiter.ts): a step
 * of an experiment waits for what a socket or transport reports, is woken by
 * its event handlers, and fails with the widget's own "timed out" words.
 */
import { describe, expect, it } from 'vitest';
import { Waiter } from '../web/src/lessons/widgets/waiter.ts';

describe('Waiter', () => {
  it('resolves at once when the test already holds', async () => {
    const waiter = new Waiter(50, 'timed out waiting for');
    await expect(waiter.until('anything', () => true)).resolves.toBeUndefined();
  });

  it('looks again when woken, without waiting for the timeout', async () => {
    const waiter = new Waiter(5_000, 'timed out waiting for');
    let opens = 0;
    setTimeout(() => { opens = 2; waiter.wake(); }, 10);
    const t0 = performance.now();
    await waiter.until('the reconnect', () => opens >= 2);
    expect(performance.now() - t0).toBeLessThan(1_000);
  });

  it('fails with "<timeout words> <what>" when the step takes too long', async () => {
    const waiter = new Waiter(30, '기다리다 시간 초과:');
    await expect(waiter.until('onclose', () => false)).rejects.toThrow('기다리다 시간 초과: onclose');
  });

  it('ends the wait with the error a test throws (a socket closed before the answer)', async () => {
    const waiter = new Waiter(5_000, 'timed out waiting for');
    let closed = false;
    setTimeout(() => { closed = true; waiter.wake(); }, 10);
    await expect(waiter.until('the echo', () => {
      if (closed) throw new Error('closed 1007 invalid JSON');
      return false;
    })).rejects.toThrow('closed 1007 invalid JSON');
  });

  it('a wake with nobody waiting is harmless', () => {
    expect(() => new Waiter(10, 'x').wake()).not.toThrow();
  });
});
