/**
 * <stomp-frames></stomp-frames>
 *
 * STOMP over WebSocket, frame by frame. A real client (@stomp/stompjs) talks to
 * the lab's /stomp endpoint; every WebSocket message it sends or receives is
 * shown twice, side by side:
 *
 *   - the WebSocket frame that carries it (RFC 6455 §5.2): FIN + opcode byte,
 *     MASK + length byte(s), and for client frames the 4-byte masking key;
 *   - the STOMP frame inside, as text, with each LF shown as ↵ and the
 *     terminating NUL byte as a boxed NUL.
 *
 * What page JavaScript can know: the payload, byte for byte. The frame header
 * follows from it (text opcode, no compression: the lab does not negotiate
 * permessage-deflate), except the masking key, which the browser picks at
 * random for each client frame and never shows to the page: it appears as ??.
 *
 * Attributes: `base` (the lab's URL, default this page's origin), `subscribe`
 * (a destination to subscribe to on connect, e.g. /topic/feed).
 *
 * Its words follow the page's language (<html lang>). An ERROR frame or a
 * close is worded from the server's stable code (src/stomp/errors.ts) and the
 * close code; the server's own text stays beside it as the raw detail.
 */
import { Client, type StompSubscription } from '@stomp/stompjs';
import { encodeFrameHeader, toHex } from '../../../src/framing/ws-frame.ts';
import type { StatsSnapshot } from '../../../src/api/stats.ts';
import { addWidgetStyles } from './chat-style.ts';
import { showHttp1Notice, webSocketsHere } from '../h2/websocket-notice.ts';
import { formatNumber, t, type MessageKey } from '../i18n/index.ts';
import { STOMP_ERRORS, type StompErrorCode } from '../../../src/stomp/errors.ts';
import { closeWords, codeOf, rawDetail } from './refusal.ts';

const MAX_ROWS = 200;
const encoder = new TextEncoder();

/** The WebSocket frame header for a text message of `payloadBytes`; `??` for a mask the page cannot see. */
export function describeCarrier(dir: 'in' | 'out', payloadBytes: number, binary: boolean): { hex: string; text: string } {
  const opcode = binary ? 0x2 : 0x1;
  const header = encodeFrameHeader({ opcode, payloadLength: payloadBytes, ...(dir === 'out' && { maskingKey: new Uint8Array(4) }) });
  const known = dir === 'out' ? header.subarray(0, header.length - 4) : header;
  const hex = toHex(known) + (dir === 'out' ? ' ?? ?? ?? ??' : '');
  const text = t('stomp.carrier', {
    kind: t(binary ? 'stomp.kindBinary' : 'stomp.kindText'),
    mask: t(dir === 'out' ? 'stomp.masked' : 'stomp.unmasked'),
    payload: payloadBytes,
    header: header.length,
  });
  return { hex, text };
}

/** The frame as text, with line ends and the NUL made visible. */
export function visibleFrame(text: string, into: HTMLElement): void {
  const parts = text.split(/(\r?\n|\0)/);
  for (const part of parts) {
    if (part === '\n' || part === '\r\n') {
      into.append(Object.assign(document.createElement('span'), { className: 'eol', textContent: part === '\n' ? '↵' : '␍↵', title: part === '\n' ? 'LF (0x0a)' : 'CR LF' }), '\n');
    } else if (part === '\0') {
      // Drawn as a word, not U+2400: many fonts have no glyph for the control pictures.
      into.append(Object.assign(document.createElement('span'), { className: 'nul', textContent: 'NUL', title: t('stomp.nulTitle') }));
    } else if (part) {
      into.append(part);
    }
  }
}

export class StompFramesElement extends HTMLElement {
  private client: Client | undefined;
  private readonly subscriptions = new Map<string, StompSubscription>();
  private live: WebSocket | undefined;
  private count = 0;
  private rows!: HTMLTableSectionElement;
  private status!: HTMLSpanElement;

  connectedCallback(): void {
    if (this.childElementCount > 0) return;
    addWidgetStyles();
    this.classList.add('stomp-frames');
    this.build();
    void showHttp1Notice(this, t('h2Notice.stomp'));
    this.watchCost();
  }

  disconnectedCallback(): void {
    void this.client?.deactivate();
    this.live?.close();
  }

