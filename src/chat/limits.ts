/**
 * Every cap of the chat, with a name. Override through the plugin's options
 * (`app.register(chatPlugin, { limits: {...} })`); bad values are refused at
 * registration.
 */
import { LabConfigError } from '../config.ts';

export const CHAT_LIMITS = {
  /** Nickname length, in Unicode code points ("유재석" is 3). */
  nickMaxChars: 20,
  /** Room name length, in code points. */
  roomMaxChars: 32,
  /** Message text length, in code points. */
  maxTextChars: 500,
  /** Largest command, in bytes (one WebSocket frame or one POST body). */
  maxCommandBytes: 4 * 1024,
  /** Members in the chat at once, over every transport. */
  maxMembers: 100,
  /** Rooms one member may be in. */
  maxRoomsPerMember: 8,
  /** Rooms that exist at once (a room exists while it has members). */
  maxRooms: 100,
  /** Rate limit (token bucket): commands a connection may send in a burst... */
  rateBurst: 10,
  /** ...and how many tokens come back per second. */
  ratePerSecond: 2,
  /** HTTP members: events kept per mailbox for long polling / SSE to catch up. */
  mailboxCapacity: 256,
  /** HTTP members with no poll or stream open for this long leave (reason "timeout"). */
  sessionIdleMs: 60_000,
  /** Long poll: how long a request is held when the client gives no `wait`. */
  longpollWaitMs: 25_000,
  /** Long poll: the largest `wait` a client may ask for. */
  maxLongpollWaitMs: 50_000,
  /** A WebSocket member whose send buffer holds more than this is not reading: it is dropped (reason "lost"). */
  maxBufferedBytes: 1024 * 1024,
  /** WebSocket ping interval; a member that missed the previous pong is dropped (reason "timeout"). */
  pingMs: 30_000,
} as const;

export type ChatLimits = { -readonly [K in keyof typeof CHAT_LIMITS]: number };

/** What GET /chat/limits tells a client: the caps on what a person types. */
export type ChatInputLimits = Pick<ChatLimits, 'nickMaxChars' | 'roomMaxChars' | 'maxTextChars' | 'maxCommandBytes'>;

export function resolveChatLimits(partial: Partial<ChatLimits> = {}, maxWsMessageBytes = Infinity): ChatLimits {
  for (const key of Object.keys(partial)) {
    if (!(key in CHAT_LIMITS)) throw new LabConfigError(`unknown chat limit "${key}"`);
  }
  const out = { ...CHAT_LIMITS, ...partial } as ChatLimits;
  for (const [key, value] of Object.entries(out)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new LabConfigError(`chat limit "${key}" must be a finite number > 0, got ${String(value)}`);
    }
  }
  for (const key of ['nickMaxChars', 'roomMaxChars', 'maxTextChars', 'maxCommandBytes', 'maxMembers', 'maxRoomsPerMember', 'maxRooms', 'rateBurst', 'mailboxCapacity', 'maxBufferedBytes'] as const) {
    if (!Number.isInteger(out[key])) throw new LabConfigError(`chat limit "${key}" must be an integer`);
  }
  if (out.maxCommandBytes > maxWsMessageBytes) {
    throw new LabConfigError(`chat maxCommandBytes ${out.maxCommandBytes} exceeds the lab's maxWsMessageBytes ${maxWsMessageBytes}`);
  }
  if (out.longpollWaitMs > out.maxLongpollWaitMs) {
    throw new LabConfigError(`chat longpollWaitMs ${out.longpollWaitMs} exceeds maxLongpollWaitMs ${out.maxLongpollWaitMs}`);
  }
  if (out.sessionIdleMs <= out.maxLongpollWaitMs) {
    // A member waiting in a long poll must never look idle.
    throw new LabConfigError(`chat sessionIdleMs ${out.sessionIdleMs} must exceed maxLongpollWaitMs ${out.maxLongpollWaitMs}`);
  }
  return out;
}
