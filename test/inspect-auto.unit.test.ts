/**
 * The auto client's fallback logic (web/src/transports/auto.ts) with fake lane
 * clients: a `retry` before `open` fails an attempt, silence past the timeout
 * fails it too, the first `open` wins, and a failed client is stopped before
 * the next one starts (so it cannot reconnect behind the chain's back).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LaneId } from '../src/lanes.ts';
import { autoTransport, FALLBACK_ORDER, type Attempt } from '../web/src/transports/auto.ts';
import type { OnEvent, OnMessage, Transport } from '../web/src/transports/transport.ts';

type Script = (onMessage: OnMessage, onEvent: OnEvent) => void;

interface Fake extends Transport {
  stopped: boolean;
  onMessage?: OnMessage;
  onEvent?: OnEvent;
}

function fakes(scripts: Partial<Record<LaneId, Script>>) {
  const made: Fake[] = [];
  const create = (lane: LaneId): Transport => {
    const fake: Fake = {
      lane, lastSeq: undefined, stopped: false,
      start(onMessage, onEvent) {
        fake.onMessage = onMessage;
        fake.onEvent = onEvent;
        scripts[lane]?.(onMessage, onEvent);
      },
      stop() { fake.stopped = true; },
    };
    made.push(fake);
    return fake;
  };
  return { made, create };
}

afterEach(() => { vi.useRealTimers(); });

const refused: Script = (_m, onEvent) => queueMicrotask(() => onEvent({ type: 'retry', reason: 'closed 1006', retryInMs: 500 }));
const opens: Script = (onMessage, onEvent) => queueMicrotask(() => {
  onEvent({ type: 'open' });
  onMessage({ seq: 7, ts: 0, data: 'x' });
});

describe('autoTransport', () => {
  it('tries WebSocket, then SSE, then long polling, then polling', () => {
    expect(FALLBACK_ORDER).toEqual(['ws', 'sse', 'longpoll', 'poll']);
  });

  it('falls back from a refused WebSocket to SSE, and reports each attempt and the first message', async () => {
    const { made, create } = fakes({ ws: refused, sse: opens });
    const connected = new Promise<LaneId>((resolve) => {
      const auto = autoTransport({ create, onConnected: (lane) => resolve(lane) });
      auto.start();
    });
    expect(await connected).toBe('sse');
    expect(made.map((f) => [f.lane, f.stopped])).toEqual([['ws', true], ['sse', false]]);
  });

  it('stops a failed client only after it has handled its own failure, so its retry timer is cancelled', async () => {
    // Like the ws lane client: tell the listener, then schedule a reconnect; stop() must come after.
    let reconnects = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stops: string[] = [];
    const create = (lane: LaneId): Transport => ({
      lane, lastSeq: undefined,
      start(_m, onEvent) {
        if (lane !== 'ws') return onEvent({ type: 'open' });
        queueMicrotask(() => {
          onEvent({ type: 'retry', reason: 'closed 1006' });
          timer = setTimeout(() => { reconnects++; }, 0);
          stops.push('scheduled');
        });
      },
      stop() { clearTimeout(timer); stops.push(`stop ${lane}`); },
    });
    vi.useFakeTimers();
    const done = new Promise<void>((resolve) => autoTransport({ create, onConnected: () => resolve() }).start());
    await done;
    await vi.runAllTimersAsync(); // had stop() come too early, the reconnect would run here
    expect(stops.slice(0, 2)).toEqual(['scheduled', 'stop ws']);
    expect(reconnects).toBe(0);
  });

  it('gives an attempt that stays silent its timeout, then moves on', async () => {
    vi.useFakeTimers();
    const attempts: Attempt[][] = [];
    const { create } = fakes({ ws: () => {}, sse: opens });
    const auto = autoTransport({ create, attemptTimeoutMs: 3000, onAttempt: (_a, all) => attempts.push(all.map((a) => ({ ...a }))) });
    auto.start();
    await vi.advanceTimersByTimeAsync(2999);
    expect(auto.lane).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(auto.lane).toBe('sse');
    const last = attempts.at(-1)!;
    expect(last.map((a) => [a.lane, a.outcome, a.reason])).toEqual([['ws', 'timed out', 'no answer within 3000 ms'], ['sse', 'connected', undefined]]);
    expect(last[0]!.durationMs).toBeGreaterThanOrEqual(3000);
    auto.stop();
  });

  it('gives up when every transport fails', async () => {
    const { made, create } = fakes({ ws: refused, sse: refused, longpoll: refused, poll: refused });
    const gaveUp = new Promise<readonly Attempt[]>((resolve) => autoTransport({ create, onGaveUp: resolve }).start());
    expect((await gaveUp).map((a) => a.outcome)).toEqual(['failed', 'failed', 'failed', 'failed']);
    expect(made.every((f) => f.stopped)).toBe(true);
  });

  it('ignores a drop after `open`: the lane client resumes by itself', async () => {
    const { made, create } = fakes({ ws: opens });
    const messages: number[] = [];
    const auto = autoTransport({ create, onMessage: (m) => messages.push(m.seq) });
    await new Promise<void>((resolve) => {
      auto.start();
      queueMicrotask(() => queueMicrotask(resolve)); // after the fake's own microtask: open and one message
    });
    made.at(-1)!.onEvent!({ type: 'retry', reason: 'closed 1006', retryInMs: 500 });
    await Promise.resolve();
    expect(made.at(-1)!.stopped).toBe(false);
    expect(made).toHaveLength(1);
    expect(messages).toEqual([7]);
    auto.stop();
  });
});
