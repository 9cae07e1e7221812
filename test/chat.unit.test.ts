/**
 * The chat's parts without sockets: the envelope parser, the hub's routing by
 * delivery mode, the rate limiter, the HTTP mailbox, and the limits check.
 */
import { describe, expect, it } from 'vitest';
import { parseCommandText, checkNick, nickKey } from '../src/chat/protocol.ts';
import { ChatHub } from '../src/chat/hub.ts';
import { ChatConnection } from '../src/chat/connection.ts';
import { ChatError } from '../src/chat/errors.ts';
import { CHAT_LIMITS, resolveChatLimits } from '../src/chat/limits.ts';
import { TokenBucket } from '../src/chat/rate.ts';
import { Mailbox } from '../src/chat/mailbox.ts';
import type { ServerEvent } from '../src/chat/protocol.ts';

const limits = resolveChatLimits();

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof ChatError) return err.code;
    throw err;
  }
  return undefined;
}

describe('parseCommandText', () => {
  it('reads each command of the envelope', () => {
    expect(parseCommandText('{"type":"join","nick":"유재석"}', limits)).toEqual({ type: 'join', nick: '유재석' });
    expect(parseCommandText('{"type":"say","to":"others","text":"안녕하세요","ref":7}', limits))
      .toEqual({ type: 'say', to: 'others', text: '안녕하세요', ref: 7 });
    expect(parseCommandText('{"type":"say","to":"room","room":"snl","text":"hi"}', limits))
      .toEqual({ type: 'say', to: 'room', room: 'snl', text: 'hi' });
    expect(parseCommandText('{"type":"join-room","room":"snl"}', limits)).toEqual({ type: 'join-room', room: 'snl' });
    expect(parseCommandText('{"type":"leave"}', limits)).toEqual({ type: 'leave' });
  });

  it('refuses what is not one JSON object, unknown types and extra fields', () => {
    expect(codeOf(() => parseCommandText('hello', limits))).toBe('LAB_ERR_CHAT_NOT_JSON');
    expect(codeOf(() => parseCommandText('[1]', limits))).toBe('LAB_ERR_CHAT_NOT_JSON');
    expect(codeOf(() => parseCommandText('{"type":"toString"}', limits))).toBe('LAB_ERR_CHAT_BAD_COMMAND');
    expect(codeOf(() => parseCommandText('{"type":"join","nick":"a","admin":true}', limits))).toBe('LAB_ERR_CHAT_BAD_COMMAND');
    expect(codeOf(() => parseCommandText('{"type":"say","to":"all"}', limits))).toBe('LAB_ERR_CHAT_BAD_COMMAND');
    expect(codeOf(() => parseCommandText('{"type":"say","to":"room","text":"x"}', limits))).toBe('LAB_ERR_CHAT_BAD_COMMAND');
    expect(codeOf(() => parseCommandText('{"type":"say","to":"all","text":"x","ref":{}}', limits))).toBe('LAB_ERR_CHAT_BAD_COMMAND');
  });

  it('measures the command in UTF-8 bytes, nicknames and text in characters', () => {
    const small = { ...limits, maxCommandBytes: 40, nickMaxChars: 3, maxTextChars: 3 };
    expect(parseCommandText('{"type":"join","nick":"유재석"}', small)).toMatchObject({ nick: '유재석' }); // 9 bytes, 3 characters
    expect(codeOf(() => parseCommandText('{"type":"join","nick":"유재석님"}', small))).toBe('LAB_ERR_CHAT_NICK_INVALID');
    expect(codeOf(() => parseCommandText(`{"type":"say","to":"all","text":"${'가'.repeat(4)}"}`, small))).toBe('LAB_ERR_CHAT_FRAME_TOO_LARGE');
    expect(codeOf(() => parseCommandText('{"type":"say","to":"all","text":"abcd"}', small))).toBe('LAB_ERR_CHAT_TEXT_TOO_LONG');
  });

  it('keeps markup in text as it is (rendering is the client\'s job, always as text)', () => {
    expect(parseCommandText('{"type":"say","to":"all","text":"<img src=x onerror=alert(1)>"}', limits))
      .toMatchObject({ text: '<img src=x onerror=alert(1)>' });
  });

  it('refuses control characters and bidi overrides in text, but not newlines or tabs', () => {
    expect(codeOf(() => parseCommandText('{"type":"say","to":"all","text":"a\\u0000b"}', limits))).toBe('LAB_ERR_CHAT_TEXT_INVALID');
    expect(codeOf(() => parseCommandText('{"type":"say","to":"all","text":"abc\\u202edcba"}', limits))).toBe('LAB_ERR_CHAT_TEXT_INVALID');
    expect(parseCommandText('{"type":"say","to":"all","text":"line 1\\n\\tline 2"}', limits)).toMatchObject({ text: 'line 1\n\tline 2' });
  });
});

