/**
 * `transport-lab bench` options: defaults, caps and the parser. Pure (no I/O),
 * so the unit tests can feed it argv arrays and read back options or errors.
 *
 * Durations take a unit (`500ms`, `20s`, `2m`); a bare number means seconds.
 */
import { DEFAULTS } from '../config.ts';
import { LANE_IDS, isLaneId, type LaneId } from '../lanes.ts';
import { BenchError } from './errors.ts';
import { HEADER_STYLES, type HeaderStyle } from './clients/headers.ts';

export const OUTPUT_FORMATS = ['table', 'json', 'csv', 'markdown'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** `si`: 1 Mbit = 10^6 bits. `binary`: 2^20 bits, what Kaazing (2010) called "Mbps". */
export const MBPS_UNITS = ['si', 'binary'] as const;
export type MbpsUnit = (typeof MBPS_UNITS)[number];

/** HTTP/1.1 (cleartext, the lab's http port) or HTTP/2 (TLS, its https port). */
export const PROTOCOLS = ['h1', 'h2'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/**
 * The lanes whose bench clients can speak HTTP/2 (node:http2). `ws` stays on
 * HTTP/1.1: the lab does not implement RFC 8441 (WebSocket over HTTP/2); the
 * library lanes' clients (socket.io-client, sockjs-client) speak HTTP/1.1 only.
 */
export const H2_LANES: readonly LaneId[] = ['poll', 'longpoll', 'stream', 'sse'];

/** The transports a library lane's clients can be held to with --transports, by the library's own names. */
export const LIBRARY_TRANSPORTS = {
  socketio: ['websocket', 'polling'],
  /** sockjs-client's transports that work in Node (its iframe, XDR and JSONP ones need a browser). */
  sockjs: ['websocket', 'xhr-streaming', 'eventsource', 'xhr-polling'],
} as const satisfies Partial<Record<LaneId, readonly string[]>>;
export type LibraryLane = keyof typeof LIBRARY_TRANSPORTS;

/** One run of a lane: its clients held to one transport and one protocol. */
export interface LaneVariant {
  lane: LaneId;
  /** A library lane's transport (--transports); undefined = the library's own choice. */
  transport: string | undefined;
  protocol: Protocol;
  /** How the report names it: `sse`, `sse/h2`, `sockjs/xhr-polling`. */
  label: string;
}

export const BENCH_DEFAULTS = {
  clients: 100,
  durationMs: 10_000,
  /** Feed rate during the run, messages per second. */
  rate: 10,
  /** The `data` string's size; 32 bytes makes messages of about 75 bytes of JSON. */
  payloadBytes: DEFAULTS.feedPayloadBytes,
  pollIntervalMs: 1_000,
  longpollWaitMs: DEFAULTS.longpollWaitMs,
  projectClients: [1_000, 10_000, 100_000],
  mbps: 'si' as MbpsUnit,
  /**
   * How long after start-up the server idles before the first lane: V8 runs a
   * memory-reducing GC on each isolate (main thread and tsx's loader thread) some
   * 8-10 s after start-up, and the first lane should not be charged for it.
   */
  warmupMs: 12_000,
} as const;

export const BENCH_LIMITS = {
  /** Each client is a socket in a client process and one in the server: mind `ulimit -n`. */
  maxClientsPerLane: 20_000,
  minDurationMs: 100,
  maxDurationMs: 60 * 60_000,
  maxRate: DEFAULTS.maxFeedRate,
  maxPayloadBytes: DEFAULTS.maxFeedPayloadBytes,
  minPollIntervalMs: 10,
  maxPollIntervalMs: 60_000,
  maxLongpollWaitMs: DEFAULTS.maxLongpollWaitMs,
  /** Client processes. More than the machine has cores only adds contention. */
  maxWorkers: 64,
  maxProjectClients: 1_000_000_000,
  maxWarmupMs: 5 * 60_000,
} as const;

export interface BenchOptions {
  lanes: LaneId[];
  /** Clients per lane. */
  clients: Record<LaneId, number>;
  durationMs: number;
  rate: number;
  payloadBytes: number;
  pollIntervalMs: number;
  longpollWaitMs: number;
  /** A running lab server to measure; undefined = start one in-process. */
  url: string | undefined;
  format: OutputFormat;
  /** Count bytes on every socket (the default); off only in-process, to measure what counting costs. */
  wireAccounting: boolean;
  /** Client processes; undefined = decided from the machine's cores. */
  workers: number | undefined;
  /** False with --no-progress; the bar is also hidden off a TTY and with --json. */
  progress: boolean;
  projectClients: number[];
  /** Message rate for the projection; undefined = the run's `rate`. */
  projectRate: number | undefined;
  mbps: MbpsUnit;
  /** Idle time after start-up before the first lane is measured (BENCH_DEFAULTS.warmupMs). */
  warmupMs: number;
  /** Request headers the clients send: a Node client's, or Chromium's. */
  headers: HeaderStyle;
  /** After each lane, run it again against a bare server (src/bench/baseline/) and print lab ÷ bare. */
  baseline: boolean;
  /** Per library lane, the transports to run it with, one run each (--transports). */
  transports: Partial<Record<LibraryLane, string[]>>;
  /** The protocols to run the HTTP lanes over, one run each (--protocol). */
  protocols: Protocol[];
  help: boolean;
}

export const BENCH_HELP = `Usage: transport-lab bench [options]

Runs many real clients per lane (HTTP keep-alive, NDJSON stream, SSE, WebSocket)
in separate client processes against a lab server, one lane after another, and
prints what each lane cost: requests, header / framing / wire bytes per message,
overhead, latency percentiles, lost or duplicated messages, and the server's CPU
and memory. Then projects the bandwidth each lane needs at many more clients.

Options:
  --lanes <list>          lanes to run, in order (default: ${LANE_IDS.join(',')})
  --clients <n|list>      clients per lane (default ${BENCH_DEFAULTS.clients}); per lane: 100,ws=5000,poll=500
  --duration <time>       how long the feed runs for each lane (default ${BENCH_DEFAULTS.durationMs / 1000}s)
  --rate <n>              feed rate, messages per second (default ${BENCH_DEFAULTS.rate}, max ${BENCH_LIMITS.maxRate})
  --payload <bytes>       size of each message's data string (default ${BENCH_DEFAULTS.payloadBytes})
  --poll-interval <time>  short-polling interval (default ${BENCH_DEFAULTS.pollIntervalMs / 1000}s)
  --longpoll-wait <time>  how long the server may hold a long poll (default ${BENCH_DEFAULTS.longpollWaitMs / 1000}s)
  --url <url>             measure a lab server already running there (default: start one
                          in-process on a free port). The bench pauses its feed, sets rate
                          and payload for the run, and restores them afterwards.
  --workers <n>           client processes (default: CPU cores - 1, at least 1)
  --headers <node|browser>
                          request headers the clients send: a Node client's few (default), or
                          the ones Chromium 156 sends for fetch, EventSource and WebSocket
  --warmup <time>         let the in-process server settle this long after start-up before the
                          first lane (default ${BENCH_DEFAULTS.warmupMs / 1000}s: V8 runs a clean-up GC some 8-10 s after start)
  --baseline              after each lane, run the same clients against a bare server doing the
                          same fan-out (node:http for poll, longpoll, stream, sse; ws for ws;
                          socket.io for socketio; sockjs for sockjs), in this process, and print
                          lab ÷ bare for CPU per delivery and p99 (in-process server, HTTP/1.1)
  --transports <list>     run a library lane once per transport, its clients held to it:
                          socketio=${LIBRARY_TRANSPORTS.socketio.join('|')}, sockjs=${LIBRARY_TRANSPORTS.sockjs.join('|')};
                          join several with +, or say all (e.g. socketio=all,sockjs=xhr-streaming+xhr-polling).
                          Default: socketio over websocket, sockjs's own choice (websocket)
  --protocol <h1|h2|both> the HTTP lanes (${H2_LANES.join(', ')}) over HTTP/1.1 (default), over HTTP/2
                          on the lab's https port (one TLS connection per client), or both side by
                          side; ws, socketio and sockjs stay on HTTP/1.1
  --no-wire-accounting    run the in-process server with byte counting off, to measure
                          what counting costs (not possible with --url; byte figures are then empty)
  --project <list>        client counts for the projection (default ${BENCH_DEFAULTS.projectClients.join(',')})
  --project-rate <n>      messages per second per client for the projection (default: --rate)
  --mbps <si|binary>      projection unit: si = 10^6 bit/s (default), binary = 2^20 bit/s
                          (the unit of Kaazing's 2010 polling-vs-WebSocket figures)
  --json | --csv | --markdown | --format <table|json|csv|markdown>
                          output format (default: a table for people)
  --no-progress           no progress bar (it is hidden anyway off a TTY and with --json)
  -h, --help              this help

Times: 500ms, 20s, 2m; a bare number is seconds.
Exit codes: 0 done, 2 bad option, 3 --url unreachable, 4 a lane lost or duplicated
messages, 5 clients could not connect, 130 interrupted.

Example: transport-lab bench --clients 100 --duration 20s
`;

const FLAGS_WITH_VALUE = new Set([
  'lanes', 'clients', 'duration', 'rate', 'payload', 'poll-interval', 'longpoll-wait',
  'url', 'workers', 'project', 'project-rate', 'mbps', 'format', 'headers', 'warmup', 'transports', 'protocol',
]);
const BOOLEAN_FLAGS = new Set(['json', 'csv', 'markdown', 'no-wire-accounting', 'no-progress', 'baseline', 'help']);

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const out: BenchOptions = {
    lanes: [...LANE_IDS],
    clients: perLane(BENCH_DEFAULTS.clients),
    durationMs: BENCH_DEFAULTS.durationMs,
    rate: BENCH_DEFAULTS.rate,
    payloadBytes: BENCH_DEFAULTS.payloadBytes,
    pollIntervalMs: BENCH_DEFAULTS.pollIntervalMs,
    longpollWaitMs: BENCH_DEFAULTS.longpollWaitMs,
    url: undefined,
    format: 'table',
    wireAccounting: true,
    workers: undefined,
    progress: true,
    projectClients: [...BENCH_DEFAULTS.projectClients],
    projectRate: undefined,
    mbps: BENCH_DEFAULTS.mbps,
    warmupMs: BENCH_DEFAULTS.warmupMs,
    headers: 'node',
    baseline: false,
    transports: {},
    protocols: ['h1'],
    help: false,
  };
  const formats = new Set<OutputFormat>();

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h') {
      out.help = true;
      continue;
    }
    if (!arg.startsWith('--')) fail(`unexpected argument "${arg}" (options start with --; see --help)`);
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (BOOLEAN_FLAGS.has(name)) {
      if (eq !== -1) fail(`--${name} takes no value`);
      switch (name) {
        case 'json': case 'csv': case 'markdown': formats.add(name); break;
        case 'no-wire-accounting': out.wireAccounting = false; break;
        case 'no-progress': out.progress = false; break;
        case 'baseline': out.baseline = true; break;
        case 'help': out.help = true; break;
      }
      continue;
    }
    if (!FLAGS_WITH_VALUE.has(name)) fail(`unknown option --${name} (see --help)`);
    let value: string;
    if (eq !== -1) {
      value = arg.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) fail(`--${name} needs a value`);
      value = next;
      i++;
    }
    switch (name) {
      case 'lanes': out.lanes = parseLanes(value); break;
      case 'clients': out.clients = parseClients(value); break;
      case 'duration':
        out.durationMs = parseDuration(value, name, BENCH_LIMITS.minDurationMs, BENCH_LIMITS.maxDurationMs);
        break;
      case 'rate': out.rate = parseNumber(value, name, { min: Number.MIN_VALUE, max: BENCH_LIMITS.maxRate }); break;
      case 'payload': out.payloadBytes = parseNumber(value, name, { min: 0, max: BENCH_LIMITS.maxPayloadBytes, integer: true }); break;
      case 'poll-interval':
        out.pollIntervalMs = parseDuration(value, name, BENCH_LIMITS.minPollIntervalMs, BENCH_LIMITS.maxPollIntervalMs);
        break;
      case 'longpoll-wait': out.longpollWaitMs = parseDuration(value, name, 0, BENCH_LIMITS.maxLongpollWaitMs); break;
      case 'url': out.url = parseUrl(value); break;
      case 'workers': out.workers = parseNumber(value, name, { min: 1, max: BENCH_LIMITS.maxWorkers, integer: true }); break;
      case 'project':
        out.projectClients = splitList(value, name).map((v) => parseNumber(v, name, { min: 1, max: BENCH_LIMITS.maxProjectClients, integer: true }));
        break;
      case 'project-rate': out.projectRate = parseNumber(value, name, { min: Number.MIN_VALUE, max: Number.MAX_SAFE_INTEGER }); break;
      case 'mbps':
        if (!(MBPS_UNITS as readonly string[]).includes(value)) fail(`--mbps must be ${MBPS_UNITS.join(' or ')}, got "${value}"`);
        out.mbps = value as MbpsUnit;
        break;
      case 'warmup': out.warmupMs = parseDuration(value, name, 0, BENCH_LIMITS.maxWarmupMs); break;
      case 'headers':
        if (!(HEADER_STYLES as readonly string[]).includes(value)) fail(`--headers must be ${HEADER_STYLES.join(' or ')}, got "${value}"`);
        out.headers = value as HeaderStyle;
        break;
      case 'transports': out.transports = parseTransports(value); break;
      case 'protocol':
        if (value !== 'h1' && value !== 'h2' && value !== 'both') fail(`--protocol must be h1, h2 or both, got "${value}"`);
        out.protocols = value === 'both' ? [...PROTOCOLS] : [value];
        break;
      case 'format':
        if (!(OUTPUT_FORMATS as readonly string[]).includes(value)) fail(`--format must be one of ${OUTPUT_FORMATS.join(', ')}, got "${value}"`);
        formats.add(value as OutputFormat);
        break;
    }
  }

  if (formats.size > 1) fail(`choose one output format, got ${[...formats].map((f) => `--${f}`).join(' and ')}`);
  out.format = [...formats][0] ?? 'table';
  if (out.url !== undefined && !out.wireAccounting) {
    fail('--no-wire-accounting only works with the in-process server: a server at --url counts as it was started');
  }
  for (const lane of Object.keys(out.transports)) {
    if (!out.lanes.includes(lane as LaneId)) fail(`--transports names ${lane}, which --lanes does not run`);
  }
  if (out.protocols.includes('h2') && !out.lanes.some((lane) => H2_LANES.includes(lane))) {
    fail(`--protocol ${out.protocols.length > 1 ? 'both' : 'h2'}: none of these lanes speaks HTTP/2 here (only ${H2_LANES.join(', ')} do)`);
  }
  if (out.url !== undefined && out.protocols.includes('h2') && !['127.0.0.1', 'localhost', '[::1]'].includes(new URL(out.url).hostname)) {
    // The h2 clients accept the lab's self-signed certificate unchecked: only where nothing can sit in between.
    fail('--protocol h2 needs a loopback --url (127.0.0.1, localhost, [::1]): its clients accept the lab\'s self-signed certificate unchecked');
  }
  if (out.url !== undefined && out.baseline) {
    fail('--baseline only works with the in-process server: the bare servers run in the bench\'s process, and their CPU is compared with a server in the same process');
  }
  return out;
}

