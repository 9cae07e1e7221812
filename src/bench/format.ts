/**
 * The report in four shapes: a table for people (default), JSON (everything,
 * for scripts and the integration test), CSV (one row per lane) and Markdown
 * (what docs/benchmarks.md pastes).
 */
import type { BaselineLane, BenchReport, LaneReport } from './report.ts';
import { MBIT } from './projection.ts';
import { H2_LANES, type OutputFormat } from './options.ts';

export function formatReport(report: BenchReport, format: OutputFormat): string {
  switch (format) {
    case 'json': return JSON.stringify(report, null, 2) + '\n';
    case 'csv': return toCsv(report);
    case 'markdown': return toText(report, 'markdown');
    case 'table': return toText(report, 'table');
  }
}

type Align = 'left' | 'right';
interface Column {
  header: string;
  align: Align;
  cells: string[];
}

const DASH = '—';

function int(n: number | null | undefined): string {
  return n === null || n === undefined ? DASH : Math.round(n).toLocaleString('en-US');
}

function fixed(n: number | null | undefined, digits: number): string {
  return n === null || n === undefined ? DASH : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Milliseconds with two decimals below 10 ms, one below 1 s, none above. */
function ms(n: number | null): string {
  if (n === null) return DASH;
  return fixed(n, n < 10 ? 2 : n < 1000 ? 1 : 0);
}

/** Three significant digits, enough for a bandwidth estimate. */
function sig3(n: number): string {
  if (n === 0) return '0';
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(n))));
  return fixed(n, Math.min(digits, 6));
}

/** How long the bench took, and each run: what the next run of the same command will take, roughly. */
function runTime(report: BenchReport): string {
  const total = Date.parse(report.finishedAt) - Date.parse(report.startedAt);
  const runs = [
    ...report.lanes.map((l) => `${l.label} ${fixed(l.elapsedMs / 1000, 1)}`),
    ...(report.baseline ?? []).map((b) => `${b.label} (bare) ${fixed(b.bare.elapsedMs / 1000, 1)}`),
  ];
  const warmup = report.settings.warmupMs > 0 ? `, ${fixed(report.settings.warmupMs / 1000, 0)} s of it warm-up` : '';
  return `The bench took ${fixed(total / 1000, 1)} s${warmup}; each run, connect to close, in s: ${runs.join(', ')}.`;
}

function seconds(msValue: number): string {
  return msValue % 1000 === 0 ? `${msValue / 1000} s` : `${msValue} ms`;
}

function wireTable(lanes: LaneReport[]): Column[] {
  const col = (header: string, cells: (l: LaneReport) => string, align: Align = 'right'): Column =>
    ({ header, align, cells: lanes.map(cells) });
  return [
    col('lane', (l) => l.label, 'left'),
    col('clients', (l) => int(l.connected) + (l.connected < l.clients ? `/${int(l.clients)}` : '')),
    col('delivered', (l) => int(l.delivered)),
    col('requests', (l) => int(l.run?.requests)),
    col('conns', (l) => int(l.run?.connections)),
    col('header B/msg', (l) => fixed(l.perMessage?.header, 1)),
    col('framing B/msg', (l) => fixed(l.perMessage?.framing, 1)),
    col('payload B/msg', (l) => fixed(l.perMessage?.payload, 1)),
    col('wire B/msg', (l) => fixed(l.perMessage?.wire, 1)),
    col('overhead', (l) => (l.overheadPercent === null ? DASH : `${fixed(l.overheadPercent, 1)}%`)),
  ];
}

