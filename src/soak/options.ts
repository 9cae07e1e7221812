/**
 * `transport-lab soak` options. Pure (no I/O): argv in, options or a
 * LAB_ERR_BENCH_OPTION error out. Durations as in the bench: `90s`, `30m`.
 */
import { LANE_IDS, isLaneId, type LaneId } from '../lanes.ts';
import { BenchError } from '../bench/errors.ts';
import { parseDuration } from '../bench/options.ts';

export const SOAK_DEFAULTS = {
  durationMs: 10 * 60_000,
  /** Clients per lane, each lane at once (the soak: 200 ws + 200 sse + 100 longpoll). */
  clients: { ws: 200, sse: 200, longpoll: 100 } as Partial<Record<LaneId, number>>,
  rate: 20,
  payloadBytes: 32,
  sampleMs: 10_000,
  /** Client processes per lane. */
  processesPerLane: 1,
} as const;

export const SOAK_LIMITS = {
  minDurationMs: 1_000,
  maxDurationMs: 24 * 60 * 60_000,
  maxClientsPerLane: 20_000,
  maxRate: 1_000,
  maxPayloadBytes: 64 * 1024,
  minSampleMs: 100,
  maxSampleMs: 10 * 60_000,
  maxProcessesPerLane: 16,
} as const;

export interface SoakOptions {
  durationMs: number;
  /** Lanes in the run and their clients, all connected at the same time. */
  clients: Partial<Record<LaneId, number>>;
  rate: number;
  payloadBytes: number;
  sampleMs: number;
  processesPerLane: number;
  /** A running lab to soak; otherwise one is started in a child process. */
  url: string | undefined;
  json: boolean;
  help: boolean;
}

export const SOAK_HELP = `Usage: transport-lab soak [options]

Runs many clients on several lanes at once for a long time against one lab, and
samples the server's memory (RSS, heap) over time. At the end every client's
messages are checked: gaps and duplicates, and how often clients reconnected.

Options:
  --duration <time>     how long the feed runs (default 10m; e.g. 90s, 30m)
  --clients <list>      clients per lane, all at once (default ws=200,sse=200,longpoll=100)
  --rate <n>            feed messages per second (default 20)
  --payload <bytes>     size of each message's data string (default 32)
  --sample <time>       how often memory is sampled (default 10s)
  --processes <n>       client processes per lane (default 1)
  --url <origin>        soak a lab that is already running (default: start one in a child process)
  --json                print the report as JSON
  -h, --help            this help
`;

export function parseSoakArgs(argv: readonly string[]): SoakOptions {
  const out: SoakOptions = {
    durationMs: SOAK_DEFAULTS.durationMs,
    clients: { ...SOAK_DEFAULTS.clients },
    rate: SOAK_DEFAULTS.rate,
    payloadBytes: SOAK_DEFAULTS.payloadBytes,
    sampleMs: SOAK_DEFAULTS.sampleMs,
    processesPerLane: SOAK_DEFAULTS.processesPerLane,
    url: undefined,
    json: false,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') {
      out.help = true;
      continue;
    }
    if (arg === '--json') {
      out.json = true;
      continue;
    }
    if (!arg.startsWith('--')) fail(`unexpected argument "${arg}" (see --help)`);
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) fail(`--${name} needs a value`);
    switch (name) {
      case 'duration': out.durationMs = parseDuration(value, name, SOAK_LIMITS.minDurationMs, SOAK_LIMITS.maxDurationMs); break;
      case 'clients': out.clients = parseClients(value); break;
      case 'rate': out.rate = number(value, name, 0, SOAK_LIMITS.maxRate, false); break;
      case 'payload': out.payloadBytes = number(value, name, 0, SOAK_LIMITS.maxPayloadBytes, true); break;
      case 'sample': out.sampleMs = parseDuration(value, name, SOAK_LIMITS.minSampleMs, SOAK_LIMITS.maxSampleMs); break;
      case 'processes': out.processesPerLane = number(value, name, 1, SOAK_LIMITS.maxProcessesPerLane, true); break;
      case 'url': out.url = parseUrl(value); break;
      default: fail(`unknown option --${name} (see --help)`);
    }
  }
  return out;
}

/** "ws=200,sse=200,longpoll=100" */
function parseClients(raw: string): Partial<Record<LaneId, number>> {
  const out: Partial<Record<LaneId, number>> = {};
  for (const part of raw.split(',').map((p) => p.trim())) {
    const [lane, count] = part.split('=');
    if (!lane || count === undefined || !isLaneId(lane)) fail(`--clients takes lane=count pairs (lanes: ${LANE_IDS.join(', ')}), got "${part}"`);
    if (out[lane] !== undefined) fail(`--clients names ${lane} twice`);
    out[lane] = number(count, `clients ${lane}`, 1, SOAK_LIMITS.maxClientsPerLane, true);
  }
  return out;
}

function number(raw: string, name: string, min: number, max: number, integer: boolean): number {
  const n = /^\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
    fail(`--${name} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

function parseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    fail(`--url must be an http:// origin, got "${raw}"`);
  }
  if (url.protocol !== 'http:' || url.pathname !== '/' || url.search) fail(`--url is the lab's origin, e.g. http://127.0.0.1:3000, got "${raw}"`);
  return url.origin;
}

function fail(message: string): never {
  throw new BenchError('LAB_ERR_BENCH_OPTION', message);
}
