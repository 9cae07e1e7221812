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
 *
 * Its words follow the page's language (<html lang>, read when it builds);
 * a refusal is worded from the server's stable code (src/chat/errors.ts),
 * with the server's English beside it as the raw detail.
 */
import { DELIVERY_MODES, checkNick, checkRoom, checkText as checkTextOf, type DeliveryMode, type MemberInfo, type ServerEvent } from '../../../src/chat/protocol.ts';
import { CHAT_TRANSPORTS, chatLimits, openChatTransport, type ChatTransport, type ChatTransportId } from './chat-transport.ts';
import type { ChatInputLimits } from '../../../src/chat/limits.ts';
import { CHAT_ERRORS, ChatError, type ChatErrorCode } from '../../../src/chat/errors.ts';
import { addWidgetStyles } from './chat-style.ts';
import { rawDetail } from './refusal.ts';
import { t, type MessageKey, type Params } from '../i18n/index.ts';

/** What a delivery mode does, from the sender's side, in the page's language. */
const modeHelp = (mode: DeliveryMode) => t(`chat.mode_${mode}`);

/** A refusal in the page's language; the limit it names, when this lab's limits are known. */
function refusal(code: string, limits: ChatInputLimits | undefined): string {
  if (!Object.hasOwn(CHAT_ERRORS, code)) return t('chatErr.other');
  const key: MessageKey = `chatErr.${code as ChatErrorCode}`;
  const max: Record<string, number | undefined> = {
    LAB_ERR_CHAT_NICK_INVALID: limits?.nickMaxChars,
    LAB_ERR_CHAT_ROOM_INVALID: limits?.roomMaxChars,
    LAB_ERR_CHAT_TEXT_TOO_LONG: limits?.maxTextChars,
    LAB_ERR_CHAT_FRAME_TOO_LARGE: limits?.maxCommandBytes,
  };
  const params: Params = { max: max[code] ?? '…' };
  return t(key, params);
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children); // strings become text nodes: never parsed as HTML
  return node;
}

