/** `transport-lab soak`: parse, run, print; resolves to the exit code (0: no losses). */
import { BenchError } from '../bench/errors.ts';
import { SOAK_HELP, parseSoakArgs } from './options.ts';
import { formatSoak } from './format.ts';

export async function soakCommand(argv: readonly string[]): Promise<number> {
  let options;
  try {
    options = parseSoakArgs(argv);
  } catch (err) {
    return fail(err);
  }
  if (options.help) {
    process.stdout.write(SOAK_HELP);
    return 0;
  }
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const { runSoak } = await import('./soak.ts');
    const report = await runSoak(options, {
      signal: abort.signal,
      command: ['transport-lab', 'soak', ...argv].join(' '),
      // Progress on stderr, one line per sample, so a long run shows it is alive.
      onMissedSample: (err) => process.stderr.write(`soak: a sample went unanswered (${err.message})\n`),
      onSample: (s) => process.stderr.write(`soak: ${(s.atMs / 1000).toFixed(0)}s RSS ${(s.rssBytes / 2 ** 20).toFixed(1)} MB, heap ${(s.heapUsedBytes / 2 ** 20).toFixed(1)} MB, feed ${s.feedSize} msgs, reconnects ${s.reconnects}\n`),
    });
    process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatSoak(report));
    return report.ok ? 0 : new BenchError('LAB_ERR_BENCH_LOST').exitCode;
  } catch (err) {
    return fail(abort.signal.aborted ? new BenchError('LAB_ERR_BENCH_INTERRUPTED') : err);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function fail(err: unknown): number {
  if (err instanceof BenchError) {
    process.stderr.write(`transport-lab soak: ${err.code}: ${err.message}\n`);
    return err.exitCode;
  }
  process.stderr.write(`transport-lab soak: LAB_ERR_BENCH_INTERNAL: ${(err as Error).stack ?? String(err)}\n`);
  return 1;
}
