/**
 * What a Socket.IO packet on the wire says, for the lesson widgets that show
 * them. Pure functions: no socket, no DOM.
 *
 * Two protocols are stacked (engine.io protocol v4, socket.io protocol v5):
 *
 *   4 2 /lesson, 1 ["echo","hi"]
 *   │ │ │        │ └ the event's name and arguments, as JSON
 *   │ │ │        └ the acknowledgement id, when the sender wants an answer
 *   │ │ └ the namespace, when it is not "/"
 *   │ └ socket.io's packet type (2 EVENT)
 *   └ engine.io's packet type (4 MESSAGE)
 *
 * Over long polling one HTTP body carries several packets, separated by the
 * record separator U+001E; over WebSocket each packet is one frame.
 */

export const ENGINE_TYPES = ['open', 'close', 'ping', 'pong', 'message', 'upgrade', 'noop'] as const;
export const SOCKET_TYPES = ['CONNECT', 'DISCONNECT', 'EVENT', 'ACK', 'CONNECT_ERROR', 'BINARY_EVENT', 'BINARY_ACK'] as const;

/** engine.io protocol v4: packets in one polling body are joined by this. */
export const RECORD_SEPARATOR = '\x1e';

export interface PacketParts {
  /** The packet as it crossed the wire. */
  text: string;
  engine: (typeof ENGINE_TYPES)[number] | 'unknown';
  /** For `message` packets: socket.io's packet. */
  socket?: (typeof SOCKET_TYPES)[number] | 'unknown';
  namespace?: string;
  ackId?: number;
  /** For EVENT packets: the event's name. */
  event?: string;
  /** What follows the prefixes: JSON, `probe`, or the handshake's JSON. */
  data: string;
  /** Bytes before `data` (the packet's prefixes): what every packet of this kind pays on top of its content. */
  prefixBytes: number;
}

/** Split one polling body (or one WebSocket frame) into its packets. */
export function splitPayload(body: string): string[] {
  return body.length === 0 ? [] : body.split(RECORD_SEPARATOR);
}

export function describePacket(text: string): PacketParts {
  const engine = ENGINE_TYPES[Number(text[0])] ?? 'unknown';
  if (engine !== 'message') return { text, engine, data: text.slice(1), prefixBytes: 1 };
  const socket = SOCKET_TYPES[Number(text[1])] ?? 'unknown';
  let at = 2;
  let namespace: string | undefined;
  if (text[at] === '/') {
    const comma = text.indexOf(',', at);
    const end = comma === -1 ? text.length : comma;
    namespace = text.slice(at, end);
    at = comma === -1 ? end : end + 1;
  }
  const digits = /^\d+/.exec(text.slice(at));
  const ackId = digits ? Number(digits[0]) : undefined;
  if (digits) at += digits[0].length;
  const data = text.slice(at);
  let event: string | undefined;
  if (socket === 'EVENT' && data.startsWith('["')) {
    try {
      const value = JSON.parse(data) as unknown[];
      if (typeof value[0] === 'string') event = value[0];
    } catch {
      // a packet cut short: the name stays unknown
    }
  }
  return {
    text, engine, socket, data, prefixBytes: utf8Length(text.slice(0, at)),
    ...(namespace !== undefined && { namespace }), ...(ackId !== undefined && { ackId }), ...(event !== undefined && { event }),
  };
}

/** A short name for the packet: `open`, `ping probe`, `EVENT /feed message`, `ACK /lesson #1`. */
export function packetLabel(p: PacketParts): string {
  if (p.engine !== 'message') return p.engine === 'ping' || p.engine === 'pong' ? `${p.engine}${p.data ? ` ${p.data}` : ''}` : p.engine;
  return [p.socket, p.namespace ?? '/', p.event, p.ackId !== undefined ? `#${p.ackId}` : undefined].filter(Boolean).join(' ');
}

export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}
