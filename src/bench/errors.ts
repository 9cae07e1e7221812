/**
 * The bench's stable error codes and the exit code each one ends the run with.
 * A script that drives the bench can tell a typo from a lossy lane by `$?`.
 */

export const BENCH_ERRORS = {
  /** An option is unknown, malformed or out of range. */
  LAB_ERR_BENCH_OPTION: { exit: 2, message: 'bad option' },
  /** `--url` does not answer like a lab server. */
  LAB_ERR_BENCH_UNREACHABLE: { exit: 3, message: 'the lab server did not answer' },
  /** A lane lost or duplicated messages: its numbers cannot be trusted. */
  LAB_ERR_BENCH_LOST: { exit: 4, message: 'messages were lost or duplicated' },
  /** Clients could not connect, or the server refused them (503 / close 1013). */
  LAB_ERR_BENCH_CLIENTS: { exit: 5, message: 'clients failed' },
  /** The run was interrupted (Ctrl+C). */
  LAB_ERR_BENCH_INTERRUPTED: { exit: 130, message: 'interrupted' },
  LAB_ERR_BENCH_INTERNAL: { exit: 1, message: 'internal error' },
} as const;

export type BenchErrorCode = keyof typeof BENCH_ERRORS;

export class BenchError extends Error {
  readonly exitCode: number;
  constructor(readonly code: BenchErrorCode, detail?: string) {
    super(detail ?? BENCH_ERRORS[code].message);
    this.name = 'BenchError';
    this.exitCode = BENCH_ERRORS[code].exit;
  }
}
