/**
 * The chat's message envelope (docs/chat-and-stomp.md): one JSON object per
 * WebSocket text frame, per POST body, per long-poll event or SSE `data:`.
 * The same envelope on every transport, so their costs compare fairly.
 *
 * Pure: no Node imports, so the browser widgets parse with the same code.
 *
 * Delivery modes, and their Socket.IO equivalents:
 *   all     every member, the sender too      io.emit(...)
 *   self    the sender only                   socket.emit(...)
 *   others  every member but the sender       socket.broadcast.emit(...)
 *   room    every member of `room`            io.to(room).emit(...)
 */
import { ChatError } from './errors.ts';
import type { ChatLimits } from './limits.ts';
import { DEFAULTS } from '../config.ts';
import { parseJson } from '../validate/json.ts';

export const DELIVERY_MODES = ['all', 'self', 'others', 'room'] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];

/** A client reference echoed in the `ack` (like a Socket.IO acknowledgement callback). */
export type Ref = string | number;

// Client -> server
export type ClientCommand =
  | { type: 'join'; nick: string }
  | { type: 'say'; to: DeliveryMode; text: string; room?: string; ref?: Ref }
  | { type: 'join-room'; room: string; ref?: Ref }
  | { type: 'leave-room'; room: string; ref?: Ref }
  | { type: 'leave' };

export interface MemberInfo {
  id: string;
  nick: string;
}

// Server -> client
export type ServerEvent =
  | { type: 'welcome'; you: MemberInfo; members: MemberInfo[]; session?: string }
  | { type: 'presence'; event: 'join' | 'leave'; member: MemberInfo; room?: string; reason?: LeaveReason }
  | { type: 'message'; id: number; from: MemberInfo; to: DeliveryMode; room?: string; text: string; ts: number }
  | { type: 'ack'; id: number; recipients: number; ref?: Ref }
  | { type: 'joined-room'; room: string; members: MemberInfo[]; ref?: Ref }
  | { type: 'left-room'; room: string; ref?: Ref }
  | { type: 'bye' }
  /** SSE only, before the events: some were dropped from the mailbox; the oldest kept is `firstSeq`. */
  | { type: 'truncated'; firstSeq: number }
  | { type: 'error'; code: string; message: string; ref?: Ref; retryAfterMs?: number };

/** left: said goodbye (leave, or a clean close); lost: the connection dropped without a close; timeout: went silent. */
export type LeaveReason = 'left' | 'lost' | 'timeout';

const FIELDS: Record<ClientCommand['type'], { required: string[]; optional: string[] }> = {
  join: { required: ['nick'], optional: [] },
  say: { required: ['to', 'text'], optional: ['room', 'ref'] },
  'join-room': { required: ['room'], optional: ['ref'] },
  'leave-room': { required: ['room'], optional: ['ref'] },
  leave: { required: [], optional: [] },
};

/** Parse one command's text (a frame or a POST body). */
export function parseCommandText(
  text: string,
  limits: Pick<ChatLimits, 'maxCommandBytes' | 'nickMaxChars' | 'roomMaxChars' | 'maxTextChars'>,
  maxJsonDepth: number = DEFAULTS.maxJsonDepth,
): ClientCommand {
  const size = new TextEncoder().encode(text).length;
  if (size > limits.maxCommandBytes) throw new ChatError('LAB_ERR_CHAT_FRAME_TOO_LARGE', `command of ${size} bytes; the limit is ${limits.maxCommandBytes}`);
  const parsed = parseJson(text, maxJsonDepth);
  if (!parsed.ok) throw new ChatError('LAB_ERR_CHAT_NOT_JSON', parsed.reason === 'depth' ? parsed.message : undefined);
  return parseCommand(parsed.value, limits);
}

/** Check a parsed command's shape and every field; the returned command is normalised (NFC names). */
export function parseCommand(body: unknown, limits: Pick<ChatLimits, 'nickMaxChars' | 'roomMaxChars' | 'maxTextChars'>): ClientCommand {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ChatError('LAB_ERR_CHAT_NOT_JSON');
  const obj = body as Record<string, unknown>;
  const type = obj.type;
  if (typeof type !== 'string' || !Object.hasOwn(FIELDS, type)) {
    throw new ChatError('LAB_ERR_CHAT_BAD_COMMAND', `"type" must be one of ${Object.keys(FIELDS).join(', ')}`);
  }
  const spec = FIELDS[type as ClientCommand['type']];
  for (const key of Object.keys(obj)) {
    if (key !== 'type' && !spec.required.includes(key) && !spec.optional.includes(key)) {
      throw new ChatError('LAB_ERR_CHAT_BAD_COMMAND', `"${type}" has no field "${key}"`);
    }
  }
  for (const key of spec.required) {
    if (!(key in obj)) throw new ChatError('LAB_ERR_CHAT_BAD_COMMAND', `"${type}" needs "${key}"`);
  }
  const ref = obj.ref === undefined ? undefined : checkRef(obj.ref);
  const withRef = ref === undefined ? {} : { ref };
  switch (type as ClientCommand['type']) {
    case 'join':
      return { type: 'join', nick: checkNick(obj.nick, limits.nickMaxChars) };
    case 'say': {
      const to = obj.to;
      if (typeof to !== 'string' || !(DELIVERY_MODES as readonly string[]).includes(to)) throw new ChatError('LAB_ERR_CHAT_MODE_INVALID');
      const text = checkText(obj.text, limits.maxTextChars);
      if (to === 'room') {
        if (obj.room === undefined) throw new ChatError('LAB_ERR_CHAT_BAD_COMMAND', '"to": "room" needs "room"');
        return { type: 'say', to, text, room: checkRoom(obj.room, limits.roomMaxChars), ...withRef };
      }
      if (obj.room !== undefined) throw new ChatError('LAB_ERR_CHAT_BAD_COMMAND', `"room" goes with "to": "room" only, not "${to}"`);
      return { type: 'say', to: to as DeliveryMode, text, ...withRef };
    }
    case 'join-room':
    case 'leave-room':
      return { type: type as 'join-room' | 'leave-room', room: checkRoom(obj.room, limits.roomMaxChars), ...withRef };
    case 'leave':
      return { type: 'leave' };
  }
}

