/**
 * The inspectors' pure formatting: head annotation, the playground's edits and
 * first-frame reading, the frame inspector's checks and descriptions, the
 * timeline's geometry, the switch badges, and the cross-origin message guard.
 */
import { describe, expect, it } from 'vitest';
import { encodeFrameHeader, toHex } from '../src/framing/ws-frame.ts';
import { normaliseRequest } from '../src/inspect/playground.ts';
import { DEFAULTS } from '../src/config.ts';
import { annotateHead, headerNote, headerValue } from '../web/src/inspectors/header-notes.ts';
import {
  firstFrame, requestProblem, validUpgrade, wireBytes, withHeader, withoutHeader, PLAYGROUND_MAX_REQUEST_BYTES,
} from '../web/src/inspectors/playground-request.ts';
import {
  closeProblem, filler, fragmentsCommand, frameStartHex, frameSummary, lengthForm, payloadShown, pingProblem, PRESETS, sendProblem, type InspectedFrame,
} from '../web/src/inspectors/frame-format.ts';
import { layoutTimeline } from '../web/src/inspectors/timeline-layout.ts';
import { anySwitchOn, laneBadges, securityBadges, type SwitchesSnapshot } from '../web/src/inspectors/switch-badges.ts';
import { isLabOrigin } from '../web/src/inspectors/cross-origin-protocol.ts';

const RESPONSE_101 = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n';

