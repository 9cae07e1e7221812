/** STOMP_LIMITS: every cap named, and bad values refused when the plugin registers. */
import { describe, expect, it } from 'vitest';
import { STOMP_LIMITS, resolveStompLimits } from '../src/stomp/limits.ts';

describe('STOMP_LIMITS', () => {
  it('pass their own check', () => {
    expect(resolveStompLimits()).toEqual(STOMP_LIMITS);
  });

  it('allow heart-beats to be switched off (0), but no other cap', () => {
    expect(resolveStompLimits({ heartbeatSendMs: 0, heartbeatReceiveMs: 0 })).toMatchObject({ heartbeatSendMs: 0, heartbeatReceiveMs: 0 });
    expect(() => resolveStompLimits({ maxFrameBytes: 0 })).toThrow(/maxFrameBytes/);
    expect(() => resolveStompLimits({ maxSubscriptions: -1 })).toThrow(/maxSubscriptions/);
  });

  it('refuse unknown names, a tolerance below 1, and frames bigger than a WebSocket message may be', () => {
    expect(() => resolveStompLimits({ maxFrames: 3 } as never)).toThrow(/unknown STOMP limit "maxFrames"/);
    expect(() => resolveStompLimits({ heartbeatTolerance: 0.5 })).toThrow(/heartbeatTolerance/);
    expect(() => resolveStompLimits({ maxFrameBytes: 70_000 }, 65_536)).toThrow(/maxWsMessageBytes/);
  });
});
