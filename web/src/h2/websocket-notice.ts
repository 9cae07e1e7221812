/**
 * Pages that need a WebSocket, opened over https: say so, and where they work.
 *
 * The lab's https port speaks only HTTP/2 (ALPN h2), and the lab does not
 * implement WebSocket over HTTP/2 (RFC 8441, extended CONNECT), so `wss://` to
 * that port fails in the TLS handshake. Sending the page's WebSockets to the
 * http port instead is not an answer either: a browser blocks `ws://` from an
 * https page as mixed content (it lets localhost through, a classroom's LAN
 * address not). So a page that needs a WebSocket (chat, STOMP, the inspectors)
 * shows this notice over https, with a link to the same page on the HTTP/1.1
 * port, and uses its HTTP-only carriers where it has them.
 *
 *   if (!webSocketsHere()) void showHttp1Notice(document.querySelector('main'));
 */
import { t } from '../i18n/index.ts';
import { discoverPorts, pageProtocol } from './protocol.ts';

/** Can this page open a WebSocket to the lab? Not over the https (HTTP/2-only) port. */
export function webSocketsHere(): boolean {
  return pageProtocol() === 'h1';
}

/** This page on the lab's HTTP/1.1 port (the http listener), or undefined when its port is not known. */
export async function http1PageUrl(): Promise<string | undefined> {
  const { http } = await discoverPorts().catch(() => ({ http: null }));
  if (!http) return undefined;
  const url = new URL(location.href);
  url.protocol = 'http:';
  url.port = String(http);
  return url.href;
}

/**
 * Put the notice first in `container` (over https only): what does not work here and why,
 * and a link to the same page on the http port. Resolves with the notice, if shown.
 */
export async function showHttp1Notice(container: HTMLElement | null, note = t('h2Notice.note')): Promise<HTMLElement | undefined> {
  if (webSocketsHere() || !container) return undefined;
  const notice = document.createElement('p');
  notice.className = 'notice h2-notice';
  notice.dataset.field = 'h2-notice';
  notice.setAttribute('role', 'status');
  container.prepend(notice);
  const where = await http1PageUrl();
  notice.append(t('h2Notice.lead'), ' ');
  if (where) {
    notice.append(t('h2Notice.open'), ' ', Object.assign(document.createElement('a'), { href: where, textContent: where }), '. ');
  } else {
    notice.append(t('h2Notice.openHttp'), ' ');
  }
  notice.append(t('h2Notice.why'), ' ', note);
  return notice;
}
