/**
 * The STOMP endpoint fed literal frames over a raw WebSocket: what the server
 * writes, byte for byte, and every malformed case. Each bad frame gets an
 * ERROR frame and a close ("the server MUST then close the connection"),
 * and a well-behaved client connected meanwhile keeps working.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { FastifyInstance } from 'fastify';
import { buildLab } from '../src/app.ts';
import { stompPlugin } from '../src/stomp/server.ts';

const MAX_FRAME = 1024;
let app: FastifyInstance;
let url: string;
let smallUrl: string;

beforeAll(async () => {
  app = await buildLab({ feedRate: 0, serveWeb: false, startFeed: false });
  await app.register(stompPlugin, {
    prefix: '/small',
    limits: { maxFrameBytes: MAX_FRAME, maxHeaders: 8, maxSubscriptions: 2, heartbeatSendMs: 0, heartbeatReceiveMs: 30, connectTimeoutMs: 200 },
  });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  url = `${base.replace('http', 'ws')}/stomp`;
  smallUrl = `${base.replace('http', 'ws')}/small/stomp`;
});

afterAll(async () => {
  await app.close();
});

class Raw {
  readonly frames: string[] = [];
  private readonly waiters = new Set<() => void>();
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(data.toString());
      for (const wake of [...this.waiters]) wake();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static async open(target = smallUrl, protocols: string[] = ['v12.stomp']): Promise<Raw> {
    const raw = new Raw(new WebSocket(target, protocols));
    await new Promise((resolve, reject) => { raw.ws.once('open', resolve); raw.ws.once('error', reject); });
    return raw;
  }

  static async connected(target = smallUrl): Promise<Raw> {
    const raw = await Raw.open(target);
    raw.ws.send('CONNECT\naccept-version:1.2\nhost:lab\n\n\0');
    await raw.frame(0);
    return raw;
  }

  /** The n-th frame the server sent (0-based). */
  frame(n: number): Promise<string> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.frames.length <= n) return false;
        this.waiters.delete(check);
        resolve(this.frames[n]!);
        return true;
      };
      if (!check()) this.waiters.add(check);
    });
  }
}

/** Send `bad` on a fresh connection; return the ERROR frame and the close. */
async function refuse(bad: string | Buffer, opts: { connect?: boolean } = {}) {
  const raw = opts.connect === false ? await Raw.open() : await Raw.connected();
  raw.ws.send(bad);
  const error = await raw.frame(opts.connect === false ? 0 : 1);
  return { error, ...(await raw.closed) };
}

describe('what the server writes', () => {
  it('answers CONNECT with exactly these bytes', async () => {
    const raw = await Raw.open();
    raw.ws.send('CONNECT\naccept-version:1.1,1.2\nheart-beat:0,0\nhost:lab\n\n\0');
    expect(await raw.frame(0)).toMatch(/^CONNECTED\nversion:1\.2\nheart-beat:0,30\nsession:[0-9a-f]{6}-\d+\nserver:transport-lab\/0\.1\n\n\0$/);
    raw.ws.close();
  });

  it('frames a MESSAGE and a RECEIPT byte for byte, escaping header values', async () => {
    const raw = await Raw.connected();
    raw.ws.send('SUBSCRIBE\nid:0\ndestination:/topic/bytes\n\n\0');
    raw.ws.send('SEND\ndestination:/topic/bytes\nnote:back\\\\slash\\cc\nreceipt:r1\ncontent-length:5\n\nhello\0');
    // The subscriber here is the sender itself, so its MESSAGE goes out while the SEND is handled, before the RECEIPT.
    const message = await raw.frame(1);
    const id = /\nmessage-id:(\d+)\n/.exec(message)?.[1];
    expect(message).toBe(`MESSAGE\nsubscription:0\nmessage-id:${id}\ndestination:/topic/bytes\nnote:back\\\\slash\\cc\ncontent-length:5\n\nhello\0`);
    expect(await raw.frame(2)).toBe('RECEIPT\nreceipt-id:r1\n\n\0');
    raw.ws.close();
  });

  it('takes several frames in one WebSocket message, and a frame split over two', async () => {
    const raw = await Raw.connected();
    raw.ws.send('SUBSCRIBE\nid:a\ndestination:/topic/s\nreceipt:1\n\n\0\nSUBSCRIBE\nid:b\ndestination:/topic/s\nreceipt:2\n\n\0');
    expect([await raw.frame(1), await raw.frame(2)]).toEqual(['RECEIPT\nreceipt-id:1\n\n\0', 'RECEIPT\nreceipt-id:2\n\n\0']);
    raw.ws.send('SEND\ndestination:/topic/s\ncontent-le');
    raw.ws.send('ngth:2\n\nhi\0');
    expect(await raw.frame(3)).toContain('subscription:a');
    expect(await raw.frame(4)).toContain('subscription:b');
    raw.ws.close();
  });

  it('closes with 1000 after the RECEIPT of a DISCONNECT', async () => {
    const raw = await Raw.connected();
    raw.ws.send('DISCONNECT\nreceipt:bye\n\n\0');
    expect(await raw.frame(1)).toBe('RECEIPT\nreceipt-id:bye\n\n\0');
    expect((await raw.closed).code).toBe(1000);
  });
});