function deliveryTable(lanes: LaneReport[]): Column[] {
  const col = (header: string, cells: (l: LaneReport) => string, align: Align = 'right'): Column =>
    ({ header, align, cells: lanes.map(cells) });
  return [
    col('lane', (l) => l.label, 'left'),
    col('p50 ms', (l) => ms(l.latencyMs.p50)),
    col('p95 ms', (l) => ms(l.latencyMs.p95)),
    col('p99 ms', (l) => ms(l.latencyMs.p99)),
    col('max ms', (l) => ms(l.latencyMs.max)),
    col('missing', (l) => int(l.missing)),
    col('dup', (l) => int(l.duplicates)),
    col('reconn', (l) => int(l.reconnects)),
    col('server CPU', (l) => `${fixed(l.server.cpuPercent, 1)}%`),
    col('CPU µs/msg', (l) => fixed(l.server.cpuUsPerMessage, 1)),
    col('RSS MB', (l) => int(l.server.rssBytesPeak / 2 ** 20)),
    col('client CPU', (l) => `${fixed(l.clientCpuPercent, 1)}%`),
    col('other CPU', (l) => `${fixed(l.otherCpuPercent, 1)}%`),
  ];
}

function baselineTable(report: BenchReport, rows: BaselineLane[]): Column[] {
  const lab = (b: BaselineLane) => report.lanes.find((l) => l.label === b.label)!;
  const col = (header: string, cells: (b: BaselineLane) => string, align: Align = 'right'): Column =>
    ({ header, align, cells: rows.map(cells) });
  const ratio = (r: number | null) => (r === null ? DASH : `${fixed(r, 2)}×`);
  return [
    col('lane', (b) => b.label, 'left'),
    col('bare server', (b) => b.server, 'left'),
    col('lab µs/msg', (b) => fixed(lab(b).server.cpuUsPerMessage, 1)),
    col('bare µs/msg', (b) => fixed(b.bare.server.cpuUsPerMessage, 1)),
    col('CPU lab÷bare', (b) => ratio(b.cpuRatio)),
    col('per request lab÷bare', (b) => (b.lane === 'poll' || b.lane === 'longpoll' ? ratio(b.cpuPerRequestRatio) : '')),
    col('lab p99 ms', (b) => ms(lab(b).latencyMs.p99)),
    col('bare p99 ms', (b) => ms(b.bare.latencyMs.p99)),
    col('p99 lab÷bare', (b) => ratio(b.p99Ratio)),
    col('bare delivered', (b) => int(b.bare.delivered) + (b.bare.delivered < b.bare.expected ? `/${int(b.bare.expected)}` : '')),
    col('bare other CPU', (b) => `${fixed(b.bare.otherCpuPercent, 1)}%`),
  ];
}

/** --protocol both: each HTTP lane's HTTP/1.1 and HTTP/2 runs on one row. */
function protocolTable(report: BenchReport, pairs: [LaneReport, LaneReport][]): Column[] {
  const p = report.projection;
  const most = p.clients.length - 1;
  const mbps = (l: LaneReport) => {
    const cell = p.rows.find((r) => r.label === l.label)?.cells?.[most];
    return cell ? sig3(cell.mbps) : DASH;
  };
  const col = (header: string, cells: (pair: [LaneReport, LaneReport]) => string, align: Align = 'right'): Column =>
    ({ header, align, cells: pairs.map(cells) });
  const unit = p.unit === 'si' ? 'Mbit/s' : 'Mbps';
  return [
    col('lane', ([h1]) => h1.label, 'left'),
    col('h1 header B/msg', ([h1]) => fixed(h1.perMessage?.header, 1)),
    col('h2 header B/msg', ([, h2]) => fixed(h2.perMessage?.header, 1)),
    col('h1 wire B/msg', ([h1]) => fixed(h1.perMessage?.wire, 1)),
    col('h2 wire B/msg', ([, h2]) => fixed(h2.perMessage?.wire, 1)),
    col('h1 CPU µs/msg', ([h1]) => fixed(h1.server.cpuUsPerMessage, 1)),
    col('h2 CPU µs/msg', ([, h2]) => fixed(h2.server.cpuUsPerMessage, 1)),
    col('h1 p99 ms', ([h1]) => ms(h1.latencyMs.p99)),
    col('h2 p99 ms', ([, h2]) => ms(h2.latencyMs.p99)),
    ...(p.clients.length > 0 ? [
      col(`h1 ${unit} at ${int(p.clients[most])}`, ([h1]) => mbps(h1)),
      col(`h2 ${unit} at ${int(p.clients[most])}`, ([, h2]) => mbps(h2)),
    ] : []),
  ];
}

