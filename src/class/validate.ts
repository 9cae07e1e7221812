/**
 * Every message a student page sends is untrusted: checked field by field here
 * before the classroom looks at it. A message that does not fit is refused with
 * LAB_ERR_CLASS_BAD_MESSAGE (close 1008) and a reason naming the field.
 */
import { LabError } from '../errors.ts';
import { PAGE_ID_PATTERN } from '../wire/meter.ts';
import { HISTOGRAM_LENGTH, isLane, type StudentMessage, type StudentReport } from './protocol.ts';

/** Counts a student may report: whole numbers, bounded so sums stay exact in a double. */
const MAX_COUNT = 1e12;
/** Latencies, offsets and round trips a student may report, in ms (a day either way). */
const MAX_MS = 86_400_000;
/** Run ids the lab makes: `r` and a number. */
const RUN_ID = /^r\d{1,12}$/;

function bad(detail: string): LabError {
  return new LabError('LAB_ERR_CLASS_BAD_MESSAGE', detail);
}

function count(value: unknown, field: string): number {
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > MAX_COUNT) throw bad(`${field} must be a whole number >= 0`);
  return value as number;
}

function msOrNull(value: unknown, field: string, min = -MAX_MS): number | null {
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > MAX_MS) throw bad(`${field} must be a number of ms or null`);
  return value;
}

function only(object: Record<string, unknown>, keys: readonly string[]): void {
  for (const key of Object.keys(object)) if (!keys.includes(key)) throw bad(`unknown field "${key}"`);
}

/** Parse and check one text frame; throws a LabError with the code to close with. */
export function parseStudentMessage(text: string): StudentMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new LabError('LAB_ERR_WS_NOT_JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('a message is a JSON object with a "type"');
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'join':
      only(m, ['type', 'page']);
      if (typeof m.page !== 'string' || !PAGE_ID_PATTERN.test(m.page)) throw bad('page must be 1-64 letters, digits, "-" or "_"');
      return { type: 'join', page: m.page };
    case 'ping':
      only(m, ['type', 'id', 't0']);
      if (typeof m.t0 !== 'number' || !Number.isFinite(m.t0) || m.t0 < 0) throw bad('t0 must be the page\'s clock in ms');
      return { type: 'ping', id: count(m.id, 'id'), t0: m.t0 };
    case 'report':
      return parseReport(m);
    default:
      throw bad(`unknown type ${JSON.stringify(m.type)?.slice(0, 40)}; a student sends join, ping or report`);
  }
}

function parseReport(m: Record<string, unknown>): StudentReport {
  only(m, ['type', 'run', 'final', 'lane', 'requests', 'messages', 'missing', 'duplicates', 'resumes', 'latency', 'histogram', 'clockOffsetMs', 'rttMs']);
  if (m.run !== null && (typeof m.run !== 'string' || !RUN_ID.test(m.run))) throw bad('run must be a run id or null');
  if (m.lane !== null && !isLane(m.lane)) throw bad('lane must be a lane id or null');
  const latency = m.latency as Record<string, unknown> | undefined;
  if (typeof latency !== 'object' || latency === null || Array.isArray(latency)) throw bad('latency must be {p50, p95}');
  only(latency, ['p50', 'p95']);
  if (!Array.isArray(m.histogram) || m.histogram.length !== HISTOGRAM_LENGTH) throw bad(`histogram must hold ${HISTOGRAM_LENGTH} counts`);
  if (typeof m.final !== 'boolean') throw bad('final must be true or false');
  return {
    type: 'report',
    run: m.run as string | null,
    final: m.final,
    lane: m.lane as StudentReport['lane'],
    requests: count(m.requests, 'requests'),
    messages: count(m.messages, 'messages'),
    missing: count(m.missing, 'missing'),
    duplicates: count(m.duplicates, 'duplicates'),
    resumes: count(m.resumes, 'resumes'),
    latency: { p50: msOrNull(latency.p50, 'latency.p50'), p95: msOrNull(latency.p95, 'latency.p95') },
    histogram: m.histogram.map((n, i) => count(n, `histogram[${i}]`)),
    clockOffsetMs: msOrNull(m.clockOffsetMs, 'clockOffsetMs'),
    rttMs: msOrNull(m.rttMs, 'rttMs', 0),
  };
}
