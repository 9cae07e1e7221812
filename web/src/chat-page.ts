/**
 * web/chat.html: three people in the lab's chat, in the reader's language,
 * with the language switch and the display toggles in the header.
 */
import './i18n/page-lang.ts'; // first: the page's language before any element builds itself
import './widgets/chat-trio.ts';
import { setupHeaderTools } from './widgets/header-tools.ts';

const tools = document.querySelector<HTMLElement>('#display');
if (tools) setupHeaderTools(tools);