/** Each HTTP/1.1 run beside the same lane and transport's HTTP/2 run. */
function protocolPairs(lanes: LaneReport[]): [LaneReport, LaneReport][] {
  return lanes.filter((l) => l.protocol === 'h1').flatMap((h1): [LaneReport, LaneReport][] => {
    const h2 = lanes.find((l) => l.protocol === 'h2' && l.lane === h1.lane && l.transport === h1.transport);
    return h2 ? [[h1, h2]] : [];
  });
}

function projectionTable(report: BenchReport): Column[] {
  const { projection } = report;
  const unit = projection.unit === 'si' ? 'Mbit/s' : 'Mbps (2^20)';
  const rows = projection.rows;
  return [
    { header: 'lane', align: 'left', cells: rows.map((r) => r.label) },
    { header: 'steady B/msg', align: 'right', cells: rows.map((r) => fixed(r.bytesPerMessage, 1)) },
    { header: 'connect B/client', align: 'right', cells: rows.map((r) => int(r.connectBytesPerClient)) },
    ...projection.clients.map((n, i): Column => ({
      header: `${int(n)} clients ${unit}`,
      align: 'right',
      cells: rows.map((r) => (r.cells ? sig3(r.cells[i]!.mbps) : DASH)),
    })),
  ];
}