describe('nicknames', () => {
  it('accepts letters of any script, digits, inner spaces and _ . -', () => {
    for (const nick of ['유재석', 'Kang Ho-dong', 'shin_dy.2', 'Ёжик']) expect(checkNick(nick, 20)).toBe(nick);
  });

  it('refuses markup, edge spaces, double spaces and emptiness', () => {
    for (const nick of ['<b>', ' a', 'a ', 'a  b', '', 'a/b']) {
      expect(codeOf(() => checkNick(nick, 20)), JSON.stringify(nick)).toBe('LAB_ERR_CHAT_NICK_INVALID');
    }
    // Invisible characters have their own code (test/nickname.unit.test.ts).
    expect(codeOf(() => checkNick('a\u200bb', 20))).toBe('LAB_ERR_CHAT_NICK_INVISIBLE');
  });

  it('treats case and Unicode normal form as the same name', () => {
    expect(nickKey('Alice')).toBe(nickKey('alice'));
    expect(nickKey('\u1100\u1161')).toBe(nickKey('가')); // decomposed jamo vs the precomposed syllable
  });
});

describe('ChatHub', () => {
  const hub = () => new ChatHub(limits, () => 1000);
  const join = (h: ChatHub, nick: string) => {
    const inbox: ServerEvent[] = [];
    const { member } = h.join(nick, (_json, event) => inbox.push(event));
    return { member, inbox };
  };
  const texts = (inbox: ServerEvent[]) => inbox.filter((e) => e.type === 'message').map((e) => (e as { text: string }).text);

  it('routes all / self / others / room to exactly the right members', () => {
    const h = hub();
    const yoo = join(h, '유재석');
    const kang = join(h, '강호동');
    const shin = join(h, '신동엽');
    h.joinRoom(kang.member, 'snl');
    h.joinRoom(shin.member, 'snl');
    expect(h.say(yoo.member, { type: 'say', to: 'all', text: 'A' })).toMatchObject({ recipients: 3 });
    expect(h.say(yoo.member, { type: 'say', to: 'self', text: 'S' })).toMatchObject({ recipients: 1 });
    expect(h.say(yoo.member, { type: 'say', to: 'others', text: 'O' })).toMatchObject({ recipients: 2 });
    expect(h.say(shin.member, { type: 'say', to: 'room', room: 'snl', text: 'R' })).toMatchObject({ recipients: 2 });
    expect(texts(yoo.inbox)).toEqual(['A', 'S']);
    expect(texts(kang.inbox)).toEqual(['A', 'O', 'R']);
    expect(texts(shin.inbox)).toEqual(['A', 'O', 'R']);
  });

  it('serialises an event once and gives every recipient the same string', () => {
    const h = hub();
    const seen: string[] = [];
    h.join('a', (json) => seen.push(json));
    const b = h.join('b', (json) => seen.push(json)).member;
    seen.length = 0;
    h.say(b, { type: 'say', to: 'all', text: 'same' });
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(seen[1]);
    expect(JSON.parse(seen[0]!)).toEqual({ type: 'message', id: 1, from: { id: b.id, nick: 'b' }, to: 'all', text: 'same', ts: 1000 });
  });

  it('announces joins to the others and leaves to those left, once, with the reason', () => {
    const h = hub();
    const a = join(h, 'a');
    const b = join(h, 'b');
    h.joinRoom(a.member, 'r');
    h.joinRoom(b.member, 'r');
    a.inbox.length = 0;
    h.leave(b.member, 'lost');
    h.leave(b.member, 'lost'); // idempotent
    expect(a.inbox).toEqual([{ type: 'presence', event: 'leave', member: { id: b.member.id, nick: 'b' }, reason: 'lost' }]);
    expect(h.list().map((m) => m.nick)).toEqual(['a']);
  });

  it('refuses a taken nickname, a full chat, and too many rooms', () => {
    const h = new ChatHub({ ...limits, maxMembers: 2, maxRoomsPerMember: 1 });
    const a = join(h, 'Alice');
    expect(codeOf(() => join(h, 'ALICE'))).toBe('LAB_ERR_CHAT_NICK_TAKEN');
    join(h, 'Bob');
    expect(codeOf(() => join(h, 'Carol'))).toBe('LAB_ERR_CHAT_FULL');
    h.joinRoom(a.member, 'one');
    expect(codeOf(() => h.joinRoom(a.member, 'two'))).toBe('LAB_ERR_CHAT_TOO_MANY_ROOMS');
    expect(codeOf(() => h.leaveRoom(a.member, 'two'))).toBe('LAB_ERR_CHAT_NOT_IN_ROOM');
  });
});

