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
import { t } from '../i18n/index.ts';

export { closeWords, codeOf } from '../i18n/problems.ts';

/** The server's own words, shown as data: <code lang="en">. */
export function rawDetail(text: string): HTMLElement {
  const code = Object.assign(document.createElement('code'), { className: 'raw', textContent: text, lang: 'en' });
  code.title = t('chat.refusedBy');
  return code;
}
