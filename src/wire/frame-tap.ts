/**
 * Follow the WebSocket frames on one upgraded socket, in both directions, from
 * the bytes themselves: inbound from the socket's 'data' events, outbound from
 * its writes. The wire view and the frame inspector both see frames this way.
 */
import type { Socket } from 'node:net';
import { FrameScanner, type ScannedFrame } from '../framing/ws-frame.ts';

export type FrameListener = (dir: 'in' | 'out', frame: ScannedFrame) => void;

/**
 * `live()` lets a caller stop scanning without unhooking. The returned function
 * unhooks: the socket's writes and reads go back to costing nothing extra (the
 * wire meter keeps a tap on the newest connection of a lane only).
 */
export function tapFrames(socket: Socket, previewBytes: number, onFrame: FrameListener, live: () => boolean = () => true): () => void {
  const inbound = new FrameScanner(previewBytes, (f) => onFrame('in', f));
  const outbound = new FrameScanner(previewBytes, (f) => onFrame('out', f));
  const onData = (chunk: Buffer) => {
    if (live()) inbound.push(chunk);
  };
  socket.prependListener('data', onData);
  const write = socket.write;
  const tapped = function (this: Socket, chunk: unknown) {
    // ws writes a text payload as the string itself (utf8), headers as Buffers.
    if (live()) outbound.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array));
    return (write as (...a: unknown[]) => boolean).apply(this, arguments as unknown as unknown[]);
  } as Socket['write'];
  socket.write = tapped;
  return () => {
    socket.removeListener('data', onData);
    // Only if nothing wrapped the socket's write after us (then we must stay in the chain).
    if (socket.write === tapped) socket.write = write;
  };
}
