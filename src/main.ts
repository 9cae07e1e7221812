/**
 * `npm start`: the lab on http://localhost:3000 with the feed running.
 * PORT and HOST override (HOST=0.0.0.0 to let a classroom network in).
 */
import { buildLab, openSecondOrigin } from './app.ts';
import { LabConfigError } from './config.ts';

export async function serve(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const port = env.PORT === undefined ? 3000 : Number(env.PORT);
  const host = env.HOST ?? '127.0.0.1';
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new LabConfigError(`PORT must be 0-65535, got "${env.PORT}"`);

  // The cross-origin page (Origin/CORS lesson) is served from the next port up.
  const secondOriginPort = env.SECOND_ORIGIN_PORT === undefined ? (port === 0 ? 0 : port + 1) : Number(env.SECOND_ORIGIN_PORT);
  const app = await buildLab({ fastify: { logger: { level: env.LOG_LEVEL ?? 'warn' } } });
  const address = await app.listen({ port, host });
  await openSecondOrigin(app, secondOriginPort).catch((err: Error) => {
    console.warn(`  (the cross-origin page could not start on port ${secondOriginPort}: ${err.message})`);
  });
  const shown = host === '127.0.0.1' || host === '0.0.0.0' ? address.replace(/\/\/[^:/]+/, '//localhost') : address;
  console.log(`Transport Lab is running: ${shown}`);
  console.log(`  feed: ${app.lab.producer.rate} messages/s, ${app.lab.producer.payloadBytes}-byte payloads · stop with Ctrl+C`);
  if (app.lab.secondOrigin) console.log(`  a second origin for the Origin/CORS experiment: ${app.lab.secondOrigin}`);

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
