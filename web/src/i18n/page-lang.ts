/**
 * Imported FIRST by every page that is not a lesson (dashboard, inspect, chat,
 * STOMP, class, join, cross-origin): sets <html lang> to the reader's
 * language before any custom element builds itself, and translates the
 * page's static HTML (data-i18n attributes). A lesson page sets <html lang>
 * from its lesson instead.
 */
import { preferredLang, translateStatic } from './index.ts';

document.documentElement.lang = preferredLang();
translateStatic();
