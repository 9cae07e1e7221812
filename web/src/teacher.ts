/**
 * The teacher key in the browser (the server side is src/security/access.ts).
 *
 * The teacher opens the lab by the URL it printed, …/?teacher=<key>. The key
 * is kept in this tab's sessionStorage, never in a cookie (a cookie would ride
 * along with a foreign page's requests too: CSRF), and taken out of the address
 * bar so the projector never shows it. Every control request sends it:
 *
 *   fetch('/api/reset', { method: 'POST', headers: { ...authHeaders(), 'content-type': 'application/json' }, body: '{}' })
 *
 * On the lab's own machine (loopback) no key is needed: the local user is the teacher.
 */

const STORAGE_KEY = 'transport-lab.teacher-key';
const PARAM = 'teacher';

let captured = false;

/** Moves `?teacher=` from the address bar into sessionStorage, once per page. */
function capture(): void {
  if (captured || typeof location === 'undefined') return;
  captured = true;
  const url = new URL(location.href);
  const key = url.searchParams.get(PARAM);
  if (key === null) return;
  try {
    sessionStorage.setItem(STORAGE_KEY, key);
  } catch {
    // Storage refused (a privacy mode): the key still works for this page's life.
    memoryKey = key;
  }
  url.searchParams.delete(PARAM);
  history.replaceState(history.state, '', url.href);
}

let memoryKey: string | undefined;

/** The teacher key this tab was given, if any. */
export function teacherKey(): string | undefined {
  capture();
  try {
    return sessionStorage.getItem(STORAGE_KEY) ?? memoryKey;
  } catch {
    return memoryKey;
  }
}

/** Forget the key (the lab said it is not its key). */
export function forgetTeacherKey(): void {
  memoryKey = undefined;
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing stored
  }
}

/**
 * `Authorization: Bearer <key>` for a request to the lab, or nothing. Only for
 * the page's own origin: the key never goes to another site (and a header on a
 * cross-origin request would force a preflight anyway).
 */
export function authHeaders(target: string | URL = '/'): Record<string, string> {
  const key = teacherKey();
  if (key === undefined || typeof location === 'undefined') return {};
  if (new URL(target, location.href).origin !== location.origin) return {};
  return { authorization: `Bearer ${key}` };
}

/**
 * A WebSocket URL with the key as `?teacher=` (a browser cannot set headers on
 * `new WebSocket()`), for the teacher-only WebSocket routes.
 */
export function withTeacherKey(wsUrl: string): string {
  const key = teacherKey();
  if (key === undefined) return wsUrl;
  const url = new URL(wsUrl, typeof location === 'undefined' ? undefined : location.href);
  url.searchParams.set(PARAM, key);
  return url.href;
}

/** What GET /api/access answers (src/security/classroom.ts). */
export interface Access {
  /** May this page change the lab (feed, burst, reset, switches, class runs)? */
  teacher: boolean;
  via: 'loopback' | 'key' | null;
  /** A key was sent but it is not this lab's (restarted with a new key?). */
  wrongKey: boolean;
  /** The page runs on the lab's own machine. */
  local: boolean;
}

/** Asks the lab whether this page is the teacher's. */
export async function fetchAccess(): Promise<Access> {
  const response = await fetch('/api/access', { headers: authHeaders(), cache: 'no-store' });
  if (!response.ok) throw new Error(`/api/access answered ${response.status}`);
  return response.json() as Promise<Access>;
}

