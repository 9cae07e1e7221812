/**
 * The chat: one hub (members, rooms, delivery modes), reachable over
 * WebSocket (ws.ts) and over HTTP with long polling or SSE (http.ts).
 * Every route is counted by the wire meter under the traffic name `chat`.
 *
 *   await app.register(chatPlugin);                                   // defaults
 *   await app.register(chatPlugin, { limits: { maxTextChars: 200 } }); // overrides, checked here
 *
 * GET /chat/limits answers the limits a client's inputs need (ChatInputLimits).
 *
 * Not wrapped in fastify-plugin on purpose: it stays encapsulated, so its error
 * handler covers only chat routes and `prefix` works (tests mount a second,
 * differently limited chat beside the default one).
 */
import type { FastifyInstance } from 'fastify';
import { ChatHub } from './hub.ts';
import { resolveChatLimits, type ChatInputLimits, type ChatLimits } from './limits.ts';
import { chatWebSocket } from './ws.ts';
import { chatHttp } from './http.ts';

export interface ChatPluginOptions {
  /** Overrides of CHAT_LIMITS (src/chat/limits.ts). */
  limits?: Partial<ChatLimits>;
}

export async function chatPlugin(app: FastifyInstance, opts: ChatPluginOptions = {}): Promise<void> {
  const limits = resolveChatLimits(opts.limits, app.lab.options.maxWsMessageBytes);
  const hub = new ChatHub(limits);
  hub.onDeliverFault = (err, member) => {
    app.log.error({ err, code: 'LAB_ERR_INTERNAL', member: member.id }, 'delivering a chat event threw; that member is dropped, the chat carries on');
  };
  chatWebSocket(app, hub, limits);
  chatHttp(app, hub, limits);
  // The limits a chat page shapes its inputs with: the very numbers the server checks against.
  app.get('/chat/limits', async (): Promise<ChatInputLimits> => ({
    nickMaxChars: limits.nickMaxChars, roomMaxChars: limits.roomMaxChars,
    maxTextChars: limits.maxTextChars, maxCommandBytes: limits.maxCommandBytes,
  }));
}
