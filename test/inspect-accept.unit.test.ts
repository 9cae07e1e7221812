/**
 * Sec-WebSocket-Accept computed the way the handshake inspector computes it in
 * the browser (WebCrypto SHA-1, base64), checked against the RFC's vectors.
 */
import { describe, expect, it } from 'vitest';
import { computeAccept, keyProblem, MAX_KEY_LENGTH, WEBSOCKET_GUID } from '../web/src/inspectors/accept.ts';

describe('computeAccept (RFC 6455 §4.2.2)', () => {
  it('gives the RFC 6455 §1.3 accept for its sample key, step by step', async () => {
    const steps = await computeAccept('dGhlIHNhbXBsZSBub25jZQ==');
    expect(steps.concatenated).toBe('dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11');
    // RFC 6455 §1.3 prints these 20 bytes: 0xb3 0x7a 0x4f 0x2c 0xc0 0x62 0x4f 0x16 0x90 0xf6 0x46 0x06 0xcf 0x38 0x59 0x45 0xb2 0xbe 0xc4 0xea
    expect(steps.sha1Hex).toBe('b3 7a 4f 2c c0 62 4f 16 90 f6 46 06 cf 38 59 45 b2 be c4 ea');
    expect(steps.accept).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    expect(steps.keyProblem).toBeUndefined();
  });

  it('gives RFC 6455 §1.2\'s other sample handshake', async () => {
    expect((await computeAccept('x3JJHMbDL1EzLkh9GBhXDw==')).accept).toBe('HSmrc0sMlYUkAGmm5OPpG2HaGWk=');
  });

  it('agrees with Node\'s own SHA-1 for a random key', async () => {
    const { createHash, randomBytes } = await import('node:crypto');
    const key = randomBytes(16).toString('base64');
    const expected = createHash('sha1').update(key + WEBSOCKET_GUID).digest('base64');
    expect((await computeAccept(key)).accept).toBe(expected);
  });

  it('computes any printable key but says when a server would refuse it', async () => {
    const steps = await computeAccept('hello');
    expect(steps.accept).toMatch(/^[A-Za-z0-9+/]{27}=$/);
    expect(steps.keyProblem).toMatch(/not 16 bytes in base64/);
    expect(keyProblem('')).toBeDefined();
  });

  it('refuses keys that are not header values, or too long, with stable codes', async () => {
    await expect(computeAccept('키')).rejects.toMatchObject({ code: 'LAB_ERR_KEY_NOT_ASCII' });
    await expect(computeAccept('a\r\nX-Injected: 1')).rejects.toMatchObject({ code: 'LAB_ERR_KEY_NOT_ASCII' });
    await expect(computeAccept('a'.repeat(MAX_KEY_LENGTH + 1))).rejects.toMatchObject({ code: 'LAB_ERR_KEY_TOO_LONG' });
  });
});
