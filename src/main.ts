/**
 * `npm start`: the lab on http://localhost:3000 with the feed running.
 * PORT and HOST override (HOST=0.0.0.0 to let a classroom network in); the
 * environment is read and checked by env-check.ts.
 */
import QRCode from 'qrcode';
import type { FastifyInstance } from 'fastify';
import { NOT_BUILT_MESSAGE, buildLab, openHttps, openSecondOrigin, pagesBuilt } from './app.ts';
import { LabConfigError } from './config.ts';
import { listenFailure, readServeEnv } from './env-check.ts';
import { labUrls, teacherUrl } from './security/classroom.ts';
import { relative } from 'node:path';
import { loadTls } from './h2/cert.ts';

/** How long past `shutdownGraceMs` a stopping lab may take before it exits regardless. */
export const SHUTDOWN_EXTRA_MS = 5_000;

export async function serve(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = readServeEnv(env);
  const { port, host, secondOriginPort, httpsPort } = config;
  const tls = httpsPort === undefined ? undefined : await loadTls(env);
  const app = await buildLab({
    fastify: { logger: { level: config.logLevel } },
    ...(config.teacherKey !== undefined && { teacherKey: config.teacherKey }),
    hostNames: config.hostNames,
  });
  let address: string;
  try {
    address = await app.listen({ port, host });
  } catch (err) {
    await app.close();
    throw listenFailure(err as NodeJS.ErrnoException, host, port) ?? err;
  }
  await openSecondOrigin(app, secondOriginPort).catch((err: Error) => {
    console.warn(`  (the cross-origin page could not start on port ${secondOriginPort}: ${err.message})`);
  });
  const shown = host === '127.0.0.1' || host === '0.0.0.0' ? address.replace(/\/\/[^:/]+/, '//localhost') : address;
  // Tests and scripts read the address from this first line ("running: http://…").
  console.log(`Transport Lab is running: ${shown}`);
  console.log(`  feed: ${app.lab.producer.rate} messages/s, ${app.lab.producer.payloadBytes}-byte payloads · stop with Ctrl+C`);
  if (!pagesBuilt()) console.warn(`\n  ${NOT_BUILT_MESSAGE}`);
  console.log(await classroomBanner(app));
  if (app.lab.secondOrigin) console.log(`  a second origin for the Origin/CORS experiment: ${app.lab.secondOrigin}`);
  if (tls && httpsPort !== undefined) {
    try {
      const https = await openHttps(app, httpsPort, tls);
      console.log(`  the same lab over HTTPS and HTTP/2: ${https.url}`);
      if (tls.selfSigned) {
        console.log(`    self-signed certificate (${relative(process.cwd(), tls.source)}): the browser says "Your connection is not private"`);
        console.log('    (NET::ERR_CERT_AUTHORITY_INVALID); choose Advanced, then Proceed to localhost. TLS_CERT/TLS_KEY give a real one.');
      }
    } catch (err) {
      console.warn(`  (HTTPS could not start on port ${httpsPort}: ${(err as Error).message})`);
    }
  }

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`\n${signal}: closing WebSockets (1001) and ending streams…`);
    // A client that keeps reconnecting, or a peer that never finishes a TLS
    // close, must not keep a stopped lab alive: past the grace period, exit anyway.
    const limitMs = app.lab.options.shutdownGraceMs + SHUTDOWN_EXTRA_MS;
    setTimeout(() => {
      console.error(`${signal}: the lab did not close within ${limitMs} ms; exiting anyway`);
      process.exit(1);
    }, limitMs).unref();
    app.close().then(() => process.exit(0), (err) => {
      console.error(err);
      process.exit(1);
    });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

/**
 * Where to open the lab, like Vite's "Local / Network" lines: a teacher URL
 * (with the key) and a student URL for every address, and a QR code of the
 * first student URL for the class to scan.
 */
export async function classroomBanner(app: FastifyInstance): Promise<string> {
  const { local, network } = labUrls(app.lab.addresses);
  const key = app.lab.access.key;
  const line = (label: string, url: string) => `    ${label.padEnd(9)}${url}`;
  const out = ['', '  Teacher (the key lets a device change the lab: keep this URL off the projector)'];
  for (const url of local) out.push(line('Local:', teacherUrl(url, key)));
  for (const url of network) out.push(line('Network:', teacherUrl(url, key)));
  out.push('  Students');
  for (const url of local) out.push(line('Local:', url));
  for (const url of network) out.push(line('Network:', url));
  const join = `${(local[0] ?? network[0] ?? '').replace(/\/$/, '')}/join`;
  if (network.length === 0) {
    out.push('    Only this machine can reach the lab. Start it with HOST=0.0.0.0 to let a classroom in.');
  } else {
    out.push(line('Join:', `${join}   (the QR code below, large, for the projector)`));
    // Small mode: two rows of modules per character, so it fits a terminal.
    const qr = await QRCode.toString(network[0]!, { type: 'terminal', small: true, errorCorrectionLevel: 'M' });
    out.push('', ...qr.trimEnd().split('\n').map((row) => `    ${row}`), `    ${network[0]}`);
  }
  out.push('');
  return out.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  serve().catch((err: Error) => {
    console.error(err instanceof LabConfigError ? `transport-lab: ${err.message}` : err);
    process.exit(1);
  });
}