/** Each lane's runs, in order: per lane, each transport, each protocol it can speak. */
export function laneVariants(options: Pick<BenchOptions, 'lanes' | 'transports' | 'protocols'>): LaneVariant[] {
  const out: LaneVariant[] = [];
  for (const lane of options.lanes) {
    const transports = options.transports[lane as LibraryLane] ?? [undefined];
    const protocols = H2_LANES.includes(lane) ? options.protocols : (['h1'] as const);
    for (const transport of transports) {
      for (const protocol of protocols) {
        out.push({ lane, transport, protocol, label: `${lane}${transport ? `/${transport}` : ''}${protocol === 'h2' ? '/h2' : ''}` });
      }
    }
  }
  return out;
}

/** "socketio=polling+websocket,sockjs=all": per library lane, its transports. */
function parseTransports(raw: string): Partial<Record<LibraryLane, string[]>> {
  const out: Partial<Record<LibraryLane, string[]>> = {};
  for (const part of splitList(raw, 'transports')) {
    const eq = part.indexOf('=');
    const lane = part.slice(0, eq);
    if (eq === -1 || !(lane in LIBRARY_TRANSPORTS)) {
      fail(`--transports takes lane=transport for ${Object.keys(LIBRARY_TRANSPORTS).join(' and ')}, got "${part}"`);
    }
    const known: readonly string[] = LIBRARY_TRANSPORTS[lane as LibraryLane];
    const named = part.slice(eq + 1) === 'all' ? [...known] : part.slice(eq + 1).split('+');
    for (const t of named) {
      if (!known.includes(t)) fail(`--transports: ${lane} has no transport "${t}" here; it has ${known.join(', ')}`);
    }
    if (new Set(named).size !== named.length) fail(`--transports names a ${lane} transport twice`);
    out[lane as LibraryLane] = named;
  }
  return out;
}