export class ChatClientElement extends HTMLElement {
  private transport: ChatTransport | undefined;
  private limits: ChatInputLimits | undefined;
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
      this.line('error', t('chat.unknownTransport', { id, list: CHAT_TRANSPORTS.join(', ') }));
      return undefined;
    }
    this.setState('joining', t('chat.joining', { transport: id }));
    this.transport ??= openChatTransport(id, {
      onEvent: (e) => this.onEvent(e),
      onOpen: () => {},
      onClose: (reason, detail) => this.onClosed(reason, detail),
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
      this.setState('joined', t('chat.joined', { transport: id }));
      this.line('system', t('chat.youJoined', { nick: reply.you.nick }));
    } else if (reply?.type === 'error') {
      // A refused nickname is nobody's: the column is not headed with it.
      this.heading.firstChild!.textContent = t('chat.heading');
      this.setState('idle', t('chat.notJoined'));
      this.refused(reply);
      this.joinForm.hidden = false;
    }
    return reply;
  }

  /** Send `text` with a delivery mode (and the room, for "room"). */
  async say(text: string, to: DeliveryMode, room?: string): Promise<ServerEvent | undefined> {
    if (!this.transport) return undefined;
    const reply = await this.transport.send(to === 'room' ? { type: 'say', to, text, room: room ?? '' } : { type: 'say', to, text });
    if (reply?.type === 'error') this.refused(reply);
    return reply;
  }

  async joinRoom(room: string): Promise<void> {
    const reply = await this.transport?.send({ type: 'join-room', room });
    if (reply?.type === 'joined-room') {
      this.myRooms.add(reply.room);
      this.renderRooms();
      this.line('system', t('chat.youJoinedRoom', { room: reply.room, members: reply.members.map((m) => m.nick).join(', ') }));
    } else if (reply?.type === 'error') {
      this.refused(reply);
    }
  }

  async leaveRoom(room: string): Promise<void> {
    const reply = await this.transport?.send({ type: 'leave-room', room });
    if (reply?.type === 'left-room') {
      this.myRooms.delete(room);
      this.renderRooms();
      this.line('system', t('chat.youLeftRoom', { room }));
    } else if (reply?.type === 'error') {
      this.refused(reply);
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
        const mode = el('span', { className: 'mode', title: modeHelp(event.to) }, event.room ? t('chat.tagRoom', { room: event.room }) : event.to);
        line.prepend(mode, el('span', { className: 'who' }, event.from.nick));
        break;
      }
      case 'presence':
        if (!event.room) {
          if (event.event === 'join') this.members.set(event.member.id, event.member);
          else this.members.delete(event.member.id);
          this.renderMembers();
        }
        this.line('presence', t(presenceWords(event), { nick: event.member.nick, room: event.room ?? '' }));
        break;
      case 'error':
        this.refused(event);
        break;
      case 'truncated':
        this.line('system', t('chat.truncated'));
        break;
      case 'bye':
        break;
      default:
        break;
    }
  }

  private onClosed(reason: string, detail?: string): void {
    this.transport = undefined;
    this.me = undefined;
    this.members.clear();
    this.renderMembers();
    this.sayForm.hidden = true;
    this.joinForm.hidden = false;
    this.setState('closed', reason);
    const line = this.line('system', t('chat.connectionEnded', { reason }));
    if (detail) line.append(' ', rawDetail(detail));
  }

  /** A refusal: worded from its code, the code and the server's words kept as data. */
  private refused(error: { code: string; message: string }): void {
    const line = this.line('error', refusal(error.code, this.limits));
    line.dataset.code = error.code;
    line.append(' ', rawDetail(`${error.code}: ${error.message}`));
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
    this.roomsText.textContent = rooms.length ? t('chat.rooms', { list: rooms.join(', ') }) : t('chat.roomsNone');
    this.roomSelect.replaceChildren(...rooms.map((r) => el('option', { value: r }, r)));
    this.roomSelect.hidden = this.modeSelect.value !== 'room';
  }

  private build(): void {
    this.built = true;
    addWidgetStyles();
    this.classList.add('chat-client');
    this.dataset.state = 'idle';
    const uid = Math.random().toString(36).slice(2, 8);

    this.stateText = el('span', { className: 'chat-state' }, t('chat.notJoined'));
    this.heading = el('h2', {}, this.getAttribute('nick') ?? t('chat.heading'), ' ', this.stateText);

    const nickInput = el('input', { type: 'text', name: 'nick', required: true, placeholder: t('chat.nick'), value: this.getAttribute('nick') ?? '' });
    nickInput.setAttribute('aria-label', t('chat.nick'));
    this.joinForm = el('form', { className: 'chat-join' }, nickInput, el('button', { type: 'submit', className: 'primary' }, t('chat.join')));
    this.joinForm.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.join(nickInput.value);
    });

    this.memberCount = el('span', { className: 'n' }, '0');
    this.memberList = el('ul', { className: 'chat-members' });
    const presence = el('p', { className: 'chat-presence' }, `${t('chat.presence')} (`, this.memberCount, '): ', this.memberList);

    const roomInput = el('input', { type: 'text', name: 'room', placeholder: t('chat.room') });
    roomInput.setAttribute('aria-label', t('chat.roomAria'));
    const joinRoom = el('button', { type: 'submit' }, t('chat.joinRoom'));
    const leaveRoom = el('button', { type: 'button' }, t('chat.leaveRoom'));
    const roomForm = el('form', { className: 'chat-room-form' }, roomInput, joinRoom, leaveRoom);
    roomForm.addEventListener('submit', (e) => {
      e.preventDefault();
      if (roomInput.value) void this.joinRoom(roomInput.value);
    });
    leaveRoom.addEventListener('click', () => { if (roomInput.value) void this.leaveRoom(roomInput.value); });
    this.roomsText = el('p', { className: 'chat-rooms' }, t('chat.roomsNone'));

    this.log = el('ol', { className: 'chat-log' });
    this.log.setAttribute('aria-live', 'polite');
    this.log.setAttribute('aria-label', t('chat.logAria'));

    this.modeSelect = el('select', { name: 'mode', id: `mode-${uid}` }, ...DELIVERY_MODES.map((m) => el('option', { value: m, title: modeHelp(m) }, `${m}: ${modeHelp(m)}`)));
    this.modeSelect.setAttribute('aria-label', t('chat.modeAria'));
    this.roomSelect = el('select', { name: 'room', hidden: true });
    this.roomSelect.setAttribute('aria-label', t('chat.roomSelectAria'));
    this.modeSelect.addEventListener('change', () => { this.roomSelect.hidden = this.modeSelect.value !== 'room'; });
    const textInput = el('input', { type: 'text', name: 'text', placeholder: t('chat.text'), autocomplete: 'off' });
    textInput.setAttribute('aria-label', t('chat.text'));
    const leave = el('button', { type: 'button', className: 'chat-leave' }, t('chat.leave'));
    leave.addEventListener('click', () => this.leave());
    this.sayForm = el('form', { className: 'chat-say', hidden: true }, this.modeSelect, this.roomSelect, textInput, el('button', { type: 'submit', className: 'primary' }, t('chat.send')), leave);
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
      this.limits = limits;
      if (limits) this.applyLimits(limits, { nickInput, roomInput, textInput });
    });
  }

  /**
   * The server's rules on the inputs, so a person learns them while typing, not from a refusal:
   * the same checks the server runs (protocol.ts, shared), with this lab's limits: names in
   * characters (code points, as the server counts them: "유재석" is 3), and a message by its
   * characters and by the bytes of the command that would carry it. The browser shows the
   * problem in the page's language, worded from the check's error code like a server refusal.
   */
  private applyLimits(limits: ChatInputLimits, inputs: { nickInput: HTMLInputElement; roomInput: HTMLInputElement; textInput: HTMLInputElement }): void {
    const problem = (run: () => unknown) => {
      try {
        run();
        return '';
      } catch (err) {
        return err instanceof ChatError ? refusal(err.code, limits) : (err as Error).message;
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
    nickInput.placeholder = t('chat.nickMax', { max: limits.nickMaxChars });
    check(nickInput, (value) => problem(() => checkNick(value, limits.nickMaxChars)));
    roomInput.dataset.maxChars = String(limits.roomMaxChars);
    roomInput.placeholder = t('chat.roomMax', { max: limits.roomMaxChars });
    check(roomInput, (value) => problem(() => checkRoom(value, limits.roomMaxChars)));
    textInput.dataset.maxChars = String(limits.maxTextChars);
    textInput.dataset.maxBytes = String(limits.maxCommandBytes);
    textInput.placeholder = t('chat.textMax', { max: limits.maxTextChars });
    const bytes = (text: string) => new TextEncoder().encode(JSON.stringify({ type: 'say', to: this.modeSelect.value, room: this.roomSelect.value, text })).length;
    const checkText = check(textInput, (value) => problem(() => checkTextOf(value, limits.maxTextChars)) ||
      (bytes(value) > limits.maxCommandBytes ? t('chat.commandTooBig', { bytes: bytes(value), max: limits.maxCommandBytes }) : ''));
    this.sayForm.addEventListener('change', checkText); // another mode or room changes the command's size

  }
}

/** A presence event's words: who came or went, and why they went. */
function presenceWords(event: Extract<ServerEvent, { type: 'presence' }>): MessageKey {
  if (event.room) return event.event === 'join' ? 'chat.presenceJoinedRoom' : 'chat.presenceLeftRoom';
  if (event.event === 'join') return 'chatDelivery.presenceJoin';
  return event.reason === 'lost' ? 'chat.presenceLost' : event.reason === 'timeout' ? 'chat.presenceTimeout' : 'chat.presenceLeft';
}

if (!customElements.get('chat-client')) customElements.define('chat-client', ChatClientElement);
