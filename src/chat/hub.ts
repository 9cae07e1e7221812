/**
 * The chat's state: who is connected (the presence list of the seed notes'
 * "접속명단"), which rooms they are in, and who receives what. Transports are
 * not known here: each member has a `deliver` function, and the hub serialises
 * every event once and hands the same JSON string to every recipient.
 */
import { ChatError } from './errors.ts';
import { nickKey, type ClientCommand, type LeaveReason, type MemberInfo, type ServerEvent } from './protocol.ts';
import type { ChatLimits } from './limits.ts';
import { confusableKeys } from './nickname.ts';

export type Deliver = (json: string, event: ServerEvent) => void;

export interface Member extends MemberInfo {
  readonly rooms: Set<string>;
  readonly deliver: Deliver;
}

type Say = Extract<ClientCommand, { type: 'say' }>;

export class ChatHub {
  private readonly members = new Map<string, Member>();
  private readonly byNick = new Map<string, Member>();
  /** Every present member under its UTS #39 skeletons, so a look-alike nickname is refused. */
  private readonly bySkeleton = new Map<string, Member>();
  private readonly rooms = new Map<string, Set<Member>>();
  private nextMember = 1;
  private nextMessage = 1;

  constructor(private readonly limits: ChatLimits, private readonly clock: () => number = Date.now) {}

  get size(): number {
    return this.members.size;
  }

  list(): MemberInfo[] {
    return [...this.members.values()].map(info);
  }

  /** Add a member; everyone else sees a presence "join". Returns the welcome for the newcomer. */
  join(nick: string, deliver: Deliver): { member: Member; welcome: Extract<ServerEvent, { type: 'welcome' }> } {
    const key = nickKey(nick);
    if (this.byNick.has(key)) throw new ChatError('LAB_ERR_CHAT_NICK_TAKEN', `"${nick}" is already in the chat`);
    const skeletons = confusableKeys(nick);
    const lookalike = skeletons.map((k) => this.bySkeleton.get(k)).find((m) => m !== undefined);
    if (lookalike) throw new ChatError('LAB_ERR_CHAT_NICK_CONFUSABLE', `"${nick}" looks like "${lookalike.nick}", who is in the chat`);
    if (this.members.size >= this.limits.maxMembers) throw new ChatError('LAB_ERR_CHAT_FULL', `the chat holds ${this.limits.maxMembers} members (maxMembers)`);
    const member: Member = { id: `m${this.nextMember++}`, nick, rooms: new Set(), deliver };
    this.broadcast([...this.members.values()], { type: 'presence', event: 'join', member: info(member) });
    this.members.set(member.id, member);
    this.byNick.set(key, member);
    for (const k of skeletons) this.bySkeleton.set(k, member);
    return { member, welcome: { type: 'welcome', you: info(member), members: this.list() } };
  }

  /** Remove a member (idempotent); everyone left sees a presence "leave". */
  leave(member: Member, reason: LeaveReason): void {
    if (this.members.get(member.id) !== member) return;
    // Leaving the chat leaves every room; the one presence "leave" below says it for all of them.
    for (const room of [...member.rooms]) this.removeFromRoom(member, room, false);
    this.members.delete(member.id);
    this.byNick.delete(nickKey(member.nick));
    for (const k of confusableKeys(member.nick)) if (this.bySkeleton.get(k) === member) this.bySkeleton.delete(k);
    this.broadcast([...this.members.values()], { type: 'presence', event: 'leave', member: info(member), reason });
  }

  /** Deliver a message by its mode; returns its id and how many members it reached. */
  say(from: Member, command: Say): { id: number; recipients: number } {
    let to: Member[];
    switch (command.to) {
      case 'all':
        to = [...this.members.values()];
        break;
      case 'self':
        to = [from];
        break;
      case 'others':
        to = [...this.members.values()].filter((m) => m !== from);
        break;
      case 'room': {
        const room = command.room!;
        if (!from.rooms.has(room)) throw new ChatError('LAB_ERR_CHAT_NOT_IN_ROOM', `join room "${room}" before sending to it`);
        to = [...this.rooms.get(room)!];
        break;
      }
    }
    const id = this.nextMessage++;
    this.broadcast(to, {
      type: 'message', id, from: info(from), to: command.to,
      ...(command.to === 'room' && { room: command.room! }),
      text: command.text, ts: this.clock(),
    });
    return { id, recipients: to.length };
  }

  /** Join a room; its other members see a presence "join" with `room`. Returns the room's member list. */
  joinRoom(member: Member, room: string): MemberInfo[] {
    let set = this.rooms.get(room);
    if (!member.rooms.has(room)) {
      if (member.rooms.size >= this.limits.maxRoomsPerMember) {
        throw new ChatError('LAB_ERR_CHAT_TOO_MANY_ROOMS', `you are in ${member.rooms.size} rooms already (maxRoomsPerMember)`);
      }
      if (!set && this.rooms.size >= this.limits.maxRooms) throw new ChatError('LAB_ERR_CHAT_TOO_MANY_ROOMS', `${this.rooms.size} rooms exist already (maxRooms)`);
      if (!set) this.rooms.set(room, (set = new Set()));
      this.broadcast([...set], { type: 'presence', event: 'join', member: info(member), room });
      set.add(member);
      member.rooms.add(room);
    }
    return [...set!].map(info);
  }

  leaveRoom(member: Member, room: string): void {
    if (!member.rooms.has(room)) throw new ChatError('LAB_ERR_CHAT_NOT_IN_ROOM', `you are not in room "${room}"`);
    this.removeFromRoom(member, room, true);
  }

  private removeFromRoom(member: Member, room: string, announce: boolean): void {
    const set = this.rooms.get(room);
    member.rooms.delete(room);
    if (!set) return;
    set.delete(member);
    if (set.size === 0) this.rooms.delete(room);
    else if (announce) this.broadcast([...set], { type: 'presence', event: 'leave', member: info(member), room, reason: 'left' });
  }

  /**
   * Told when a member's `deliver` throws (a bug in its transport). That member is
   * dropped ("lost") once the current command is done; the sender and every other
   * recipient are served as if nothing happened (issue 10).
   */
  onDeliverFault: (err: unknown, member: MemberInfo) => void = (err) => console.error(err);

  private broadcast(to: readonly Member[], event: ServerEvent): void {
    if (to.length === 0) return;
    const json = JSON.stringify(event);
    for (const member of to) {
      try {
        member.deliver(json, event);
      } catch (err) {
        this.onDeliverFault(err, info(member));
        queueMicrotask(() => this.leave(member, 'lost'));
      }
    }
  }
}

function info(member: MemberInfo): MemberInfo {
  return { id: member.id, nick: member.nick };
}
