/**
 * The chat over plain HTTP, for comparing what one chat message costs on each
 * transport. The commands and events are the WebSocket ones, byte for byte;
 * only the carrier changes.
 *
 *   POST /chat/sessions            {"type":"join","nick":"강호동"}  -> 201 welcome + "session"
 *   POST /chat/messages?session=S  any other command               -> its reply (ack, joined-room, ...)
 *   GET  /chat/longpoll?session=S&since=N&wait=MS                  -> {"head","firstSeq","truncated","events":[...]}
 *   GET  /chat/sse?session=S       (Last-Event-ID resumes)         -> id: N / data: <event>
 *
 * The session rides in the query string because EventSource cannot send
 * headers (whatwg/html#2177). A member with no long poll or stream open for
 * `sessionIdleMs` leaves (reason "timeout"): HTTP has no close to notice.
 *
 * The long poll and the SSE stream are the feed lanes' own (src/delivery/hold.ts,
 * src/delivery/http-stream.ts), reading the member's mailbox instead of the feed.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { parseWait } from '../delivery/since.ts';
import { holdPoll } from '../delivery/hold.ts';
import type { HeldHandlers } from '../delivery/held.ts';
import { openStream } from '../delivery/http-stream.ts';
import { sseComment, sseEvent, sseMessage, sseRetry } from '../framing/sse.ts';
import { ChatConnection } from './connection.ts';
import { ChatError } from './errors.ts';
import type { ChatHub } from './hub.ts';
import type { ChatLimits } from './limits.ts';
import { Mailbox, type MailboxRead } from './mailbox.ts';
import type { LeaveReason } from './protocol.ts';

interface HttpSession {
  readonly token: string;
  readonly conn: ChatConnection;
  readonly mailbox: Mailbox;
  lastSeen: number;
  /** The open long poll or SSE stream, if any: one reader per session, the newest wins. */
  reader: { end: () => void } | undefined;
}

type SessionQuery = { Querystring: { session?: string; since?: string; wait?: string } };

