/**
 * `transport-lab soak`: a short real run (a child-process lab, the bench's
 * client processes, several lanes at once) and its options.
 */
import { describe, expect, it } from 'vitest';
import { runSoak } from '../src/soak/soak.ts';
import { parseSoakArgs } from '../src/soak/options.ts';
import { formatSoak } from '../src/soak/format.ts';

describe('transport-lab soak', () => {
  it('runs several lanes at once, samples the server\'s memory, and finds no gap and no duplicate', async () => {
    const samples: number[] = [];
    const report = await runSoak({
      durationMs: 1_500, clients: { ws: 3, sse: 3, longpoll: 2 }, rate: 20, payloadBytes: 32,
      sampleMs: 500, processesPerLane: 1, url: undefined, json: false, help: false,
    }, { onSample: (s) => samples.push(s.rssBytes) });
    expect(report.ok).toBe(true);
    expect(report.published).toBeGreaterThan(0);
    expect(report.samples.length).toBeGreaterThanOrEqual(3);
    expect(report.samples.every((s) => s.rssBytes > 0 && s.heapUsedBytes > 0)).toBe(true);
    expect(report.rss.peakBytes).toBe(Math.max(...samples));
    for (const lane of report.lanes) {
      expect(lane, lane.lane).toMatchObject({ missing: 0, duplicates: 0 });
      expect(lane.received, lane.lane).toBe(report.published * lane.clients);
    }
    const text = formatSoak(report);
    expect(text).toMatch(/RSS start [\d.]+, peak [\d.]+, end [\d.]+ \(MB\)/);
    expect(text).toContain('no gaps, no duplicates');
    // Four Node processes start here (the lab and three client processes, through tsx): allow for a loaded machine.
  }, 90_000);

  it('parses its options and refuses bad ones with LAB_ERR_BENCH_OPTION', () => {
    expect(parseSoakArgs(['--duration', '30m', '--clients', 'ws=200,sse=200,longpoll=100', '--rate', '20', '--sample=30s', '--json']))
      .toMatchObject({ durationMs: 1_800_000, clients: { ws: 200, sse: 200, longpoll: 100 }, rate: 20, sampleMs: 30_000, json: true });
    expect(() => parseSoakArgs(['--clients', 'carrier-pigeon=3'])).toThrow(/lane=count/);
    expect(() => parseSoakArgs(['--clients', 'ws=1,ws=2'])).toThrow(/twice/);
    expect(() => parseSoakArgs(['--duration', '0s'])).toThrow(/duration/);
    expect(() => parseSoakArgs(['--url', 'ftp://x'])).toThrow(/origin/);
    expect(() => parseSoakArgs(['--nope', '1'])).toThrow(/unknown option/);
  });
});
