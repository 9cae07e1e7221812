/**
 * Who is the teacher. In a classroom the lab is reachable by every device on
 * the network; the state-changing endpoints (routes marked
 * `config: { access: 'teacher' }`) then need the teacher key:
 *
 *   Authorization: Bearer <key>                         (RFC 6750 §2.1)
 *
 * A WebSocket handshake may carry it as `?teacher=<key>` instead, since a
 * browser cannot set headers on `new WebSocket()`.
 *
 * A request from this machine (loopback) needs no key: `npm start` on a laptop
 * works as it always did, the local user is the teacher. That holds only when
 * the Host is one of the lab's own names (addresses.ts): a page that rebinds its
 * DNS name to 127.0.0.1 reaches the lab over loopback, but with its own Host.
 *
 * No cookie is ever set, so a foreign page cannot borrow the key (no CSRF).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isLoopbackAddress, parseHost, requestHost, type LabAddresses } from './addresses.ts';

export type TeacherVia = 'loopback' | 'key';

export interface AccessDecision {
  teacher: boolean;
  /** Why this request is the teacher's, when it is. */
  via: TeacherVia | undefined;
  /** A key was sent (header or, for a WebSocket, the query) but it is not this lab's. */
  wrongKey: boolean;
  /** The request came over loopback from a Host the lab knows. */
  local: boolean;
}

/** A random key: 18 bytes, 24 URL-safe characters (RFC 4648 §5), easy to carry in a URL. */
export function generateTeacherKey(): string {
  return randomBytes(18).toString('base64url');
}

/** Characters a key may use: it travels in a URL and an HTTP header, unescaped. */
export const TEACHER_KEY_PATTERN = /^[A-Za-z0-9._~-]+$/;

export class TeacherAccess {
  private readonly digest: Buffer;
  /** The teacher-only routes, as registered (`config: { access: 'teacher' }`). */
  readonly routes: { method: string; url: string }[] = [];

  constructor(
    readonly key: string,
    private readonly addresses: LabAddresses,
    /** Where a request comes from; tests may replace it (BuildOptions.clientAddress). */
    private readonly clientAddress: (req: IncomingMessage) => string | undefined = (req) => req.socket.remoteAddress,
  ) {
    this.digest = sha256(key);
  }

  /**
   * Compares in constant time. Hashing first gives both sides the same length,
   * so neither the key's length nor its first differing byte shows in the timing.
   */
  keyMatches(presented: string): boolean {
    return timingSafeEqual(sha256(presented), this.digest);
  }

  decide(req: IncomingMessage): AccessDecision {
    const presented = presentedKey(req);
    const keyOk = presented !== undefined && this.keyMatches(presented);
    const host = parseHost(requestHost(req));
    const local = isLoopbackAddress(this.clientAddress(req)) && host !== undefined && this.addresses.isOwnName(host.name);
    const via: TeacherVia | undefined = keyOk ? 'key' : local ? 'loopback' : undefined;
    return { teacher: via !== undefined, via, wrongKey: presented !== undefined && !keyOk, local };
  }
}

/** The key a request carries: the Bearer token, or `?teacher=` on a WebSocket handshake. */
function presentedKey(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    return match ? match[1]! : header;
  }
  if (req.headers.upgrade?.toLowerCase() === 'websocket') {
    return new URL(req.url ?? '/', 'http://lab').searchParams.get('teacher') ?? undefined;
  }
  return undefined;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
