/**
 * Held long polls share one waiting list (src/delivery/waiting.ts): one publish
 * answers every held request, one timer answers each at its own deadline, and a
 * client that goes away stops counting as held at once. Real sockets, a real lab.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startLab, nextServerSocketClosed, type RunningLab } from './support/lab.ts';

interface Answer { head: number; messages: { seq: number; data: unknown }[] }

let lab: RunningLab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

/** Resolves once the lane holds `n` long polls (each check waits for the event loop to turn). */
function heldBecomes(n: number): Promise<void> {
  return new Promise((resolve) => {
    const check = () => (lab!.app.lab.held.count('longpoll') === n ? resolve() : setImmediate(check));
    check();
  });
}

const get = (path: string, init?: RequestInit) => fetch(lab!.base + path, init).then((r) => r.json() as Promise<Answer>);

describe('long-poll waiting list', () => {
  it('one publish answers every held request with the new message', async () => {
    lab = await startLab();
    const polls = [1, 2, 3].map(() => get('/feed/longpoll?since=0&wait=30000'));
    await heldBecomes(3);
    lab.app.lab.feed.publish('news');
    const answers = await Promise.all(polls);
    expect(answers.map((a) => a.messages.map((m) => [m.seq, m.data]))).toEqual([[[1, 'news']], [[1, 'news']], [[1, 'news']]]);
    expect(lab.app.lab.held.count('longpoll')).toBe(0);
  });

  it('each held request is answered empty at its own deadline, whatever the order it came in', async () => {
    lab = await startLab();
    const long = get('/feed/longpoll?since=0&wait=30000');
    await heldBecomes(1);
    const order: string[] = [];
    const short = get('/feed/longpoll?since=0&wait=1000').then((a) => { order.push('short'); return a; });
    await heldBecomes(2);
    // Held after the others, due before them: the one timer must move up for it.
    const shorter = get('/feed/longpoll?since=0&wait=20').then((a) => { order.push('shorter'); return a; });
    expect((await short).messages).toEqual([]);
    expect((await shorter).messages).toEqual([]);
    expect(order).toEqual(['shorter', 'short']);
    // The long one is still held, and still gets the next message.
    expect(lab.app.lab.held.count('longpoll')).toBe(1);
    lab.app.lab.feed.publish('later');
    expect((await long).messages.map((m) => m.data)).toEqual(['later']);
  });

  it('a client that gives up no longer counts as held, and a publish after it answers the others', async () => {
    lab = await startLab();
    const stays = get('/feed/longpoll?since=0&wait=30000');
    await heldBecomes(1);
    const abort = new AbortController();
    const closed = nextServerSocketClosed(lab.app);
    const leaves = fetch(lab.base + '/feed/longpoll?since=0&wait=30000', { signal: abort.signal }).catch((err: Error) => err.name);
    await heldBecomes(2);
    abort.abort();
    expect(await leaves).toBe('AbortError');
    await closed;
    await heldBecomes(1);
    lab.app.lab.feed.publish('for the one left');
    expect((await stays).messages.map((m) => m.data)).toEqual(['for the one left']);
    expect(lab.app.lab.held.count('longpoll')).toBe(0);
  });

  it('a server closing answers its held polls (empty) instead of dropping them', async () => {
    lab = await startLab();
    const poll = fetch(lab.base + '/feed/longpoll?since=0&wait=30000');
    await heldBecomes(1);
    const closing = lab.close();
    lab = undefined;
    const answer = await poll;
    expect(answer.status).toBe(200);
    expect((await answer.json() as Answer).messages).toEqual([]);
    await closing;
  });
});
