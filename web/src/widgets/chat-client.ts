/**
 * <chat-client nick="유재석" transport="ws"></chat-client>
 *
 * One person in the lab's chat: the presence list (who is connected), rooms,
 * the messages this member received, and a form to send with a delivery mode.
 * Usable alone in a lesson; <chat-trio> puts three side by side.
 *
 * Attributes: `nick` (joins at once when set), `transport` (ws | longpoll | sse),
 * `base` (the lab's URL, default this page's origin).
 *
 * Every text from the network goes into the page with `textContent`, never
 * as HTML: a message "<img src=x onerror=alert(1)>" shows exactly those characters.
 * Browser tests read `data-state` on the element and the `data-*` of each line.
 */
import { DELIVERY_MODES, checkNick, checkRoom, checkText as checkTextOf, type DeliveryMode, type MemberInfo, type ServerEvent } from '../../../src/chat/protocol.ts';
import { CHAT_TRANSPORTS, chatLimits, openChatTransport, type ChatTransport, type ChatTransportId } from './chat-transport.ts';
import type { ChatInputLimits } from '../../../src/chat/limits.ts';
import { addWidgetStyles } from './chat-style.ts';

const MODE_HELP: Record<DeliveryMode, string> = {
  all: 'everyone, me too (io.emit)',
  self: 'only me (socket.emit)',
  others: 'everyone but me (socket.broadcast.emit)',
  room: 'everyone in the room (io.to(room).emit)',
};

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children); // strings become text nodes: never parsed as HTML
  return node;
}

export class ChatClientElement extends HTMLElement {
  private transport: ChatTransport | undefined;
  private me: MemberInfo | undefined;
  private readonly members = new Map<string, MemberInfo>();
  private readonly myRooms = new Set<string>();
  private built = false;

  private heading!: HTMLHeadingElement;
  private stateText!: HTMLSpanElement;
  private joinForm!: HTMLFormElement;
  private memberList!: HTMLUListElement;
  private memberCount!: HTMLSpanElement;
  private roomsText!: HTMLParagraphElement;
  private log!: HTMLOListElement;
  private sayForm!: HTMLFormElement;
  private modeSelect!: HTMLSelectElement;
  private roomSelect!: HTMLSelectElement;

  /** Closing the tab: say goodbye, so the others see "left" now rather than a timeout later. */
  private readonly onPageHide = () => {
    const transport = this.transport;
    this.transport = undefined;
    this.me = undefined;
    transport?.close();
  };

  connectedCallback(): void {
    if (!this.built) this.build();
    window.addEventListener('pagehide', this.onPageHide);
    const nick = this.getAttribute('nick');
    if (nick && !this.transport) void this.join(nick);
  }

  disconnectedCallback(): void {
    window.removeEventListener('pagehide', this.onPageHide);
    this.leave();
  }

  /** Join with this nickname over the element's transport. */
  async join(nick: string): Promise<ServerEvent | undefined> {
    if (this.transport && this.me) return undefined;
    const id = (this.getAttribute('transport') ?? 'ws') as ChatTransportId;
    if (!(CHAT_TRANSPORTS as readonly string[]).includes(id)) {
      this.line('error', `unknown transport "${id}"; use ${CHAT_TRANSPORTS.join(', ')}`);
      return undefined;
    }
    this.setState('joining', `joining over ${id}…`);
    this.transport ??= openChatTransport(id, {
      onEvent: (e) => this.onEvent(e),
      onOpen: () => {},
      onClose: (reason) => this.onClosed(reason),
    }, this.getAttribute('base') ?? undefined);
    const reply = await this.transport.send({ type: 'join', nick });
    if (reply?.type === 'welcome') {
      this.me = reply.you;
      this.members.clear();
      for (const m of reply.members) this.members.set(m.id, m);
      this.heading.firstChild!.textContent = reply.you.nick;
      this.joinForm.hidden = true;
      this.sayForm.hidden = false;
      this.renderMembers();
      this.setState('joined', `joined over ${id}`);
      this.line('system', `You joined as ${reply.you.nick}.`);
    } else if (reply?.type === 'error') {
      // A refused nickname is nobody's: the column is not headed with it.
      this.heading.firstChild!.textContent = 'Chat';
      this.setState('idle', 'not joined');
      this.line('error', `${reply.code}: ${reply.message}`);
      this.joinForm.hidden = false;
    }
    return reply;
  }

  /** Send `text` with a delivery mode (and the room, for "room"). */
  async say(text: string, to: DeliveryMode, room?: string): Promise<ServerEvent | undefined> {
    if (!this.transport) return undefined;
    const reply = await this.transport.send(to === 'room' ? { type: 'say', to, text, room: room ?? '' } : { type: 'say', to, text });
    if (reply?.type === 'error') this.line('error', `${reply.code}: ${reply.message}`);
    return reply;
  }

