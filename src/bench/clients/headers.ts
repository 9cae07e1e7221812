/**
 * Request headers the bench clients send. `node` is what a Node client sends
 * (a few dozen bytes); `browser` is what Chromium 156 sent to this lab from a
 * page on the lab's own origin, for fetch(), EventSource and WebSocket,
 * captured from the lab's record of each request head (GET /api/wire/<lane>).
 * Header bytes are most of what short polling costs (Kaazing counted 871 bytes
 * per poll in 2010), so which client is measured matters.
 *
 * Host, Connection and the WebSocket handshake fields (Upgrade, Sec-WebSocket-Key,
 * -Version, -Extensions) are added by the client itself, as the browser's were.
 */

export const HEADER_STYLES = ['node', 'browser'] as const;
export type HeaderStyle = (typeof HEADER_STYLES)[number];

export type RequestKind = 'fetch' | 'eventsource' | 'websocket';

/** Headless Chromium 156 on Linux; a headed Chrome says "Chrome/" instead of "HeadlessChrome/". */
const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36';
const CLIENT_HINTS = {
  'sec-ch-ua-platform': '"Linux"',
  'sec-ch-ua': '"Not:A-Brand";v="8", "Chromium";v="156"',
  'sec-ch-ua-mobile': '?0',
};
const FETCH_METADATA = { 'Sec-Fetch-Site': 'same-origin', 'Sec-Fetch-Mode': 'cors', 'Sec-Fetch-Dest': 'empty' };
const ENCODINGS = { 'Accept-Encoding': 'gzip, deflate, br, zstd', 'Accept-Language': 'en-US,en;q=0.9' };

/** The headers to add for a request of `kind` to the lab at `origin` (e.g. http://127.0.0.1:3000). */
export function requestHeaders(style: HeaderStyle, kind: RequestKind, origin: string): Record<string, string> {
  if (style === 'node') {
    if (kind === 'fetch') return { accept: 'application/json' };
    // What EventSource must send (HTML "Server-sent events" §9.2.3): Accept, and no caching.
    if (kind === 'eventsource') return { accept: 'text/event-stream', 'cache-control': 'no-cache' };
    return {};
  }
  switch (kind) {
    case 'fetch':
      return { ...CLIENT_HINTS, 'User-Agent': USER_AGENT, Accept: '*/*', ...FETCH_METADATA, Referer: `${origin}/`, ...ENCODINGS };
    case 'eventsource':
      return {
        Pragma: 'no-cache', 'Cache-Control': 'no-cache', 'User-Agent': USER_AGENT, Accept: 'text/event-stream',
        ...CLIENT_HINTS, ...FETCH_METADATA, Referer: `${origin}/`, ...ENCODINGS,
      };
    case 'websocket':
      return { Pragma: 'no-cache', 'Cache-Control': 'no-cache', 'User-Agent': USER_AGENT, Origin: origin, ...ENCODINGS };
  }
}
