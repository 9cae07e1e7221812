/**
 * <chat-delivery id="modes" nicks="유재석,강호동,신동엽"></chat-delivery>
 *
 * The seed notes' chat, as an experiment: three people join the lab's chat
 * over three real WebSockets (GET /chat/ws), one after the other, and the
 * widget counts who received what.
 *
 *   1. The first joins, then the second, then the third: presence events.
 *   2. The first and the third join room `snl`; the second does not.
 *   3. The first sends one message in each delivery mode: self, others, room,
 *      then all (src/chat/hub.ts; Socket.IO's socket.emit, socket.broadcast.emit,
 *      io.to(room).emit, io.emit). Each socket delivers in order, so once all
 *      three have the last message ("all"), every earlier one has arrived.
 *   4. The third leaves; the others see presence "leave". Then all leave.
 *
 * Measures: allReceived, selfReceived, othersReceived, roomReceived (how many
 * of the three got each message), allRecipients (the server's ack: every
 * member of the lab's chat it reached, classmates included), presenceJoins
 * (join events the first person saw), welcomeMembers (the member list the
 * third person's welcome carried), leaveSeenBy.
 *
 * If a nickname is taken in the lab's chat (a classmate, the /chat.html page),
 * the widget adds "-2", "-3", … for this run.
 */
import type { DeliveryMode, MemberInfo, ServerEvent } from '../../../../src/chat/protocol.ts';
import type { LessonLang } from '../../../../src/lessons/parts.ts';
import { openChatTransport, type ChatTransport } from '../../widgets/chat-transport.ts';
import type { Measurement } from '../measurable.ts';
import { formatNumber } from '../i18n.ts';
import { controls, MeasuredWidget } from './measured-widget.ts';
import { addProbeStyles, setColumnHeads } from './probe-style.ts';
import { Waiter } from './waiter.ts';
import { messageGroup } from '../../i18n/index.ts';

const DEFAULT_NICKS = ['유재석', '강호동', '신동엽'];
const ROOM = 'snl';
/** The order the first person sends in: "all" last, so its arrival everywhere closes the count. */
const ORDER: readonly DeliveryMode[] = ['self', 'others', 'room', 'all'];
const SOCKET_IO: Record<DeliveryMode, string> = {
  all: 'io.emit()', self: 'socket.emit()', others: 'socket.broadcast.emit()', room: `io.to('${ROOM}').emit()`,
};
const MAX_SUFFIX = 9;
const STEP_TIMEOUT_MS = 5_000;


interface Person {
  nick: string;
  me: MemberInfo | undefined;
  chat: ChatTransport | undefined;
  events: ServerEvent[];
  log: HTMLOListElement;
  title: HTMLElement;
}

export class ChatDeliveryElement extends MeasuredWidget {
  protected readonly dictionary = messageGroup('chatDelivery');
  private people!: HTMLElement;
  private grid!: HTMLTableElement;
  private note!: HTMLElement;
  private waiter!: Waiter;

  get nicks(): string[] {
    const list = (this.getAttribute('nicks') ?? DEFAULT_NICKS.join(',')).split(',').map((n) => n.trim()).filter(Boolean);
    return list.length >= 3 ? list.slice(0, 3) : DEFAULT_NICKS;
  }

  protected build(): void {
    addProbeStyles();
    this.frame('chat-delivery', undefined, `
      <p class="widget-head"><span class="swatch" aria-hidden="true"></span><strong></strong> <code>/chat/ws</code></p>
      ${controls()}
      <table class="probe-table delivery-grid" hidden><thead><tr></tr></thead><tbody></tbody></table>
      <p class="probe-note" hidden></p>
      <div class="delivery-people"></div>`);
    this.querySelector('strong')!.textContent = this.nicks.join(' · ');
    this.button.textContent = this.words.run!;
    this.grid = this.querySelector('table')!;
    this.note = this.querySelector('.probe-note')!;
    this.people = this.querySelector('.delivery-people')!;
    this.waiter = new Waiter(STEP_TIMEOUT_MS, this.words.timeout!);
  }