  connect(): void {
    if (this.client?.active) return;
    if (!webSocketsHere()) return this.setStatus('closed', t('h2Notice.refused'));
    const url = this.labUrl('/stomp', true);
    this.setStatus('connecting', t('stomp.connecting', { url }));
    const client = (this.client = new Client({
      // Offer v12.stomp only: the lab's endpoint speaks STOMP 1.2 and refuses other sub-protocols.
      webSocketFactory: () => this.capture(new WebSocket(url, ['v12.stomp'])),
      reconnectDelay: 0,
      heartbeatIncoming: 10_000,
      heartbeatOutgoing: 10_000,
      debug: () => {},
    }));
    client.onConnect = (frame) => {
      this.setStatus('connected', t('stomp.connected', {
        version: frame.headers.version ?? '', session: frame.headers.session ?? '', heartBeat: frame.headers['heart-beat'] ?? '',
      }));
      const first = this.getAttribute('subscribe');
      if (first) this.subscribe(first);
    };
    // The ERROR frame's `message` header is "LAB_ERR_...: text" (STOMP 1.2 "ERROR"); the close that follows repeats it.
    client.onStompError = (frame) => this.setStatus('closed', t('stomp.errorFrame', { words: refusal(frame.headers.message) }), frame.headers.message);
    client.onWebSocketClose = (e: CloseEvent) => {
      this.subscriptions.clear();
      const words = codeOf(e.reason) ? refusal(e.reason) : closeWords(e.code);
      this.setStatus('closed', t('stomp.closed', { code: e.code, words }), e.code === 1000 ? undefined : e.reason);
    };
    client.activate();
  }

  disconnect(): void {
    void this.client?.deactivate();
  }

  subscribe(destination: string): void {
    if (!this.client?.connected) return;
    const sub = this.client.subscribe(destination, () => {}, { receipt: `sub-${destination}` });
    this.subscriptions.set(destination, sub);
  }

  unsubscribe(destination: string): void {
    this.subscriptions.get(destination)?.unsubscribe();
    this.subscriptions.delete(destination);
  }

  send(destination: string, body: string, receipt: boolean): void {
    if (!this.client?.connected) return;
    this.client.publish({ destination, body, headers: receipt ? { receipt: `r${this.count + 1}` } : {} });
  }

  /** See every message the real socket moves, in both directions, before stompjs does. */
  private capture(ws: WebSocket): WebSocket {
    ws.binaryType = 'arraybuffer';
    ws.addEventListener('message', (e: MessageEvent<string | ArrayBuffer>) => this.row('in', e.data));
    const send = ws.send.bind(ws);
    ws.send = (data: string | ArrayBufferLike | Blob | ArrayBufferView) => {
      if (typeof data === 'string' || data instanceof ArrayBuffer || ArrayBuffer.isView(data)) this.row('out', data as string | ArrayBuffer | ArrayBufferView);
      send(data);
    };
    return ws;
  }

  private row(dir: 'in' | 'out', data: string | ArrayBuffer | ArrayBufferView): void {
    const binary = typeof data !== 'string';
    const bytes = typeof data === 'string' ? encoder.encode(data)
      : data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const text = new TextDecoder().decode(bytes);
    const heartBeat = text === '\n' || text === '\r\n';
    const command = heartBeat ? 'heart-beat' : text.slice(0, text.search(/\r?\n|$/));
    const carrier = describeCarrier(dir, bytes.length, binary);

    const tr = document.createElement('tr');
    tr.dataset.dir = dir;
    tr.dataset.command = command;
    tr.dataset.payloadBytes = String(bytes.length);
    tr.dataset.header = carrier.hex;
    const cell = (className: string, ...content: (Node | string)[]) => {
      const td = document.createElement('td');
      td.className = className;
      td.append(...content);
      return td;
    };
    const pre = document.createElement('pre');
    visibleFrame(text, pre);
    tr.append(
      cell('n', String(++this.count)),
      cell('dir', t(dir === 'out' ? 'stomp.dirOut' : 'stomp.dirIn')),
      cell('ws', Object.assign(document.createElement('div'), { className: 'hex', textContent: carrier.hex }),
        Object.assign(document.createElement('div'), { className: 'unknown', textContent: carrier.text })),
      cell('stomp', Object.assign(document.createElement('strong'), { textContent: command }), pre),
    );
    const scroll = this.querySelector('.stomp-scroll');
    const atBottom = !scroll || scroll.scrollTop + scroll.clientHeight >= scroll.scrollHeight - 4;
    this.rows.append(tr);
    while (this.rows.childElementCount > MAX_ROWS) this.rows.firstElementChild!.remove();
    if (scroll && atBottom) scroll.scrollTop = scroll.scrollHeight; // follow the newest frame unless the reader scrolled up
  }

  /** The connection's state in words; `detail`, the server's own text, beside them as data. */
  private setStatus(state: string, text: string, detail?: string): void {
    this.status.dataset.state = state;
    this.status.replaceChildren(text);
    if (detail) this.status.append(' ', rawDetail(detail));
    this.dataset.state = state;
  }

