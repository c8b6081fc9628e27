// Certificates made for a test with the real openssl: a CA, and server or client certificates it issues (with DNS and
// URI subject alternative names). EC P-256 keys, so a thousand of them take seconds.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './config.js';

export interface Pem {
  crt: string;
  key: string;
}

let dir: string | undefined;
let n = 0;
const work = () => (dir ??= tempDir('certs'));
const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/** A self-signed CA. */
export function makeCa(cn: string): Pem {
  const base = join(work(), `ca-${++n}`);
  openssl([
    'req',
    '-x509',
    ...EC,
    '-keyout',
    `${base}.key`,
    '-out',
    `${base}.crt`,
    '-subj',
    `/CN=${cn}`,
    '-days',
    '3650',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return { crt: readFileSync(`${base}.crt`, 'utf8'), key: readFileSync(`${base}.key`, 'utf8') };
}

/** A certificate issued by `ca` for `cn`, with DNS names and URIs as subject alternative names. */
export function issue(ca: Pem, cn: string, o: { dns?: string[]; uris?: string[]; client?: boolean } = {}): Pem {
  const base = join(work(), `leaf-${++n}`);
  writeFileSync(`${base}.ca.crt`, ca.crt);
  writeFileSync(`${base}.ca.key`, ca.key);
  const sans = [...(o.dns ?? []).map((d) => `DNS:${d}`), ...(o.uris ?? []).map((u) => `URI:${u}`)];
  const ext = [
    'basicConstraints=CA:FALSE',
    `extendedKeyUsage=${o.client ? 'clientAuth' : 'serverAuth'}`,
    ...(sans.length ? [`subjectAltName=${sans.join(',')}`] : []),
  ];
  writeFileSync(`${base}.ext`, ext.join('\n') + '\n');
  openssl(['req', ...EC, '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', `/CN=${cn}`]);
  openssl([
    'x509',
    '-req',
    '-in',
    `${base}.csr`,
    '-CA',
    `${base}.ca.crt`,
    '-CAkey',
    `${base}.ca.key`,
    '-set_serial',
    String(1000 + n),
    '-days',
    '3650',
    '-extfile',
    `${base}.ext`,
    '-out',
    `${base}.crt`,
  ]);
  return { crt: readFileSync(`${base}.crt`, 'utf8'), key: readFileSync(`${base}.key`, 'utf8') };
}

/** A kubernetes.io/tls Secret holding `pem`. */
export function secretOf(name: string, namespace: string, pem: Pem, extra: Record<string, string> = {}) {
  const data: Record<string, string> = { 'tls.crt': Buffer.from(pem.crt).toString('base64'), 'tls.key': Buffer.from(pem.key).toString('base64') };
  for (const [k, v] of Object.entries(extra)) data[k] = Buffer.from(v).toString('base64');
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, type: 'kubernetes.io/tls', data };
}

/** A ConfigMap holding a CA bundle under `ca.crt`. */
export function caConfigMap(name: string, namespace: string, caCrt: string) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { 'ca.crt': caCrt } };
}
