/**
 * A page header's tools, as on the inspectors page: the language switch and
 * the light/dark and projector toggles (keys d and p, as on the dashboard).
 *
 *   setupHeaderTools(document.querySelector('#display'))
 */
import { setupDisplayToggles, type DisplayToggles } from './display.ts';
import { setupLangSwitch } from '../i18n/index.ts';

export function setupHeaderTools(tools: HTMLElement): DisplayToggles {
  const display = setupDisplayToggles(tools);
  const langs = document.createElement('span');
  tools.prepend(langs);
  setupLangSwitch(langs);
  document.addEventListener('keydown', (event) => {
    const target = event.target as HTMLElement;
    // Typing a message or a nickname is not a shortcut.
    if (event.altKey || event.ctrlKey || event.metaKey || target.closest('input, select, textarea, button')) return;
    if (event.key === 'd') display.toggleTheme();
    if (event.key === 'p') display.toggleProjector();
  });
  return display;
}
