/**
 * Which protocol this page speaks to the lab, and what that changes in the page.
 *
 * The dashboard is the same on both ports: over http://…:3000 every request is
 * HTTP/1.1; over https://…:3002 the browser negotiates HTTP/2 (ALPN) and the
 * lab counts those bytes apart (`h2` in the stats). WebSockets need HTTP/1.1's
 * Upgrade: the lab does not implement RFC 8441 (WebSocket over an HTTP/2
 * stream), so from the https page they go to the http port. Browsers allow
 * that for localhost, which counts as a secure origin.
 */
import type { LaneId } from '../../../src/lanes.ts';
import { LANE_IDS } from '../../../src/lanes.ts';
import type { StatsSnapshot } from '../../../src/api/stats.ts';

export type PageProtocol = 'h1' | 'h2';

export const pageProtocol = (): PageProtocol => (location.protocol === 'https:' ? 'h2' : 'h1');

export const PROTOCOL_NAMES: Record<PageProtocol, string> = { h1: 'HTTP/1.1', h2: 'HTTP/2' };

interface Ports { http: number | null; https: number | null }
let ports: Ports | undefined;

/** Ask the lab where its two listeners are (once, before any WebSocket opens). */
export async function discoverPorts(): Promise<Ports> {
  if (!ports) {
    const response = await fetch('/api/h2');
    ports = response.ok ? ((await response.json()) as Ports) : { http: null, https: null };
  }
  return ports;
}

/** True when a WebSocket URL can be made now (always on http; on https once the ports are known). */
export function portsKnown(): boolean {
  return pageProtocol() === 'h1' || ports !== undefined;
}

/** The same page over the other protocol, or undefined when the lab has no such listener. */
export function otherProtocolUrl(): string | undefined {
  const url = new URL(location.href);
  if (pageProtocol() === 'h1') {
    if (!ports?.https) return undefined;
    url.protocol = 'https:';
    url.port = String(ports.https);
  } else {
    if (!ports?.http) return undefined;
    url.protocol = 'http:';
    url.port = String(ports.http);
  }
  return url.href;
}

/**
 * Whether this page may open a WebSocket to `url`: an https page may not open
 * `ws://` (mixed content) unless the host is loopback, which browsers treat as
 * potentially trustworthy (W3C Secure Contexts §3.2).
 */
export function mayOpenWebSocket(url: URL, pageProtocol = location.protocol): boolean {
  if (pageProtocol !== 'https:' || url.protocol === 'wss:') return true;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host) || host === '::1';
}

/** Turn an http(s) URL of the lab into the WebSocket URL to use from this page. */
export function toWebSocketUrl(url: URL): URL {
  if (url.protocol === 'https:' && ports?.http) {
    url.protocol = 'ws:';
    url.port = String(ports.http);
  } else {
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  }
  return url;
}

/**
 * On the https page, each lane's figures are the ones of the protocol it really used:
 * the HTTP lanes' come from `h2.lanes` (this page's h2 streams), a WebSocket lane's
 * stay in `lanes` (its HTTP/1.1 connection to the http port).
 */
export function lanesForThisPage(snapshot: StatsSnapshot): StatsSnapshot {
  if (pageProtocol() === 'h1' || !snapshot.h2) return snapshot;
  const lanes = { ...snapshot.lanes };
  for (const lane of LANE_IDS as readonly LaneId[]) {
    const h2 = snapshot.h2.lanes[lane];
    if (h2 && h2.requests > 0) lanes[lane] = { ...h2, held: h2.open };
  }
  return { ...snapshot, lanes };
}
