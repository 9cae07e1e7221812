/**
 * What each line of a WebSocket handshake means, for the handshake inspector.
 * Pure: the head comes from the lab's capture of a real handshake
 * (GET /api/wire/ws), these notes only label it.
 *
 * The notes are short on purpose: a projected table row each. They cite the
 * section of RFC 6455 (WebSocket), RFC 9110 (HTTP semantics) or RFC 9112
 * (HTTP/1.1 message syntax) that says more.
 */

export interface HeadLineNote {
  /** The line as sent, without its CRLF ('' for the blank line). */
  text: string;
  /** Bytes on the wire, CRLF included (latin1: a head is one byte per character). */
  bytes: number;
  kind: 'start' | 'header' | 'end';
  /** Header name in lower case ('' for the start line and the blank line). */
  name: string;
  value: string;
  note: string;
}

type Side = 'request' | 'response';

/** Lower-case header name -> what it does in a WebSocket handshake. */
const REQUEST_NOTES: Record<string, string> = {
  host: 'which server and port the request is for; required in HTTP/1.1 (RFC 9112 §3.2), checked by the server (RFC 6455 §4.1)',
  upgrade: '"websocket": asks to switch this connection from HTTP to the WebSocket protocol (RFC 9110 §7.8)',
  connection: '"Upgrade": tells every hop that the Upgrade header is meant for this connection only (RFC 9110 §7.6.1)',
  'sec-websocket-key': '16 random bytes in base64, new for every handshake; the server must hash it into Sec-WebSocket-Accept (RFC 6455 §4.1)',
  'sec-websocket-version': 'the protocol version; 13 is RFC 6455, the only one in use. Anything else gets 426 (RFC 6455 §4.4)',
  origin: 'the page that opened the socket (scheme, host, port). Browsers always send it; the server must check it itself, CORS does not apply (RFC 6455 §10.2)',
  'sec-websocket-protocol': 'sub-protocols the client speaks (e.g. v12.stomp), in order of preference; the server picks one or none (RFC 6455 §1.9)',
  'sec-websocket-extensions': 'extensions offered, here permessage-deflate compression (RFC 7692); the server accepts by repeating it in its answer',
  'user-agent': 'the browser\'s name and version; not part of the WebSocket protocol (RFC 9110 §10.1.5)',
  'accept-encoding': 'compressions the browser accepts for an HTTP body; meaningless here, since a 101 has no body',
  'accept-language': 'the browser\'s languages; sent out of habit, the handshake ignores it',
  'cache-control': '"no-cache": no cache or proxy may answer for the server; the handshake must reach it',
  pragma: '"no-cache" for HTTP/1.0 proxies, the older spelling of Cache-Control: no-cache',
  cookie: 'cookies of the lab\'s site: sent with the handshake like any request, which is why Origin must be checked',
  'sec-fetch-dest': 'fetch metadata: what the request is for (websocket)',
  'sec-fetch-mode': 'fetch metadata: the request mode (websocket)',
  'sec-fetch-site': 'fetch metadata: same-origin, same-site or cross-site',
};

const RESPONSE_NOTES: Record<string, string> = {
  upgrade: '"websocket": the server agrees to switch protocols (RFC 9110 §7.8)',
  connection: '"Upgrade": this connection now carries the upgraded protocol',
  'sec-websocket-accept': 'base64(SHA-1(key + GUID)): proof that the server read this handshake; the browser fails the connection if it is wrong (RFC 6455 §4.2.2)',
  'sec-websocket-protocol': 'the one sub-protocol the server chose from the client\'s list; absent when none (RFC 6455 §4.2.2)',
  'sec-websocket-extensions': 'the extensions the server accepted; absent means frames are sent plain (RFC 7692)',
  'sec-websocket-version': 'the versions this server speaks, sent with a 426 refusal (RFC 6455 §4.4)',
  'content-type': 'the type of the body that follows (an error explained in JSON)',
  'content-length': 'how many body bytes follow the head (RFC 9112 §6.2)',
  date: 'when the answer was made (RFC 9110 §6.6.1)',
};

const START_NOTES: Record<Side, (line: string) => string> = {
  request: (line) => (/^GET /.test(line)
    ? 'method, path and version: a WebSocket handshake is always a GET over HTTP/1.1 (RFC 6455 §4.1)'
    : 'the request line: a handshake must be GET … HTTP/1.1 (RFC 6455 §4.1)'),
  response: (line) => {
    const status = /^HTTP\/1\.1 (\d{3})/.exec(line)?.[1];
    switch (status) {
      case '101': return '101 Switching Protocols: from the blank line on, both sides speak WebSocket frames on this same TCP connection (RFC 9110 §15.2.2)';
      case '400': return '400 Bad Request: the handshake is malformed, e.g. no valid Sec-WebSocket-Key (RFC 6455 §4.2.1)';
      case '403': return '403 Forbidden: the server refuses this handshake (here: the Origin allowlist or a refused upgrade)';
      case '426': return '426 Upgrade Required: this version is not spoken; Sec-WebSocket-Version lists the ones that are (RFC 6455 §4.4)';
      default: return 'the status line: anything but 101 means no WebSocket (RFC 6455 §4.1: the client fails the connection)';
    }
  },
};

const OTHER = 'not part of the WebSocket handshake; sent as with any HTTP request';

/** The note for one header line. */
export function headerNote(side: Side, name: string): string {
  const key = name.toLowerCase();
  return (side === 'request' ? REQUEST_NOTES : RESPONSE_NOTES)[key] ?? OTHER;
}

/** A captured head, line by line with its bytes and what each line means. */
export function annotateHead(side: Side, head: string): HeadLineNote[] {
  const lines = head.split('\r\n');
  // "a\r\nb\r\n\r\n".split gives [a, b, '', '']: the last '' follows the final CRLF.
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((text, i): HeadLineNote => {
    const bytes = text.length + 2;
    if (i === 0) return { text, bytes, kind: 'start', name: '', value: '', note: START_NOTES[side](text) };
    if (text === '') return { text, bytes, kind: 'end', name: '', value: '', note: 'a blank line (CRLF) ends the head (RFC 9112 §2.1)' };
    const colon = text.indexOf(':');
    const name = colon === -1 ? text : text.slice(0, colon);
    const value = colon === -1 ? '' : text.slice(colon + 1).trim();
    return { text, bytes, kind: 'header', name: name.toLowerCase(), value, note: headerNote(side, name) };
  });
}

/** The value of the first header called `name` in a head, or undefined. */
export function headerValue(head: string, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === wanted) return line.slice(colon + 1).trim();
  }
  return undefined;
}
