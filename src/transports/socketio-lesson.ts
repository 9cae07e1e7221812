/**
 * The lesson namespace /lesson, on the socketio lane's own Socket.IO server
 * (same engine.io, same /socket.io/ path, so the lab's Origin check, chaos
 * switches and wire meter apply as on /feed). Lessons 8 and 9 call the real
 * Socket.IO API against it: `emit` with an acknowledgement, and the three
 * ways a server emits: `socket.emit`, `socket.broadcast.emit`, `io.emit`.
 *
 * What a client sees (a packet on the wire is engine.io's `4` + socket.io's type + namespace):
 *
 *   -> 40/lesson,                                  connect to the namespace
 *   <- 40/lesson,{"sid":"…"}                       connected (the server's `connection` handler runs now)
 *   <- 42/lesson,["welcome",{"clients":3}]
 *   -> 42/lesson,1["echo","hi"]                    emit with an ack (id 1)
 *   <- 42/lesson,["echo","hi"]                     socket.emit: back to this client only
 *   <- 43/lesson,1[{"reached":1}]                  the ack
 *   -> 42/lesson,2["say",{"to":"others","text":"hi"}]
 *   <- (to every other client) 42/lesson,["said",{"from":"…","to":"others","text":"hi"}]
 *   <- 43/lesson,2[{"reached":2}]
 *
 * `to`: `self` is `socket.emit`, `others` is `socket.broadcast.emit`, `all` is
 * `io.emit` for this namespace (everyone in it, the sender too, classmates
 * too). Refusals are a `lesson-error` event, and the ack when one was asked
 * for, in the lab's shape: `{"error":"LAB_ERR_…","message":…}`.
 *
 * Caps (src/config.ts): socketioLessonMaxClients at once (a connect_error
 * beyond), socketioLessonMaxTextBytes per text, socketioLessonEventsPerSecond
 * per client (token bucket, a burst of one second's worth); engine.io's
 * maxHttpBufferSize (maxWsMessageBytes) bounds any packet before it is parsed.
 */
import type { Namespace, Server as SocketIO, Socket } from 'socket.io';
import { LabError } from '../errors.ts';
import { TokenBucket } from '../chat/rate.ts';
import type { LaneLimits } from './lane.ts';

export const LESSON_NAMESPACE = '/lesson';
export const LESSON_TARGETS = ['self', 'others', 'all'] as const;
export type LessonTarget = (typeof LESSON_TARGETS)[number];

type Ack = (answer: { reached: number } | { error: string; message: string }) => void;

export function lessonNamespace(io: SocketIO, limits: LaneLimits): Namespace {
  const lesson = io.of(LESSON_NAMESPACE);

  lesson.use((_socket, next) => {
    if (lesson.sockets.size >= limits.socketioLessonMaxClients) {
      const err = new LabError('LAB_ERR_LANE_BUSY', `the ${LESSON_NAMESPACE} namespace has socketioLessonMaxClients clients; retry later`);
      return next(Object.assign(new Error(err.message), { data: err.toJSON() }));
    }
    next();
  });

  lesson.on('connection', (socket: Socket) => {
    const bucket = new TokenBucket(limits.socketioLessonEventsPerSecond, limits.socketioLessonEventsPerSecond);
    // Every event from this client passes here first: refused ones never reach a handler.
    socket.use(([, ...args], next) => {
      if (bucket.take() === 0) return next();
      refuse(socket, lastAck(args), new LabError('LAB_ERR_RATE_LIMITED', 'too many events on /lesson (socketioLessonEventsPerSecond); wait and try again'));
    });

    socket.emit('welcome', { clients: lesson.sockets.size });

    socket.on('echo', (text: unknown, ack?: unknown) => {
      const reply = typeof ack === 'function' ? (ack as Ack) : undefined;
      const bad = checkText(text, limits);
      if (bad) return refuse(socket, reply, bad);
      socket.emit('echo', text);
      reply?.({ reached: 1 });
    });

    socket.on('say', (said: unknown, ack?: unknown) => {
      const reply = typeof ack === 'function' ? (ack as Ack) : undefined;
      const { to, text } = (typeof said === 'object' && said !== null ? said : {}) as { to?: unknown; text?: unknown };
      if (!LESSON_TARGETS.includes(to as LessonTarget)) {
        return refuse(socket, reply, new LabError('LAB_ERR_BODY_INVALID', '`say` takes {"to": "self" | "others" | "all", "text": <string>}'));
      }
      const bad = checkText(text, limits);
      if (bad) return refuse(socket, reply, bad);
      const event = { from: socket.id, to, text };
      // The three calls the source notes compare, as written.
      if (to === 'self') socket.emit('said', event);
      else if (to === 'others') socket.broadcast.emit('said', event);
      else lesson.emit('said', event);
      const everyone = lesson.sockets.size;
      reply?.({ reached: to === 'self' ? 1 : to === 'others' ? everyone - 1 : everyone });
    });
  });

  return lesson;
}

function checkText(text: unknown, limits: LaneLimits): LabError | undefined {
  if (typeof text !== 'string') return new LabError('LAB_ERR_BODY_INVALID', '`text` must be a string');
  if (Buffer.byteLength(text) > limits.socketioLessonMaxTextBytes) {
    return new LabError('LAB_ERR_PAYLOAD_TOO_LARGE', `text is larger than socketioLessonMaxTextBytes (${limits.socketioLessonMaxTextBytes} bytes)`);
  }
  return undefined;
}

/** Socket.IO passes an acknowledgement as the event's last argument. */
function lastAck(args: unknown[]): Ack | undefined {
  const last = args.at(-1);
  return typeof last === 'function' ? (last as Ack) : undefined;
}

function refuse(socket: Socket, ack: Ack | undefined, err: LabError): void {
  socket.emit('lesson-error', err.toJSON());
  ack?.(err.toJSON());
}
