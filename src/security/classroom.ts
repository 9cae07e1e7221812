/**
 * Where students join and who the asking page is:
 *
 *   GET /api/access   { teacher, via, wrongKey, local }: the page shows its
 *                     controls read-only when `teacher` is false, and says why
 *   GET /api/join     the student URLs and a QR code of the first one (SVG),
 *                     for the /join page on the projector
 *
 * And the URLs the terminal prints at start (src/main.ts), from the same list.
 */
import type { FastifyInstance } from 'fastify';
import QRCode from 'qrcode';
import { isLoopbackAddress, parseHost, requestHost, urlHost, type LabAddresses } from './addresses.ts';

export interface LabUrls {
  /** Reachable from this machine only (http://localhost:3000/). */
  local: string[];
  /** Reachable from other devices, one per interface address. */
  network: string[];
}

/** Every URL the lab can be opened by, like Vite's "Local / Network" lines. */
export function labUrls(addresses: LabAddresses): LabUrls {
  const port = addresses.port;
  if (port === undefined) return { local: [], network: [] };
  const all = addresses.addresses();
  const local = all.some((a) => a.internal) ? [`http://localhost:${port}/`] : [];
  const network = all.filter((a) => !a.internal).map((a) => `http://${urlHost(a.address)}:${port}/`);
  return { local, network };
}

/** The teacher's URL for a student URL: the same with `?teacher=<key>`. */
export function teacherUrl(studentUrl: string, key: string): string {
  const url = new URL(studentUrl);
  url.searchParams.set('teacher', key);
  return url.href;
}

export interface JoinInfo {
  /** The URL to give students (the QR code's). */
  studentUrl: string;
  /** Every URL students may use. */
  urls: string[];
  /** False when the lab listens on loopback only: no other device can reach it. */
  reachable: boolean;
  /** The QR code of `studentUrl`, an SVG document. */
  qrSvg: string;
}

/**
 * The student URL for a page that asks by `host`: the Host itself when it is a
 * network name of the lab (the projector opened the lab by its address), else
 * the first network address, else (loopback only) the local URL.
 */
export function joinUrls(addresses: LabAddresses, host: string | undefined): { studentUrl: string; urls: string[]; reachable: boolean } {
  const { local, network } = labUrls(addresses);
  const parsed = parseHost(host);
  const byHost = parsed && addresses.isOwnName(parsed.name) && !isLoopbackName(parsed.name)
    ? `http://${urlHost(parsed.name)}${parsed.port === undefined ? '' : `:${parsed.port}`}/`
    : undefined;
  const urls = [...new Set([...(byHost ? [byHost] : []), ...network])];
  if (urls.length > 0) return { studentUrl: urls[0]!, urls, reachable: true };
  return { studentUrl: local[0] ?? 'http://localhost/', urls: local, reachable: false };
}

function isLoopbackName(name: string): boolean {
  return name === 'localhost' || name.endsWith('.localhost') || isLoopbackAddress(name);
}

export async function classroomApi(app: FastifyInstance): Promise<void> {
  const config = { traffic: 'api' as const };
  const { access, addresses } = app.lab;

  app.get('/api/access', { config }, async (request) => {
    const { teacher, via, wrongKey, local } = access.decide(request.raw);
    return { teacher, via: via ?? null, wrongKey, local };
  });

  app.get('/api/join', { config }, async (request, reply): Promise<JoinInfo> => {
    const join = joinUrls(addresses, requestHost(request.raw));
    // Error correction M (~15 %): readable from the back row off a projector's glare.
    const qrSvg = await QRCode.toString(join.studentUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    reply.header('cache-control', 'no-store');
    return { ...join, qrSvg };
  });
}
