/**
 * The environment `npm start` reads, checked before anything is built or
 * started: a mistake gets one clear line and a non-zero exit, never a stack
 * trace, and never after a minute of `vite build`.
 *
 *   PORT=abc npm start
 *   transport-lab: PORT must be a whole number from 0 to 65535 (got "abc")
 *
 * Run directly (`npm start`'s prestart) it also checks that the port is free,
 * so a second `npm start` does not rebuild web/dist under a lab that is
 * running from it.
 */
import { createServer } from 'node:net';
import { pathToFileURL } from 'node:url';
import { DEFAULTS, LabConfigError } from './config.ts';
import { TEACHER_KEY_PATTERN } from './security/access.ts';
import { parseHost } from './security/addresses.ts';

export interface ServeEnv {
  port: number;
  host: string;
  logLevel: LogLevel;
  /** 0 = any free port. */
  secondOriginPort: number;
  /** undefined: HTTPS_PORT=off. */
  httpsPort: number | undefined;
  /** undefined: a random key is made at start. */
  teacherKey: string | undefined;
  /** ALLOWED_HOSTS: names the lab answers to besides its addresses. */
  hostNames: string[];
}

/** Fastify's (pino's) levels. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

function portOf(name: string, value: string): number {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65_535)) throw new LabConfigError(`${name} must be a whole number from 0 to 65535 (got "${value}")`);
  return port;
}

/** Reads and checks every variable `transport-lab serve` uses; the first mistake throws a one-line LabConfigError. */
export function readServeEnv(env: NodeJS.ProcessEnv): ServeEnv {
  const port = env.PORT === undefined ? 3000 : portOf('PORT', env.PORT);
  const host = env.HOST ?? '127.0.0.1';
  if (!parseHost(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host)) {
    throw new LabConfigError(`HOST must be an address or a host name, like 127.0.0.1 or 0.0.0.0 for a classroom (got "${host}")`);
  }
  const logLevel = env.LOG_LEVEL ?? 'warn';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new LabConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);
  }
  // The cross-origin page (Origin/CORS lesson) is served from the next port up.
  const secondOriginPort = env.SECOND_ORIGIN_PORT === undefined ? (port === 0 ? 0 : port + 1) : portOf('SECOND_ORIGIN_PORT', env.SECOND_ORIGIN_PORT);
  // The same lab over TLS + HTTP/2 two ports up (HTTPS_PORT=off: none).
  const httpsPort = env.HTTPS_PORT === 'off' ? undefined
    : env.HTTPS_PORT === undefined ? (port === 0 ? 0 : port + 2) : portOf('HTTPS_PORT (or "off")', env.HTTPS_PORT);
  if (port !== 0 && secondOriginPort === port) throw new LabConfigError(`SECOND_ORIGIN_PORT must differ from PORT (both ${port})`);
  if (port !== 0 && httpsPort === port) throw new LabConfigError(`HTTPS_PORT must differ from PORT (both ${port})`);
  const teacherKey = env.TEACHER_KEY;
  if (teacherKey !== undefined) {
    const min = DEFAULTS.teacherKeyMinLength;
    if (teacherKey.length < min) throw new LabConfigError(`TEACHER_KEY must be at least ${min} characters (got ${teacherKey.length}); leave it unset for a random one`);
    if (!TEACHER_KEY_PATTERN.test(teacherKey)) throw new LabConfigError('TEACHER_KEY may use only letters, digits and - . _ ~ (it travels in a URL)');
  }
  const hostNames = (env.ALLOWED_HOSTS ?? '').split(',').map((name) => name.trim()).filter(Boolean);
  for (const name of hostNames) {
    const parsed = parseHost(name);
    if (!parsed || parsed.port !== undefined) throw new LabConfigError(`ALLOWED_HOSTS must list host names separated by commas, like lab.school.example (got "${name}")`);
  }
  return { port, host, logLevel: logLevel as LogLevel, secondOriginPort, httpsPort, teacherKey, hostNames };
}

/** One line for a failure to listen, from its error code. */
export function listenFailure(err: NodeJS.ErrnoException, host: string, port: number): LabConfigError | undefined {
  switch (err.code) {
    case 'EADDRINUSE':
      return new LabConfigError(`port ${port} is already in use on ${host}: is the lab already running? Open http://localhost:${port}/ or start another with PORT=${port + 10}`);
    case 'EACCES':
      return new LabConfigError(`port ${port} needs privileges this user does not have: use a port above 1023, like PORT=3000`);
    case 'EADDRNOTAVAIL':
      return new LabConfigError(`HOST ${host} is not an address of this machine: use 127.0.0.1, or 0.0.0.0 for every interface`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new LabConfigError(`HOST ${host} does not resolve to an address: use 127.0.0.1, or 0.0.0.0 for every interface`);
    default:
      return undefined;
  }
}

/** Resolves when `port` on `host` could be listened on; a LabConfigError saying why not otherwise. */
export async function checkPortFree(port: number, host: string): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (err: NodeJS.ErrnoException) => reject(listenFailure(err, host, port) ?? err));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** `npm start`'s prestart: the environment and the port, before the build. */
export async function checkBeforeStart(env: NodeJS.ProcessEnv): Promise<void> {
  const checked = readServeEnv(env);
  await checkPortFree(checked.port, checked.host);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  checkBeforeStart(process.env).catch((err: Error) => {
    process.stderr.write(err instanceof LabConfigError ? `transport-lab: ${err.message}\n` : `transport-lab: ${err.message}\n`);
    process.exit(1);
  });
}
