/**
 * The lab a soak runs against, in its own process, so the RSS and heap the soak
 * samples are the server's alone (not the soak's bookkeeping). It tells its
 * parent its origin over IPC and exits when the parent goes away.
 */
import { buildLab } from '../app.ts';

const app = await buildLab({
  feedRate: 0,
  startFeed: false,
  serveWeb: false,
  // The soak's clients all hold connections at once; the lab must not refuse its own soak.
  maxHeldPerLane: Number(process.env.SOAK_MAX_HELD ?? 20_000),
});
const origin = await app.listen({ port: 0, host: '127.0.0.1' });
process.send?.({ type: 'listening', origin, pid: process.pid });
process.on('disconnect', () => {
  void app.close().finally(() => process.exit(0));
});
