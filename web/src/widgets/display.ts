/**
 * Light or dark, and projector mode (large type, high contrast, fewer details),
 * as two toggle buttons. The choice is kept in localStorage; `?theme=dark` and
 * `?projector=on` in the URL win, so a teacher can bookmark the classroom view.
 *
 *   setupDisplayToggles(element, { onChange })
 */
import type { Theme } from '../lane-colors.ts';
import { t } from '../i18n/index.ts';

const THEME_KEY = 'transport-lab.theme';
const PROJECTOR_KEY = 'transport-lab.projector';

export interface Display {
  theme: Theme;
  projector: boolean;
}

export interface DisplayToggles {
  toggleTheme(): void;
  toggleProjector(): void;
  readonly display: Display;
}

function initial(): Display {
  const params = new URLSearchParams(location.search);
  const stored = (key: string) => {
    try {
      return localStorage.getItem(key);
    } catch {
      return null; // storage may be blocked; the defaults still work
    }
  };
  const themeParam = params.get('theme') ?? stored(THEME_KEY);
  const theme: Theme = themeParam === 'dark' || themeParam === 'light' ? themeParam
    : matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  // Without a choice, the page's own default (<html data-projector="on"> on the class view).
  const projectorParam = params.get('projector') ?? stored(PROJECTOR_KEY) ?? document.documentElement.dataset.projector ?? null;
  return { theme, projector: projectorParam === 'on' || projectorParam === '1' || projectorParam === 'true' };
}

export function applyDisplay(display: Display): void {
  const root = document.documentElement;
  root.dataset.theme = display.theme;
  root.dataset.projector = display.projector ? 'on' : 'off';
  root.style.colorScheme = display.theme;
}

export function setupDisplayToggles(element: HTMLElement, options: { onChange?: (display: Display) => void } = {}): DisplayToggles {
  const display = initial();
  element.classList.add('display-toggles');
  const toggle = (action: string, text: string, title: string) => {
    const button = Object.assign(document.createElement('button'), { type: 'button', textContent: text, title });
    button.dataset.action = action;
    return button;
  };
  const themeButton = toggle('theme', t('display.dark'), t('display.darkTitle'));
  const projectorButton = toggle('projector', t('display.projector'), t('display.projectorTitle'));
  element.replaceChildren(themeButton, projectorButton);

  const update = (save: boolean) => {
    applyDisplay(display);
    themeButton.setAttribute('aria-pressed', String(display.theme === 'dark'));
    projectorButton.setAttribute('aria-pressed', String(display.projector));
    if (save) {
      try {
        localStorage.setItem(THEME_KEY, display.theme);
        localStorage.setItem(PROJECTOR_KEY, display.projector ? 'on' : 'off');
      } catch {
        // not saved; the page still changes
      }
    }
    options.onChange?.(display);
  };
  const toggles: DisplayToggles = {
    toggleTheme() {
      display.theme = display.theme === 'dark' ? 'light' : 'dark';
      update(true);
    },
    toggleProjector() {
      display.projector = !display.projector;
      update(true);
    },
    display,
  };
  themeButton.addEventListener('click', toggles.toggleTheme);
  projectorButton.addEventListener('click', toggles.toggleProjector);
  update(false);
  return toggles;
}
