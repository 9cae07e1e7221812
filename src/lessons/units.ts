/**
 * Units a predict-then-measure block or a computed answer may use, and how a
 * student's typed guess is read: "0.5 s" in a block measured in ms is 500,
 * "3 KiB" in a block measured in B is 3072. Korean unit words work too
 * ("0.5초", "300바이트", "10번").
 *
 * Pure (no DOM, no Node imports): the page and the tests share it.
 */

type Family = 'time' | 'bytes' | 'count' | 'rate';

interface UnitInfo {
  family: Family;
  /** How many of the family's base unit one of this is. */
  factor: number;
}

export const UNITS: Record<string, UnitInfo> = {
  ms: { family: 'time', factor: 1 },
  s: { family: 'time', factor: 1000 },
  B: { family: 'bytes', factor: 1 },
  kB: { family: 'bytes', factor: 1000 },
  KiB: { family: 'bytes', factor: 1024 },
  MB: { family: 'bytes', factor: 1_000_000 },
  MiB: { family: 'bytes', factor: 1024 * 1024 },
  // A plain count (requests, messages, ticks…): the block's `unit:` is only a label.
  count: { family: 'count', factor: 1 },
  'bit/s': { family: 'rate', factor: 1 },
  'kbit/s': { family: 'rate', factor: 1000 },
  'Mbit/s': { family: 'rate', factor: 1_000_000 },
  // Kaazing's "Mbps" divided by 2^20 (FIELD-NOTES.md): a separate, honest name for it.
  'Mibit/s': { family: 'rate', factor: 1024 * 1024 },
};

/** Words a student may type instead of a unit symbol. */
const ALIASES: Record<string, string> = {
  msec: 'ms', millisecond: 'ms', milliseconds: 'ms', '밀리초': 'ms',
  sec: 's', second: 's', seconds: 's', '초': 's',
  b: 'B', byte: 'B', bytes: 'B', '바이트': 'B', kb: 'kB', kib: 'KiB', mb: 'MB', mib: 'MiB',
  bps: 'bit/s', kbps: 'kbit/s', mbps: 'Mbit/s',
};

/** Count words are labels: "10 requests", "10번", "10 frames" all read as 10. */
const COUNT_WORD = /^(?:[a-z]+|번|개|회|건|명)$/i;

export function isUnit(unit: string): boolean {
  return unit in UNITS;
}

/** A unit as written after a number on the page ("count" shows nothing). */
export function unitLabel(unit: string): string {
  return unit === 'count' ? '' : unit;
}

export type GuessResult = { ok: true; value: number } | { ok: false; reason: 'empty' | 'not-a-number' | 'wrong-unit' };

/**
 * Read a typed guess as a number in `unit`. A bare number is taken in `unit`;
 * a number with another unit of the same family is converted.
 */
export function parseGuess(text: string, unit: string): GuessResult {
  const target = UNITS[unit];
  if (!target) throw new Error(`unknown unit "${unit}"`);
  const trimmed = text.trim().replace(/,/g, '');
  if (trimmed === '') return { ok: false, reason: 'empty' };
  const m = /^([-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[-+]?[0-9]+)?)\s*(.*)$/i.exec(trimmed);
  if (!m) return { ok: false, reason: 'not-a-number' };
  const number = Number(m[1]);
  if (!Number.isFinite(number)) return { ok: false, reason: 'not-a-number' };
  const written = (m[2] ?? '').trim();
  if (written === '') return { ok: true, value: number };
  if (target.family === 'count') return COUNT_WORD.test(written) ? { ok: true, value: number } : { ok: false, reason: 'wrong-unit' };
  const symbol = UNITS[written] ? written : ALIASES[written] ?? ALIASES[written.toLowerCase()];
  const info = symbol === undefined ? undefined : UNITS[symbol];
  if (!info || info.family !== target.family) return { ok: false, reason: 'wrong-unit' };
  return { ok: true, value: (number * info.factor) / target.factor };
}

export interface Comparison {
  /** guess ÷ measured (undefined when the measurement is 0 and the guess is not). */
  ratio: number | undefined;
  verdict: 'exact' | 'close' | 'ballpark' | 'off';
}

/** How close a guess came: within 25 % is close, within a factor of 2 the same ballpark. */
export function compareGuess(guess: number, measured: number): Comparison {
  if (measured === 0) return { ratio: undefined, verdict: guess === 0 ? 'exact' : 'off' };
  const ratio = guess / measured;
  if (ratio === 1) return { ratio, verdict: 'exact' };
  const spread = ratio > 1 ? ratio : 1 / ratio;
  return { ratio, verdict: ratio <= 0 ? 'off' : spread <= 1.25 ? 'close' : spread <= 2 ? 'ballpark' : 'off' };
}
