/**
 * The wire view follows the frames of a lane's newest WebSocket only, so only
 * that socket carries the frame tap: when a newer one connects, the older one
 * is untapped (its writes and reads cost nothing extra), and the view moves on.
 */
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startLab, type RunningLab } from './support/lab.ts';

let lab: RunningLab | undefined;
const clients: WebSocket[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.terminate();
  await lab?.close();
  lab = undefined;
});

/** Connect, wait for the hello, and return the server's TCP socket for it. */
async function connect(): Promise<Socket> {
  const accepted = once(lab!.app.server, 'upgrade') as Promise<[unknown, Socket]>;
  const ws = new WebSocket(lab!.base.replace('http', 'ws') + '/feed/ws');
  clients.push(ws);
  const [[, socket]] = await Promise.all([accepted, once(ws, 'message')]);
  return socket;
}

describe('frame tap', () => {
  it('taps only the newest ws connection of the lane: an older one is untapped when a newer one connects', async () => {
    lab = await startLab();
    const first = await connect();
    const tappedListeners = first.listenerCount('data');
    const tappedWrite = first.write;

    const second = await connect();
    expect(first.listenerCount('data')).toBe(tappedListeners - 1);
    expect(first.write).not.toBe(tappedWrite);
    expect(second.listenerCount('data')).toBe(tappedListeners);

    // The wire view follows the newest: a message published now shows as a frame of the second.
    lab.app.lab.feed.publish('after');
    await once(clients[1]!, 'message');
    const { exchange } = await (await fetch(lab.base + '/api/wire/ws')).json() as { exchange: { frames: { dir: string; preview: string }[] } };
    expect(exchange.frames.some((f) => f.dir === 'out' && f.preview.includes('"seq":1'))).toBe(true);
  });
});
