/**
 * The /join page, for the projector: the student address, large, and its QR
 * code (an SVG made by the lab, GET /api/join), so thirty devices can open the
 * lab without typing an IP address. When the lab listens on loopback only, the
 * page says so: no other device can reach it until it starts with HOST=0.0.0.0.
 *
 * Its words follow the page's language (page-lang.ts); the teacher switches it
 * with the small 한국어 | English switch at the foot of the page.
 */
import './i18n/page-lang.ts'; // first: the page's language before anything is built
import type { JoinInfo } from '../../src/security/classroom.ts';
import { setupLangSwitch, t } from './i18n/index.ts';

export async function setupJoin(root: HTMLElement): Promise<void> {
  const field = (name: string) => root.querySelector<HTMLElement>(`[data-field="${name}"]`)!;
  setupLangSwitch(field('lang'));
  try {
    const response = await fetch('/api/join', { cache: 'no-store' });
    if (!response.ok) throw new Error(`/api/join answered ${response.status}`);
    const join = (await response.json()) as JoinInfo;
    // The SVG comes from the lab's own QR encoder; parsed as SVG, never as HTML.
    const svg = new DOMParser().parseFromString(join.qrSvg, 'image/svg+xml').documentElement;
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', t('join.qr', { url: join.studentUrl }));
    root.querySelector('.join-qr')!.replaceChildren(document.importNode(svg, true));
    field('url').textContent = join.studentUrl.replace(/^http:\/\//, '').replace(/\/$/, '');
    field('url').dataset.href = join.studentUrl;
    field('more').replaceChildren(...join.urls.slice(1).map((url) => Object.assign(document.createElement('li'), { textContent: url })));
    root.dataset.reachable = String(join.reachable);
    // The catalogue's own markup: the command in <code>, the same in every language.
    field('note').innerHTML = join.reachable ? '' : t('join.loopback');
    root.dataset.state = 'ready';
  } catch (err) {
    const detail = Object.assign(document.createElement('code'), { lang: 'en', textContent: (err as Error).message });
    field('note').replaceChildren(`${t('join.failed')} `, detail);
    root.dataset.state = 'error';
  }
}

void setupJoin(document.querySelector<HTMLElement>('main.join')!);