  async joinRoom(room: string): Promise<void> {
    const reply = await this.transport?.send({ type: 'join-room', room });
    if (reply?.type === 'joined-room') {
      this.myRooms.add(reply.room);
      this.renderRooms();
      this.line('system', `You joined room ${reply.room} (${reply.members.map((m) => m.nick).join(', ')}).`);
    } else if (reply?.type === 'error') {
      this.line('error', `${reply.code}: ${reply.message}`);
    }
  }

  async leaveRoom(room: string): Promise<void> {
    const reply = await this.transport?.send({ type: 'leave-room', room });
    if (reply?.type === 'left-room') {
      this.myRooms.delete(room);
      this.renderRooms();
      this.line('system', `You left room ${room}.`);
    } else if (reply?.type === 'error') {
      this.line('error', `${reply.code}: ${reply.message}`);
    }
  }

  /** Leave the chat and close the connection. */
  leave(): void {
    const transport = this.transport;
    this.transport = undefined;
    if (transport && this.me) void transport.send({ type: 'leave' }).catch(() => {}).finally(() => transport.close());
    else transport?.close();
    this.me = undefined;
  }

  private onEvent(event: ServerEvent): void {
    switch (event.type) {
      case 'message': {
        const line = this.line('message', event.text, event.to);
        line.dataset.from = event.from.nick;
        line.dataset.id = String(event.id);
        if (event.room) line.dataset.room = event.room;
        const mode = el('span', { className: 'mode', title: MODE_HELP[event.to] }, event.room ? `room ${event.room}` : event.to);
        line.prepend(mode, el('span', { className: 'who' }, event.from.nick));
        break;
      }
      case 'presence':
        if (!event.room) {
          if (event.event === 'join') this.members.set(event.member.id, event.member);
          else this.members.delete(event.member.id);
          this.renderMembers();
        }
        this.line('presence', event.room
          ? `${event.member.nick} ${event.event === 'join' ? 'joined' : 'left'} room ${event.room}`
          : `${event.member.nick} ${event.event === 'join' ? 'joined' : event.reason === 'lost' ? 'lost the connection' : event.reason === 'timeout' ? 'timed out' : 'left'}`);
        break;
      case 'error':
        this.line('error', `${event.code}: ${event.message}`);
        break;
      case 'truncated':
        this.line('system', 'Some messages were dropped while you were away (the mailbox is full).');
        break;
      case 'bye':
        break;
      default:
        break;
    }
  }

  private onClosed(reason: string): void {
    this.transport = undefined;
    this.me = undefined;
    this.members.clear();
    this.renderMembers();
    this.sayForm.hidden = true;
    this.joinForm.hidden = false;
    this.setState('closed', reason);
    this.line('system', `Connection ${reason}.`);
  }

  private setState(state: string, text: string): void {
    this.dataset.state = state;
    this.stateText.textContent = text;
  }

  private line(kind: 'message' | 'presence' | 'error' | 'system', text: string, mode?: DeliveryMode): HTMLLIElement {
    const line = el('li', { className: 'chat-line' }, el('span', { className: 'text' }, text));
    line.dataset.kind = kind;
    if (mode) line.dataset.mode = mode;
    const atBottom = this.log.scrollTop + this.log.clientHeight >= this.log.scrollHeight - 4;
    this.log.append(line);
    while (this.log.childElementCount > 500) this.log.firstElementChild!.remove();
    if (atBottom) this.log.scrollTop = this.log.scrollHeight;
    return line;
  }

  private renderMembers(): void {
    this.memberCount.textContent = String(this.members.size);
    this.memberList.replaceChildren(...[...this.members.values()].map((m) => {
      const li = el('li', {}, m.nick);
      li.dataset.memberId = m.id;
      li.dataset.nick = m.nick;
      if (m.id === this.me?.id) li.dataset.self = 'true';
      return li;
    }));
  }

  private renderRooms(): void {
    const rooms = [...this.myRooms];
    this.roomsText.textContent = rooms.length ? `Rooms: ${rooms.join(', ')}` : 'Rooms: none';
    this.roomSelect.replaceChildren(...rooms.map((r) => el('option', { value: r }, r)));
    this.roomSelect.hidden = this.modeSelect.value !== 'room';
  }

