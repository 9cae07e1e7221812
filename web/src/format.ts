/** How numbers read on the page: grouped digits, units spelled out, never rounded to zero silently. */

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });

export function formatCount(n: number | undefined): string {
  return n === undefined || !Number.isFinite(n) ? '–' : integer.format(n);
}

/** Bytes as an exact grouped count ("12,345 B"): the lab's point is exact numbers. */
export function formatBytes(n: number | undefined): string {
  return n === undefined || !Number.isFinite(n) ? '–' : `${integer.format(n)} B`;
}

/** Milliseconds: one decimal below 100 ms, whole above. */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '–';
  return Math.abs(ms) < 100 ? `${oneDecimal.format(ms)} ms` : `${integer.format(ms)} ms`;
}

export function formatPercent(p: number | undefined): string {
  return p === undefined || !Number.isFinite(p) ? '–' : `${oneDecimal.format(p)} %`;
}

export function formatBytesPerMessage(n: number | undefined): string {
  return n === undefined || !Number.isFinite(n) ? '–' : `${oneDecimal.format(n)} B`;
}

/** m:ss for the run clock. */
export function formatDuration(ms: number): string {
  const total = Math.floor(ms / 1000);
  const minutes = Math.floor(total / 60);
  return `${minutes}:${String(total % 60).padStart(2, '0')}`;
}
