/**
 * One line on the terminal while the bench runs, redrawn in place:
 *   ws  [5/5] ██████████░░░░░░░░░░  9.2/20 s · 1,000 clients · 91,234 msgs
 * Only drawn on a TTY (bench.ts decides), on stderr, so stdout stays the report.
 */
import type { ProgressState } from './run.ts';

const BAR_WIDTH = 24;

export class ProgressBar {
  private drawn = false;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  update(state: ProgressState): void {
    const line = describe(state);
    const width = this.stream.columns ? this.stream.columns - 1 : line.length;
    // \r back to column 0, ESC[2K clears the line (ECMA-48 EL).
    this.stream.write(`\r\x1b[2K${line.slice(0, width)}`);
    this.drawn = true;
  }

  warmingUp(remainingMs: number): void {
    this.stream.write(`\r\x1b[2Kletting the server settle before the first lane: ${(remainingMs / 1000).toFixed(1)} s`);
    this.drawn = true;
  }

  clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }
}

export function describe(state: ProgressState): string {
  const { totals: t } = state;
  const lane = state.target === 'bare' ? `${state.label} (bare)` : state.label;
  const head = `${lane.padEnd(8)} [${state.laneIndex + 1}/${state.laneCount}]`;
  const errors = t.errors > 0 ? ` · ${t.errors.toLocaleString('en-US')} errors` : '';
  if (state.phase === 'connecting') {
    return `${head} connecting ${t.connected.toLocaleString('en-US')}/${state.clients.toLocaleString('en-US')} clients${errors}`;
  }
  const fraction = Math.min(1, state.elapsedMs / state.durationMs);
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
  const time = `${(state.elapsedMs / 1000).toFixed(1)}/${(state.durationMs / 1000).toFixed(state.durationMs % 1000 ? 1 : 0)} s`;
  const phase = state.phase === 'delivering' ? '' : ` · ${state.phase}`;
  return `${head} ${bar} ${time} · ${t.connected.toLocaleString('en-US')} clients · ${t.received.toLocaleString('en-US')} msgs${errors}${phase}`;
}
