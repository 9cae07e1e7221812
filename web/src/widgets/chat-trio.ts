/**
 * <chat-trio nicks="유재석,강호동,신동엽" transport="ws"></chat-trio>
 *
 * The seed notes' chat on one screen: three people, three real connections to
 * the lab, side by side, so a class sees who receives what under each delivery
 * mode. Above them, the chat's traffic as the lab's wire meter counts it
 * (pushed by /api/live; the `chat` traffic name).
 *
 * The page's query string may override the attributes: ?nicks=A,B,C&transport=sse
 */
import { DELIVERY_MODES } from '../../../src/chat/protocol.ts';
import type { StatsSnapshot } from '../../../src/api/stats.ts';
import { addWidgetStyles } from './chat-style.ts';
import './chat-client.ts';
import { showHttp1Notice, webSocketsHere } from '../h2/websocket-notice.ts';
import { formatNumber, t } from '../i18n/index.ts';

/** Over https, how often the chat's byte count is asked for (GET /api/stats). */
const COST_POLL_MS = 1_000;

const DEFAULT_NICKS = ['유재석', '강호동', '신동엽'];

/** Each mode's Socket.IO call (code, the same in every language); who receives it is `chat.who_<mode>`. */
const SOCKET_IO_CALL: Record<(typeof DELIVERY_MODES)[number], string> = {
  all: 'io.emit()',
  self: 'socket.emit()',
  others: 'socket.broadcast.emit()',
  room: 'io.to(room).emit()',
};

export class ChatTrioElement extends HTMLElement {
  private live: WebSocket | undefined;
  private stopped = false;

  connectedCallback(): void {
    if (this.childElementCount > 0) return;
    addWidgetStyles();
    this.classList.add('chat-trio');
    const query = new URLSearchParams(location.search);
    const nicks = (query.get('nicks') ?? this.getAttribute('nicks') ?? DEFAULT_NICKS.join(','))
      .split(',').map((n) => n.trim()).filter(Boolean);
    const asked = query.get('transport') ?? this.getAttribute('transport') ?? 'ws';
    // Over https (HTTP/2 only, no RFC 8441) there is no WebSocket: the same chat over SSE and POSTs.
    const transport = asked === 'ws' && !webSocketsHere() ? 'sse' : asked;
    // Over HTTP/1.1 each long-polling or SSE person holds one of the browser's six
    // connections to the lab; past four, their POSTs would queue behind them and the
    // page would seem to hang (the lab's dashboard teaches that on purpose, not here).
    nicks.splice(transport === 'ws' ? 6 : 4);
    const base = this.getAttribute('base');

    const legend = document.createElement('table');
    legend.className = 'chat-legend';
    legend.createCaption().textContent = t('chat.legendCaption');
    const head = legend.createTHead().insertRow();
    for (const h of [t('chat.legendTo'), 'Socket.IO', t('chat.legendWho')]) head.append(Object.assign(document.createElement('th'), { textContent: h, scope: 'col' }));
    const body = legend.createTBody();
    const code = (text: string) => Object.assign(document.createElement('code'), { textContent: text });
    for (const mode of DELIVERY_MODES) {
      const row = body.insertRow();
      const th = Object.assign(document.createElement('th'), { scope: 'row' });
      th.append(code(mode));
      const call = document.createElement('td');
      call.append(code(SOCKET_IO_CALL[mode]));
      row.append(th, call, Object.assign(document.createElement('td'), { textContent: t(`chat.who_${mode}`) }));
    }

    const cost = document.createElement('p');
    cost.className = 'chat-cost';
    cost.setAttribute('role', 'status');
    cost.dataset.field = 'chat-cost';
    cost.textContent = t('chat.costWaiting');

    const people = document.createElement('div');
    people.className = 'chat-people';
    for (const nick of nicks) {
      const client = document.createElement('chat-client');
      client.setAttribute('nick', nick);
      client.setAttribute('transport', transport);
      if (base) client.setAttribute('base', base);
      people.append(client);
    }
    this.append(legend, cost, people);
    void showHttp1Notice(this, t('h2Notice.chat'));
    this.watchCost(cost, base ?? undefined);
  }

  disconnectedCallback(): void {
    this.stopped = true;
    this.live?.close();
  }

  /** The lab's own count of the chat's bytes (every chat route and socket, both directions). */
  private watchCost(out: HTMLElement, base: string | undefined): void {
    const show = (snapshot: StatsSnapshot) => {
      // Over https the chat's bytes are HTTP/2 frames, counted apart (`h2.other.chat`).
      const chat = webSocketsHere() ? snapshot.other.chat : snapshot.h2.other.chat;
      const text = t('chat.cost', {
        in: formatNumber(chat.bytesIn, 0), out: formatNumber(chat.bytesOut, 0), requests: formatNumber(chat.requests, 0), open: chat.open,
      });
      if (out.textContent !== text) out.textContent = text;
      out.dataset.bytes = String(chat.bytesIn + chat.bytesOut);
    };
    if (!webSocketsHere()) return this.pollCost(show, base);
    const url = new URL('/api/live', base ?? location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = (this.live = new WebSocket(url));
    ws.onmessage = (e: MessageEvent<string>) => show(JSON.parse(e.data) as StatsSnapshot);
    ws.onclose = () => {
      if (!this.stopped) out.textContent = t('chat.costUnreachable');
    };
  }

  /** Without a WebSocket: ask GET /api/stats once a second (a stream of the page's HTTP/2 connection). */
  private pollCost(show: (snapshot: StatsSnapshot) => void, base: string | undefined): void {
    const ask = async () => {
      if (this.stopped) return;
      try {
        const response = await fetch(new URL('/api/stats', base ?? location.href));
        if (response.ok) show((await response.json()) as StatsSnapshot);
      } catch {
        // the lab is away for a moment: ask again
      }
      if (!this.stopped) setTimeout(() => void ask(), COST_POLL_MS);
    };
    void ask();
  }
}

if (!customElements.get('chat-trio')) customElements.define('chat-trio', ChatTrioElement);
