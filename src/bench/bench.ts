/**
 * `transport-lab bench`: parse the options, run, print the report, and exit
 * with a code a script can act on (errors.ts).
 */
import { BenchError } from './errors.ts';
import { formatReport } from './format.ts';
import { BENCH_HELP, parseBenchArgs } from './options.ts';
import { ProgressBar } from './progress.ts';

export interface BenchIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** Runs the bench and returns the exit code; never calls process.exit itself. */
export async function benchCommand(argv: readonly string[], io: BenchIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let options;
  try {
    options = parseBenchArgs(argv);
  } catch (err) {
    return fail(io, err);
  }
  if (options.help) {
    io.stdout.write(BENCH_HELP);
    return 0;
  }

  // The bar goes to stderr, and only when a person is watching both streams.
  const showProgress = options.progress && options.format !== 'json' && io.stdout.isTTY === true && io.stderr.isTTY === true;
  const bar = showProgress ? new ProgressBar(io.stderr) : undefined;
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const { runBench } = await import('./run.ts'); // the server and its dependencies, only for a real run
    const report = await runBench(options, {
      signal: abort.signal,
      command: ['transport-lab', 'bench', ...argv].join(' '),
      ...(bar && { onProgress: (state) => bar.update(state), onWarmup: (ms) => bar.warmingUp(ms) }),
    });
    bar?.clear();
    io.stdout.write(formatReport(report, options.format));
    if (report.problems.length === 0) return 0;
    for (const p of report.problems) io.stderr.write(`transport-lab bench: ${p.lane}: ${p.code}: ${p.message}\n`);
    // Lost messages are the worse news: they make every other figure suspect.
    const worst = report.problems.find((p) => p.code === 'LAB_ERR_BENCH_LOST') ?? report.problems[0]!;
    return new BenchError(worst.code).exitCode;
  } catch (err) {
    bar?.clear();
    return fail(io, abort.signal.aborted ? new BenchError('LAB_ERR_BENCH_INTERRUPTED') : err);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function fail(io: BenchIo, err: unknown): number {
  if (err instanceof BenchError) {
    io.stderr.write(`transport-lab bench: ${err.code}: ${err.message}\n`);
    if (err.code === 'LAB_ERR_BENCH_OPTION') io.stderr.write('Try transport-lab bench --help\n');
    return err.exitCode;
  }
  io.stderr.write(`transport-lab bench: LAB_ERR_BENCH_INTERNAL: ${(err as Error).stack ?? String(err)}\n`);
  return 1;
}
