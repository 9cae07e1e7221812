/**
 * The HTML a lesson's Markdown may contain: the widgets (custom elements) and
 * a few harmless inline tags. Everything else is escaped and reported as a
 * render error (src/lessons/html.ts), so a lesson cannot carry a script, an
 * event handler or a stray tag by accident.
 *
 * For each widget: which attributes it takes, which numbers it measures (what
 * a predict-then-measure block may read from it), and which browser module
 * defines it (web/src/lessons/widget-loaders.ts loads it when a page uses it).
 *
 * Pure data (no Node imports): the server, the page and the tests share it.
 */

/** Where the browser finds the element's definition. */
export type WidgetModule = 'lessons' | 'chat' | 'stomp' | 'inspectors';

export interface WidgetSpec {
  module: WidgetModule;
  /** Allowed attributes and what their values must look like (values are escaped on output too). */
  attributes: Record<string, RegExp>;
  /** The numbers `run()` resolves with, by name (predict-then-measure reads them). */
  measures?: readonly string[];
}

const ID = /^[a-z][a-z0-9-]{0,40}$/;
const LANE = /^(poll|longpoll|stream|sse|ws)$/;
const INT = /^[0-9]{1,6}$/;
const NUMBER = /^[0-9]{1,4}(\.[0-9]{1,3})?$/;
const FLAG = /^$/;
const TEXT = /^[^<>]{1,200}$/;

/** What `<lane-run>` measures over one run (web/src/lessons/widgets/lane-run.ts). */
export const LANE_RUN_MEASURES = [
  'seconds', 'requests', 'serverRequests', 'messages', 'serverMessages', 'emptyAnswers',
  'requestsPerMessage', 'headerBytes', 'headerBytesPerRequest', 'headerBytesPerMessage',
  'payloadBytesPerMessage', 'framingBytesPerMessage', 'wireBytesPerMessage',
  'latencyMeanMs', 'latencyP50Ms', 'latencyMaxMs', 'connections', 'reconnectGapMs',
] as const;