  disconnectedCallback(): void {
    this.leaveAll?.();
  }

  private leaveAll: (() => void) | undefined;

  protected async experiment(): Promise<Measurement> {
    const w = this.words;
    const nicks = this.nicks;
    this.showStatus(w.running!);
    this.note.hidden = true;
    this.grid.hidden = true;
    const people: Person[] = nicks.map((nick) => {
      const title = Object.assign(document.createElement('h4'), { textContent: nick });
      const log = document.createElement('ol');
      return { nick, me: undefined, chat: undefined, events: [], log, title };
    });
    this.people.replaceChildren(...people.map((p) => {
      const box = document.createElement('section');
      box.className = 'delivery-person';
      box.append(p.title, p.log);
      return box;
    }));
    this.leaveAll = () => {
      for (const p of people) p.chat?.close();
    };
    try {
      if (new Set(nicks).size < 3) throw new Error(w.tooFew);
      // 1. One after the other: each newcomer gets the list, those already in get a presence "join".
      let welcomeMembers = 0;
      for (const p of people) welcomeMembers = await this.join(p);
      const [first, second, third] = people as [Person, Person, Person];
      // 2. Rooms: the first and the third.
      for (const p of [first, third]) {
        const reply = await p.chat!.send({ type: 'join-room', room: ROOM });
        if (reply?.type !== 'joined-room') throw new Error(errorOf(reply));
        this.show(p, 'system', w.roomJoined!.replace('{room}', ROOM));
      }
      // 3. One message per mode, from the first person; the ack says how many members it reached.
      const sent = new Map<DeliveryMode, { id: number; recipients: number }>();
      for (const mode of ORDER) {
        const text = w[`text_${mode}`]!;
        const reply = await first.chat!.send(mode === 'room' ? { type: 'say', to: mode, text, room: ROOM } : { type: 'say', to: mode, text });
        if (reply?.type !== 'ack') throw new Error(errorOf(reply));
        sent.set(mode, { id: reply.id, recipients: reply.recipients });
      }
      const lastId = sent.get('all')!.id;
      await this.waiter.until('"all"', () => people.every((p) => p.events.some((e) => e.type === 'message' && e.id === lastId)));
      const got = (p: Person, mode: DeliveryMode) => p.events.some((e) => e.type === 'message' && e.id === sent.get(mode)!.id);
      const received = (mode: DeliveryMode) => people.filter((p) => got(p, mode)).length;
      const ours = new Set(people.map((p) => p.me!.id));
      const presenceJoins = first.events.filter((e) => e.type === 'presence' && e.event === 'join' && !e.room && ours.has(e.member.id)).length;

      // 4. The third leaves with a goodbye: the others see presence "leave", reason "left".
      const thirdId = third.me!.id;
      const leftSeen = (p: Person) => p.events.some((e) => e.type === 'presence' && e.event === 'leave' && !e.room && e.member.id === thirdId);
      await third.chat!.send({ type: 'leave' });
      await this.waiter.until('presence "leave"', () => leftSeen(first) && leftSeen(second));
      const leaveSeenBy = [first, second].filter(leftSeen).length;
      for (const p of [first, second]) await p.chat!.send({ type: 'leave' });

      const measurement: Measurement = {
        allReceived: received('all'),
        selfReceived: received('self'),
        othersReceived: received('others'),
        roomReceived: received('room'),
        allRecipients: sent.get('all')!.recipients,
        presenceJoins,
        welcomeMembers,
        leaveSeenBy,
      };
      this.renderGrid(people, sent, got);
      const renamed = people.filter((p) => p.me!.nick !== p.nick);
      const outsiders = measurement.allRecipients! - 3;
      const notes = [
        ...(renamed.length ? [w.renamed!.replace('{list}', people.map((p) => p.me!.nick).join(', '))] : []),
        ...(outsiders > 0 ? [w.outsiders!.replace('{n}', String(measurement.allRecipients)).replace('{m}', String(outsiders))] : []),
      ];
      this.note.textContent = notes.join(' ');
      this.note.hidden = notes.length === 0;
      return measurement;
    } finally {
      this.leaveAll();
      this.leaveAll = undefined;
    }
  }