  private labUrl(path: string, ws = false): string {
    const url = new URL(path, this.getAttribute('base') ?? location.href);
    if (ws) url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return url.toString();
  }

  private watchCost(): void {
    const out = Object.assign(document.createElement('p'), { className: 'stomp-cost', textContent: t('stomp.costWaiting') });
    out.setAttribute('role', 'status');
    this.insertBefore(out, this.querySelector('.stomp-scroll'));
    if (!webSocketsHere()) {
      out.textContent = t('stomp.costRefused', { why: t('h2Notice.refused') });
      return;
    }
    const ws = (this.live = new WebSocket(this.labUrl('/api/live', true)));
    ws.onmessage = (e: MessageEvent<string>) => {
      const stomp = (JSON.parse(e.data) as StatsSnapshot).other.stomp;
      const text = t('stomp.cost', { in: formatNumber(stomp.bytesIn, 0), out: formatNumber(stomp.bytesOut, 0), open: stomp.open });
      if (out.textContent !== text) out.textContent = text;
    };
  }

  private build(): void {
    const input = (name: string, value: string, label: string) => {
      const i = Object.assign(document.createElement('input'), { type: 'text', name, value });
      i.setAttribute('aria-label', label);
      return i;
    };
    // data-action names each button in every language (tests and scripts use it).
    const button = (action: string, text: string, onClick: () => void, type: 'button' | 'submit' = 'button') => {
      const b = Object.assign(document.createElement('button'), { type, textContent: text });
      b.dataset.action = action;
      if (type === 'button') b.addEventListener('click', onClick);
      return b;
    };
    const form = (className: string, onSubmit: () => void, ...children: Node[]) => {
      const f = Object.assign(document.createElement('form'), { className });
      f.append(...children);
      f.addEventListener('submit', (e) => { e.preventDefault(); onSubmit(); });
      return f;
    };

    this.status = Object.assign(document.createElement('span'), { className: 'stomp-status', textContent: t('stomp.notConnected') });
    this.status.setAttribute('role', 'status');
    const connection = Object.assign(document.createElement('p'), { className: 'stomp-connection' });
    connection.append(button('connect', t('stomp.connect'), () => this.connect()), ' ', button('disconnect', t('stomp.disconnect'), () => this.disconnect()), ' ',
      button('clear', t('stomp.clear'), () => this.rows.replaceChildren()), ' ', this.status);

    const subDest = input('subscribe', '/topic/feed', t('stomp.subscribeAria'));
    const subscribe = form('stomp-subscribe', () => this.subscribe(subDest.value), subDest,
      button('subscribe', t('stomp.subscribe'), () => {}, 'submit'), button('unsubscribe', t('stomp.unsubscribe'), () => this.unsubscribe(subDest.value)));

    const sendDest = input('destination', '/topic/chat', t('stomp.sendAria'));
    const body = input('body', t('stomp.defaultBody'), t('stomp.bodyAria'));
    const receipt = Object.assign(document.createElement('input'), { type: 'checkbox', name: 'receipt', checked: true });
    const receiptLabel = document.createElement('label');
    receiptLabel.append(receipt, ` ${t('stomp.receipt')}`);
    const send = form('stomp-send', () => this.send(sendDest.value, body.value, receipt.checked), sendDest, body, receiptLabel, button('send', t('chat.send'), () => {}, 'submit'));

    const table = Object.assign(document.createElement('table'), { className: 'stomp-log' });
    table.createCaption().textContent = t('stomp.caption');
    const head = table.createTHead().insertRow();
    for (const h of ['#', t('stompSession.dir'), t('stomp.colHeader'), t('stomp.colFrame')]) {
      head.append(Object.assign(document.createElement('th'), { scope: 'col', textContent: h }));
    }
    this.rows = table.createTBody();
    const scroll = Object.assign(document.createElement('div'), { className: 'stomp-scroll' });
    scroll.append(table);
    this.append(connection, subscribe, send, scroll);
  }
}

/** A STOMP refusal ("LAB_ERR_STOMP_...: text") in the page's language, from its code. */
function refusal(serverText: string | undefined): string {
  const code = codeOf(serverText);
  if (code && Object.hasOwn(STOMP_ERRORS, code)) {
    const key: MessageKey = `stompErr.${code as StompErrorCode}`;
    return t(key);
  }
  return t('chatErr.other');
}

if (!customElements.get('stomp-frames')) customElements.define('stomp-frames', StompFramesElement);