export function chatHttp(app: FastifyInstance, hub: ChatHub, limits: ChatLimits): void {
  const { options, held } = app.lab;
  // The chat's held connections count under `chat`; maxMembers is their cap.
  const admitChat = (handlers: HeldHandlers, intervalMs?: number) => held.admit('chat', handlers, intervalMs, Infinity);
  const sessions = new Map<string, HttpSession>();
  const config = { traffic: 'chat' as const };
  const bodyLimit = limits.maxCommandBytes;

  const find = (token: string | undefined): HttpSession => {
    const session = token === undefined ? undefined : sessions.get(token);
    if (!session) throw new ChatError('LAB_ERR_CHAT_SESSION_UNKNOWN');
    session.lastSeen = Date.now();
    return session;
  };
  const end = (session: HttpSession, reason: LeaveReason) => {
    sessions.delete(session.token);
    session.conn.close(reason);
    session.reader?.end();
  };

  app.post('/chat/sessions', { config, bodyLimit }, async (request, reply) => {
    const token = randomBytes(16).toString('base64url');
    const mailbox = new Mailbox(limits.mailboxCapacity);
    const conn = new ChatConnection(hub, limits, (json) => mailbox.push(json), { ackEverySay: true, maxJsonDepth: options.maxJsonDepth });
    const welcome = conn.handle(request.body);
    if (welcome?.type !== 'welcome') {
      conn.close('left');
      throw new ChatError('LAB_ERR_CHAT_BAD_COMMAND', 'POST /chat/sessions takes {"type":"join","nick":...}');
    }
    sessions.set(token, { token, conn, mailbox, lastSeen: Date.now(), reader: undefined });
    reply.code(201);
    return { ...welcome, session: token };
  });

  app.post<SessionQuery>('/chat/messages', { config, bodyLimit }, async (request, reply) => {
    const session = find(request.query.session);
    const answer = session.conn.handle(request.body);
    if (answer?.type === 'bye') end(session, 'left');
    reply.code(answer?.type === 'ack' ? 201 : 200);
    return answer;
  });

  app.get<SessionQuery>('/chat/longpoll', { config }, (request, reply) => {
    const session = find(request.query.session);
    const since = parseSinceIn(request.query.since, session.mailbox);
    const wait = parseWait(request.query.wait, limits.longpollWaitMs, limits.maxLongpollWaitMs);
    const answer = () => {
      if (reply.sent || reply.raw.destroyed) return;
      reply.type('application/json').header('cache-control', 'no-store').send(envelope(session.mailbox.readSince(since)));
    };
    if (session.mailbox.head > since || wait === 0) return answer();

    session.reader?.end(); // a newer poll replaces an older one
    const poll = holdPoll(admitChat, reply, session.mailbox, wait, answer);
    const reader = { end: poll.finish };
    session.reader = reader;
    reply.raw.on('close', () => {
      if (session.reader === reader) session.reader = undefined;
      session.lastSeen = Date.now();
    });
    return reply;
  });

  app.get<SessionQuery>('/chat/sse', { config }, (request, reply) => {
    const session = find(request.query.session);
    const lastEventId = request.headers['last-event-id'];
    const since = parseSinceIn(typeof lastEventId === 'string' ? lastEventId : request.query.since, session.mailbox);
    session.reader?.end();

    // The feed lanes' stream, reading this member's mailbox (src/delivery/http-stream.ts).
    const stream = openStream({ admit: admitChat, limits: options, outlets: app.lab.outlets }, reply, {
      kind: 'chat',
      source: session.mailbox.ring,
      since,
      contentType: 'text/event-stream',
      // Events were dropped while this member was away: say so (the long poll's `truncated`), then go on from the oldest kept.
      hello: (start) => sseRetry(options.sseRetryMs) +
        (start.truncated ? sseEvent('truncated', JSON.stringify({ type: 'truncated', firstSeq: start.firstSeq })) : ''),
      encode: (batch) => batch.map((e) => sseMessage(e.seq, e.json)).join(''),
      encodeOne: (e) => sseMessage(e.seq, e.json),
      heartbeat: () => sseComment('heartbeat'),
      lastWords: (err) => sseEvent('error', JSON.stringify(err)),
      cutOffBytes: limits.maxBufferedBytes,
    });
    const reader = { end: stream.end };
    session.reader = reader;
    void stream.closed.then(() => {
      if (session.reader === reader) session.reader = undefined;
      session.lastSeen = Date.now();
    });
  });

  // The idle sweep, on the lab's one Ticker (heartbeats come with each stream).
  const sweep = held.ticker.every(Math.max(10, limits.sessionIdleMs / 4), () => {
    const now = Date.now();
    for (const session of sessions.values()) {
      if (!session.reader && now - session.lastSeen > limits.sessionIdleMs) end(session, 'timeout');
    }
  });

  app.addHook('preClose', async () => {
    sweep.cancel();
    for (const session of [...sessions.values()]) session.reader?.end();
  });

  // Chat errors answer with their own status; anything else goes to the lab's handler.
  app.setErrorHandler((error, _request, reply: FastifyReply) => {
    if (!(error instanceof ChatError)) throw error;
    if (error.retryAfterMs !== undefined) reply.header('retry-after', String(Math.ceil(error.retryAfterMs / 1000)));
    reply.code(error.status).send(error.toJSON());
  });
}

function parseSinceIn(raw: string | undefined, mailbox: Mailbox): number {
  // Unlike the feed, a mailbox is one member's own: no `since` means "everything kept", so nothing is missed.
  if (raw === undefined || raw === '') return 0;
  if (!/^[0-9]{1,15}$/.test(raw) || Number(raw) > mailbox.head) throw new ChatError('LAB_ERR_CHAT_SINCE_INVALID');
  return Number(raw);
}

/** Event JSON is spliced in as serialised once by the hub, like pollEnvelope does for the feed. */
function envelope(read: MailboxRead): string {
  return `{"head":${read.head},"firstSeq":${read.firstSeq},"truncated":${read.truncated},"events":[${read.events.join(',')}]}`;
}
