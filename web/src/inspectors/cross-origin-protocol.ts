/**
 * The messages between <origin-cors-demo> (on the lab's origin) and the
 * cross-origin page it frames (web/cross-origin.html, on the second origin).
 * window.postMessage is the one channel two origins share: each side checks
 * who sent a message before acting on it.
 */
import type { MessageKey } from '../i18n/index.ts';

export const EXPERIMENTS = ['websocket', 'simple-fetch', 'preflighted-fetch'] as const;
export type Experiment = (typeof EXPERIMENTS)[number];

export const EXPERIMENT_TITLES: Record<Experiment, MessageKey> = {
  websocket: 'xo.expWebsocket',
  'simple-fetch': 'xo.expSimple',
  'preflighted-fetch': 'xo.expPreflighted',
};

/** The custom header that makes a request non-simple, so the browser asks first (OPTIONS). */
export const PREFLIGHT_HEADER = 'X-Lab-Client';

export interface ExperimentResult {
  experiment: Experiment;
  /** opened | refused for the WebSocket; readable | blocked for a fetch. */
  outcome: Outcome;
  /** What the page could see, in words. */
  seen: string;
  /** ms the experiment took in the page. */
  durationMs: number;
}

export type Outcome = 'opened' | 'refused' | 'readable' | 'blocked';

/** An outcome in the page's language (the English word stays in data-outcome for tests). */
export const OUTCOME_WORDS: Record<Outcome, MessageKey> = {
  opened: 'xo.outcome.opened', refused: 'xo.outcome.refused', readable: 'xo.outcome.readable', blocked: 'xo.outcome.blocked',
};

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
