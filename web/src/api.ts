/**
 * The lab's control and wire endpoints, as the page calls them. Short
 * requests: each borrows a free HTTP connection for a moment.
 */
import type { LaneId } from '../../src/lanes.ts';
import type { Exchange } from '../../src/wire/meter.ts';
import type { StatsSnapshot } from '../../src/api/stats.ts';
import { authHeaders } from './teacher.ts';

export class LabApiError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'LabApiError';
  }
}

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  // A POST is always JSON (the lab refuses anything else as a possible cross-site request).
  const json = method === 'POST' ? JSON.stringify(body ?? {}) : undefined;
  const response = await fetch(path, {
    method,
    headers: { ...authHeaders(path), ...(json !== undefined && { 'content-type': 'application/json' }) },
    ...(json !== undefined && { body: json }),
  });
  const answer = (await response.json().catch(() => ({}))) as { error?: string; message?: string };
  if (!response.ok) throw new LabApiError(answer.error ?? `HTTP_${response.status}`, answer.message ?? response.statusText);
  return answer as T;
}

export interface FeedSettings {
  rate?: number;
  payloadBytes?: number;
  running?: boolean;
}

export const setFeed = (settings: FeedSettings) =>
  call<Required<FeedSettings>>('POST', '/api/feed', settings);

export const burst = (count: number) => call<{ head: number }>('POST', '/api/feed/burst', { count });

/** One snapshot on demand (the page otherwise gets them pushed over /api/live). */
export const stats = () => call<StatsSnapshot>('GET', '/api/stats');

/** Zero the server's counters (the page zeroes its own at the same moment). */
export const resetCounters = () => call<{ reset: true }>('POST', '/api/reset');

export type { Exchange };
export const fetchWire = (lane: LaneId) =>
  call<{ lane: LaneId; exchange: Exchange | null }>('GET', `/api/wire/${lane}`);
