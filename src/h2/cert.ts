/**
 * The HTTPS listener's certificate: TLS_CERT / TLS_KEY when given (a real one),
 * otherwise a self-signed one made at first start and kept in `.cert/` (git-ignored)
 * so the browser's exception survives a restart. A self-signed certificate is
 * trusted by nobody: the browser warns once (NET::ERR_CERT_AUTHORITY_INVALID)
 * and the student chooses to proceed, which is fine for a lab on localhost.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import selfsigned from 'selfsigned';
import { LabConfigError } from '../config.ts';

export interface TlsMaterial {
  key: string;
  cert: string;
  selfSigned: boolean;
  /** Where it came from, for the banner. */
  source: string;
  fingerprint256: string;
}

export const CERT_DIR = fileURLToPath(new URL('../../.cert/', import.meta.url));

/** Days a generated certificate is valid; one that has expired is made again. */
const SELF_SIGNED_DAYS = 365;

export async function loadTls(env: { TLS_CERT?: string; TLS_KEY?: string }, dir = CERT_DIR): Promise<TlsMaterial> {
  if (env.TLS_CERT || env.TLS_KEY) {
    if (!env.TLS_CERT || !env.TLS_KEY) throw new LabConfigError('TLS_CERT and TLS_KEY go together: give both paths (PEM files)');
    const [cert, key] = await Promise.all([readFile(env.TLS_CERT, 'utf8'), readFile(env.TLS_KEY, 'utf8')]).catch((err: Error) => {
      throw new LabConfigError(`cannot read TLS_CERT / TLS_KEY: ${err.message}`);
    });
    return { cert, key, selfSigned: false, source: env.TLS_CERT, fingerprint256: parse(cert, env.TLS_CERT).fingerprint256 };
  }
  const certPath = `${dir}localhost.crt`;
  const keyPath = `${dir}localhost.key`;
  try {
    const [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
    const x509 = parse(cert, certPath);
    if (new Date(x509.validTo).getTime() > Date.now()) return { cert, key, selfSigned: true, source: certPath, fingerprint256: x509.fingerprint256 };
  } catch {
    // Not made yet (or unreadable): make one below.
  }
  const { cert, key } = await makeSelfSigned();
  await mkdir(dir, { recursive: true });
  await writeFile(keyPath, key, { mode: 0o600 });
  await writeFile(certPath, cert);
  return { cert, key, selfSigned: true, source: certPath, fingerprint256: parse(cert, certPath).fingerprint256 };
}

/** A certificate for localhost, 127.0.0.1 and ::1 (browsers check subjectAltName, not the CN). */
export async function makeSelfSigned(): Promise<{ cert: string; key: string }> {
  const notBeforeDate = new Date();
  const notAfterDate = new Date(notBeforeDate.getTime() + SELF_SIGNED_DAYS * 86_400_000);
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }] },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

function parse(cert: string, where: string): X509Certificate {
  try {
    return new X509Certificate(cert);
  } catch (err) {
    throw new LabConfigError(`${where} is not a PEM certificate: ${(err as Error).message}`);
  }
}
