import { describe, expect, it } from 'vitest';
import { mayOpenWebSocket } from '../web/src/h2/protocol.ts';

describe('mayOpenWebSocket: may this page open a WebSocket to that URL (mixed content)', () => {
  it('lets an http page open ws:// anywhere, and any page open wss://', () => {
    expect(mayOpenWebSocket(new URL('ws://192.168.1.20:3000/feed/ws'), 'http:')).toBe(true);
    expect(mayOpenWebSocket(new URL('wss://lab.example/feed/ws'), 'https:')).toBe(true);
  });

  it('lets an https page open ws:// only to loopback, which browsers treat as potentially trustworthy', () => {
    for (const host of ['localhost', 'lab.localhost', '127.0.0.1', '127.1.2.3', '[::1]']) {
      expect(mayOpenWebSocket(new URL(`ws://${host}:3000/api/live`), 'https:'), host).toBe(true);
    }
    for (const host of ['192.168.1.20', 'student.lab', '[fd00::2]', 'localhost.example']) {
      expect(mayOpenWebSocket(new URL(`ws://${host}:3000/api/live`), 'https:'), host).toBe(false);
    }
  });
});
