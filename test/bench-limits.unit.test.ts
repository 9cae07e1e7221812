/**
 * The file-descriptor check: a run that needs more sockets in one process than
 * `ulimit -n` allows is refused up front with what to raise, rather than
 * failing halfway with EMFILE and looking like a lossy lane.
 */
import { describe, expect, it } from 'vitest';
import { FD_MARGIN, checkOpenFiles, openFileLimit } from '../src/bench/limits.ts';

describe('open-file limit', () => {
  it('lets a run through when the sockets and a margin fit', () => {
    expect(() => checkOpenFiles(5_000, 5_000 + FD_MARGIN)).not.toThrow();
    expect(() => checkOpenFiles(5_000, undefined)).not.toThrow(); // no /proc: nothing to check
  });

  it('refuses 5,000 clients under the common default of 1,024, saying what to raise', () => {
    expect(() => checkOpenFiles(5_000, 1_024)).toThrow(expect.objectContaining({
      code: 'LAB_ERR_BENCH_OPTION',
      exitCode: 2,
      message: expect.stringMatching(/needs about 5,064 open files .* the limit is 1,024: raise it \(ulimit -n 65536\)/),
    }));
  });

  it('reads this process limit on Linux', () => {
    if (process.platform !== 'linux') return;
    expect(openFileLimit()).toBeGreaterThan(0);
  });
});
