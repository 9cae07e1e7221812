/**
 * The frame inspector's endpoint: an echo WebSocket whose every frame, in both
 * directions, is captured from the socket and decoded by the lab's own decoder.
 *
 *   GET /inspect/echo[?deflate=1]          (WebSocket)
 *   <- {"type":"welcome","id":7,"deflate":false}
 *   -> any text or binary message          <- the same message back
 *   -> {"cmd":"ping","data":"hi"}          <- a ping frame (the browser answers with a masked pong)
 *   -> {"cmd":"fragments","text":"Hello","parts":3}  <- one message in 3 frames: FIN=0 … then FIN=1
 *   -> {"cmd":"close","code":4000,"reason":"bye"}    <- the server starts the closing handshake
 *   GET /api/inspect/frames/7              -> the frames seen so far, fields labelled
 *
 * A browser cannot send pings or fragments itself, so the server does, and the
 * inspector shows both sides. `ws` does the real protocol work.
 */
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { LabError } from '../errors.ts';
import { describeFrameHeader, OPCODE_NAMES, toHex, type LabelledField } from '../framing/ws-frame.ts';
import { tapFrames } from '../wire/frame-tap.ts';
import { guardedHandler } from '../faults.ts';
import { checkCommand, type CommandCheck } from './commands.ts';

export interface InspectedFrame {
  n: number;
  dir: 'in' | 'out';
  at: number;
  opcode: string;
  fin: boolean;
  rsv1: boolean;
  masked: boolean;
  headerHex: string;
  headerLength: number;
  payloadLength: number;
  fields: LabelledField[];
  /** First payload bytes as they crossed the wire (masked for client frames), then unmasked. */
  wireHex: string;
  unmaskedHex: string;
  /** The unmasked preview as text, for text and close frames. */
  text: string | null;
}

interface Session {
  frames: InspectedFrame[];
  open: boolean;
  deflate: boolean;
}

export async function inspectApi(app: FastifyInstance): Promise<void> {
  const { options } = app.lab;
  const sessions = new Map<number, Session>();
  let nextId = 1;

  app.get<{ Querystring: { deflate?: string } }>('/inspect/echo', { websocket: true, config: { traffic: 'api' } }, (socket: WebSocket, request) => {
    if ([...sessions.values()].filter((s) => s.open).length >= options.inspectMaxConnections) {
      const err = new LabError('LAB_ERR_LANE_BUSY', 'too many frame inspectors open');
      return socket.close(err.closeCode, err.closeReason());
    }
    const id = nextId++;
    const session: Session = { frames: [], open: true, deflate: socket.extensions.includes('permessage-deflate') };
    sessions.set(id, session);
    // Keep the newest sessions only: an inspector left open in a tab is not a leak.
    for (const old of sessions.keys()) if (sessions.size > options.inspectMaxConnections * 2) sessions.delete(old);
    let n = 0;
    tapFrames(request.raw.socket, options.inspectPreviewBytes, (dir, f) => {
      const h = f.header;
      const textual = h.opcode === 0x1 || h.opcode === 0x0 || h.opcode === 0x8;
      session.frames.push({
        n: ++n, dir, at: Date.now(), opcode: OPCODE_NAMES[h.opcode] ?? 'reserved', fin: h.fin, rsv1: h.rsv1, masked: h.masked,
        headerHex: toHex(f.headerBytes), headerLength: h.headerLength, payloadLength: h.payloadLength,
        fields: describeFrameHeader(h), wireHex: toHex(f.rawPreview), unmaskedHex: toHex(f.preview),
        text: textual && !h.rsv1 ? closeText(h.opcode, f.preview) : null,
      });
      if (session.frames.length > options.inspectFramesKept) session.frames.shift();
    });

    // Guarded: a bug below closes this socket with 1011, never the process (src/faults.ts).
    socket.on('message', guardedHandler(socket, (data: Buffer, isBinary: boolean) => {
      if (data.length > options.inspectMaxMessageBytes) {
        const err = new LabError('LAB_ERR_PAYLOAD_TOO_LARGE', `the inspector echoes at most ${options.inspectMaxMessageBytes} bytes`);
        return socket.close(err.closeCode, err.closeReason());
      }
      const check: CommandCheck = isBinary ? { kind: 'echo' } : checkCommand(data.toString(), {
        commandMaxBytes: options.inspectCommandMaxBytes, maxFragments: options.inspectMaxFragments, maxJsonDepth: options.maxJsonDepth,
      });
      if (check.kind === 'echo') return socket.send(data, { binary: isBinary });
      if (check.kind === 'refuse') {
        // The socket stays open: the student fixes the command and tries again.
        const err = new LabError('LAB_ERR_INSPECT_COMMAND', check.message);
        return socket.send(JSON.stringify({ type: 'error', ...err.toJSON() }));
      }
      const { command } = check;
      if (command.cmd === 'ping') return socket.ping(command.data);
      if (command.cmd === 'close') return socket.close(command.code, command.reason);
      // RFC 6455 §5.4: the first frame carries the opcode, the rest are continuations; FIN only on the last.
      command.parts.forEach((part, i) => socket.send(part, { fin: i === command.parts.length - 1, binary: false }));
    }));
    socket.on('close', () => { session.open = false; });
    socket.send(JSON.stringify({ type: 'welcome', id, deflate: session.deflate }));
  });

  app.get<{ Params: { id: string } }>('/api/inspect/frames/:id', { config: { traffic: 'api' } }, async (request) => {
    const session = sessions.get(Number(request.params.id));
    if (!session) throw new LabError('LAB_ERR_NOT_FOUND', `no inspector connection ${request.params.id}`);
    return { id: Number(request.params.id), open: session.open, deflate: session.deflate, frames: session.frames };
  });
}

/** A close frame's payload is a 2-byte code, then the reason (§5.5.1). */
function closeText(opcode: number, preview: Uint8Array): string {
  if (opcode !== 0x8) return new TextDecoder().decode(preview);
  if (preview.length < 2) return '(no code)';
  return `${(preview[0]! << 8) | preview[1]!} ${new TextDecoder().decode(preview.subarray(2))}`.trim();
}