describe('sub-protocol negotiation', () => {
  it('refuses a client that offers no sub-protocol, with 1002 and a reason', async () => {
    const raw = await Raw.open(url, []);
    const closed = await raw.closed;
    expect(closed.code).toBe(1002);
    expect(closed.reason).toMatch(/^LAB_ERR_STOMP_SUBPROTOCOL: .*v12\.stomp/);
  });

  it('picks v12.stomp even when a client offers older versions first, as stompjs does', async () => {
    const raw = await Raw.open(url, ['v10.stomp', 'v11.stomp', 'v12.stomp']);
    expect(raw.ws.protocol).toBe('v12.stomp');
    raw.ws.close();
  });

  it('selects no sub-protocol for a client that offers only another STOMP version, so the handshake fails', async () => {
    // RFC 6455 §4.1: a client that asked for sub-protocols must fail the connection when none is selected.
    await expect(Raw.open(url, ['v11.stomp'])).rejects.toThrow(/no subprotocol/i);
  });
});

describe('malformed frames: ERROR, then close', () => {
  const cases: [string, string | Buffer, string, number][] = [
    ['a frame over the size limit', `SEND\ndestination:/topic/a\n\n${'x'.repeat(MAX_FRAME)}\0`, 'LAB_ERR_STOMP_FRAME_TOO_LARGE', 1009],
    ['a content-length over the size limit', `SEND\ndestination:/topic/a\ncontent-length:${MAX_FRAME}\n\n`, 'LAB_ERR_STOMP_FRAME_TOO_LARGE', 1009],
    ['too many headers', `SEND\n${Array.from({ length: 9 }, (_, i) => `h${i}:v`).join('\n')}\n\n\0`, 'LAB_ERR_STOMP_TOO_MANY_HEADERS', 1009],
    ['an unknown command', 'SHOUT\n\n\0', 'LAB_ERR_STOMP_UNKNOWN_COMMAND', 1002],
    ['a server command from a client', 'MESSAGE\ndestination:/topic/a\n\n\0', 'LAB_ERR_STOMP_UNKNOWN_COMMAND', 1002],
    ['SEND without destination', 'SEND\n\nhi\0', 'LAB_ERR_STOMP_MISSING_HEADER', 1002],
    ['SUBSCRIBE without id', 'SUBSCRIBE\ndestination:/topic/a\n\n\0', 'LAB_ERR_STOMP_MISSING_HEADER', 1002],
    ['SUBSCRIBE without destination', 'SUBSCRIBE\nid:1\n\n\0', 'LAB_ERR_STOMP_MISSING_HEADER', 1002],
    ['UNSUBSCRIBE without id', 'UNSUBSCRIBE\n\n\0', 'LAB_ERR_STOMP_MISSING_HEADER', 1002],
    ['ACK without id', 'ACK\n\n\0', 'LAB_ERR_STOMP_MISSING_HEADER', 1002],
    ['BEGIN without transaction', 'BEGIN\n\n\0', 'LAB_ERR_STOMP_MISSING_HEADER', 1002],
    ['a body longer than content-length', 'SEND\ndestination:/topic/a\ncontent-length:2\n\nabc\0', 'LAB_ERR_STOMP_BODY_TOO_LONG', 1002],
    ['a content-length that is not a number', 'SEND\ndestination:/topic/a\ncontent-length:ten\n\n\0', 'LAB_ERR_STOMP_BAD_CONTENT_LENGTH', 1002],
    ['an undefined escape (\\t)', 'SEND\ndestination:/topic/a\nx:a\\tb\n\n\0', 'LAB_ERR_STOMP_BAD_ESCAPE', 1002],
    ['a header line without a colon', 'SEND\ndestination\n\n\0', 'LAB_ERR_STOMP_MALFORMED', 1002],
    ['a body on SUBSCRIBE', 'SUBSCRIBE\nid:1\ndestination:/topic/a\n\nbody\0', 'LAB_ERR_STOMP_MALFORMED', 1002],
    ['an ack mode that does not exist', 'SUBSCRIBE\nid:1\ndestination:/topic/a\nack:sometimes\n\n\0', 'LAB_ERR_STOMP_MALFORMED', 1002],
    ['headers that are not UTF-8', Buffer.from([...Buffer.from('SEND\nx:'), 0xff, ...Buffer.from('\n\n\0')]), 'LAB_ERR_STOMP_NOT_UTF8', 1007],
    ['a destination outside /topic/', 'SUBSCRIBE\nid:1\ndestination:/queue/a\n\n\0', 'LAB_ERR_STOMP_DESTINATION', 1008],
    ['UNSUBSCRIBE of an unknown id', 'UNSUBSCRIBE\nid:nope\n\n\0', 'LAB_ERR_STOMP_SUBSCRIPTION', 1008],
    ['a duplicate subscription id', 'SUBSCRIBE\nid:1\ndestination:/topic/a\n\n\0SUBSCRIBE\nid:1\ndestination:/topic/b\n\n\0', 'LAB_ERR_STOMP_SUBSCRIPTION', 1008],
    ['more subscriptions than allowed', ['1', '2', '3'].map((id) => `SUBSCRIBE\nid:${id}\ndestination:/topic/a\n\n\0`).join(''), 'LAB_ERR_STOMP_TOO_MANY_SUBSCRIPTIONS', 1008],
    ['an ACK of nothing', 'ACK\nid:42\n\n\0', 'LAB_ERR_STOMP_ACK', 1008],
    ['COMMIT of an unknown transaction', 'COMMIT\ntransaction:t9\n\n\0', 'LAB_ERR_STOMP_TRANSACTION', 1008],
    ['a SEND in an unknown transaction', 'SEND\ndestination:/topic/a\ntransaction:t9\n\n\0', 'LAB_ERR_STOMP_TRANSACTION', 1008],
    ['a second CONNECT', 'CONNECT\naccept-version:1.2\n\n\0', 'LAB_ERR_STOMP_ALREADY_CONNECTED', 1002],
    ['a feed SEND whose body is not {"data": ...}', 'SEND\ndestination:/topic/feed\n\nnot json\0', 'LAB_ERR_STOMP_FEED_BODY', 1007],
  ];

  for (const [name, bad, code, close] of cases) {
    it(`${name}: ${code}, close ${close}`, async () => {
      const { error, code: closeCode, reason } = await refuse(bad);
      expect(error).toMatch(new RegExp(`^ERROR\\nmessage:${code}\\\\c `));
      expect(error).toMatch(/\ncontent-type:text\/plain\ncontent-length:\d+\n\n[^\0]+\0$/);
      expect(closeCode).toBe(close);
      expect(reason.startsWith(`${code}: `)).toBe(true);
    });
  }

  it('echoes the receipt of the frame that failed as receipt-id', async () => {
    const { error } = await refuse('SUBSCRIBE\ndestination:/topic/a\nreceipt:77\n\n\0');
    expect(error).toContain('\nreceipt-id:77\n');
  });

  it('refuses a frame before CONNECT', async () => {
    const { error, code } = await refuse('SEND\ndestination:/topic/a\n\nhi\0', { connect: false });
    expect(error).toMatch(/^ERROR\nmessage:LAB_ERR_STOMP_NOT_CONNECTED/);
    expect(code).toBe(1002);
  });

  it('refuses a client that shares no version, naming the one it speaks', async () => {
    const { error } = await refuse('CONNECT\naccept-version:1.0,1.1\nhost:lab\n\n\0', { connect: false });
    expect(error).toMatch(/^ERROR\nmessage:LAB_ERR_STOMP_VERSION\\c [^\n]*\nversion:1\.2\n/);
  });

  it('refuses a CONNECT without accept-version (that means STOMP 1.0)', async () => {
    const { error } = await refuse('CONNECT\nhost:lab\n\n\0', { connect: false });
    expect(error).toMatch(/^ERROR\nmessage:LAB_ERR_STOMP_VERSION/);
  });

  it('refuses a heart-beat header that is not "cx,cy"', async () => {
    const { error } = await refuse('CONNECT\naccept-version:1.2\nheart-beat:often\n\n\0', { connect: false });
    expect(error).toMatch(/^ERROR\nmessage:LAB_ERR_STOMP_HEART_BEAT_INVALID/);
  });

  it('closes a client that never sends CONNECT', async () => {
    const raw = await Raw.open();
    expect(await raw.frame(0)).toMatch(/^ERROR\nmessage:LAB_ERR_STOMP_NOT_CONNECTED/);
    expect((await raw.closed).code).toBe(1002);
  });

  it('closes a client that promised heart-beats and went silent', async () => {
    const raw = await Raw.open();
    raw.ws.send('CONNECT\naccept-version:1.2\nheart-beat:10,0\n\n\0');
    expect(await raw.frame(0)).toContain('\nheart-beat:0,30\n');
    expect(await raw.frame(1)).toMatch(/^ERROR\nmessage:LAB_ERR_STOMP_HEART_BEAT_LOST/);
    expect((await raw.closed).code).toBe(1002);
  });

  it('keeps serving a well-behaved client while others are refused', async () => {
    const good = await Raw.connected(url);
    good.ws.send('SUBSCRIBE\nid:s\ndestination:/topic/steady\n\n\0');
    let seen = 1;
    for (const [, bad] of cases.slice(0, 6)) {
      await refuse(bad);
      good.ws.send(`SEND\ndestination:/topic/steady\n\nstill ${seen}\0`);
      expect(await good.frame(seen)).toMatch(new RegExp(`^MESSAGE\\n[^]*\\n\\nstill ${seen}\\0$`));
      seen++;
    }
    good.ws.close();
  });
});