  private build(): void {
    this.built = true;
    addWidgetStyles();
    this.classList.add('chat-client');
    this.dataset.state = 'idle';
    const uid = Math.random().toString(36).slice(2, 8);

    this.stateText = el('span', { className: 'chat-state' }, 'not joined');
    this.heading = el('h2', {}, this.getAttribute('nick') ?? 'Chat', ' ', this.stateText);

    const nickInput = el('input', { type: 'text', name: 'nick', required: true, placeholder: 'nickname', value: this.getAttribute('nick') ?? '' });
    nickInput.setAttribute('aria-label', 'nickname');
    this.joinForm = el('form', { className: 'chat-join' }, nickInput, el('button', { type: 'submit', className: 'primary' }, 'Join'));
    this.joinForm.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.join(nickInput.value);
    });

    this.memberCount = el('span', { className: 'n' }, '0');
    this.memberList = el('ul', { className: 'chat-members' });
    const presence = el('p', { className: 'chat-presence' }, 'Connected (', this.memberCount, '): ', this.memberList);

    const roomInput = el('input', { type: 'text', name: 'room', placeholder: 'room' });
    roomInput.setAttribute('aria-label', 'room name');
    const joinRoom = el('button', { type: 'submit' }, 'Join room');
    const leaveRoom = el('button', { type: 'button' }, 'Leave room');
    const roomForm = el('form', { className: 'chat-room-form' }, roomInput, joinRoom, leaveRoom);
    roomForm.addEventListener('submit', (e) => {
      e.preventDefault();
      if (roomInput.value) void this.joinRoom(roomInput.value);
    });
    leaveRoom.addEventListener('click', () => { if (roomInput.value) void this.leaveRoom(roomInput.value); });
    this.roomsText = el('p', { className: 'chat-rooms' }, 'Rooms: none');

    this.log = el('ol', { className: 'chat-log' });
    this.log.setAttribute('aria-live', 'polite');
    this.log.setAttribute('aria-label', 'messages received');

    this.modeSelect = el('select', { name: 'mode', id: `mode-${uid}` }, ...DELIVERY_MODES.map((m) => el('option', { value: m, title: MODE_HELP[m] }, `${m}: ${MODE_HELP[m]}`)));
    this.modeSelect.setAttribute('aria-label', 'send to');
    this.roomSelect = el('select', { name: 'room', hidden: true });
    this.roomSelect.setAttribute('aria-label', 'room to send to');
    this.modeSelect.addEventListener('change', () => { this.roomSelect.hidden = this.modeSelect.value !== 'room'; });
    const textInput = el('input', { type: 'text', name: 'text', placeholder: 'message', autocomplete: 'off' });
    textInput.setAttribute('aria-label', 'message');
    const leave = el('button', { type: 'button', className: 'chat-leave' }, 'Leave');
    leave.addEventListener('click', () => this.leave());
    this.sayForm = el('form', { className: 'chat-say', hidden: true }, this.modeSelect, this.roomSelect, textInput, el('button', { type: 'submit', className: 'primary' }, 'Send'), leave);
    this.sayForm.addEventListener('submit', (e) => {
      e.preventDefault();
      const text = textInput.value;
      if (!text) return;
      void this.say(text, this.modeSelect.value as DeliveryMode, this.roomSelect.value || undefined).then((reply) => {
        if (reply?.type !== 'error') textInput.value = '';
      });
    });

    this.replaceChildren(this.heading, this.joinForm, presence, roomForm, this.roomsText, this.log, this.sayForm);
    void chatLimits(this.getAttribute('base') ?? undefined).then((limits) => {
      if (limits) this.applyLimits(limits, { nickInput, roomInput, textInput });
    });
  }

  /**
   * The server's rules on the inputs, so a person learns them while typing, not from a refusal:
   * the same checks the server runs (protocol.ts, shared), with this lab's limits: names in
   * characters (code points, as the server counts them: "유재석" is 3), and a message by its
   * characters and by the bytes of the command that would carry it.
   */
  private applyLimits(limits: ChatInputLimits, inputs: { nickInput: HTMLInputElement; roomInput: HTMLInputElement; textInput: HTMLInputElement }): void {
    const problem = (run: () => unknown) => {
      try {
        run();
        return '';
      } catch (err) {
        return (err as Error).message;
      }
    };
    const check = (input: HTMLInputElement, find: (value: string) => string) => {
      const update = () => input.setCustomValidity(input.value === '' ? '' : find(input.value));
      input.addEventListener('input', update);
      update();
      return update;
    };
    const { nickInput, roomInput, textInput } = inputs;
    nickInput.dataset.maxChars = String(limits.nickMaxChars);
    nickInput.placeholder = `nickname (≤ ${limits.nickMaxChars})`;
    check(nickInput, (value) => problem(() => checkNick(value, limits.nickMaxChars)));
    roomInput.dataset.maxChars = String(limits.roomMaxChars);
    roomInput.placeholder = `room (≤ ${limits.roomMaxChars})`;
    check(roomInput, (value) => problem(() => checkRoom(value, limits.roomMaxChars)));
    textInput.dataset.maxChars = String(limits.maxTextChars);
    textInput.dataset.maxBytes = String(limits.maxCommandBytes);
    textInput.placeholder = `message (≤ ${limits.maxTextChars} characters)`;
    const bytes = (text: string) => new TextEncoder().encode(JSON.stringify({ type: 'say', to: this.modeSelect.value, room: this.roomSelect.value, text })).length;
    const checkText = check(textInput, (value) => problem(() => checkTextOf(value, limits.maxTextChars)) ||
      (bytes(value) > limits.maxCommandBytes ? `This message's command would be ${bytes(value)} bytes; the lab takes at most ${limits.maxCommandBytes}.` : ''));
    this.sayForm.addEventListener('change', checkText); // another mode or room changes the command's size

  }
}

if (!customElements.get('chat-client')) customElements.define('chat-client', ChatClientElement);
