/**
 * One chat client, whatever carries it: commands in, the direct reply out.
 * Events for this member (messages, presence) go to its `deliver` function;
 * the reply to a command (welcome, ack, joined-room, error) is returned to the
 * transport, which sends it as a frame (WebSocket) or as the POST's response.
 */
import { ChatError } from './errors.ts';
import { ChatHub, type Deliver, type Member } from './hub.ts';
import { parseCommand, parseCommandText, type ClientCommand, type LeaveReason, type Ref, type ServerEvent } from './protocol.ts';
import { TokenBucket } from './rate.ts';
import type { ChatLimits } from './limits.ts';
import { DEFAULTS } from '../config.ts';
import { parseJson } from '../validate/json.ts';

export interface ConnectionOptions {
  /** Reply to every `say` with an ack (HTTP must answer each POST); otherwise only when it has a `ref`. */
  ackEverySay: boolean;
  /** The lab's maxJsonDepth (src/config.ts) for commands this connection parses itself. */
  maxJsonDepth?: number;
}

export class ChatConnection {
  member: Member | undefined;
  private readonly bucket: TokenBucket;

  constructor(
    private readonly hub: ChatHub,
    private readonly limits: ChatLimits,
    private readonly deliver: Deliver,
    private readonly options: ConnectionOptions,
    clock: () => number = Date.now,
  ) {
    this.bucket = new TokenBucket(limits.rateBurst, limits.ratePerSecond, clock);
  }

  /** A WebSocket text frame. Never throws: a bad command gets an error event and the connection stays. */
  handleText(text: string): ServerEvent | undefined {
    let command: ClientCommand | undefined;
    try {
      this.limitRate();
      command = parseCommandText(text, this.limits, this.options.maxJsonDepth);
      return this.run(command);
    } catch (err) {
      if (!(err instanceof ChatError)) throw err;
      const ref = command && 'ref' in command ? command.ref : refOf(text, this.limits.maxCommandBytes, this.options.maxJsonDepth);
      return {
        type: 'error', code: err.code, message: err.message,
        ...(ref !== undefined && { ref }),
        ...(err.retryAfterMs !== undefined && { retryAfterMs: err.retryAfterMs }),
      };
    }
  }

  /** A binary WebSocket frame: refused, but it still counts against the rate limit (no free flood). */
  handleBinary(): ServerEvent {
    let err = new ChatError('LAB_ERR_CHAT_BINARY');
    try {
      this.limitRate();
    } catch (limited) {
      if (!(limited instanceof ChatError)) throw limited;
      err = limited;
    }
    return { type: 'error', code: err.code, message: err.message, ...(err.retryAfterMs !== undefined && { retryAfterMs: err.retryAfterMs }) };
  }

  /** A parsed HTTP body. Throws ChatError, which the HTTP binding turns into a status and JSON. */
  handle(body: unknown): ServerEvent | undefined {
    this.limitRate();
    return this.run(parseCommand(body, this.limits));
  }

  /** The transport is gone. */
  close(reason: LeaveReason): void {
    if (this.member) this.hub.leave(this.member, reason);
    this.member = undefined;
  }

  private limitRate(): void {
    const waitMs = this.bucket.take();
    if (waitMs > 0) throw new ChatError('LAB_ERR_CHAT_RATE_LIMITED', `rate limit of ${this.limits.rateBurst} commands, then ${this.limits.ratePerSecond} per second; retry in ${waitMs} ms`, waitMs);
  }

  private run(command: ClientCommand): ServerEvent | undefined {
    if (command.type === 'join') {
      if (this.member) throw new ChatError('LAB_ERR_CHAT_ALREADY_JOINED', `you joined as "${this.member.nick}"`);
      const { member, welcome } = this.hub.join(command.nick, this.deliver);
      this.member = member;
      return welcome;
    }
    const member = this.member;
    if (!member) throw new ChatError('LAB_ERR_CHAT_NOT_JOINED');
    const ref = 'ref' in command && command.ref !== undefined ? { ref: command.ref } : {};
    switch (command.type) {
      case 'say': {
        const { id, recipients } = this.hub.say(member, command);
        return this.options.ackEverySay || command.ref !== undefined ? { type: 'ack', id, recipients, ...ref } : undefined;
      }
      case 'join-room':
        return { type: 'joined-room', room: command.room, members: this.hub.joinRoom(member, command.room), ...ref };
      case 'leave-room':
        this.hub.leaveRoom(member, command.room);
        return { type: 'left-room', room: command.room, ...ref };
      case 'leave':
        this.close('left');
        return { type: 'bye' };
    }
  }
}

/** The `ref` of a command that was refused before it was parsed (rate limit, bad field), so the client can match the error. */
function refOf(text: string, maxBytes: number, maxJsonDepth: number = DEFAULTS.maxJsonDepth): Ref | undefined {
  if (text.length > maxBytes) return undefined;
  const parsed = parseJson(text, maxJsonDepth);
  if (!parsed.ok) return undefined; // not JSON: no ref to echo
  const ref = (parsed.value as { ref?: unknown } | null)?.ref;
  if ((typeof ref === 'string' && ref.length <= 64) || (Number.isSafeInteger(ref) && (ref as number) >= 0)) return ref as Ref;
  return undefined;
}
