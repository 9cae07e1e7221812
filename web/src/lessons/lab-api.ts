/**
 * The lab endpoints the lesson widgets call besides those in web/src/api.ts:
 * the chaos switches and the request timeline (docs/protocol.md, "Switches,
 * inspectors and the second origin"), and a helper that runs an experiment at
 * a given feed rate and puts the rate back afterwards.
 */
import type { LaneId } from '../../../src/lanes.ts';
import type { TimelineConnection, TimelineRequest } from '../../../src/wire/timeline.ts';
import { LabApiError, setFeed, stats } from '../api.ts';
import { authHeaders } from '../teacher.ts';
import { t } from '../i18n/index.ts';

async function post<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(path, { method: 'POST', headers: { ...authHeaders(path), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const answer = (await response.json().catch(() => ({}))) as { error?: string; message?: string };
  if (!response.ok) throw new LabApiError(answer.error ?? `HTTP_${response.status}`, answer.message ?? response.statusText);
  return answer as T;
}

export const setChaos = (lane: LaneId, change: { delayMs?: number; bufferBytes?: number; refuseUpgrade?: boolean }) =>
  post<{ lane: LaneId }>('/api/chaos', { lane, ...change });

export const dropLane = (lane: LaneId) => post<{ lane: LaneId; dropped: number }>('/api/chaos/drop', { lane });

export async function timeline(lane: LaneId): Promise<{ now: number; requests: TimelineRequest[]; connections: TimelineConnection[] }> {
  const response = await fetch(`/api/timeline/${lane}`);
  if (!response.ok) throw new LabApiError(`HTTP_${response.status}`, response.statusText);
  return response.json() as Promise<{ now: number; requests: TimelineRequest[]; connections: TimelineConnection[] }>;
}

/**
 * Run `task` with the feed publishing at `rate` messages/s (unchanged when
 * undefined, but running), then restore what it was, so an experiment leaves
 * the shared lab as it found it.
 */
export async function withFeed<T>(rate: number | undefined, task: () => Promise<T>): Promise<T> {
  const before = (await stats()).feed;
  const wanted = rate ?? (before.rate > 0 ? before.rate : undefined);
  const change = wanted === undefined ? undefined : before.rate !== wanted || !before.running ? wanted : undefined;
  if (change !== undefined) {
    try {
      await setFeed({ rate: change, running: true });
    } catch (err) {
      // A student's device in a classroom may not set the feed (the teacher's):
      // run at the teacher's rate when the feed runs, and say why otherwise.
      if (!(err instanceof LabApiError && err.code === 'LAB_ERR_TEACHER_ONLY')) throw err;
      if (!before.running || before.rate === 0) throw new Error(`${t('wait.feedPaused')} (${err.code})`);
      return task();
    }
  }
  try {
    return await task();
  } finally {
    if (change !== undefined) await setFeed({ rate: before.rate, running: before.running }).catch(() => undefined);
  }
}
