/**
 * What each line of a WebSocket handshake means, for the handshake inspector.
 * Pure: the head comes from the lab's capture of a real handshake
 * (GET /api/wire/ws), these notes only label it.
 *
 * The notes are short on purpose: a projected table row each. They cite the
 * section of RFC 6455 (WebSocket), RFC 9110 (HTTP semantics) or RFC 9112
 * (HTTP/1.1 message syntax) that says more.
 */
import { t, type MessageKey } from '../i18n/index.ts';

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
const REQUEST_NOTES: Record<string, MessageKey> = {
  host: 'hs.req.host',
  upgrade: 'hs.req.upgrade',
  connection: 'hs.req.connection',
  'sec-websocket-key': 'hs.req.secWebsocketKey',
  'sec-websocket-version': 'hs.req.secWebsocketVersion',
  origin: 'hs.req.origin',
  'sec-websocket-protocol': 'hs.req.secWebsocketProtocol',
  'sec-websocket-extensions': 'hs.req.secWebsocketExtensions',
  'user-agent': 'hs.req.userAgent',
  'accept-encoding': 'hs.req.acceptEncoding',
  'accept-language': 'hs.req.acceptLanguage',
  'cache-control': 'hs.req.cacheControl',
  pragma: 'hs.req.pragma',
  cookie: 'hs.req.cookie',
  'sec-fetch-dest': 'hs.req.secFetchDest',
  'sec-fetch-mode': 'hs.req.secFetchMode',
  'sec-fetch-site': 'hs.req.secFetchSite',
};

const RESPONSE_NOTES: Record<string, MessageKey> = {
  upgrade: 'hs.res.upgrade',
  connection: 'hs.res.connection',
  'sec-websocket-accept': 'hs.res.secWebsocketAccept',
  'sec-websocket-protocol': 'hs.res.secWebsocketProtocol',
  'sec-websocket-extensions': 'hs.res.secWebsocketExtensions',
  'sec-websocket-version': 'hs.res.secWebsocketVersion',
  'content-type': 'hs.res.contentType',
  'content-length': 'hs.res.contentLength',
  date: 'hs.res.date',
};

const START_NOTES: Record<Side, (line: string) => string> = {
  request: (line) => (/^GET /.test(line)
    ? t('hs.start.get')
    : t('hs.start.request')),
  response: (line) => {
    const status = /^HTTP\/1\.1 (\d{3})/.exec(line)?.[1];
    switch (status) {
      case '101': return t('hs.start.101');
      case '400': return t('hs.start.400');
      case '403': return t('hs.start.403');
      case '426': return t('hs.start.426');
      default: return t('hs.start.other');
    }
  },
};


/** The note for one header line. */
export function headerNote(side: Side, name: string): string {
  const key = name.toLowerCase();
  return t((side === 'request' ? REQUEST_NOTES : RESPONSE_NOTES)[key] ?? 'hs.otherHeader');
}

/** A captured head, line by line with its bytes and what each line means. */
export function annotateHead(side: Side, head: string): HeadLineNote[] {
  const lines = head.split('\r\n');
  // "a\r\nb\r\n\r\n".split gives [a, b, '', '']: the last '' follows the final CRLF.
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((text, i): HeadLineNote => {
    const bytes = text.length + 2;
    if (i === 0) return { text, bytes, kind: 'start', name: '', value: '', note: START_NOTES[side](text) };
    if (text === '') return { text, bytes, kind: 'end', name: '', value: '', note: t('hs.blankLine') };
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