  /** Join as `p.nick`, or with a suffix if that name is taken; returns the size of the member list in the welcome. */
  private async join(p: Person): Promise<number> {
    const w = this.words;
    p.chat = openChatTransport('ws', {
      onEvent: (event) => {
        p.events.push(event);
        if (event.type === 'message') this.show(p, 'message', event.text, event.to);
        if (event.type === 'presence' && !event.room) {
          this.show(p, 'presence', (event.event === 'join' ? w.presenceJoin! : w.presenceLeave!)
            .replace('{nick}', event.member.nick).replace('{reason}', event.reason ?? ''));
        }
        this.waiter.wake();
      },
      onOpen: () => {},
      onClose: () => this.waiter.wake(),
    });
    for (let n = 1; n <= MAX_SUFFIX; n++) {
      const nick = n === 1 ? p.nick : `${p.nick}-${n}`;
      const reply = await p.chat.send({ type: 'join', nick });
      if (reply?.type === 'welcome') {
        p.me = reply.you;
        p.title.textContent = reply.you.nick;
        this.show(p, 'system', w.joined!.replace('{list}', reply.members.map((m) => m.nick).join(', ')));
        return reply.members.length;
      }
      // Taken, or a look-alike of a present name: try the next suffix.
      if (!(reply?.type === 'error' && (reply.code === 'LAB_ERR_CHAT_NICK_TAKEN' || reply.code === 'LAB_ERR_CHAT_NICK_CONFUSABLE'))) throw new Error(errorOf(reply));
    }
    throw new Error(`LAB_ERR_CHAT_NICK_TAKEN: ${p.nick}`);
  }

  private show(p: Person, kind: 'message' | 'presence' | 'system', text: string, mode?: DeliveryMode): void {
    const li = document.createElement('li');
    li.dataset.kind = kind;
    if (mode) {
      li.dataset.mode = mode;
      li.append(Object.assign(document.createElement('span'), { className: 'mode', textContent: mode }), ' ');
    }
    li.append(text); // text from the network goes in as text, never as HTML
    p.log.append(li);
  }

  private renderGrid(people: Person[], sent: Map<DeliveryMode, { id: number; recipients: number }>, got: (p: Person, mode: DeliveryMode) => boolean): void {
    const w = this.words;
    setColumnHeads(this.grid, [w.mode!, w.socketIo!, ...people.map((p) => p.me!.nick), w.recipients!]);
    const body = this.grid.tBodies[0]!;
    body.replaceChildren();
    for (const mode of ORDER) {
      const tr = body.insertRow();
      tr.dataset.mode = mode;
      tr.insertCell().append(Object.assign(document.createElement('code'), { textContent: mode }));
      tr.insertCell().append(Object.assign(document.createElement('code'), { textContent: SOCKET_IO[mode] }));
      for (const p of people) {
        const td = tr.insertCell();
        const yes = got(p, mode);
        td.className = yes ? 'got' : 'missed';
        td.textContent = yes ? '✓' : '–';
      }
      const td = tr.insertCell();
      td.className = 'num';
      td.textContent = formatNumber(sent.get(mode)!.recipients, 0);
    }
    this.grid.hidden = false;
  }
}

function errorOf(reply: ServerEvent | undefined): string {
  return reply?.type === 'error' ? `${reply.code}: ${reply.message}` : `unexpected reply ${JSON.stringify(reply)}`;
}

if (!customElements.get('chat-delivery')) customElements.define('chat-delivery', ChatDeliveryElement);
