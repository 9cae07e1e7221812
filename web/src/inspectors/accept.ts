/**
 * Sec-WebSocket-Accept, step by step (RFC 6455 §4.2.2, item 5.4; §1.3 gives
 * the worked example). Pure and DOM-free: WebCrypto's SHA-1 exists in every
 * browser and in Node 20, so the unit test runs the same code the page runs.
 *
 *   accept = base64( SHA-1( key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11" ) )
 *
 * The server proves it read this handshake (not a cached or replayed answer)
 * by hashing the client's random key with a GUID no HTTP server would know.
 * It is no security: anyone can compute it, as this module does.
 */
import { t } from '../i18n/index.ts';

/** RFC 6455 §1.3: the GUID every WebSocket server appends to the key. */
export const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** RFC 6455 §4.1: the key is 16 random bytes, base64-encoded: 24 characters ending in "==". */
export const KEY_PATTERN = /^[A-Za-z0-9+/]{22}==$/;

/** The longest key the page will hash: far past any real key, short enough to show. */
export const MAX_KEY_LENGTH = 256;

export interface AcceptSteps {
  key: string;
  /** key + GUID, the exact string that is hashed (ASCII). */
  concatenated: string;
  /** The 20 bytes of SHA-1, as hex pairs. */
  sha1Hex: string;
  /** base64 of those 20 bytes: the Sec-WebSocket-Accept value. */
  accept: string;
  /** Why a server would refuse this key, or undefined for a well-formed one. */
  keyProblem: string | undefined;
}

export class AcceptInputError extends Error {
  constructor(readonly code: 'LAB_ERR_KEY_TOO_LONG' | 'LAB_ERR_KEY_NOT_ASCII', message: string) {
    super(message);
    this.name = 'AcceptInputError';
  }
}

/** Why `key` is not a valid Sec-WebSocket-Key (RFC 6455 §4.1, item 7), or undefined. */
export function keyProblem(key: string): string | undefined {
  if (KEY_PATTERN.test(key)) return undefined;
  return t('accept.notSixteen');
}

export async function computeAccept(key: string): Promise<AcceptSteps> {
  if (key.length > MAX_KEY_LENGTH) {
    throw new AcceptInputError('LAB_ERR_KEY_TOO_LONG', t('accept.tooLong', { max: MAX_KEY_LENGTH }));
  }
  // Header values are ASCII on the wire; hashing UTF-8 of anything else would compute an accept no server sends.
  if (!/^[\x20-\x7e]*$/.test(key)) {
    throw new AcceptInputError('LAB_ERR_KEY_NOT_ASCII', t('accept.notAscii'));
  }
  const concatenated = key + WEBSOCKET_GUID;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-1', new TextEncoder().encode(concatenated)));
  return {
    key,
    concatenated,
    sha1Hex: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join(' '),
    accept: base64(digest),
    keyProblem: keyProblem(key),
  };
}

/** btoa works on "binary strings": one character per byte. */
function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}