/** "20s", "500ms", "2m", "1.5s"; a bare number is seconds. */
export function parseDuration(raw: string, name: string, minMs: number, maxMs: number): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(raw.trim());
  if (!match) fail(`--${name} must be a time like 500ms, 20s or 2m, got "${raw}"`);
  const unit = match[2] ?? 's';
  const ms = Number(match[1]) * (unit === 'ms' ? 1 : unit === 's' ? 1_000 : 60_000);
  if (ms < minMs || ms > maxMs) fail(`--${name} must be between ${formatMs(minMs)} and ${formatMs(maxMs)}, got ${raw}`);
  return Math.round(ms);
}

function formatMs(ms: number): string {
  return ms % 60_000 === 0 && ms > 0 ? `${ms / 60_000}m` : ms % 1_000 === 0 && ms > 0 ? `${ms / 1_000}s` : `${ms}ms`;
}

function parseLanes(raw: string): LaneId[] {
  const lanes = splitList(raw, 'lanes');
  for (const lane of lanes) {
    if (!isLaneId(lane)) fail(`--lanes: no lane "${lane}"; lanes are ${LANE_IDS.join(', ')}`);
  }
  if (new Set(lanes).size !== lanes.length) fail('--lanes names a lane twice');
  return lanes as LaneId[];
}

