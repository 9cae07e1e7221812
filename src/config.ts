/**
 * Every default and every cap the lab enforces, in one place, with a name.
 * `resolveOptions` refuses bad values at start-up with a clear message
 * (in the spirit of Fastify plugins: options are checked at registration).
 */

export const DEFAULTS = {
  /** Messages kept in the feed's ring buffer; older ones are dropped. */
  feedCapacity: 10_000,
  /** Bytes of message JSON the feed's ring buffer keeps; past either budget the oldest are dropped. */
  feedCapacityBytes: 64 * 1024 * 1024,
  /** Producer rate in messages per second (0 = paused). */
  feedRate: 5,
  /** Size of the generated `data` string, in bytes (ASCII, so bytes = characters). */
  feedPayloadBytes: 32,
  /** Highest producer rate the control API accepts. */
  maxFeedRate: 1_000,
  /** Largest `data` payload the producer will generate. */
  maxFeedPayloadBytes: 64 * 1024,
  /**
   * Publishes per second one connection may make (POST /feed/messages, a `ws` lane
   * frame, a STOMP SEND to /topic/feed), in a burst of one second's worth; beyond:
   * 429 + Retry-After / close 1008 / STOMP ERROR, all LAB_ERR_RATE_LIMITED.
   */
  maxPublishPerSecond: 50,
  /** The same per client address, for every connection from it together (a classroom shares one NAT address). */
  maxPublishPerSecondPerAddress: 1_000,
  /** Largest body accepted by POST /feed/messages (413 beyond). */
  maxPublishBytes: 64 * 1024,
  /** Largest WebSocket message a client may send (close 1009 beyond). */
  maxWsMessageBytes: 64 * 1024,
  /**
   * Deepest nesting of objects and arrays accepted in any client JSON (POST bodies,
   * publishes, STOMP SEND, chat and inspector commands); deeper is refused before
   * it is parsed or given a seq (400 / close 1008 / STOMP ERROR).
   */
  maxJsonDepth: 64,
  /** At most this many messages in one poll / long-poll answer (`more: true` tells the client to ask again). */
  maxBatch: 1_000,
  /** Long poll: how long a request is held when the client gives no `wait`. */
  longpollWaitMs: 25_000,
  /** Long poll: the largest `wait` a client may ask for (RFC 6202 §5.5: ~30 s is the safe choice). */
  maxLongpollWaitMs: 60_000,
  /** Held connections per lane (longpoll, stream, sse, ws); more get 503 / close 1013. */
  maxHeldPerLane: 10_000,
  /** Seconds a refused client is told to wait (Retry-After). */
  retryAfterSeconds: 2,
  /** Idle time after which stream/sse write a heartbeat so proxies keep the response open. */
  heartbeatMs: 15_000,
  /** SSE `retry:` field: how long EventSource waits before reconnecting. */
  sseRetryMs: 2_000,
  /** WebSocket ping interval; a socket that missed the previous pong is dropped. */
  wsPingMs: 30_000,
  /** Socket.IO (engine.io) `pingInterval` and `pingTimeout`: its own heartbeat, in both transports. */
  socketioPingMs: 25_000,
  socketioPingTimeoutMs: 20_000,
  /** SockJS `disconnect_delay`: how long a session waits for a polling client's next request. */
  sockjsDisconnectMs: 5_000,
  /**
   * The Socket.IO lesson namespace /lesson (src/transports/socketio-lesson.ts): clients at once,
   * the longest `text` one event may carry (UTF-8 bytes), and events per second per client
   * (a burst of one second's worth); beyond each, a `lesson-error` in the lab's shape.
   */
  socketioLessonMaxClients: 200,
  socketioLessonMaxTextBytes: 512,
  socketioLessonEventsPerSecond: 10,
  /**
   * A consumer whose socket buffer holds more than this stops getting writes
   * until it drains (backpressure); it catches up from the ring buffer.
   */
  writeHighWaterBytes: 64 * 1024,
  /**
   * A consumer with more than this buffered in the server is not reading: it is cut off
   * (close 1013 / LAB_ERR_SLOW_CONSUMER). Applies to writes that cannot wait (replies, /api/live).
   */
  writeCutOffBytes: 1024 * 1024,
  /** A cut-off consumer's socket is destroyed after this long if it never read its way to the close. */
  slowConsumerGraceMs: 5_000,
  /** A blocked consumer that falls this many messages behind is disconnected (it can resume). */
  maxConsumerLag: 5_000,
  /** Stats push channel interval. */
  statsPushMs: 250,
  /** /api/live connections at once (close 1013, LAB_ERR_LIVE_FULL, beyond). */
  maxLiveConnections: 100,
  /** An /api/live listener still blocked after this many pushes is cut off (1013); until then it skips them. */
  maxLiveSkipped: 40,
  /** At shutdown, how long held connections get to close cleanly before they are cut. */
  shutdownGraceMs: 1_000,
  /** Chaos switch caps: the largest added delay and proxy buffer a lane can be given. */
  maxChaosDelayMs: 10_000,
  maxChaosBufferBytes: 1024 * 1024,
  /** Handshake playground: the largest raw request it sends, the most it reads back, how long it waits. */
  playgroundMaxRequestBytes: 4 * 1024,
  playgroundMaxResponseBytes: 16 * 1024,
  playgroundWaitMs: 1_000,
  /** Lesson 1's socket exchange (GET /api/lessons/socket-exchange): the longest message, exchanges at once, how long one may take. */
  socketDemoMaxMessageBytes: 256,
  socketDemoMaxConcurrent: 4,
  socketDemoWaitMs: 2_000,
  /** Frame inspector: the largest message it echoes (past 65,535 bytes, for the 64-bit length form), frames kept, connections at once. */
  inspectMaxMessageBytes: 128 * 1024,
  inspectFramesKept: 64,
  inspectMaxConnections: 50,
  inspectPreviewBytes: 64,
  inspectMaxFragments: 16,
  /** A text message up to this size that is a JSON `{"cmd": …}` is a command; anything else is echoed. */
  inspectCommandMaxBytes: 4 * 1024,
  /** Request timeline: how many recent requests and connections are kept per lane. */
  timelineKept: 200,
  /** How many recent WebSocket frame headers the wire view keeps per lane. */
  wireFramesKept: 8,
  /** Pages (browser tabs, `?page=`) whose own lane counters the meter keeps; the longest quiet is dropped beyond. */
  maxPageViews: 1_000,
  /** Each page's lane requests kept for its HAR export (GET /api/pages/:page/log), and for how many pages; older ones are counted, not kept. */
  pageLogEntries: 2_000,
  pageLogPages: 20,
  /** HTTPS listener: SETTINGS_MAX_CONCURRENT_STREAMS, the streams one HTTP/2 connection may have open (RFC 9113 §6.5.2). */
  h2MaxConcurrentStreams: 100,
  /** HTTPS listener: the largest request header block the wire view keeps to decode (bytes); larger ones are counted only. */
  h2MaxHeaderBlockBytes: 64 * 1024,
  /** Class runs: student devices at once (more are refused, close 1013), the largest message one may send, */
  classMaxDevices: 200,
  classMaxMessageBytes: 4 * 1024,
  /** and how many messages a device may send: a burst, then so many per second (close 1008 beyond). */
  classMessageBurst: 40,
  classMessagesPerSecond: 20,
  /** The longest class run the teacher may start, and how often devices report during one. */
  classMaxRunMs: 10 * 60_000,
  classReportMs: 1_000,
  /** After a run ends, how long the lab waits for a device's final report before it freezes its figures. */
  classSettleMs: 3_000,
  /** The shortest teacher key accepted (TEACHER_KEY); a generated key has 24 characters. */
  teacherKeyMinLength: 12,
} as const;

