/**
 * The Socket.IO lesson namespace /lesson (src/transports/socketio-lesson.ts)
 * with the real socket.io-client on real sockets: the three ways a server
 * emits, acknowledgements, and each cap refused in the lab's shape while the
 * other clients keep being served.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { startLab, type RunningLab } from './support/lab.ts';

let lab: RunningLab | undefined;
let sockets: Socket[] = [];
afterEach(async () => {
  sockets.forEach((s) => s.disconnect());
  sockets = [];
  await lab?.close();
  lab = undefined;
});

function client(transports: string[] = ['websocket']): Socket {
  const s = io(`${lab!.base}/lesson`, { transports, forceNew: true, reconnection: false });
  sockets.push(s);
  return s;
}

function connected(s: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', reject);
  });
}

/** The next `event` on `s`, with its first argument. */
function next<T>(s: Socket, event: string): Promise<T> {
  return new Promise((resolve) => s.once(event, (value: T) => resolve(value)));
}

describe('Socket.IO lesson namespace', () => {
  it('socket.emit, socket.broadcast.emit and io.emit reach the sender, the others, everyone; the ack counts them', async () => {
    lab = await startLab();
    const [a, b, c] = [client(), client(['polling']), client()];
    await Promise.all([a, b, c].map(connected));
    const received = new Map<Socket, string[]>([[a, []], [b, []], [c, []]]);
    for (const [s, list] of received) s.on('said', (e: { to: string; text: string }) => list.push(`${e.to}:${e.text}`));
    // Each `said` a client receives is one emit; every emit is awaited through its ack, then a marker
    // sent to everyone proves the earlier ones have all arrived (one connection keeps packet order).
    expect(await a.emitWithAck('say', { to: 'self', text: 'one' })).toEqual({ reached: 1 });
    expect(await a.emitWithAck('say', { to: 'others', text: 'two' })).toEqual({ reached: 2 });
    expect(await a.emitWithAck('say', { to: 'all', text: 'three' })).toEqual({ reached: 3 });
    const marker = Promise.all([b, c].map((s) => new Promise<void>((resolve) => s.on('said', (e: { text: string }) => { if (e.text === 'end') resolve(); }))));
    await a.emitWithAck('say', { to: 'all', text: 'end' });
    await marker;
    expect(received.get(a)).toEqual(['self:one', 'all:three', 'all:end']);
    expect(received.get(b)).toEqual(['others:two', 'all:three', 'all:end']);
    expect(received.get(c)).toEqual(['others:two', 'all:three', 'all:end']);
  });

  it('echo comes back to the sender only, with its ack', async () => {
    lab = await startLab();
    const s = client(['polling', 'websocket']);
    const welcome = next<{ clients: number }>(s, 'welcome');
    await connected(s);
    expect((await welcome).clients).toBe(1);
    const echoed = next<string>(s, 'echo');
    expect(await s.emitWithAck('echo', '안녕하세요')).toEqual({ reached: 1 });
    expect(await echoed).toBe('안녕하세요');
  });

  it('a text past socketioLessonMaxTextBytes and a bad target are refused in the lab\'s shape; the client stays connected', async () => {
    lab = await startLab({ socketioLessonMaxTextBytes: 8 });
    const s = client();
    await connected(s);
    const error = next<{ error: string }>(s, 'lesson-error');
    expect(await s.emitWithAck('echo', '123456789')).toMatchObject({ error: 'LAB_ERR_PAYLOAD_TOO_LARGE' });
    expect((await error).error).toBe('LAB_ERR_PAYLOAD_TOO_LARGE');
    expect(await s.emitWithAck('say', { to: 'room', text: 'x' })).toMatchObject({ error: 'LAB_ERR_BODY_INVALID' });
    expect(await s.emitWithAck('echo', 12)).toMatchObject({ error: 'LAB_ERR_BODY_INVALID' });
    expect(await s.emitWithAck('echo', '12345678')).toEqual({ reached: 1 });
    expect(s.connected).toBe(true);
  });

  it('past socketioLessonEventsPerSecond an event is refused (LAB_ERR_RATE_LIMITED) and others are still served', async () => {
    lab = await startLab({ socketioLessonEventsPerSecond: 3 });
    const [flooder, other] = [client(), client()];
    await Promise.all([flooder, other].map(connected));
    const answers = await Promise.all(Array.from({ length: 5 }, () => flooder.emitWithAck('echo', 'x')));
    expect(answers.filter((a) => 'reached' in a)).toHaveLength(3);
    expect(answers.filter((a) => a.error === 'LAB_ERR_RATE_LIMITED')).toHaveLength(2);
    expect(await other.emitWithAck('echo', 'y')).toEqual({ reached: 1 });
  });

  it('past socketioLessonMaxClients a client gets a connect_error with LAB_ERR_LANE_BUSY', async () => {
    lab = await startLab({ socketioLessonMaxClients: 1 });
    await connected(client());
    const refused = client();
    const err = await new Promise<Error & { data?: { error: string } }>((resolve) => refused.once('connect_error', resolve));
    expect(err.data?.error).toBe('LAB_ERR_LANE_BUSY');
  });
});