function render(columns: Column[], style: 'table' | 'markdown'): string {
  const widths = columns.map((c) => Math.max(c.header.length, ...c.cells.map((s) => s.length)));
  const pad = (s: string, i: number) => (columns[i]!.align === 'left' ? s.padEnd(widths[i]!) : s.padStart(widths[i]!));
  const rows = columns[0]!.cells.map((_, r) => columns.map((c) => c.cells[r]!));
  if (style === 'markdown') {
    const line = (cells: string[]) => `| ${cells.map(pad).join(' | ')} |`;
    const rule = `|${columns.map((c, i) => (c.align === 'left' ? ` ${'-'.repeat(widths[i]!)} ` : ` ${'-'.repeat(widths[i]! - 1)}: `)).join('|')}|`;
    return [line(columns.map((c) => c.header)), rule, ...rows.map(line)].join('\n') + '\n';
  }
  const line = (cells: string[]) => cells.map(pad).join('  ').trimEnd();
  return [line(columns.map((c) => c.header)), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n';
}

function toText(report: BenchReport, style: 'table' | 'markdown'): string {
  const { settings: s, server, machine } = report;
  const md = style === 'markdown';
  const heading = (text: string) => (md ? `\n**${text}**\n\n` : `\n${text}\n`);
  const afterTable = md ? '\n' : '';
  // Markdown joins consecutive lines into one paragraph; a list keeps notes apart.
  const note = (text: string) => (md ? `- ${text}\n` : `  ${text}\n`);
  const serverLine = server.mode === 'in-process'
    ? `in-process server on ${server.origin} (wire accounting ${server.wireAccounting ? 'on' : 'OFF'})`
    : `server at ${server.origin}`;
  const messageBytes = s.messageBytes === null ? '' : ` (${fixed(s.messageBytes, 0)}-byte messages)`;
  let out = '';
  out += md ? '' : 'Transport Lab bench\n';
  const clientsLine = `${s.processes} client process${s.processes === 1 ? '' : 'es'} sending ${s.headers === 'browser' ? "Chromium's" : "a Node client's"} request headers`;
  out += note(`${serverLine}; Node ${machine.node}, ${machine.platform} ${machine.arch}, ${machine.cpus} CPUs (${machine.cpuModel}); ${clientsLine}`);
  out += note(`feed ${s.rate} msg/s for ${seconds(s.durationMs)} per lane, ${s.payloadBytes}-byte data${messageBytes}; poll every ${seconds(s.pollIntervalMs)}; long-poll wait ${seconds(s.longpollWaitMs)}`);
  if (report.command) out += note(md ? `command: \`${report.command}\`` : `command: ${report.command}`);

  out += heading('Wire (the lab\'s byte counts from /api/stats, each lane\'s whole run: connect, deliver, close; both directions)');
  out += render(wireTable(report.lanes), style) + afterTable;
  if (!server.wireAccounting) out += note('Wire accounting was off: no bytes were counted (run without --no-wire-accounting for them).');

  out += heading('Delivery and cost (latency: publish to client; CPU while the feed ran, % of one core; server CPU per delivered message)');
  out += render(deliveryTable(report.lanes), style) + afterTable;
  for (const w of report.warnings) out += note(`warning: ${w}`);

  const h2Runs = report.lanes.filter((l) => l.protocol === 'h2');
  if (h2Runs.length > 0) {
    const pairs = protocolPairs(report.lanes);
    if (pairs.length > 0) {
      out += heading('HTTP/1.1 beside HTTP/2 (the same lane, clients and feed; h2 over TLS on the https port, one connection per client)');
      out += render(protocolTable(report, pairs), style) + afterTable;
    }
    for (const l of h2Runs) {
      const c = l.h2Connection;
      if (!c) continue;
      out += note(`${l.label}: besides the lane's streams, its ${int(c.connections)} connections cost ${int(c.connectionFrameBytes)} B of connection frames `
        + `(preface, SETTINGS, WINDOW_UPDATE, PING, GOAWAY) and ${int(c.tlsOverheadBytes)} B of TLS (${int(c.tlsHandshakeBytes)} B of it handshakes), counted apart from the lane`);
    }
    const h1Only = s.lanes.filter((lane) => !H2_LANES.includes(lane));
    if (h1Only.length > 0) {
      out += note(`${h1Only.join(', ')}: HTTP/1.1 only. The lab does not implement RFC 8441 (WebSocket over HTTP/2), so a WebSocket opens its own HTTP/1.1 connection; the socket.io and sockjs clients speak HTTP/1.1.`);
    }
  }

  if (report.baseline) {
    out += heading('Lab ÷ bare server (each lane again, right after the lab\'s run, with the same client processes and feed; CPU per delivered message and p99)');
    if (report.baseline.length > 0) out += render(baselineTable(report, report.baseline), style) + afterTable;
    const without = report.lanes.filter((l) => !report.baseline!.some((b) => b.label === l.label)).map((l) => l.label);
    if (without.length > 0) out += note(`no bare server to compare with for ${without.join(', ')} (the bare servers speak HTTP/1.1)`);
  }

  const p = report.projection;
  out += heading(`Projection at ${p.rate} msg/s per client, from the steady-state bytes per message`);
  out += render(projectionTable(report), style) + afterTable;
  out += note(p.formula);
  out += note(`1 ${p.unit === 'si' ? 'Mbit' : 'Mbps'} = ${MBIT[p.unit].toLocaleString('en-US')} bits. Connecting costs extra, once per client (connect B/client).`);
  if (report.settings.lanes.includes('poll')) {
    out += note(`poll pays its headers per request, not per message: its figure holds only for polls every ${seconds(s.pollIntervalMs)} at ${s.rate} msg/s.`);
  }
  out += note(runTime(report));
  if (p.rate !== s.rate) out += note(`The projection rate (${p.rate} msg/s) differs from the measured rate (${s.rate} msg/s): poll and long-poll bytes per message depend on the rate; re-run with --rate ${p.rate} to measure them.`);
  return out;
}

const CSV_COLUMNS: [string, (l: LaneReport) => number | string | null | undefined][] = [
  ['lane', (l) => l.lane],
  ['transport', (l) => l.transport],
  ['protocol', (l) => l.protocol],
  ['clients', (l) => l.clients],
  ['connected', (l) => l.connected],
  ['messages_per_client', (l) => l.messagesPerClient],
  ['delivered', (l) => l.delivered],
  ['missing', (l) => l.missing],
  ['duplicates', (l) => l.duplicates],
  ['reconnects', (l) => l.reconnects],
  ['requests', (l) => l.run?.requests],
  ['connections', (l) => l.run?.connections],
  ['request_head_bytes', (l) => l.run?.requestHeadBytes],
  ['response_head_bytes', (l) => l.run?.responseHeadBytes],
  ['header_bytes', (l) => l.run?.headerBytes],
  ['payload_bytes', (l) => l.run?.payloadBytes],
  ['framing_bytes', (l) => l.run?.framingBytes],
  ['bytes_in', (l) => l.run?.bytesIn],
  ['bytes_out', (l) => l.run?.bytesOut],
  ['header_bytes_per_msg', (l) => l.perMessage?.header],
  ['framing_bytes_per_msg', (l) => l.perMessage?.framing],
  ['payload_bytes_per_msg', (l) => l.perMessage?.payload],
  ['wire_bytes_per_msg', (l) => l.perMessage?.wire],
  ['overhead_pct', (l) => l.overheadPercent],
  ['steady_bytes_per_msg', (l) => l.steadyBytesPerMessage],
  ['connect_bytes_per_client', (l) => l.connectBytesPerClient],
  ['latency_p50_ms', (l) => l.latencyMs.p50],
  ['latency_p95_ms', (l) => l.latencyMs.p95],
  ['latency_p99_ms', (l) => l.latencyMs.p99],
  ['latency_max_ms', (l) => l.latencyMs.max],
  ['server_cpu_pct', (l) => l.server.cpuPercent],
  ['server_cpu_us_per_msg', (l) => l.server.cpuUsPerMessage],
  ['server_cpu_us_per_request', (l) => l.server.cpuUsPerRequest],
  ['server_cpu_system_ms', (l) => l.server.cpuSystemMs],
  ['server_rss_peak_bytes', (l) => l.server.rssBytesPeak],
  ['client_cpu_pct', (l) => l.clientCpuPercent],
  ['other_cpu_pct', (l) => l.otherCpuPercent],
];

const BASELINE_CSV_COLUMNS: [string, (b: BaselineLane) => number | string | null | undefined][] = [
  ['bare_server', (b) => b.server],
  ['bare_delivered', (b) => b.bare.delivered],
  ['bare_server_cpu_us_per_msg', (b) => b.bare.server.cpuUsPerMessage],
  ['cpu_ratio_lab_to_bare', (b) => b.cpuRatio],
  ['cpu_per_request_ratio_lab_to_bare', (b) => b.cpuPerRequestRatio],
  ['bare_latency_p99_ms', (b) => b.bare.latencyMs.p99],
  ['p99_ratio_lab_to_bare', (b) => b.p99Ratio],
  ['bare_other_cpu_pct', (b) => b.bare.otherCpuPercent],
];

function toCsv(report: BenchReport): string {
  const p = report.projection;
  const projHeaders = p.clients.map((n) => `projected_${p.unit === 'si' ? 'mbit_s' : 'mbps_binary'}_${n}_clients`);
  const cell = (v: number | string | null | undefined) =>
    v === null || v === undefined ? '' : typeof v === 'number' ? String(Number.isInteger(v) ? v : Number(v.toFixed(3))) : v;
  const baseline = report.baseline ? BASELINE_CSV_COLUMNS : [];
  const lines = [[...CSV_COLUMNS.map(([h]) => h), ...projHeaders, ...baseline.map(([h]) => h)].join(',')];
  for (const lane of report.lanes) {
    const row = p.rows.find((r) => r.label === lane.label);
    const bare = report.baseline?.find((b) => b.label === lane.label);
    lines.push([
      ...CSV_COLUMNS.map(([, get]) => cell(get(lane))),
      ...p.clients.map((_, i) => cell(row?.cells?.[i]?.mbps)),
      ...baseline.map(([, get]) => cell(bare && get(bare))),
    ].join(','));
  }
  return lines.join('\n') + '\n';
}