export const WIDGETS: Record<string, WidgetSpec> = {
  // The lesson system's own widgets (web/src/lessons/widgets/).
  'lane-run': {
    module: 'lessons',
    attributes: { id: ID, lane: LANE, seconds: INT, rate: NUMBER, interval: INT, wait: INT, buffer: INT, wire: FLAG },
    measures: LANE_RUN_MEASURES,
  },
  'http-exchange': {
    module: 'lessons',
    attributes: { id: ID },
    measures: ['requestHeadBytes', 'responseHeadBytes', 'headerBytes', 'bodyBytes', 'messages'],
  },
  'cafe-buzzer': {
    module: 'lessons',
    attributes: { id: ID, mode: /^(sync|async)$/ },
    measures: ['ticks', 'expectedTicks', 'waitMs', 'totalMs'],
  },
  'sse-resume': {
    module: 'lessons',
    attributes: { id: ID },
    measures: ['lost', 'duplicates', 'reconnectMs', 'lastEventId', 'received'],
  },
  // The socket API, live (lesson 1): one TCP exchange on node:net, call by call.
  'socket-calls': {
    module: 'lessons',
    attributes: { id: ID, message: TEXT },
    measures: ['calls', 'requestBytes', 'replyBytes', 'serverSockets', 'connectMs', 'totalMs'],
  },
  'connection-limit': {
    module: 'lessons',
    attributes: { id: ID, streams: /^([1-9]|1[0-2])$/, release: FLAG },
    measures: ['streams', 'opened', 'stalled', 'serverHeld', 'openedAfterClose'],
  },
  // WebSocket frames, the browser API and the chat's delivery modes (lessons 7-9).
  'ws-frame-probe': {
    module: 'lessons',
    attributes: { id: ID, bytes: INT, deflate: FLAG },
    measures: ['messageBytes', 'clientHeaderBytes', 'serverHeaderBytes', 'clientPayloadBytes', 'serverPayloadBytes', 'clientFrames', 'serverFrames'],
  },
  'ws-lifecycle': {
    module: 'lessons',
    attributes: { id: ID, bytes: INT },
    measures: ['openMs', 'helloMs', 'sentBytes', 'bufferedAfterSend', 'echoMs', 'closeCode', 'wasClean', 'messages'],
  },
  'chat-delivery': {
    module: 'lessons',
    attributes: { id: ID, nicks: TEXT },
    measures: ['allReceived', 'selfReceived', 'othersReceived', 'roomReceived', 'allRecipients', 'presenceJoins', 'welcomeMembers', 'leaveSeenBy'],
  },
  // The Socket.IO client API and its emits, on the real library (lessons 8 and 9).
  'socketio-api': {
    module: 'lessons',
    attributes: { id: ID, rate: NUMBER },
    measures: [
      'connectMs', 'upgraded', 'upgradeMs', 'pingIntervalMs', 'openPacketBytes', 'framingBytesPerMessage',
      'onCalls', 'offCalls', 'onceCalls', 'messagesDuringOnce', 'listenersAfterRemoveAll', 'echoMs', 'ackReached',
    ],
  },
  'socketio-emit': {
    module: 'lessons',
    attributes: { id: ID, nicks: TEXT },
    measures: ['selfReceived', 'othersReceived', 'allReceived', 'senderGotOthers', 'selfReached', 'othersReached', 'allReached'],
  },
  // STOMP, the fallback chain, the Origin check and the projection at scale (lessons 10-13).
  'stomp-session': {
    module: 'lessons',
    attributes: { id: ID, body: TEXT, sends: /^([1-9]|1[0-9]|20)$/ },
    measures: ['bodyBytes', 'sendFrameBytes', 'messageFrameBytes', 'sendOverheadBytes', 'wireBytesPerMessage', 'frames', 'sessionBytes'],
  },
  'fallback-run': {
    module: 'lessons',
    attributes: { id: ID, block: /^(ws|ws,sse)$/, timeout: INT, rate: NUMBER, libraries: FLAG },
    measures: [
      'attempts', 'landed', 'failedMs', 'connectMs', 'firstMessageMs',
      // With `libraries`: the real libraries beside the chain, and what each client cost.
      'labRequests', 'labHeaderBytes', 'labBytesPerMessage',
      'socketioRequests', 'socketioHeaderBytes', 'socketioBytesPerMessage', 'socketioUpgraded', 'socketioFirstMessageMs',
      'sockjsRequests', 'sockjsHeaderBytes', 'sockjsBytesPerMessage', 'sockjsAttempts', 'sockjsLanded', 'sockjsFirstMessageMs',
    ],
  },
  'origin-probe': {
    module: 'lessons',
    attributes: { id: ID, rate: NUMBER },
    measures: ['messagesWithoutCheck', 'statusWithoutCheck', 'messagesWithCheck', 'statusWithCheck', 'ownOriginStatus', 'listenMs'],
  },
  // HTTP/2 and what changes (lesson 14): request heads per poll on this page's protocol.
  'h2-header-probe': {
    module: 'lessons',
    attributes: { id: ID, polls: /^([2-9]|1[0-9]|20)$/ },
    measures: ['protocol', 'requests', 'firstHeaderBytes', 'lastHeaderBytes', 'headerBytesPerRequest', 'otherProtocolHeaderBytesPerRequest'],
  },
  'scale-projection': {
    module: 'lessons',
    attributes: { id: ID, seconds: INT, rate: NUMBER },
    measures: [
      'pollOverheadBytes', 'pollHeaderBytes', 'wsOverheadBytes', 'payloadBytes', 'wsConnectBytes',
      'pollMbps1k', 'pollMbps10k', 'pollMbps100k', 'wsMbps1k', 'wsMbps10k', 'wsMbps100k', 'ratio',
    ],
  },
  // The chat and STOMP widgets (web/src/widgets/, docs/chat-and-stomp.md).
  'chat-client': { module: 'chat', attributes: { id: ID, nick: TEXT, transport: /^(ws|longpoll|sse)$/ } },
  'chat-trio': { module: 'chat', attributes: { id: ID, nicks: TEXT, transport: /^(ws|longpoll|sse)$/ } },
  'stomp-frames': { module: 'stomp', attributes: { id: ID } },
  // The protocol inspectors (web/src/inspectors/, all defined by its index.ts). No `base`
  // or `frame` attribute in a lesson: a lesson's widgets talk to the lab that serves it.
  'handshake-inspector': { module: 'inspectors', attributes: { id: ID } },
  'handshake-playground': { module: 'inspectors', attributes: { id: ID } },
  'frame-inspector': { module: 'inspectors', attributes: { id: ID, deflate: FLAG } },
  'request-timeline': {
    module: 'inspectors',
    attributes: { id: ID, lane: LANE, window: INT, rows: INT, run: FLAG, 'poll-interval': INT, wait: INT },
  },
  'fallback-chain': { module: 'inspectors', attributes: { id: ID, timeout: INT } },
  'origin-cors-demo': { module: 'inspectors', attributes: { id: ID } },
  'chaos-panel': { module: 'inspectors', attributes: { id: ID, lanes: /^(poll|longpoll|stream|sse|ws)(,(poll|longpoll|stream|sse|ws))*$/ } },
};

/** Plain tags a lesson may use in its Markdown, without attributes (`details` may be `open`). */
export const INLINE_TAGS: Record<string, readonly string[]> = {
  kbd: [], br: [], sub: [], sup: [], details: ['open'], summary: [],
};

/** The elements the lesson system renders from its own Markdown blocks (not written as tags). */
export const BLOCK_ELEMENTS = ['predict-measure', 'self-check'] as const;

/** Attribute names never let through, whatever the widget. */
export const FORBIDDEN_ATTRIBUTE = /^(on|style$|is$|slot$|part$|srcdoc$|formaction$)/i;
export const PLAIN_ATTRIBUTE = /^[a-z][a-z0-9-]{0,40}$/;
