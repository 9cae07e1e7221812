/**
 * `npm start`: the lab on http://localhost:3000 with the feed running.
 * PORT and HOST override (HOST=0.0.0.0 to let a classroom network in).
 */
import { buildLab, openHttps, openSecondOrigin } from './app.ts';
import { LabConfigError } from './config.ts';
import { relative } from 'node:path';
import { loadTls } from './h2/cert.ts';

export async function serve(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const port = env.PORT === undefined ? 3000 : Number(env.PORT);
  const host = env.HOST ?? '127.0.0.1';
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new LabConfigError(`PORT must be 0-65535, got "${env.PORT}"`);

  // The cross-origin page (Origin/CORS lesson) is served from the next port up.
  const secondOriginPort = env.SECOND_ORIGIN_PORT === undefined ? (port === 0 ? 0 : port + 1) : Number(env.SECOND_ORIGIN_PORT);
  // The same lab over TLS + HTTP/2 two ports up (HTTPS_PORT=off: none).
  const httpsPort = env.HTTPS_PORT === 'off' ? undefined
    : env.HTTPS_PORT === undefined ? (port === 0 ? 0 : port + 2) : Number(env.HTTPS_PORT);
  if (httpsPort !== undefined && (!Number.isInteger(httpsPort) || httpsPort < 0 || httpsPort > 65_535)) {
    throw new LabConfigError(`HTTPS_PORT must be 0-65535 or "off", got "${env.HTTPS_PORT}"`);
  }
  const tls = httpsPort === undefined ? undefined : await loadTls(env);
  const app = await buildLab({ fastify: { logger: { level: env.LOG_LEVEL ?? 'warn' } } });
  const address = await app.listen({ port, host });
  await openSecondOrigin(app, secondOriginPort).catch((err: Error) => {
    console.warn(`  (the cross-origin page could not start on port ${secondOriginPort}: ${err.message})`);
  });
  const shown = host === '127.0.0.1' || host === '0.0.0.0' ? address.replace(/\/\/[^:/]+/, '//localhost') : address;
  console.log(`Transport Lab is running: ${shown}`);
  console.log(`  feed: ${app.lab.producer.rate} messages/s, ${app.lab.producer.payloadBytes}-byte payloads · stop with Ctrl+C`);
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
    app.close().then(() => process.exit(0), (err) => {
      console.error(err);
      process.exit(1);
    });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  serve().catch((err: Error) => {
    console.error(err instanceof LabConfigError ? `transport-lab: ${err.message}` : err);
    process.exit(1);
  });
}
