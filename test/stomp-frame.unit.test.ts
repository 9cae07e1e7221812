/**
 * The STOMP 1.2 frame codec, byte for byte. Frames are written out literally,
 * `\n` for LF and `\0` for the NUL that ends every frame.
 */
import { describe, expect, it } from 'vitest';
import {
  FrameDecoder, decodeFrame, encodeFrame, escapeHeaderValue, header, unescapeHeaderValue, withContentLength,
} from '../src/stomp/frame.ts';
import { StompError } from '../src/stomp/errors.ts';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytes = (s: string) => new TextEncoder().encode(s);
const limits = { maxFrameBytes: 1024, maxHeaders: 8 };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof StompError) return err.code;
    throw err;
  }
  return undefined;
}

describe('encodeFrame', () => {
  it('writes command, header lines, a blank line, the body and NUL', () => {
    const frame = encodeFrame({ command: 'SEND', headers: [['destination', '/topic/chat'], ['content-length', '5']], body: 'hello' });
    expect(text(frame)).toBe('SEND\ndestination:/topic/chat\ncontent-length:5\n\nhello\0');
  });

  it('writes a frame without headers or body as command, two LFs and NUL', () => {
    expect(text(encodeFrame({ command: 'DISCONNECT' }))).toBe('DISCONNECT\n\n\0');
  });

  it('escapes CR, LF, colon and backslash in header values (STOMP 1.2 "Value Encoding")', () => {
    const frame = encodeFrame({ command: 'MESSAGE', headers: [['note', 'a:b\\c\nd\re']] });
    expect(text(frame)).toBe('MESSAGE\nnote:a\\cb\\\\c\\nd\\re\n\n\0');
  });

  it('does not escape CONNECT and CONNECTED headers, so a 1.0 server can read the CONNECT', () => {
    expect(text(encodeFrame({ command: 'CONNECT', headers: [['host', 'lab:3000']] }))).toBe('CONNECT\nhost:lab:3000\n\n\0');
    expect(() => encodeFrame({ command: 'CONNECT', headers: [['host', 'a\nb']] })).toThrow(StompError);
  });

  it('withContentLength counts UTF-8 bytes, not characters', () => {
    expect(withContentLength([['destination', '/topic/a']], '안녕')).toEqual([['destination', '/topic/a'], ['content-length', '6']]);
  });
});

describe('value encoding', () => {
  it('round-trips every escaped character', () => {
    const value = 'x:y\\z\r\n';
    expect(escapeHeaderValue(value)).toBe('x\\cy\\\\z\\r\\n');
    expect(unescapeHeaderValue(escapeHeaderValue(value))).toBe(value);
  });

  it('treats an undefined escape such as \\t as a fatal error', () => {
    expect(codeOf(() => unescapeHeaderValue('a\\tb'))).toBe('LAB_ERR_STOMP_BAD_ESCAPE');
    expect(codeOf(() => unescapeHeaderValue('ends with \\'))).toBe('LAB_ERR_STOMP_BAD_ESCAPE');
  });
});

describe('decodeFrame', () => {
  it('reads the spec example of a SEND', () => {
    const frame = decodeFrame('SEND\ndestination:/queue/a\ncontent-type:text/plain\n\nhello queue a\0');
    expect(frame.command).toBe('SEND');
    expect(frame.headers).toEqual([['destination', '/queue/a'], ['content-type', 'text/plain']]);
    expect(text(frame.body)).toBe('hello queue a');
  });

  it('accepts CRLF line ends', () => {
    const frame = decodeFrame('SUBSCRIBE\r\nid:0\r\ndestination:/topic/a\r\n\r\n\0');
    expect(frame.headers).toEqual([['id', '0'], ['destination', '/topic/a']]);
    expect(frame.body.length).toBe(0);
  });

  it('unescapes header values, except in CONNECT', () => {
    expect(header(decodeFrame('MESSAGE\nnote:a\\cb\\nc\n\n\0'), 'note')).toBe('a:b\nc');
    expect(header(decodeFrame('CONNECT\npasscode:a\\cb\n\n\0'), 'passcode')).toBe('a\\cb');
  });

  it('keeps the first of repeated headers for header(), and all of them in order', () => {
    const frame = decodeFrame('MESSAGE\nfoo:World\nfoo:Hello\n\n\0');
    expect(header(frame, 'foo')).toBe('World');
    expect(frame.headers).toEqual([['foo', 'World'], ['foo', 'Hello']]);
  });

  it('does not trim header values', () => {
    expect(header(decodeFrame('SEND\nx: padded \n\n\0'), 'x')).toBe(' padded ');
  });

  it('reads exactly content-length octets, NULs included', () => {
    const frame = decodeFrame('SEND\ndestination:/topic/a\ncontent-length:3\n\na\0b\0');
    expect([...frame.body]).toEqual([0x61, 0x00, 0x62]);
  });

  it('refuses a body longer than content-length', () => {
    expect(codeOf(() => decodeFrame('SEND\ndestination:/topic/a\ncontent-length:2\n\nabc\0'))).toBe('LAB_ERR_STOMP_BODY_TOO_LONG');
  });

  it('refuses a content-length that is not a number', () => {
    expect(codeOf(() => decodeFrame('SEND\ncontent-length:two\n\nab\0'))).toBe('LAB_ERR_STOMP_BAD_CONTENT_LENGTH');
    expect(codeOf(() => decodeFrame('SEND\ncontent-length:-1\n\n\0'))).toBe('LAB_ERR_STOMP_BAD_CONTENT_LENGTH');
  });

  it('refuses a header line without a colon, and a command that is not upper-case letters', () => {
    expect(codeOf(() => decodeFrame('SEND\nno-colon-here\n\n\0'))).toBe('LAB_ERR_STOMP_MALFORMED');
    expect(codeOf(() => decodeFrame('send\n\n\0'))).toBe('LAB_ERR_STOMP_MALFORMED');
    expect(codeOf(() => decodeFrame('SEND\n:empty-name\n\n\0'))).toBe('LAB_ERR_STOMP_MALFORMED');
  });

  it('refuses headers that are not UTF-8', () => {
    const frame = new Uint8Array([...bytes('SEND\nx:'), 0xff, ...bytes('\n\n\0')]);
    expect(codeOf(() => decodeFrame(frame))).toBe('LAB_ERR_STOMP_NOT_UTF8');
  });
});

