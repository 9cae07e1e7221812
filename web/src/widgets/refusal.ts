/**
 * A refusal from the lab, in the page's language, with the lab's own words
 * kept beside it as raw data.
 *
 * The chat and STOMP servers explain a refusal in English and start it with a
 * stable code (`LAB_ERR_CHAT_NICK_TAKEN`, `LAB_ERR_STOMP_DESTINATION`: see
 * src/chat/errors.ts and src/stomp/errors.ts); a WebSocket close also carries
 * a close code (RFC 6455 §7.4.1). The page words the refusal from those codes
 * and shows the server's text only as the detail, in <code lang="en">: bytes
 * from the wire, the same in every language.
 */
import { t, type MessageKey } from '../i18n/index.ts';

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

/** A WebSocket close code in words (RFC 6455 §7.4.1), in the page's language. */
export function closeWords(code: number): string {
  return t(CLOSE_WORDS[code] ?? 'wsClose.other');
}

/** The lab's stable error code at the start of a text ("LAB_ERR_X: ..."), if there is one. */
export function codeOf(text: string | undefined): string | undefined {
  return /^(LAB_ERR_[A-Z0-9_]+)\b/.exec(text ?? '')?.[1];
}

/** The server's own words, shown as data: <code lang="en">. */
export function rawDetail(text: string): HTMLElement {
  const code = Object.assign(document.createElement('code'), { className: 'raw', textContent: text, lang: 'en' });
  code.title = t('chat.refusedBy');
  return code;
}
