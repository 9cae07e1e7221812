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
  if (closed) return `${t('retry.closed', { code: closed[1]! })}${closed[2] ? ` · ${problemText(closed[2])}` : ''}`;
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