/** "100" for every lane, or "100,ws=5000,poll=500": a bare number sets the rest. */
function parseClients(raw: string): Record<LaneId, number> {
  const limits = { min: 1, max: BENCH_LIMITS.maxClientsPerLane, integer: true };
  let base: number = BENCH_DEFAULTS.clients;
  const named = new Map<LaneId, number>();
  for (const part of splitList(raw, 'clients')) {
    const eq = part.indexOf('=');
    if (eq === -1) {
      base = parseNumber(part, 'clients', limits);
      continue;
    }
    const lane = part.slice(0, eq);
    if (!isLaneId(lane)) fail(`--clients: no lane "${lane}"; lanes are ${LANE_IDS.join(', ')}`);
    named.set(lane, parseNumber(part.slice(eq + 1), `clients ${lane}`, limits));
  }
  const out = perLane(base);
  for (const [lane, n] of named) out[lane] = n;
  return out;
}

function parseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    fail(`--url must be an http:// URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:') fail(`--url must be an http:// URL (the lab speaks plain HTTP/1.1), got "${raw}"`);
  if (url.pathname !== '/' || url.search || url.hash) fail(`--url is the server's origin, e.g. http://127.0.0.1:3000, got "${raw}"`);
  return url.origin;
}

function parseNumber(raw: string, name: string, limits: { min: number; max: number; integer?: boolean }): number {
  const trimmed = raw.trim().replaceAll('_', '');
  const n = /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!Number.isFinite(n)) fail(`--${name} must be a number, got "${raw}"`);
  if (limits.integer && !Number.isInteger(n)) fail(`--${name} must be a whole number, got "${raw}"`);
  if (n < limits.min || n > limits.max) {
    const min = limits.min === Number.MIN_VALUE ? 'more than 0' : `at least ${limits.min}`;
    fail(`--${name} must be ${min} and at most ${limits.max}, got ${raw}`);
  }
  return n;
}

function splitList(raw: string, name: string): string[] {
  const parts = raw.split(',').map((p) => p.trim());
  if (parts.some((p) => p === '')) fail(`--${name} must be a comma-separated list without empty items, got "${raw}"`);
  return parts;
}

function perLane(n: number): Record<LaneId, number> {
  return Object.fromEntries(LANE_IDS.map((lane) => [lane, n])) as Record<LaneId, number>;
}

function fail(message: string): never {
  throw new BenchError('LAB_ERR_BENCH_OPTION', message);
}
