/**
 * Follow the WebSocket frames on one upgraded socket, in both directions, from
 * the bytes themselves: inbound from the socket's 'data' events, outbound from
 * its writes. The wire view and the frame inspector both see frames this way.
 */
import type { Socket } from 'node:net';
import { FrameScanner, type ScannedFrame } from '../framing/ws-frame.ts';

export type FrameListener = (dir: 'in' | 'out', frame: ScannedFrame) => void;

/** `live()` lets a caller stop scanning without unhooking (e.g. an older connection). */
export function tapFrames(socket: Socket, previewBytes: number, onFrame: FrameListener, live: () => boolean = () => true): void {
  const inbound = new FrameScanner(previewBytes, (f) => onFrame('in', f));
  const outbound = new FrameScanner(previewBytes, (f) => onFrame('out', f));
  socket.prependListener('data', (chunk: Buffer) => {
    if (live()) inbound.push(chunk);
  });
  const write = socket.write;
  socket.write = function (this: Socket, chunk: unknown, ...rest: unknown[]) {
    // ws writes a text payload as the string itself (utf8), headers as Buffers.
    if (live()) outbound.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array));
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as Socket['write'];
}
