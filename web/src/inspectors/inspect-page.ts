/**
 * web/inspect.html: every inspector on one page, with the dashboard's light,
 * dark and projector modes (keys d and p, as on the dashboard).
 */
import '../i18n/page-lang.ts'; // first: the page's language before any element builds itself
import '../style.css';
import '../lane-style.ts';
import './index.ts';
import { setupHeaderTools } from '../widgets/header-tools.ts';
import { showHttp1Notice } from '../h2/websocket-notice.ts';
import { t } from '../i18n/index.ts';

// Over https (HTTP/2 only) the WebSocket inspectors cannot connect: say so, and where they can.
void showHttp1Notice(document.querySelector('main'), t('h2Notice.inspect'));

const tools = document.querySelector<HTMLElement>('#display');
if (tools) {
  setupHeaderTools(tools);
}
