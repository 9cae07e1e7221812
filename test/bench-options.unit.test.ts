/**
 * `transport-lab bench` options: what each flag means, and that every bad
 * value is refused with LAB_ERR_BENCH_OPTION (exit code 2) and a message that
 * names the flag.
 */
import { describe, expect, it } from 'vitest';
import { BENCH_DEFAULTS, BENCH_LIMITS, LIBRARY_TRANSPORTS, laneVariants, parseBenchArgs, parseDuration } from '../src/bench/options.ts';
import { BenchError } from '../src/bench/errors.ts';
import { LANE_IDS } from '../src/lanes.ts';

function refused(argv: string[]): BenchError {
  try {
    parseBenchArgs(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(BenchError);
    return err as BenchError;
  }
  throw new Error(`expected ${argv.join(' ')} to be refused`);
}

describe('bench options', () => {
  it('defaults: every lane in registry order, 100 clients each, a table, an in-process server with accounting on', () => {
    const o = parseBenchArgs([]);
    expect(o.lanes).toEqual([...LANE_IDS]);
    expect(Object.values(o.clients)).toEqual(LANE_IDS.map(() => 100));
    expect(o).toMatchObject({
      durationMs: BENCH_DEFAULTS.durationMs, rate: 10, payloadBytes: 32, pollIntervalMs: 1000, longpollWaitMs: 25_000,
      url: undefined, format: 'table', wireAccounting: true, workers: undefined, progress: true,
      projectClients: [1_000, 10_000, 100_000], projectRate: undefined, mbps: 'si', warmupMs: 12_000, baseline: false, help: false,
    });
  });

  it('the command from the issue: --clients 100 --duration 20s', () => {
    const o = parseBenchArgs(['--clients', '100', '--duration', '20s']);
    expect(o.clients.ws).toBe(100);
    expect(o.durationMs).toBe(20_000);
  });

  it('clients per lane: a bare number sets every lane, lane=n overrides one', () => {
    const o = parseBenchArgs(['--clients', '1000,ws=5000,poll=500']);
    expect(o.clients).toEqual(Object.fromEntries(LANE_IDS.map((lane) => [lane, lane === 'ws' ? 5000 : lane === 'poll' ? 500 : 1000])));
    expect(parseBenchArgs(['--clients=ws=7']).clients).toEqual(Object.fromEntries(LANE_IDS.map((lane) => [lane, lane === 'ws' ? 7 : 100])));
  });

  it('lanes run in the order given', () => {
    expect(parseBenchArgs(['--lanes', 'ws,poll']).lanes).toEqual(['ws', 'poll']);
  });

  it('times take ms, s or m; a bare number is seconds', () => {
    expect(parseDuration('500ms', 'duration', 0, 60_000)).toBe(500);
    expect(parseDuration('1.5s', 'duration', 0, 60_000)).toBe(1500);
    expect(parseDuration('2m', 'duration', 0, 600_000)).toBe(120_000);
    expect(parseDuration('3', 'duration', 0, 60_000)).toBe(3000);
    expect(parseBenchArgs(['--poll-interval', '250ms', '--longpoll-wait=0']).pollIntervalMs).toBe(250);
    expect(parseBenchArgs(['--longpoll-wait=0']).longpollWaitMs).toBe(0);
    expect(parseBenchArgs(['--warmup', '0']).warmupMs).toBe(0);
  });

  it('output format: --json, --csv, --markdown or --format', () => {
    expect(parseBenchArgs(['--json']).format).toBe('json');
    expect(parseBenchArgs(['--csv']).format).toBe('csv');
    expect(parseBenchArgs(['--markdown']).format).toBe('markdown');
    expect(parseBenchArgs(['--format', 'table']).format).toBe('table');
  });

  it('--url keeps only the origin, and --no-wire-accounting, --no-progress, --workers, projection flags', () => {
    const o = parseBenchArgs(['--url', 'http://127.0.0.1:3000', '--no-progress', '--workers', '3',
      '--project', '10,20', '--project-rate', '1', '--mbps', 'binary']);
    expect(o).toMatchObject({ url: 'http://127.0.0.1:3000', progress: false, workers: 3, projectClients: [10, 20], projectRate: 1, mbps: 'binary' });
    expect(parseBenchArgs(['--no-wire-accounting']).wireAccounting).toBe(false);
    expect(parseBenchArgs(['--baseline']).baseline).toBe(true);
    expect(parseBenchArgs([]).headers).toBe('node');
    expect(parseBenchArgs(['--headers', 'browser']).headers).toBe('browser');
    expect(parseBenchArgs(['-h']).help).toBe(true);
  });

  it.each([
    [['--clients', 'x'], /--clients must be a number/],
    [['--clients', '0'], /--clients must be at least 1/],
    [['--clients', String(BENCH_LIMITS.maxClientsPerLane + 1)], /at most 20000/],
    [['--clients', '2.5'], /whole number/],
    [['--clients', 'tcp=5'], /no lane "tcp"/],
    [['--lanes', 'ws,websocket'], /no lane "websocket"/],
    [['--lanes', 'ws,ws'], /twice/],
    [['--lanes', 'ws,,poll'], /empty items/],
    [['--duration', '20 seconds'], /time like 500ms, 20s or 2m/],
    [['--duration', '2h'], /time like/],
    [['--duration', '10ms'], /between 100ms and 60m/],
    [['--rate', '0'], /--rate must be more than 0/],
    [['--rate', '1001'], /at most 1000/],
    [['--payload', '-1'], /--payload must be a number/],
    [['--poll-interval', '1ms'], /--poll-interval must be between/],
    [['--longpoll-wait', '61s'], /--longpoll-wait must be between/],
    [['--url', 'localhost:3000'], /http:\/\/ URL/],
    [['--url', 'https://example.org'], /plain HTTP\/1.1/],
    [['--url', 'http://127.0.0.1:3000/feed'], /server's origin/],
    [['--mbps', 'decimal'], /--mbps must be si or binary/],
    [['--format', 'xml'], /--format must be one of table, json, csv, markdown/],
    [['--headers', 'firefox'], /--headers must be node or browser/],
    [['--warmup', '6m'], /--warmup must be between 0ms and 5m/],
    [['--json', '--csv'], /choose one output format/],
    [['--url', 'http://127.0.0.1:3000', '--no-wire-accounting'], /only works with the in-process server/],
    [['--url', 'http://127.0.0.1:3000', '--baseline'], /--baseline only works with the in-process server/],
    [['--clients'], /--clients needs a value/],
    [['--clients', '--json'], /--clients needs a value/],
    [['--json=yes'], /--json takes no value/],
    [['--speed', '3'], /unknown option --speed/],
    [['bench'], /unexpected argument "bench"/],
  ])('refuses %j', (argv, message) => {
    const err = refused(argv);
    expect(err.code).toBe('LAB_ERR_BENCH_OPTION');
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(message);
  });
  it('--transports: per library lane, one or more transports joined with +, or all; each is one run', () => {
    const o = parseBenchArgs(['--lanes', 'ws,socketio,sockjs', '--transports', 'socketio=polling+websocket,sockjs=all']);
    expect(o.transports).toEqual({ socketio: ['polling', 'websocket'], sockjs: [...LIBRARY_TRANSPORTS.sockjs] });
    expect(laneVariants(o).map((v) => v.label)).toEqual([
      'ws', 'socketio/polling', 'socketio/websocket',
      'sockjs/websocket', 'sockjs/xhr-streaming', 'sockjs/eventsource', 'sockjs/xhr-polling',
    ]);
    expect(refused(['--transports', 'ws=polling']).message).toContain('--transports takes lane=transport for socketio and sockjs, got "ws=polling"');
    expect(refused(['--transports', 'sockjs=jsonp-polling']).message).toContain('sockjs has no transport "jsonp-polling" here; it has websocket, xhr-streaming, eventsource, xhr-polling');
    expect(refused(['--transports', 'socketio=polling+polling']).message).toContain('names a socketio transport twice');
    expect(refused(['--lanes', 'ws', '--transports', 'socketio=polling']).message).toContain('--transports names socketio, which --lanes does not run');
  });

  it('--protocol: h1 (default), h2 or both; only poll, longpoll, stream and sse run over HTTP/2', () => {
    expect(parseBenchArgs([]).protocols).toEqual(['h1']);
    const both = parseBenchArgs(['--lanes', 'poll,sse,ws,sockjs', '--protocol', 'both']);
    expect(laneVariants(both).map((v) => [v.label, v.protocol])).toEqual([
      ['poll', 'h1'], ['poll/h2', 'h2'], ['sse', 'h1'], ['sse/h2', 'h2'], ['ws', 'h1'], ['sockjs', 'h1'],
    ]);
    expect(laneVariants(parseBenchArgs(['--lanes', 'stream,ws', '--protocol', 'h2'])).map((v) => v.label)).toEqual(['stream/h2', 'ws']);
    expect(refused(['--protocol', 'h3']).message).toContain('--protocol must be h1, h2 or both, got "h3"');
    expect(refused(['--lanes', 'ws', '--protocol', 'h2']).message).toContain('none of these lanes speaks HTTP/2 here');
    // The h2 clients accept the lab's self-signed certificate unchecked: loopback only.
    expect(refused(['--url', 'http://192.0.2.1:3000', '--protocol', 'both']).message).toContain('--protocol h2 needs a loopback --url');
    expect(parseBenchArgs(['--url', 'http://127.0.0.1:3000', '--protocol', 'h2']).protocols).toEqual(['h2']);
  });
});
