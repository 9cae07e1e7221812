/**
 * A client process: runs the bench clients of one lane at a time and reports
 * to the bench over IPC (protocol.ts). It never shares an event loop with the
 * server, so its parsing and timers cost the server nothing. Between lanes it
 * drops every client and starts counting from zero.
 */
import type { BenchClient } from './clients/client.ts';
import { errorText } from './clients/client.ts';
import { CLIENTS } from './clients/index.ts';
import { Tally } from './clients/tally.ts';
import type { ClientSettings, FromWorker, ToWorker, WorkerCounts } from './protocol.ts';

/** Handshakes in flight at once per process; the server's listen backlog is 511 by default. */
export const CONNECT_CONCURRENCY = 100;
/** How often the process tells the bench how far its clients are. */
export const PROGRESS_INTERVAL_MS = 250;
/** While draining, how often it checks whether every client has the last message. */
export const DRAIN_CHECK_MS = 5;

let tally = new Tally();
let clients: BenchClient[] = [];
let since = 0;
let progressTimer: NodeJS.Timeout | undefined;
let drainTimer: NodeJS.Timeout | undefined;

function send(message: FromWorker, then?: () => void): void {
  process.send?.(message, undefined, {}, () => then?.());
}

function counts(): WorkerCounts {
  let connected = 0;
  let minLast = Infinity;
  for (const client of clients) {
    if (client.connected) connected++;
    if (client.cursor.last < minLast) minLast = client.cursor.last;
  }
  return {
    connected,
    received: tally.received,
    minLast: minLast === Infinity ? since : minLast,
    requests: tally.requests,
    errors: tally.errors,
    reconnects: tally.reconnects,
    cpuUs: cpuNow(),
  };
}

function cpuNow(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

async function start(settings: ClientSettings, count: number): Promise<void> {
  since = settings.since;
  tally = new Tally();
  clients = [];
  const ctx = { settings, tally };
  const pending = Array.from({ length: count }, () => CLIENTS[settings.lane](ctx));
  clients = pending;
  // Progress from the first handshake on, so the bench can show clients connecting.
  progressTimer = setInterval(() => send({ type: 'progress', ...counts() }), PROGRESS_INTERVAL_MS);
  let next = 0;
  let failed = 0;
  const failures = new Set<BenchClient>();
  const connectNext = async () => {
    while (next < pending.length) {
      const client = pending[next++]!;
      try {
        await client.start();
      } catch (err) {
        failures.add(client);
        failed++;
        tally.error(errorText(err));
        await client.stop();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONNECT_CONCURRENCY, count) }, connectNext));
  // Clients that never connected are reported as failed, not as clients that missed every message.
  clients = pending.filter((client) => !failures.has(client));
  send({ type: 'ready', failed, errorSamples: [...tally.errorSamples], ...counts() });
}

function drain(lastSeq: number): void {
  clearInterval(drainTimer);
  drainTimer = setInterval(() => {
    const now = counts();
    if (now.minLast < lastSeq) return;
    clearInterval(drainTimer);
    send({ type: 'progress', ...now });
  }, DRAIN_CHECK_MS);
}

async function stop(lastSeq: number): Promise<void> {
  clearInterval(progressTimer);
  clearInterval(drainTimer);
  const before = counts();
  await Promise.all(clients.map((client) => client.stop()));
  let missing = 0;
  let duplicates = 0;
  let clientsMissing = 0;
  for (const { cursor } of clients) {
    // Gaps on the way, plus whatever never arrived at the end.
    const lost = cursor.missing + Math.max(0, lastSeq - cursor.last);
    missing += lost;
    duplicates += cursor.duplicates;
    if (lost > 0) clientsMissing++;
  }
  send({
    type: 'result',
    ...before,
    clients: clients.length,
    missing,
    duplicates,
    clientsMissing,
    latency: tally.latency.toJSON(),
    errorSamples: [...tally.errorSamples],
  });
  clients = [];
}

process.on('message', (message: ToWorker) => {
  if (message.type === 'drain') return drain(message.lastSeq);
  const done = message.type === 'start' ? start(message.settings, message.clients) : stop(message.lastSeq);
  done.catch((err: unknown) => send({ type: 'fatal', message: errorText(err) }, () => process.exit(1)));
});
// The bench is done with us, or went away (Ctrl+C): do not linger with open sockets.
process.on('disconnect', () => process.exit(0));
