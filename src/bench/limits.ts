/**
 * File descriptors: every bench client is one socket in a client process and,
 * with the in-process server, one more in the bench's own process. Past the
 * limit `accept()` and `connect()` fail with EMFILE, which would look like a
 * lane failing. So the bench checks first, and says what to raise.
 *
 * Node raises its soft RLIMIT_NOFILE to the hard limit at start-up, so the
 * figure to read is the one in this process's /proc/self/limits (Linux only;
 * elsewhere the check is skipped).
 */
import { readFileSync } from 'node:fs';
import { BenchError } from './errors.ts';

/** Descriptors a process needs besides the clients' sockets: stdio, IPC, the listener, fetch, loader. */
export const FD_MARGIN = 64;

/** This process's open-file limit, or undefined when it cannot be read. */
export function openFileLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    if (soft === undefined || soft === 'unlimited') return undefined;
    const n = Number(soft);
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Refuse a run that would need more sockets in one process than the limit allows. */
export function checkOpenFiles(socketsInOneProcess: number, limit = openFileLimit()): void {
  if (limit === undefined) return;
  const needed = socketsInOneProcess + FD_MARGIN;
  if (needed <= limit) return;
  throw new BenchError('LAB_ERR_BENCH_OPTION',
    `this run needs about ${needed.toLocaleString('en-US')} open files in one process (one per client socket), ` +
    `but the limit is ${limit.toLocaleString('en-US')}: raise it (ulimit -n ${Math.max(65_536, needed)}) or use fewer clients`);
}