// Letters and marks of any script (Hangul included), digits, and a few separators.
const NICK = /^[\p{L}\p{M}\p{N}_.\- ]+$/u;
const ROOM = /^[\p{L}\p{M}\p{N}_.\-]+$/u;
// C0 controls but tab and newline, DEL, C1 controls, and bidi overrides that could disguise text.
const FORBIDDEN_IN_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

// Characters that show nothing, or change how the rest shows: controls, format
// characters (zero-width space and joiners U+200B-U+200F, word joiner U+2060,
// bidi controls, BOM U+FEFF), private use, unassigned, and every
// Default_Ignorable_Code_Point, which covers the Hangul fillers U+115F, U+1160,
// U+3164 and U+FFA0 (letters to Unicode, so NICK alone lets them through).
const INVISIBLE_IN_NICK = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const MARK = /^\p{M}/u;

/**
 * A nickname, NFKC-normalised (UTS #39 and UAX #31 identifiers use NFKC: full-width
 * `Ａｌｉｃｅ` is `Alice`, a compatibility jamo is the jamo). Refused when it holds
 * an invisible, control, format or filler character, or no letter or digit, or
 * starts with a combining mark. Look-alikes of present members are refused by
 * the hub (nickname.ts).
 */
export function checkNick(value: unknown, maxChars: number): string {
  if (typeof value !== 'string') throw new ChatError('LAB_ERR_CHAT_NICK_INVALID', 'nickname must be a string');
  const nick = value.normalize('NFKC');
  const invisible = INVISIBLE_IN_NICK.exec(nick);
  if (invisible) {
    const at = invisible[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new ChatError('LAB_ERR_CHAT_NICK_INVISIBLE', `nickname holds U+${at}, an invisible, control, format or filler character`);
  }
  const length = [...nick].length;
  if (length < 1 || length > maxChars) throw new ChatError('LAB_ERR_CHAT_NICK_INVALID', `nickname must be 1 to ${maxChars} characters, got ${length}`);
  if (!NICK.test(nick) || nick.trim() !== nick || nick.includes('  ')) throw new ChatError('LAB_ERR_CHAT_NICK_INVALID');
  if (!LETTER_OR_DIGIT.test(nick) || MARK.test(nick)) {
    throw new ChatError('LAB_ERR_CHAT_NICK_INVALID', 'nickname needs a letter or digit, and may not start with a combining mark');
  }
  return nick;
}

export function checkRoom(value: unknown, maxChars: number): string {
  if (typeof value !== 'string') throw new ChatError('LAB_ERR_CHAT_ROOM_INVALID', 'room must be a string');
  const room = value.normalize('NFC');
  const length = [...room].length;
  if (length < 1 || length > maxChars) throw new ChatError('LAB_ERR_CHAT_ROOM_INVALID', `room name must be 1 to ${maxChars} characters, got ${length}`);
  if (!ROOM.test(room)) throw new ChatError('LAB_ERR_CHAT_ROOM_INVALID');
  return room;
}

export function checkText(value: unknown, maxChars: number): string {
  if (typeof value !== 'string' || value.trim() === '' || FORBIDDEN_IN_TEXT.test(value)) throw new ChatError('LAB_ERR_CHAT_TEXT_INVALID');
  const length = [...value].length;
  if (length > maxChars) throw new ChatError('LAB_ERR_CHAT_TEXT_TOO_LONG', `text of ${length} characters; the limit is ${maxChars}`);
  return value;
}

function checkRef(value: unknown): Ref {
  if ((typeof value === 'string' && value.length <= 64) || (Number.isSafeInteger(value) && (value as number) >= 0)) return value as Ref;
  throw new ChatError('LAB_ERR_CHAT_BAD_COMMAND', '"ref" must be a string of up to 64 characters or a non-negative integer');
}

/** Two nicknames clash when they differ only in case or Unicode normal form (look-alikes: nickname.ts). */
export function nickKey(nick: string): string {
  return nick.normalize('NFKC').toLowerCase();
}