export type LabOptions = { -readonly [K in keyof typeof DEFAULTS]: number };

export class LabConfigError extends Error {
  readonly code = 'LAB_ERR_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'LabConfigError';
  }
}

/** Merge user options over the defaults and refuse anything that is not a sensible number. */
export function resolveOptions(partial: Partial<LabOptions> = {}): LabOptions {
  const out = { ...DEFAULTS, ...partial } as LabOptions;
  for (const key of Object.keys(partial) as (keyof LabOptions)[]) {
    if (!(key in DEFAULTS)) throw new LabConfigError(`unknown option "${key}"`);
  }
  for (const [key, value] of Object.entries(out)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new LabConfigError(`option "${key}" must be a finite number >= 0, got ${String(value)}`);
    }
  }
  const positive: (keyof LabOptions)[] = [
    'feedCapacity', 'maxBatch', 'maxHeldPerLane', 'heartbeatMs', 'wsPingMs', 'socketioPingMs', 'socketioPingTimeoutMs', 'sockjsDisconnectMs',
    'socketioLessonMaxClients', 'socketioLessonMaxTextBytes', 'socketioLessonEventsPerSecond',
    'writeHighWaterBytes', 'maxConsumerLag', 'statsPushMs', 'maxPublishBytes', 'maxWsMessageBytes', 'maxJsonDepth',
    'feedCapacityBytes', 'writeCutOffBytes', 'slowConsumerGraceMs', 'maxLiveConnections', 'maxLiveSkipped', 'maxPublishPerSecond', 'maxPublishPerSecondPerAddress',
    'playgroundMaxRequestBytes', 'playgroundMaxResponseBytes', 'playgroundWaitMs', 'timelineKept',
    'socketDemoMaxMessageBytes', 'socketDemoMaxConcurrent', 'socketDemoWaitMs', 'pageLogEntries', 'pageLogPages',
    'maxPageViews', 'classMaxDevices', 'classMaxMessageBytes', 'classMessageBurst', 'classMessagesPerSecond', 'classMaxRunMs', 'classReportMs',
    'inspectMaxMessageBytes', 'inspectFramesKept', 'inspectMaxConnections', 'inspectPreviewBytes', 'inspectMaxFragments', 'inspectCommandMaxBytes',
    'h2MaxConcurrentStreams', 'h2MaxHeaderBlockBytes',
    'teacherKeyMinLength',
  ];
  for (const key of positive) {
    if (out[key] <= 0) throw new LabConfigError(`option "${key}" must be > 0`);
  }
  if (!Number.isInteger(out.feedCapacity)) throw new LabConfigError('option "feedCapacity" must be an integer');
  if (!Number.isInteger(out.maxJsonDepth)) throw new LabConfigError('option "maxJsonDepth" must be an integer');
  if (out.writeCutOffBytes < out.writeHighWaterBytes) {
    throw new LabConfigError(`writeCutOffBytes ${out.writeCutOffBytes} must be at least writeHighWaterBytes ${out.writeHighWaterBytes}`);
  }
  if (out.feedRate > out.maxFeedRate) throw new LabConfigError(`feedRate ${out.feedRate} exceeds maxFeedRate ${out.maxFeedRate}`);
  if (out.feedPayloadBytes > out.maxFeedPayloadBytes) {
    throw new LabConfigError(`feedPayloadBytes ${out.feedPayloadBytes} exceeds maxFeedPayloadBytes ${out.maxFeedPayloadBytes}`);
  }
  if (out.longpollWaitMs > out.maxLongpollWaitMs) {
    throw new LabConfigError(`longpollWaitMs ${out.longpollWaitMs} exceeds maxLongpollWaitMs ${out.maxLongpollWaitMs}`);
  }
  return out;
}
