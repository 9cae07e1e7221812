/**
 * The frame inspector's pure parts: the caps it shares with the server, the
 * presets, the checks on what a student types, and how a captured frame is
 * described. No DOM; the frames themselves come from the server's capture
 * (GET /api/inspect/frames/:id), never from the page.
 */
import { DEFAULTS } from '../../../src/config.ts';
import type { InspectedFrame } from '../../../src/inspect/frames.ts';
import { problem, type InputProblem } from './problems.ts';
import { t, type MessageKey } from '../i18n/index.ts';

export type { InspectedFrame };

/** The largest message the inspector echoes (128 KiB: room for the 64-bit length form). */
export const INSPECT_MAX_MESSAGE_BYTES = DEFAULTS.inspectMaxMessageBytes;
/** The most frames one message may be split into by the `fragments` command. */
export const INSPECT_MAX_FRAGMENTS = DEFAULTS.inspectMaxFragments;
/** How many payload bytes of each frame the server keeps for display. */
export const INSPECT_PREVIEW_BYTES = DEFAULTS.inspectPreviewBytes;
/** The server reads a text message as a command only up to this size (src/inspect/frames.ts, parseCommand). */
export const INSPECT_COMMAND_MAX_BYTES = 4096;
/** RFC 6455 §5.5: a control frame carries at most 125 bytes; a close frame spends 2 on the code. */
export const CLOSE_REASON_MAX_BYTES = 123;
export const CONTROL_PAYLOAD_MAX_BYTES = 125;

const encoder = new TextEncoder();

export function utf8Bytes(text: string): number {
  return encoder.encode(text).length;
}

export interface Preset {
  id: string;
  label: MessageKey;
  /** Why this one: which length form it shows. */
  shows: MessageKey;
  text: string;
}

/** ASCII filler that reads as a ruler: "0123456789" repeated, cut to `bytes`. */
export function filler(bytes: number): string {
  return '0123456789'.repeat(Math.ceil(bytes / 10)).slice(0, bytes);
}

export const PRESETS: readonly Preset[] = [
  { id: 'hello', label: 'ff.presetHello', shows: 'ff.presetHelloShows', text: 'Hello' },
  { id: '200', label: 'ff.preset200', shows: 'ff.preset200Shows', text: filler(200) },
  { id: '70000', label: 'ff.preset70000', shows: 'ff.preset70000Shows', text: filler(70_000) },
];

/** Which of the three length forms of §5.2 a payload length takes, and where it sits. */
export function lengthForm(payloadLength: number): { bits: 7 | 16 | 64; where: string } {
  if (payloadLength < 126) return { bits: 7, where: t('ff.where7') };
  if (payloadLength < 65_536) return { bits: 16, where: t('ff.where16') };
  return { bits: 64, where: t('ff.where64') };
}

/** Why a message of `bytes` cannot be sent, or undefined. */
export function sendProblem(bytes: number, max = INSPECT_MAX_MESSAGE_BYTES): InputProblem | undefined {
  if (bytes > max) {
    return problem('LAB_ERR_PAYLOAD_TOO_LARGE', t('problem.messageTooLarge', { bytes: bytes.toLocaleString('en-US'), max: max.toLocaleString('en-US') }));
  }
  return undefined;
}

/** Why the server cannot ping with `data`, or undefined. */
export function pingProblem(data: string): InputProblem | undefined {
  const bytes = utf8Bytes(data);
  if (bytes > CONTROL_PAYLOAD_MAX_BYTES) return problem('LAB_ERR_PING_TOO_LONG', t('problem.pingTooLong', { max: CONTROL_PAYLOAD_MAX_BYTES, bytes }));
  return undefined;
}

/** The `fragments` command for `text` in `parts`, or the reason it cannot be sent. */
export function fragmentsCommand(text: string, parts: number): { command: string } | { problem: InputProblem } {
  const invalid = (message: string) => ({ problem: problem('LAB_ERR_FRAGMENTS_INVALID', message) });
  if (!Number.isInteger(parts) || parts < 1 || parts > INSPECT_MAX_FRAGMENTS) {
    return invalid(t('problem.parts', { max: INSPECT_MAX_FRAGMENTS }));
  }
  if (text === '') return invalid(t('problem.noText'));
  const command = JSON.stringify({ cmd: 'fragments', text, parts });
  if (utf8Bytes(command) > INSPECT_COMMAND_MAX_BYTES) return invalid(t('problem.commandTooLong', { max: INSPECT_COMMAND_MAX_BYTES }));
  return { command };
}

/**
 * What the browser's `ws.close(code, reason)` accepts (WHATWG WebSockets:
 * 1000 or 3000-4999, a reason of at most 123 UTF-8 bytes), so the page can say
 * why instead of catching the exception.
 */
export function closeProblem(code: number, reason: string): InputProblem | undefined {
  if (!Number.isInteger(code) || !(code === 1000 || (code >= 3000 && code <= 4999))) {
    return problem('LAB_ERR_CLOSE_CODE', t('problem.closeCode', { code }));
  }
  const bytes = utf8Bytes(reason);
  if (bytes > CLOSE_REASON_MAX_BYTES) {
    return problem('LAB_ERR_CLOSE_REASON_TOO_LONG', t('problem.reasonTooLong', { bytes, max: CLOSE_REASON_MAX_BYTES }));
  }
  return undefined;
}

/** Who sent the frame, in words. */
export function direction(frame: Pick<InspectedFrame, 'dir'>): string {
  return frame.dir === 'in' ? t('ff.browserToServer') : t('ff.serverToBrowser');
}

/** The frame's first bytes as they crossed: the header, then the payload as sent (masked for a client frame). */
export function frameStartHex(frame: Pick<InspectedFrame, 'headerHex' | 'wireHex'>): string {
  return [frame.headerHex, frame.wireHex].filter(Boolean).join(' ');
}

/** "5 B" or "first 64 of 70,000 B": how much of the payload the capture shows. */
export function payloadShown(frame: Pick<InspectedFrame, 'payloadLength' | 'wireHex'>): string {
  const shown = frame.wireHex === '' ? 0 : frame.wireHex.split(' ').length;
  const total = frame.payloadLength.toLocaleString('en-US');
  return shown === frame.payloadLength ? `${total} B` : t('ff.firstOf', { shown, total });
}

/** One line that says what the frame is, for a heading. */
export function frameSummary(frame: InspectedFrame): string {
  const flags = [
    frame.fin ? 'FIN' : t('ff.notFin'),
    frame.masked ? t('pg.masked') : t('ff.notMaskedShort'),
    ...(frame.rsv1 ? [t('ff.rsv1')] : []),
  ];
  const form = lengthForm(frame.payloadLength);
  return `${direction(frame)} · ${frame.opcode} · ${flags.join(' · ')} · ` +
    t('ff.summarySizes', { payload: frame.payloadLength.toLocaleString('en-US'), bits: form.bits, header: frame.headerLength });
}