describe('FrameDecoder', () => {
  it('reads a LF between frames as a heart-beat, and CRLF too', () => {
    const decoder = new FrameDecoder(limits);
    const items = decoder.push(bytes('\nSEND\ndestination:/topic/a\n\nx\0\r\n\n'));
    expect(items.map((i) => i.type)).toEqual(['heart-beat', 'frame', 'heart-beat', 'heart-beat']);
  });

  it('joins a frame split across chunks at any byte', () => {
    const whole = bytes('SEND\ndestination:/topic/a\ncontent-length:4\n\nab\0c\0');
    for (let cut = 1; cut < whole.length; cut++) {
      const decoder = new FrameDecoder(limits);
      expect(decoder.push(whole.subarray(0, cut)).filter((i) => i.type === 'frame')).toEqual([]);
      const items = decoder.push(whole.subarray(cut));
      expect(items).toHaveLength(1);
      expect(items[0]!.type === 'frame' && text(items[0]!.frame.body)).toBe('ab\0c');
    }
  });

  it('reads two frames from one chunk', () => {
    const items = new FrameDecoder(limits).push(bytes('ACK\nid:1\n\n\0NACK\nid:2\n\n\0'));
    expect(items.map((i) => i.type === 'frame' && i.frame.command)).toEqual(['ACK', 'NACK']);
  });

  it('refuses a frame larger than maxFrameBytes, whether or not it declares its length', () => {
    const small = { maxFrameBytes: 32, maxHeaders: 8 };
    expect(codeOf(() => new FrameDecoder(small).push(bytes(`SEND\n\n${'x'.repeat(40)}\0`)))).toBe('LAB_ERR_STOMP_FRAME_TOO_LARGE');
    expect(codeOf(() => new FrameDecoder(small).push(bytes('SEND\ncontent-length:100\n\n')))).toBe('LAB_ERR_STOMP_FRAME_TOO_LARGE');
    expect(codeOf(() => new FrameDecoder(small).push(bytes(`SEND\nx:${'y'.repeat(40)}`)))).toBe('LAB_ERR_STOMP_FRAME_TOO_LARGE');
  });

  it('accepts a frame of exactly maxFrameBytes', () => {
    const frame = bytes('SEND\n\nabc\0'); // 10 bytes
    expect(new FrameDecoder({ maxFrameBytes: 10, maxHeaders: 1 }).push(frame)).toHaveLength(1);
  });

  it('refuses more than maxHeaders header lines', () => {
    const headers = Array.from({ length: 9 }, (_, i) => `h${i}:v`).join('\n');
    expect(codeOf(() => new FrameDecoder(limits).push(bytes(`SEND\n${headers}\n\n\0`)))).toBe('LAB_ERR_STOMP_TOO_MANY_HEADERS');
  });

  it('waits for more bytes while the frame is incomplete', () => {
    const decoder = new FrameDecoder(limits);
    const partial = bytes('SEND\ndestination:/topic/a\n\nno NUL yet');
    expect(decoder.push(partial)).toEqual([]);
    expect(decoder.pending).toBe(partial.length);
    expect(decoder.push(bytes('\0')).map((i) => i.type)).toEqual(['frame']);
    expect(decoder.pending).toBe(0);
  });

  it('round-trips what encodeFrame writes', () => {
    const body = bytes('{"seq":1}');
    const encoded = encodeFrame({ command: 'MESSAGE', headers: withContentLength([['destination', '/topic/feed'], ['x', 'a:b']], body), body });
    const frame = decodeFrame(encoded);
    expect(frame.headers).toEqual([['destination', '/topic/feed'], ['x', 'a:b'], ['content-length', '9']]);
    expect(text(frame.body)).toBe('{"seq":1}');
  });
});
