/**
 * <socketio-emit id="emit" nicks="유재석,강호동,신동엽"></socketio-emit>
 *
 * The three ways a Socket.IO server emits, on the real library: three
 * socket.io-client connections from this page to the lab's /lesson namespace
 * (src/transports/socketio-lesson.ts). The first sends `say` three times,
 * with `to` = self, others, all; the server answers each with
 *
 *   self    socket.emit('said', …)             the sender only
 *   others  socket.broadcast.emit('said', …)   everyone in /lesson but the sender
 *   all     io.emit('said', …)  (of /lesson)   everyone in /lesson, the sender too
 *
 * and with an acknowledgement that says how many clients it reached (the
 * whole class's /lesson clients count, not only these three). The widget
 * counts which of its own three received each, and shows the packets the
 * sender wrote and the second person read, as they crossed the wire.
 *
 * How it knows every copy has arrived: after the three, the sender says
 * `all` once more; packets on one connection keep their order, so a person
 * who has that last one has everything sent to them before it.
 *
 * Measures: selfReceived, othersReceived, allReceived (of the three),
 * senderGotOthers (1 or 0), selfReached, othersReached, allReached (the acks).
 */
import { io, type Socket } from 'socket.io-client';
import { labUrl } from '../../inspectors/ui.ts';
import type { Measurement } from '../measurable.ts';
import { controls, MeasuredWidget } from './measured-widget.ts';
import { addProbeStyles, setColumnHeads } from './probe-style.ts';
import { SocketioLog } from './socketio-log.ts';
import { tappedTransports } from './socketio-tap.ts';
import { Waiter } from './waiter.ts';
import { messageGroup, t } from '../../i18n/index.ts';

const STEP_TIMEOUT_MS = 8_000;
const TARGETS = ['self', 'others', 'all'] as const;
type Target = (typeof TARGETS)[number];
const CALLS: Record<Target, string> = {
  self: 'socket.emit()',
  others: 'socket.broadcast.emit()',
  all: 'io.emit()',
};
const DEFAULT_NICKS = ['A', 'B', 'C'];

/** The widget's words, from the message catalogue (its `socketioEmit.*` keys). */
const WORDS = messageGroup('socketioEmit');

interface Said { from: string; to: Target; text: string }

export class SocketioEmitElement extends MeasuredWidget {
  protected readonly dictionary = WORDS;
  private grid!: HTMLTableElement;
  private log!: SocketioLog;

  private get nicks(): string[] {
    const list = (this.getAttribute('nicks') ?? '').split(',').map((n) => n.trim()).filter(Boolean);
    return list.length === 3 ? list : DEFAULT_NICKS;
  }

  protected build(): void {
    addProbeStyles();
    const w = this.words;
    const [a, b, c] = this.nicks;
    this.frame('socketio-emit', 'var(--lane-socketio)', `
      <p class="widget-head"><span class="swatch" aria-hidden="true"></span><strong>socket.emit · socket.broadcast.emit · io.emit</strong> <code>/lesson</code></p>
      ${controls()}
      <table class="probe-table delivery-grid"><thead><tr></tr></thead><tbody></tbody></table>
      <details class="probe-details"><summary></summary>
        <table class="probe-table life-log sio-log"><thead><tr></tr></thead><tbody></tbody></table>
      </details>`);
    this.button.textContent = w.run!;
    this.grid = this.querySelector('.delivery-grid')!;
    setColumnHeads(this.grid, [w.to!, w.server!, `${a} ${w.sender}`, b!, c!, w.reached!]);
    for (const target of TARGETS) {
      const row = this.grid.tBodies[0]!.insertRow();
      row.dataset.to = target;
      [target, CALLS[target], '', '', '', ''].forEach((text, i) => {
        const td = row.insertCell();
        if (i < 2) td.append(Object.assign(document.createElement('code'), { textContent: text }));
      });
    }
    this.querySelector('details summary')!.textContent = w.log!;
    const logTable = this.querySelector<HTMLTableElement>('.sio-log')!;
    setColumnHeads(logTable, [w.time!, w.kind!, w.what!, w.detail!]);
    this.log = new SocketioLog(logTable.tBodies[0]!, { repeated: w.repeated! });
  }

  protected async experiment(): Promise<Measurement> {
    const w = this.words;
    this.showStatus(w.running!);
    this.log.clear();
    for (const row of this.grid.tBodies[0]!.rows) for (let i = 2; i < 6; i++) row.cells[i]!.textContent = '';
    const waiter = new Waiter(STEP_TIMEOUT_MS, w.timeout!);
    const tag = Math.random().toString(36).slice(2, 10);
    const received: Set<Target>[] = [new Set(), new Set(), new Set()];
    const ended = [false, false, false];
    const sockets: Socket[] = [];
    let failure: Error | undefined;
    const until = (what: string, test: () => boolean) => waiter.until(what, () => {
      if (failure) throw failure;
      return test();
    });
    try {
      this.nicks.forEach((nick, i) => {
        const s = io(labUrl(location.href, '/lesson'), {
          forceNew: true, reconnection: false,
          // The first two people's packets are shown: what the sender wrote and read, what another read.
          ...(i < 2 && { transports: tappedTransports((dir, transport, text) => { if (i === 0 || dir === 'in') this.log.wire(dir, transport, text, nick); }) }),
        });
        if (i < 2) this.log.line('call', `io('/lesson')`, nick);
        s.on('said', (e: Said) => {
          if (!e.text.startsWith(tag)) return; // a classmate's run, or their io.emit
          if (e.text === `${tag} end`) ended[i] = true;
          else received[i]!.add(e.to);
          waiter.wake();
        });
        s.on('connect', waiter.wake);
        s.on('connect_error', (err) => { failure = err; waiter.wake(); });
        sockets.push(s);
      });
      await until('connect', () => sockets.every((s) => s.connected));
      const sender = sockets[0]!;
      const reached: Partial<Record<Target, number>> = {};
      for (const to of TARGETS) {
        this.log.line('call', `emit('say', {to: '${to}'}, ack)`, CALLS[to]);
        const answer = (await sender.timeout(STEP_TIMEOUT_MS).emitWithAck('say', { to, text: `${tag} ${to}` })) as { reached?: number; error?: string; message?: string };
        if (answer.error) throw new Error(`${answer.error}: ${answer.message}`);
        reached[to] = answer.reached ?? 0;
        this.grid.querySelector<HTMLTableRowElement>(`tr[data-to="${to}"]`)!.cells[5]!.textContent = String(reached[to]);
      }
      await sender.timeout(STEP_TIMEOUT_MS).emitWithAck('say', { to: 'all', text: `${tag} end` });
      await until(t('wait.everyCopy'), () => ended.every(Boolean));
      for (const to of TARGETS) {
        const row = this.grid.querySelector<HTMLTableRowElement>(`tr[data-to="${to}"]`)!;
        received.forEach((got, i) => {
          const cell = row.cells[2 + i]!;
          cell.textContent = got.has(to) ? '●' : '·';
          cell.className = got.has(to) ? 'got' : 'missed';
        });
      }
      const count = (to: Target) => received.filter((got) => got.has(to)).length;
      return {
        selfReceived: count('self'),
        othersReceived: count('others'),
        allReceived: count('all'),
        senderGotOthers: received[0]!.has('others') ? 1 : 0,
        selfReached: reached.self ?? 0,
        othersReached: reached.others ?? 0,
        allReached: reached.all ?? 0,
      };
    } finally {
      for (const s of sockets) s.disconnect();
    }
  }
}

if (!customElements.get('socketio-emit')) customElements.define('socketio-emit', SocketioEmitElement);
