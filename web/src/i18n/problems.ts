/**
 * What went wrong, in the page's language.
 *
 * The server speaks English on the wire: an HTTP answer carries
 * `{ "error": "LAB_ERR_…", "message": "…" }` and a WebSocket close carries
 * `LAB_ERR_…: text` as its reason (src/errors.ts). The code is the stable
 * part, so the page keeps it and, on a Korean page, explains it with the
 * catalogue's `error.<code>` words; an English page shows the server's own
 * message, which may be more specific than the catalogue's.
 *
 *   labErrorText('LAB_ERR_SLOW_CONSUMER', 'consumer fell too far behind; …')
 *   retryText('closed 1013 LAB_ERR_SLOW_CONSUMER: consumer fell …')
 */
import { MESSAGES, type MessageKey } from './messages.ts';
import { currentLang, t } from './index.ts';

const LAB_ERROR = /^(LAB_ERR_[A-Z0-9_]+): ?([\s\S]*)$/;
const CLOSED = /^closed (\d{4})(?: ([\s\S]*))?$/;

const CLOSE_WORDS: Record<number, MessageKey> = {
  1000: 'wsClose.1000',
  1001: 'wsClose.1001',
  1002: 'wsClose.1002',
  1003: 'wsClose.1003',
  1006: 'wsClose.1006',
  1007: 'wsClose.1007',
  1008: 'wsClose.1008',
  1009: 'wsClose.1009',
  1011: 'wsClose.1011',
  1013: 'wsClose.1013',
};

/** A WebSocket close code in words (RFC 6455 §7.4.1, 1013 from the IANA registry), in the page's language. */
export function closeWords(code: number): string {
  return t(CLOSE_WORDS[code] ?? 'wsClose.other');
}

/** The lab's stable error code at the start of a text ("LAB_ERR_X: ..."), if there is one. */
export function codeOf(text: string | undefined): string | undefined {
  return /^(LAB_ERR_[A-Z0-9_]+)\b/.exec(text ?? '')?.[1];
}

/** `CODE: words`, the words from the catalogue on a Korean page when it knows the code. */
export function labErrorText(code: string, serverMessage: string): string {
  const key = `error.${code}`;
  if (currentLang() !== 'en' && key in MESSAGES) return `${code}: ${t(key as MessageKey)}`;
  return `${code}: ${serverMessage}`;
}

/**
 * Any one-line problem, with its lab error (`LAB_ERR_…: text`) explained and
 * a close (`closed <code> <reason>`, RFC 6455 §7.1.5) put in words; anything
 * else (what the browser or a library said) stays as it is.
 */
export function problemText(raw: string): string {
  const closed = CLOSED.exec(raw);
  if (closed) {
    const code = Number(closed[1]);
    return `${t('retry.closed', { code })} (${closeWords(code)})${closed[2] ? ` · ${problemText(closed[2])}` : ''}`;
  }
  const lab = LAB_ERROR.exec(raw);
  return lab ? labErrorText(lab[1]!, lab[2]!) : raw;
}

/**
 * Why a lane is reconnecting, from its client's `retry` event: a close, a lab
 * error, or what the browser or a library said (`Failed to fetch`,
 * `transport close`).
 */
export function retryText(reason: string): string {
  return CLOSED.test(reason) || LAB_ERROR.test(reason) ? problemText(reason) : t('retry.because', { detail: reason });
}
