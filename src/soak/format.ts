/** The soak's report as text: settings, the memory curve (a table and an ASCII plot), per-lane losses. */
import type { SoakReport, SoakSample } from './soak.ts';

const MB = 1024 * 1024;

export function formatSoak(report: SoakReport): string {
  const s = report.settings;
  const lanes = Object.entries(s.clients).map(([lane, n]) => `${n} ${lane}`).join(' + ');
  let out = `transport-lab soak: ${lanes} clients, ${s.rate} msg/s of ${s.payloadBytes}-byte payloads, ${minutes(s.durationMs)}\n`;
  out += `server: ${report.server.mode} ${report.server.origin} (pid ${report.server.pid}); ${report.published} messages published\n\n`;
  out += `RSS start ${mb(report.rss.startBytes)}, peak ${mb(report.rss.peakBytes)}, end ${mb(report.rss.endBytes)} (MB); ${report.samples.length} samples, ${report.missedSamples} unanswered\n\n`;
  out += table(['t', 'RSS MB', 'heap MB', 'feed msgs', 'feed MB', 'connected', 'reconnects'],
    thin(report.samples, 20).map((x) => [minutes(x.atMs), mb(x.rssBytes), mb(x.heapUsedBytes), String(x.feedSize), mb(x.feedBytes),
      String(Object.values(x.connected).reduce((a, b) => a + (b ?? 0), 0)), String(x.reconnects)]));
  out += `\nRSS over time (MB)\n${plot(report.samples)}\n`;
  out += table(['lane', 'clients', 'received', 'missing', 'duplicates', 'reconnects', 'errors'],
    report.lanes.map((l) => [l.lane, String(l.clients), String(l.received), String(l.missing), String(l.duplicates), String(l.reconnects), String(l.errors)]));
  for (const l of report.lanes) for (const e of l.errorSamples) out += `  ${l.lane}: ${e}\n`;
  out += report.ok ? '\nno gaps, no duplicates\n' : '\nLOSSES: some clients missed or repeated messages\n';
  return out;
}

function mb(bytes: number): string {
  return (bytes / MB).toFixed(1);
}

function minutes(ms: number): string {
  return ms >= 60_000 ? `${(ms / 60_000).toFixed(1)}m` : `${(ms / 1000).toFixed(0)}s`;
}

/** At most `n` samples, evenly spaced, the last included. */
function thin(samples: SoakSample[], n: number): SoakSample[] {
  if (samples.length <= n) return samples;
  const step = (samples.length - 1) / (n - 1);
  return Array.from({ length: n }, (_, i) => samples[Math.round(i * step)]!);
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n';
}

/** One column per sample (thinned to 60), 10 rows between the lowest and highest RSS. */
function plot(samples: SoakSample[]): string {
  const pts = thin(samples, 60).map((x) => x.rssBytes / MB);
  const lo = Math.min(...pts);
  const hi = Math.max(...pts);
  const rows = 10;
  const span = hi - lo || 1;
  const lines: string[] = [];
  for (let r = rows - 1; r >= 0; r--) {
    const level = lo + (span * r) / (rows - 1);
    const label = level.toFixed(0).padStart(6);
    lines.push(`${label} |${pts.map((p) => (Math.round(((p - lo) / span) * (rows - 1)) === r ? '*' : ' ')).join('')}`);
  }
  lines.push(`       +${'-'.repeat(pts.length)}`);
  return lines.join('\n');
}