describe('ChatConnection', () => {
  it('answers a bad command with an error event that echoes the ref, even when the rate limit refused it', () => {
    let now = 0;
    const conn = new ChatConnection(new ChatHub(limits), { ...limits, rateBurst: 2, ratePerSecond: 1 }, () => {}, { ackEverySay: false }, () => now);
    expect(conn.handleText('{"type":"join","nick":"a"}')).toMatchObject({ type: 'welcome' });
    expect(conn.handleText('{"type":"say","to":"nowhere","text":"x","ref":"r1"}')).toMatchObject({ type: 'error', code: 'LAB_ERR_CHAT_MODE_INVALID', ref: 'r1' });
    expect(conn.handleText('{"type":"say","to":"all","text":"x","ref":"r2"}')).toMatchObject({ type: 'error', code: 'LAB_ERR_CHAT_RATE_LIMITED', ref: 'r2', retryAfterMs: 1000 });
    now = 1000;
    expect(conn.handleText('{"type":"say","to":"all","text":"x","ref":"r3"}')).toMatchObject({ type: 'ack', ref: 'r3', recipients: 1 });
  });
});

describe('TokenBucket', () => {
  it('allows a burst, then one per 1/rate seconds', () => {
    let now = 0;
    const bucket = new TokenBucket(3, 2, () => now);
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([0, 0, 0]);
    expect(bucket.take()).toBe(500);
    now = 499;
    expect(bucket.take()).toBe(2); // 0.998 tokens: 2 ms short
    now = 500;
    expect(bucket.take()).toBe(0);
    now = 100_000;
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([0, 0, 0, 500]); // never above the burst
  });
});

describe('Mailbox', () => {
  it('numbers events from 1 and reads after a given number', () => {
    const box = new Mailbox(4);
    ['a', 'b', 'c'].forEach((e) => box.push(`"${e}"`));
    expect(box.readSince(1)).toEqual({ events: ['"b"', '"c"'], head: 3, firstSeq: 1, truncated: false });
  });

  it('drops the oldest past its capacity and says so', () => {
    const box = new Mailbox(2);
    ['a', 'b', 'c'].forEach((e) => box.push(`"${e}"`));
    expect(box.readSince(0)).toEqual({ events: ['"b"', '"c"'], head: 3, firstSeq: 2, truncated: true });
    expect(box.readSince(1).truncated).toBe(false);
  });
});

describe('CHAT_LIMITS', () => {
  it('are all positive and pass their own check', () => {
    expect(resolveChatLimits()).toEqual(CHAT_LIMITS);
  });

  it('refuse unknown names and bad values at registration', () => {
    expect(() => resolveChatLimits({ nope: 1 } as never)).toThrow(/unknown chat limit "nope"/);
    expect(() => resolveChatLimits({ rateBurst: 0 })).toThrow(/rateBurst/);
    expect(() => resolveChatLimits({ nickMaxChars: 2.5 })).toThrow(/integer/);
    expect(() => resolveChatLimits({ maxCommandBytes: 100_000 }, 65_536)).toThrow(/maxWsMessageBytes/);
    expect(() => resolveChatLimits({ sessionIdleMs: 1000 })).toThrow(/sessionIdleMs/);
  });
});

describe('a member whose delivery throws', () => {
  it('regression: one member\'s broken transport no longer fails the sender\'s command; that member is dropped ("lost")', async () => {
    const hub = new ChatHub(resolveChatLimits());
    const faults: string[] = [];
    hub.onDeliverFault = (_err, member) => faults.push(member.nick);
    const seen: string[] = [];
    const { member: alice } = hub.join('Alice', () => {});
    hub.join('Broken', (_json, event) => { if (event.type === 'message') throw new TypeError('simulated transport bug'); });
    hub.join('Carol', (_json, event) => { seen.push(event.type === 'presence' ? `${event.event}:${event.member.nick}:${event.reason ?? ''}` : event.type); });
    expect(hub.say(alice, { type: 'say', to: 'all', text: 'hi' }).recipients).toBe(3);
    expect(faults).toEqual(['Broken']);
    await Promise.resolve(); // the drop runs once the command is done (a microtask, not a timer)
    expect(hub.list().map((m) => m.nick)).toEqual(['Alice', 'Carol']);
    expect(seen).toEqual(['message', 'leave:Broken:lost']);
  });
});
