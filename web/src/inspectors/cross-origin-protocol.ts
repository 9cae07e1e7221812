/**
 * The messages between <origin-cors-demo> (on the lab's origin) and the
 * cross-origin page it frames (web/cross-origin.html, on the second origin).
 * window.postMessage is the one channel two origins share: each side checks
 * who sent a message before acting on it.
 */

export const EXPERIMENTS = ['websocket', 'simple-fetch', 'preflighted-fetch'] as const;
export type Experiment = (typeof EXPERIMENTS)[number];

export const EXPERIMENT_TITLES: Record<Experiment, string> = {
  websocket: 'new WebSocket(lab /feed/ws)',
  'simple-fetch': 'fetch(lab /feed/poll): a simple request',
  'preflighted-fetch': 'fetch(lab /feed/poll) with X-Lab-Client: preflighted',
};

/** The custom header that makes a request non-simple, so the browser asks first (OPTIONS). */
export const PREFLIGHT_HEADER = 'X-Lab-Client';

export interface ExperimentResult {
  experiment: Experiment;
  /** opened | refused for the WebSocket; readable | blocked for a fetch. */
  outcome: 'opened' | 'refused' | 'readable' | 'blocked';
  /** What the page could see, in words. */
  seen: string;
  /** ms the experiment took in the page. */
  durationMs: number;
}

export type ToFrame = { type: 'transport-lab:run'; experiment: Experiment };
export type FromFrame =
  | { type: 'transport-lab:ready'; pageOrigin: string; labOrigin: string }
  | { type: 'transport-lab:result'; result: ExperimentResult };

/** Loopback names of one machine: the lab's page may be opened as any of them. */
const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];

/** True when `origin` is `labOrigin`, or the same port on another loopback name. */
export function isLabOrigin(origin: string, labOrigin: string): boolean {
  if (origin === labOrigin) return true;
  try {
    const a = new URL(origin);
    const b = new URL(labOrigin);
    return a.protocol === b.protocol && a.port === b.port && LOOPBACK.includes(a.hostname) && LOOPBACK.includes(b.hostname);
  } catch {
    return false;
  }
}
