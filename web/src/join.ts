/**
 * The /join page, for the projector: the student address, large, and its QR
 * code (an SVG made by the lab, GET /api/join), so thirty devices can open the
 * lab without typing an IP address. When the lab listens on loopback only, the
 * page says so: no other device can reach it until it starts with HOST=0.0.0.0.
 */
import type { JoinInfo } from '../../src/security/classroom.ts';

export async function setupJoin(root: HTMLElement): Promise<void> {
  const field = (name: string) => root.querySelector<HTMLElement>(`[data-field="${name}"]`)!;
  try {
    const response = await fetch('/api/join', { cache: 'no-store' });
    if (!response.ok) throw new Error(`/api/join answered ${response.status}`);
    const join = (await response.json()) as JoinInfo;
    // The SVG comes from the lab's own QR encoder; parsed as SVG, never as HTML.
    const svg = new DOMParser().parseFromString(join.qrSvg, 'image/svg+xml').documentElement;
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', `QR code: ${join.studentUrl}`);
    root.querySelector('.join-qr')!.replaceChildren(document.importNode(svg, true));
    field('url').textContent = join.studentUrl.replace(/^http:\/\//, '').replace(/\/$/, '');
    field('url').dataset.href = join.studentUrl;
    field('more').replaceChildren(...join.urls.slice(1).map((url) => Object.assign(document.createElement('li'), { textContent: url })));
    root.dataset.reachable = String(join.reachable);
    field('note').textContent = join.reachable
      ? ''
      : 'Only this computer can reach the lab. Restart it with HOST=0.0.0.0 npm start. · 이 컴퓨터에서만 접속할 수 있습니다. HOST=0.0.0.0 npm start로 다시 시작하세요.';
    root.dataset.state = 'ready';
  } catch (err) {
    field('note').textContent = `The join address could not be read: ${(err as Error).message}`;
    root.dataset.state = 'error';
  }
}

void setupJoin(document.querySelector<HTMLElement>('main.join')!);
