/**
 * The log the Socket.IO lesson widgets write: calls the page made, events the
 * library raised, and every packet that crossed the wire (from the tapped
 * transports, web/src/lessons/widgets/socketio-tap.ts), one row each, with the
 * time since the run began. A run of feed `message` packets in the same
 * direction on the same transport is one row with a count, so a few seconds of
 * the feed do not bury the handshake.
 *
 * Rows carry `data-kind` (call | event | in | out | error) and, for packets,
 * `data-packet` (the packet's label, e.g. `open`, `ping probe`, `EVENT /feed message`).
 */
import { formatNumber } from '../i18n.ts';
import { describePacket, packetLabel, splitPayload, type PacketParts } from './socketio-packets.ts';
import type { WireTransport } from './socketio-tap.ts';

/** Packet text shown in a row; the rest is cut (the count of bytes stays whole). */
const SHOWN_CHARS = 140;

export type LogKind = 'call' | 'event' | 'in' | 'out' | 'error';

export class SocketioLog {
  private t0 = performance.now();
  private repeat: { row: HTMLTableRowElement; key: string; count: number } | undefined;
  /** Every packet seen since the last clear, in order. */
  readonly packets: (PacketParts & { dir: 'in' | 'out'; transport: WireTransport; at: number })[] = [];

  constructor(private readonly body: HTMLTableSectionElement, private readonly words: { repeated: string }) {}

  clear(): void {
    this.t0 = performance.now();
    this.body.replaceChildren();
    this.repeat = undefined;
    this.packets.length = 0;
  }

  /** A call or an event: `what` in code type, `detail` in words. */
  line(kind: Exclude<LogKind, 'in' | 'out'>, what: string, detail = ''): void {
    this.repeat = undefined;
    this.row(kind, what, detail);
  }

  /** One HTTP body or WebSocket frame: a row per packet in it (`who`: whose connection, when the log shows several). */
  wire(dir: 'in' | 'out', transport: WireTransport, text: string, who?: string): void {
    const at = performance.now() - this.t0;
    for (const part of splitPayload(text)) {
      const p = describePacket(part);
      this.packets.push({ ...p, dir, transport, at });
      const label = packetLabel(p);
      const key = `${who} ${dir} ${transport} ${label}`;
      if (p.event === 'message' && this.repeat?.key === key) {
        this.repeat.count++;
        this.repeat.row.cells[3]!.lastChild!.textContent = ` ${this.words.repeated.replace('{n}', String(this.repeat.count))}`;
        continue;
      }
      const row = this.row(dir, `${dir === 'out' ? '↑' : '↓'} ${transport}${who ? ` · ${who}` : ''}`, '');
      row.dataset.packet = label;
      const cell = row.cells[3]!;
      cell.replaceChildren(
        Object.assign(document.createElement('code'), { textContent: part.length > SHOWN_CHARS ? `${part.slice(0, SHOWN_CHARS)}…` : part }),
        Object.assign(document.createElement('span'), { className: 'probe-note', textContent: ` ${label}` }),
      );
      this.repeat = p.event === 'message' ? { row, key, count: 1 } : undefined;
    }
  }

  private row(kind: LogKind, what: string, detail: string): HTMLTableRowElement {
    const tr = this.body.insertRow();
    tr.dataset.kind = kind;
    const cells = [formatNumber(performance.now() - this.t0, 0), kind, what, detail];
    cells.forEach((text, i) => {
      const td = tr.insertCell();
      if (i === 2) td.append(Object.assign(document.createElement('code'), { textContent: text }));
      else td.textContent = text;
      if (i === 0) td.className = 'num';
    });
    return tr;
  }
}
