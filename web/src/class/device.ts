/**
 * This page as a student device: it joins the class over its /api/live channel
 * (again after every reconnect, as the same page), and hands class runs to the
 * page. The messages are src/class/protocol.ts.
 */
import type { LiveStats } from '../live-stats.ts';
import type { RunForDevice, StudentReport } from '../../../src/class/protocol.ts';

export interface DeviceHandlers {
  onRun(run: RunForDevice): void;
  onRunEnd(run: string): void;
}

export class ClassDevice {
  /** The id the lab knows this device by (its page id), once it said so. */
  joined: string | undefined;

  constructor(private readonly live: LiveStats, private readonly page: string, handlers: DeviceHandlers) {
    const join = () => live.send({ type: 'join', page });
    live.onOpen(join);
    if (live.state === 'open') join();
    live.onMessage((m) => {
      if (m.type === 'joined' && m.device === page) this.joined = page;
      else if (m.type === 'run') handlers.onRun(m.run as RunForDevice);
      else if (m.type === 'run-end') handlers.onRunEnd(m.run as string);
    });
  }

  report(report: Omit<StudentReport, 'type'>): boolean {
    return this.live.send({ type: 'report', ...report });
  }
}