describe('annotateHead', () => {
  it('labels every line of a 101 and counts its bytes, CRLF included', () => {
    const lines = annotateHead('response', RESPONSE_101);
    expect(lines.map((l) => [l.kind, l.name, l.bytes])).toEqual([
      ['start', '', 34], ['header', 'upgrade', 20], ['header', 'connection', 21], ['header', 'sec-websocket-accept', 52], ['end', '', 2],
    ]);
    expect(lines.reduce((n, l) => n + l.bytes, 0)).toBe(RESPONSE_101.length);
    expect(lines[0]!.note).toMatch(/^101 Switching Protocols/);
    expect(lines.every((l) => l.note.length > 0)).toBe(true);
  });

  it('explains the request headers of a handshake, case-insensitively, and says when a header is not part of it', () => {
    for (const name of ['Host', 'Upgrade', 'Connection', 'Sec-WebSocket-Key', 'Sec-WebSocket-Version', 'Origin', 'Sec-WebSocket-Protocol', 'Sec-WebSocket-Extensions', 'User-Agent']) {
      expect(headerNote('request', name), name).not.toMatch(/^not part of/);
    }
    expect(headerNote('request', 'sec-websocket-key')).toBe(headerNote('request', 'SEC-WEBSOCKET-KEY'));
    expect(headerNote('request', 'X-Forwarded-For')).toMatch(/^not part of the WebSocket handshake/);
    expect(annotateHead('response', 'HTTP/1.1 426 Upgrade Required\r\n\r\n')[0]!.note).toMatch(/RFC 6455 §4\.4/);
  });

  it('finds a header value whatever its case', () => {
    expect(headerValue(RESPONSE_101, 'sec-websocket-accept')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    expect(headerValue(RESPONSE_101, 'Origin')).toBeUndefined();
  });
});

describe('the playground request', () => {
  const valid = validUpgrade('localhost:3000');

  it('starts from a valid upgrade, and its edits are the classic ones', () => {
    expect(valid).toBe('GET /feed/ws HTTP/1.1\nHost: localhost:3000\nUpgrade: websocket\nConnection: Upgrade\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\nSec-WebSocket-Version: 13');
    expect(withoutHeader(valid, 'sec-websocket-key')).not.toMatch(/Sec-WebSocket-Key/);
    expect(withHeader(valid, 'Sec-WebSocket-Version', '8')).toMatch(/\nSec-WebSocket-Version: 8$/);
    expect(withHeader(valid, 'Origin', 'http://evil.example')).toMatch(/\nOrigin: http:\/\/evil\.example$/);
    // Replacing keeps one line, even when the text had two.
    expect(withHeader(`${valid}\nsec-websocket-version: 7`, 'Sec-WebSocket-Version', '8').match(/version/gi)).toHaveLength(1);
  });

  it('counts the bytes exactly as the lab will send them', () => {
    for (const text of [valid, `${valid}\n`, `${valid}\n\n\n`, valid.replace(/\n/g, '\r\n')]) {
      expect(wireBytes(text)).toBe(Buffer.byteLength(normaliseRequest(text), 'latin1'));
    }
  });

  it('refuses, before sending, what the lab could not send: empty, beyond Latin-1, over the cap', () => {
    expect(requestProblem(valid)).toBeUndefined();
    expect(requestProblem('  ')?.code).toBe('LAB_ERR_PLAYGROUND_EMPTY');
    expect(requestProblem(`${valid}\nX-Name: 유재석`)?.code).toBe('LAB_ERR_PLAYGROUND_NOT_LATIN1');
    expect(PLAYGROUND_MAX_REQUEST_BYTES).toBe(DEFAULTS.playgroundMaxRequestBytes);
    // The same code the lab answers with (413) for a request over its cap.
    expect(requestProblem(`${valid}\nX-Pad: ${'a'.repeat(PLAYGROUND_MAX_REQUEST_BYTES)}`)).toMatchObject({ code: 'LAB_ERR_PAYLOAD_TOO_LARGE', message: expect.stringMatching(/at most 4,096/) });
  });

  it('reads the first frame after a 101: the lab\'s hello, 81 + length, unmasked', () => {
    const payload = Buffer.from('{"type":"hello"}');
    const frame = firstFrame(Buffer.concat([encodeFrameHeader({ opcode: 1, payloadLength: payload.length }), payload, Buffer.from([0x81])]));
    expect(frame).toMatchObject({ headerHex: '81 10', opcode: 'text', fin: true, masked: false, payloadLength: 16, text: '{"type":"hello"}', complete: true });
    expect(firstFrame(new Uint8Array([0x81]))).toBeUndefined(); // not even a header
    expect(firstFrame(new Uint8Array([0x83, 0x00]))).toBeUndefined(); // a reserved opcode
    expect(firstFrame(new Uint8Array([0x81, 0x05, 0x48]))).toMatchObject({ payloadHex: '48', complete: false });
  });
});

describe('the frame inspector\'s checks and words', () => {
  it('has presets for the three length forms of RFC 6455 §5.2', () => {
    expect(PRESETS.map((p) => Buffer.byteLength(p.text))).toEqual([5, 200, 70_000]);
    expect(PRESETS.map((p) => lengthForm(Buffer.byteLength(p.text)).bits)).toEqual([7, 16, 64]);
    expect([125, 126, 65_535, 65_536].map((n) => lengthForm(n).bits)).toEqual([7, 16, 16, 64]);
    expect(filler(12)).toBe('012345678901');
  });

  it('bounds what is sent with the server\'s caps', () => {
    expect(sendProblem(DEFAULTS.inspectMaxMessageBytes)).toBeUndefined();
    expect(sendProblem(DEFAULTS.inspectMaxMessageBytes + 1)).toMatchObject({ code: 'LAB_ERR_PAYLOAD_TOO_LARGE', message: expect.stringMatching(/over the inspector's cap of 131,072/) });
    expect(fragmentsCommand('Hello', 2)).toEqual({ command: '{"cmd":"fragments","text":"Hello","parts":2}' });
    for (const [text, parts] of [['Hello', DEFAULTS.inspectMaxFragments + 1], ['Hello', 1.5], ['Hello', 0], ['', 2], ['x'.repeat(5000), 2]] as const) {
      expect(fragmentsCommand(text, parts), `${text.length} chars in ${parts}`).toMatchObject({ problem: { code: 'LAB_ERR_FRAGMENTS_INVALID' } });
    }
    expect(pingProblem('hi')).toBeUndefined();
    expect(pingProblem('a'.repeat(126))?.code).toBe('LAB_ERR_PING_TOO_LONG');
  });

  it('accepts only the close codes and reasons a page may use (RFC 6455 §7.4, §5.5)', () => {
    expect(closeProblem(1000, '')).toBeUndefined();
    expect(closeProblem(4000, 'bye')).toBeUndefined();
    for (const code of [999, 1001, 1006, 2999, 5000, Number.NaN]) expect(closeProblem(code, '')?.code, String(code)).toBe('LAB_ERR_CLOSE_CODE');
    expect(closeProblem(4000, 'a'.repeat(123))).toBeUndefined();
    // 3 bytes a character in UTF-8: 126 bytes, past the 123 a close frame leaves.
    expect(closeProblem(4000, '가'.repeat(42))).toMatchObject({ code: 'LAB_ERR_CLOSE_REASON_TOO_LONG', message: expect.stringMatching(/126 bytes/) });
  });

  it('describes a captured frame: the bytes as they crossed, and how much of the payload is shown', () => {
    const key = new Uint8Array([0x37, 0xfa, 0x21, 0x3d]);
    const frame: InspectedFrame = {
      n: 2, dir: 'in', at: 0, opcode: 'text', fin: true, rsv1: false, masked: true,
      headerHex: toHex(encodeFrameHeader({ opcode: 1, payloadLength: 5, maskingKey: key })), headerLength: 6, payloadLength: 5,
      fields: [], wireHex: '7f 9f 4d 51 58', unmaskedHex: '48 65 6c 6c 6f', text: 'Hello',
    };
    // RFC 6455 §5.7: a masked "Hello".
    expect(frameStartHex(frame)).toBe('81 85 37 fa 21 3d 7f 9f 4d 51 58');
    expect(payloadShown(frame)).toBe('5 B');
    expect(frameSummary(frame)).toBe('browser → server · text · FIN · masked · 5 B payload (7-bit length) · 6 B header');
    expect(payloadShown({ payloadLength: 70_000, wireHex: Array(64).fill('30').join(' ') })).toBe('first 64 of 70,000 B');
    expect(frameStartHex({ headerHex: '88 00', wireHex: '' })).toBe('88 00');
  });
});

describe('layoutTimeline', () => {
  const now = 100_000;
  const req = (id: number, conn: number, start: number, firstByte: number | null, end: number | null) =>
    ({ id, conn, method: 'GET', path: '/feed/poll', status: firstByte === null ? null : 200, start, firstByte, end });

  it('places waiting and receiving in a sliding window, oldest first', () => {
    const layout = layoutTimeline({
      now,
      requests: [req(2, 7, 95_000, 96_000, 97_000), req(1, 7, 80_000, 80_001, 80_002), req(3, 8, 98_000, 98_000, null)],
      connections: [],
    }, 10_000, 10);
    expect(layout.requestsInWindow).toBe(2); // the one that ended at 80 s is out of the window
    expect(layout.rows.map((r) => [r.id, r.left, r.waitWidth, r.receiveWidth, r.open])).toEqual([
      [2, 50, 10, 10, false],
      [3, 80, 0, 20, true],
    ]);
    expect(layout.rows.map((r) => [r.waitingMs, r.receivingMs])).toEqual([[1000, 1000], [0, 2000]]);
    expect(layout.connectionsInWindow).toBe(2);
    expect(layout.openNow).toBe(1);
    expect(layout.ticks.at(0)).toEqual({ left: 0, label: '−10 s' });
    expect(layout.ticks.at(-1)).toEqual({ left: 100, label: 'now' });
  });

  it('clips a request that began before the window, keeps a connection\'s colour, and cuts to the newest rows', () => {
    const layout = layoutTimeline({
      now,
      requests: [req(1, 13, 50_000, 50_010, null), ...Array.from({ length: 5 }, (_, i) => req(10 + i, 14, 91_000 + i * 1000, 91_000 + i * 1000, 91_005 + i * 1000))],
      connections: [],
    }, 10_000, 3);
    expect(layout.requestsInWindow).toBe(6);
    expect(layout.rows.map((r) => r.id)).toEqual([12, 13, 14]);
    const held = layoutTimeline({ now, requests: [req(1, 13, 50_000, 50_010, null)], connections: [] }, 10_000, 3).rows[0]!;
    expect([held.left, held.waitWidth, held.receiveWidth]).toEqual([0, 0, 100]);
    expect(held.colour).toBe(13 % 6);
    // Still waiting for its head (a held long poll): all waiting, nothing received yet.
    const waiting = layoutTimeline({ now, requests: [req(1, 2, 99_000, null, null)], connections: [] }, 10_000, 3).rows[0]!;
    expect([waiting.waitWidth, waiting.receiveWidth, waiting.status]).toEqual([10, 0, null]);
  });
});

describe('switch badges', () => {
  const off = (): SwitchesSnapshot => ({
    chaos: Object.fromEntries(['poll', 'longpoll', 'stream', 'sse', 'ws'].map((l) => [l, { delayMs: 0, bufferBytes: 0, refuseUpgrade: false }])) as SwitchesSnapshot['chaos'],
    security: { originCheck: false, cors: false, allowedOrigins: ['http://localhost:3000'] },
    secondOrigin: null,
  });

  it('shows nothing while every switch is off', () => {
    expect(anySwitchOn(off())).toBe(false);
    expect(laneBadges('ws', off())).toEqual([]);
    expect(securityBadges(off())).toEqual([]);
  });

  it('names each switch that is on, on its own lane', () => {
    const s = off();
    s.chaos.poll.delayMs = 1500;
    s.chaos.sse.bufferBytes = 4096;
    s.chaos.ws.refuseUpgrade = true;
    s.security.originCheck = true;
    expect(laneBadges('poll', s).map((b) => b.text)).toEqual(['+1,500 ms delay']);
    expect(laneBadges('sse', s).map((b) => b.text)).toEqual(['proxy buffers 4,096 B']);
    expect(laneBadges('ws', s).map((b) => b.key)).toEqual(['refuse-upgrade']);
    expect(laneBadges('stream', s)).toEqual([]);
    expect(securityBadges(s).map((b) => b.key)).toEqual(['origin-check']);
    expect(anySwitchOn(s)).toBe(true);
  });
});

describe('isLabOrigin', () => {
  it('accepts the lab\'s origin under any loopback name, and nothing else', () => {
    expect(isLabOrigin('http://localhost:3000', 'http://localhost:3000')).toBe(true);
    expect(isLabOrigin('http://127.0.0.1:3000', 'http://localhost:3000')).toBe(true);
    expect(isLabOrigin('http://[::1]:3000', 'http://localhost:3000')).toBe(true);
    expect(isLabOrigin('http://localhost:3001', 'http://localhost:3000')).toBe(false);
    expect(isLabOrigin('https://localhost:3000', 'http://localhost:3000')).toBe(false);
    expect(isLabOrigin('http://evil.example:3000', 'http://localhost:3000')).toBe(false);
    expect(isLabOrigin('null', 'http://localhost:3000')).toBe(false);
  });
});
