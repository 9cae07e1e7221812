/**
 * `transport-lab <command>`: the one command the package installs.
 *   serve   the lab server (src/main.ts)
 *   bench   many real clients per lane, and what each lane cost (src/bench/)
 *   soak    many clients on several lanes for a long time: memory over time, losses (src/soak/)
 */
import { pathToFileURL } from 'node:url';
import { LabConfigError } from './config.ts';
import { BENCH_ERRORS } from './bench/errors.ts';

export const HELP = `Usage: transport-lab <command> [options]

Commands:
  serve    run the lab on http://localhost:3000 with the feed running
           (environment: PORT, HOST=0.0.0.0 for a classroom network, LOG_LEVEL)
  bench    measure every lane with many clients at once: bytes, latency, server CPU
           (transport-lab bench --help for its options)
  soak     many clients on several lanes at once for a long time: the server's
           memory over time, gaps, duplicates, reconnects (transport-lab soak --help)

Options:
  -h, --help   this help
`;

/** Runs a command; resolves to the exit code, or undefined when the command keeps running (serve). */
export async function main(argv: readonly string[]): Promise<number | undefined> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      if (rest.length > 0) {
        process.stderr.write(`transport-lab serve takes no options (got ${rest.join(' ')}); use PORT, HOST and LOG_LEVEL\n`);
        return BENCH_ERRORS.LAB_ERR_BENCH_OPTION.exit;
      }
      try {
        // Imported on demand: `--help` and a mistyped option answer without loading the server.
        const { serve } = await import('./main.ts');
        await serve();
      } catch (err) {
        process.stderr.write(err instanceof LabConfigError ? `transport-lab: ${err.message}\n` : `${(err as Error).stack ?? String(err)}\n`);
        return 1;
      }
      return undefined;
    case 'soak': {
      const { soakCommand } = await import('./soak/command.ts');
      return soakCommand(rest);
    }
    case 'bench': {
      const { benchCommand } = await import('./bench/bench.ts');
      return benchCommand(rest);
    }
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(HELP);
      return command === undefined ? BENCH_ERRORS.LAB_ERR_BENCH_OPTION.exit : 0;
    default:
      process.stderr.write(`transport-lab: unknown command "${command}"\n\n${HELP}`);
      return BENCH_ERRORS.LAB_ERR_BENCH_OPTION.exit;
  }
}

/** Run and exit with the command's code (a finished bench may still hold idle keep-alive sockets). */
export async function run(argv: readonly string[]): Promise<void> {
  const code = await main(argv);
  if (code !== undefined) process.stdout.write('', () => process.exit(code));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run(process.argv.slice(2));
