/**
 * Where the lab is: the addresses it listens on, the names it answers to, and
 * from them the origins it counts as its own.
 *
 * In a classroom the lab is reached as http://192.168.1.20:3000, not as
 * localhost, so "own origin" cannot be a fixed list. It is every address the
 * lab listens on (each interface when bound to 0.0.0.0 or ::) plus the origin
 * of the Host the request came in by, but only when that Host is one of the
 * lab's own addresses or names.
 *
 * Why not any Host: DNS rebinding. A page on http://evil.example:3000 can make
 * its own name resolve to the lab's address; the browser then sends
 * `Host: evil.example:3000` and `Origin: http://evil.example:3000`, which match
 * each other. Counting that as the lab's own origin would hand the page the
 * controls. So a Host counts only when it is
 *   - an IP literal (no DNS is involved: the browser connected to that address itself),
 *   - localhost or *.localhost (browsers resolve these to loopback themselves,
 *     RFC 6761 §6.3),
 *   - this machine's host name (and <name>.local for mDNS),
 *   - or a name the teacher listed (ALLOWED_HOSTS / buildLab({ hostNames })).
 * Any other Host is still answered (the feed is public), but its origin is not
 * the lab's own: no control request and, with the allowlist on, no WebSocket.
 */
import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';

/** What `server.address()` says, for an IP socket. */
export interface ListenAddress {
  address: string;
  port: number;
}

/** An interface address as `os.networkInterfaces()` lists it. */
export interface InterfaceAddress {
  address: string;
  family: string | number;
  internal: boolean;
}

export interface HostHeader {
  /** Lower-case name or address; IPv6 without brackets. */
  name: string;
  port: number | undefined;
}

// RFC 3986 §3.2.2 reg-name, kept to what DNS allows (letters, digits, hyphens, dots).
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const NAME = new RegExp(`^(${LABEL}(?:\\.${LABEL})*)\\.?(?::(\\d{1,5}))?$`);
const IPV6 = /^\[([0-9a-f:.]+)\](?::(\d{1,5}))?$/;

/**
 * A Host header (RFC 9110 §7.2: host [":" port]) read strictly. Anything else
 * (spaces, slashes, userinfo, a second header folded in) is `undefined`, so no
 * header value ever reaches a URL the lab builds unless it is a plain host name.
 */
export function parseHost(value: string | undefined): HostHeader | undefined {
  if (value === undefined || value.length === 0 || value.length > 260) return undefined;
  const text = value.toLowerCase();
  const v6 = IPV6.exec(text);
  const match = v6 ?? NAME.exec(text);
  if (!match) return undefined;
  const name = match[1]!;
  if (v6 && isIP(name) !== 6) return undefined;
  if (!v6 && name.length > 253) return undefined;
  const port = match[2] === undefined ? undefined : Number(match[2]);
  if (port !== undefined && (port < 1 || port > 65_535)) return undefined;
  return { name, port };
}

/** The Host of a request: the Host header, or HTTP/2's `:authority` (RFC 9113 §8.3.1). */
export function requestHost(req: { headers: Record<string, string | string[] | undefined> }): string | undefined {
  const value = req.headers.host ?? req.headers[':authority'];
  return typeof value === 'string' ? value : undefined;
}

/** A host as it is written in a URL (IPv6 in brackets). */
export function urlHost(name: string): string {
  return isIP(name) === 6 ? `[${name}]` : name;
}

export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const plain = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return plain === '::1' || (isIP(plain) === 4 && plain.startsWith('127.'));
}

const isWildcard = (address: string) => address === '0.0.0.0' || address === '::';

export interface LabAddressesOptions {
  /** Extra host names the lab answers to (ALLOWED_HOSTS), e.g. "lab.school.example". */
  hostNames?: readonly string[];
  /** For tests: the interface list (default `os.networkInterfaces()`). */
  interfaces?: () => InterfaceAddress[];
  /** For tests: this machine's name (default `os.hostname()`). */
  machineName?: () => string;
}

export class LabAddresses {
  /** The HTTPS (HTTP/2) listener's port, once it listens: its pages are the lab's own too. */
  httpsPort: number | undefined;
  private readonly hostNames: ReadonlySet<string>;
  private readonly interfaces: () => InterfaceAddress[];
  private readonly machineName: () => string;

  constructor(private readonly listening: () => ListenAddress | undefined, options: LabAddressesOptions = {}) {
    this.hostNames = new Set((options.hostNames ?? []).map((name) => name.toLowerCase()));
    this.interfaces = options.interfaces ?? (() => Object.values(networkInterfaces()).flatMap((list) => list ?? []));
    this.machineName = options.machineName ?? hostname;
  }

  get port(): number | undefined {
    return this.listening()?.port;
  }

  /**
   * The addresses the lab can be reached at, loopback first: for a wildcard
   * bind every interface of the machine (IPv4 for 0.0.0.0; both for ::).
   */
  addresses(): { address: string; internal: boolean }[] {
    const bound = this.listening();
    if (!bound) return [];
    if (!isWildcard(bound.address)) return [{ address: bound.address, internal: isLoopbackAddress(bound.address) }];
    const ipv4Only = bound.address === '0.0.0.0';
    const found = this.interfaces()
      .filter((i) => !ipv4Only || i.family === 'IPv4' || i.family === 4)
      // fe80:: addresses need a zone (%eth0) that no URL can carry to another device.
      .filter((i) => !i.address.toLowerCase().startsWith('fe80:'))
      .map((i) => ({ address: i.address, internal: i.internal || isLoopbackAddress(i.address) }));
    return [...found.filter((a) => a.internal), ...found.filter((a) => !a.internal)];
  }

  /** Is `name` (from a Host header) one of the lab's own addresses or names? See the file comment. */
  isOwnName(name: string): boolean {
    if (isIP(name) !== 0) return true;
    if (name === 'localhost' || name.endsWith('.localhost')) return true;
    const machine = this.machineName().toLowerCase();
    if (name === machine || name === `${machine}.local`) return true;
    return this.hostNames.has(name);
  }

  /**
   * The origins the lab counts as its own for a request that came in with
   * `host` (its Host header): every listening address and listed name on the
   * lab's port, localhost, and the Host's own origin when the Host is an own name.
   */
  ownOrigins(host?: string, scheme = 'http'): string[] {
    const port = scheme === 'https' ? this.httpsPort : this.port;
    const out = new Set<string>();
    if (port !== undefined) {
      const names = ['localhost', '127.0.0.1', '::1', ...this.addresses().map((a) => a.address), ...this.hostNames];
      for (const name of names) out.add(`${scheme}://${urlHost(name)}:${port}`);
    }
    const parsed = parseHost(host);
    if (parsed && this.isOwnName(parsed.name)) out.add(originOf(scheme, parsed));
    return [...out];
  }

  isOwnOrigin(origin: string, host?: string, scheme = 'http'): boolean {
    return this.ownOrigins(host, scheme).includes(origin.toLowerCase());
  }
}

/** The origin a browser sends for a page loaded from `host` (RFC 6454 §6.2: the default port is left out). */
export function originOf(scheme: string, host: HostHeader): string {
  const defaultPort = scheme === 'https' ? 443 : 80;
  const port = host.port === undefined || host.port === defaultPort ? '' : `:${host.port}`;
  return `${scheme}://${urlHost(host.name)}${port}`;
}
