/**
 * The frame inspector's commands (GET /inspect/echo): a text message that is a
 * JSON object with a known `cmd` asks the server to send a ping, a fragmented
 * message or a close frame, which a browser cannot send itself.
 *
 * Checked here, before `ws` is asked: `ws` throws on a close code or a
 * payload it may not send, and a throw inside a message handler took the
 * whole process down (issue 10). RFC 6455 limits, counted in bytes of UTF-8
 * (not UTF-16 units, as `String.prototype.slice` counts):
 *   - §5.5: a control frame's payload is at most 125 bytes: ping data <= 125,
 *     a close reason <= 123 (2 bytes go to the code);
 *   - §7.4.1/§7.4.2: a close code an endpoint may send is 1000 here, or
 *     3000-4999 (registered and private use); 1005, 1006 and 1015 never go on
 *     the wire, and the others below 3000 are the server's own to choose.
 */
import { parseJson } from '../validate/json.ts';

export type InspectCommand =
  | { cmd: 'ping'; data: string }
  | { cmd: 'close'; code: number; reason: string }
  | { cmd: 'fragments'; parts: string[] };

/** Not a command at all (echo it), a command to run, or a refusal to send back. */
export type CommandCheck =
  | { kind: 'echo' }
  | { kind: 'run'; command: InspectCommand }
  | { kind: 'refuse'; message: string };

export const MAX_PING_BYTES = 125;
export const MAX_CLOSE_REASON_BYTES = 123;
const COMMANDS = ['ping', 'fragments', 'close'];

const utf8Bytes = (text: string) => new TextEncoder().encode(text).length;

export function isSendableCloseCode(code: unknown): code is number {
  return Number.isInteger(code) && ((code as number) === 1000 || ((code as number) >= 3000 && (code as number) <= 4999));
}

/** Look at one text message. Never throws. */
export function checkCommand(text: string, limits: { commandMaxBytes: number; maxFragments: number; maxJsonDepth: number }): CommandCheck {
  if (text.length > limits.commandMaxBytes || !text.startsWith('{')) return { kind: 'echo' };
  const parsed = parseJson(text, limits.maxJsonDepth);
  if (!parsed.ok) return { kind: 'echo' };
  const value = parsed.value as Record<string, unknown>;
  if (typeof value !== 'object' || value === null || typeof value.cmd !== 'string' || !COMMANDS.includes(value.cmd)) return { kind: 'echo' };

  switch (value.cmd) {
    case 'ping': {
      const data = value.data ?? '';
      if (typeof data !== 'string') return { kind: 'refuse', message: 'ping: "data" must be a string' };
      const bytes = utf8Bytes(data);
      if (bytes > MAX_PING_BYTES) return { kind: 'refuse', message: `ping: "data" is ${bytes} bytes of UTF-8; a control frame carries at most ${MAX_PING_BYTES} (RFC 6455 §5.5)` };
      return { kind: 'run', command: { cmd: 'ping', data } };
    }
    case 'close': {
      const code = value.code ?? 1000;
      if (!isSendableCloseCode(code)) {
        return { kind: 'refuse', message: `close: code ${JSON.stringify(code)} may not be sent; use 1000 or 3000-4999 (RFC 6455 §7.4)` };
      }
      const reason = value.reason ?? '';
      if (typeof reason !== 'string') return { kind: 'refuse', message: 'close: "reason" must be a string' };
      const bytes = utf8Bytes(reason);
      if (bytes > MAX_CLOSE_REASON_BYTES) {
        return { kind: 'refuse', message: `close: "reason" is ${bytes} bytes of UTF-8; at most ${MAX_CLOSE_REASON_BYTES} fit beside the code (RFC 6455 §5.5)` };
      }
      return { kind: 'run', command: { cmd: 'close', code, reason } };
    }
    default: {
      const text = value.text ?? '';
      if (typeof text !== 'string') return { kind: 'refuse', message: 'fragments: "text" must be a string' };
      // Split on code points, so no fragment ends inside a surrogate pair (each must be valid UTF-8, §8.1).
      const chars = [...text];
      const parts = Math.max(1, Math.min(limits.maxFragments, Number(value.parts) || 2, chars.length || 1));
      const size = Math.ceil(chars.length / parts);
      const pieces = Array.from({ length: parts }, (_, i) => chars.slice(i * size, (i + 1) * size).join(''));
      return { kind: 'run', command: { cmd: 'fragments', parts: pieces } };
    }
  }
}
