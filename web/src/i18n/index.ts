/**
 * The page's language and its words.
 *
 *   t('wire.title')                  the words for a key, in the page's language
 *   t('wire.count', { count: 3 })    with {params} filled in
 *   currentLang()                    'ko' | 'en', read from <html lang>
 *
 * <html lang> is the one source of truth: a lesson page sets it to the
 * lesson's language; every other page sets it from the reader's choice (see
 * page-lang.ts, imported first by those pages). Widgets read it when they
 * build themselves, so one widget shows Korean inside a Korean lesson and
 * English inside an English one.
 */
import type { LaneId } from '../../../src/lanes.ts';
import { MESSAGES, LANGS, type Lang, type MessageKey } from './messages.ts';

export { LANGS, type Lang, type MessageKey };

/** Where the reader's choice of language is kept (the lessons and every other page share it). */
export const LANG_KEY = 'transport-lab.lang';

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}

export function currentLang(): Lang {
  return typeof document !== 'undefined' && document.documentElement.lang === 'ko' ? 'ko' : 'en';
}

export type Params = Record<string, string | number>;

/** Fill `{name}` in a message; a missing parameter stays visible as `{name}` so a test can find it. */
export function fill(text: string, params?: Params): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function t(key: MessageKey, params?: Params, lang: Lang = currentLang()): string {
  return fill(MESSAGES[key][lang], params);
}

/** The reader's language: ?lang= in the URL, else what they chose before, else the browser's. */
export function preferredLang(): Lang {
  // ?lang=ko wins: the Origin demo frames a page on another origin, whose storage is its own.
  const asked = new URLSearchParams(location.search).get('lang');
  if (isLang(asked)) return asked;
  try {
    const saved = localStorage.getItem(LANG_KEY);
    if (isLang(saved)) return saved;
  } catch {
    // storage blocked: fall back to the browser's language
  }
  return navigator.languages.some((l) => l.toLowerCase().startsWith('ko')) ? 'ko' : 'en';
}

export function rememberLang(lang: Lang): void {
  try {
    localStorage.setItem(LANG_KEY, lang);
  } catch {
    // not remembered; this page still changes
  }
}

/** A number as the page writes it: grouped digits, at most `decimals` decimals. */
export function formatNumber(value: number, decimals = 1): string {
  return new Intl.NumberFormat(currentLang() === 'ko' ? 'ko-KR' : 'en-US', { maximumFractionDigits: decimals }).format(value);
}

/** A clock time as the page's language writes it (오전 8:07:58 / 8:07:58 AM), not the browser's. */
export function formatTime(at: number | Date): string {
  return new Date(at).toLocaleTimeString(currentLang() === 'ko' ? 'ko-KR' : 'en-US');
}

/**
 * Static words in a page's HTML: `data-i18n="key"` replaces the element's
 * text, `data-i18n-html="key"` its markup (the catalogue is the lab's own, so
 * it may hold <code>), `data-i18n-attr="title=key aria-label=key"` attributes.
 */
export function translateStatic(root: ParentNode = document): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) el.textContent = t(el.dataset.i18n as MessageKey);
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-html]')) el.innerHTML = t(el.dataset.i18nHtml as MessageKey);
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr!.split(/\s+/).filter(Boolean)) {
      const [attr, key] = pair.split('=') as [string, string];
      el.setAttribute(attr, t(key as MessageKey));
    }
  }
}

/**
 * 한국어 | English: two buttons; choosing one remembers it and reloads the
 * page, so every widget builds itself again in the new language.
 */
export function setupLangSwitch(element: HTMLElement): void {
  element.classList.add('lang-switch');
  element.setAttribute('role', 'group');
  element.setAttribute('aria-label', t('lang.label'));
  const current = currentLang();
  element.replaceChildren(...LANGS.map((lang) => {
    const button = Object.assign(document.createElement('button'), { type: 'button', textContent: t(`lang.${lang}`), lang });
    button.dataset.lang = lang;
    button.setAttribute('aria-pressed', String(lang === current));
    button.addEventListener('click', () => {
      if (lang === currentLang()) return;
      rememberLang(lang);
      // ?lang= in the address wins over the saved choice (preferredLang): change it too, or the page comes back as it was.
      const url = new URL(location.href);
      if (url.searchParams.has('lang')) {
        url.searchParams.set('lang', lang);
        location.replace(url.href);
      } else {
        location.reload();
      }
    });
    return button;
  }));
}

const LANE_WORDS: Record<LaneId, { title: MessageKey; summary: MessageKey }> = {
  poll: { title: 'lane.poll.title', summary: 'lane.poll.summary' },
  longpoll: { title: 'lane.longpoll.title', summary: 'lane.longpoll.summary' },
  stream: { title: 'lane.stream.title', summary: 'lane.stream.summary' },
  sse: { title: 'lane.sse.title', summary: 'lane.sse.summary' },
  ws: { title: 'lane.ws.title', summary: 'lane.ws.summary' },
  socketio: { title: 'lane.socketio.title', summary: 'lane.socketio.summary' },
  sockjs: { title: 'lane.sockjs.title', summary: 'lane.sockjs.summary' },
};

/** A lane's title in the page's language (src/lanes.ts holds the English one the server and bench use). */
export function laneTitle(lane: LaneId): string {
  return t(LANE_WORDS[lane].title);
}

/** How a lane's client learns about a new message, in the page's language. */
export function laneSummary(lane: LaneId): string {
  return t(LANE_WORDS[lane].summary);
}

/**
 * The entries under `<prefix>.`, by the rest of their key, in both languages:
 * a lesson widget's words (MeasuredWidget reads `dictionary[lang]`).
 */
export function messageGroup(prefix: string): Record<Lang, Record<string, string>> {
  const out: Record<Lang, Record<string, string>> = { en: {}, ko: {} };
  for (const [key, words] of Object.entries(MESSAGES) as [string, Record<Lang, string>][]) {
    if (!key.startsWith(`${prefix}.`)) continue;
    for (const lang of LANGS) out[lang][key.slice(prefix.length + 1)] = words[lang];
  }
  return out;
}
