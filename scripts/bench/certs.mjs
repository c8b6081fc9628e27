// Certificates for the ListenerSet benchmark, made with the real openssl (EC P-256) and cached under
// ~/.cache/gatehouse/ so later runs reuse them: one CA, one certificate per hostname.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
const openssl = (args) => execFileSync('openssl', args, { stdio: 'pipe' });

/** `{ ca, certs: [{ host, crt, key }] }` for `hosts`, from the cache when present. */
export function benchCertificates(hosts) {
  const dir = join(homedir(), '.cache/gatehouse/bench-certs-v1');
  mkdirSync(dir, { recursive: true });
  const ca = { crt: join(dir, 'ca.crt'), key: join(dir, 'ca.key') };
  if (!existsSync(ca.crt)) {
    openssl([
      'req',
      '-x509',
      ...EC,
      '-keyout',
      ca.key,
      '-out',
      ca.crt,
      '-subj',
      '/CN=gatehouse-bench-ca',
      '-days',
      '3650',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
    ]);
  }
  const certs = hosts.map((host) => {
    const base = join(dir, host);
    if (!existsSync(`${base}.crt`)) {
      writeFileSync(`${base}.ext`, `basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:${host}\n`);
      openssl(['req', ...EC, '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', `/CN=${host}`]);
      openssl([
        'x509',
        '-req',
        '-in',
        `${base}.csr`,
        '-CA',
        ca.crt,
        '-CAkey',
        ca.key,
        '-CAcreateserial',
        '-days',
        '3650',
        '-extfile',
        `${base}.ext`,
        '-out',
        `${base}.crt`,
      ]);
    }
    return { host, crt: readFileSync(`${base}.crt`, 'utf8'), key: readFileSync(`${base}.key`, 'utf8') };
  });
  return { ca: readFileSync(ca.crt, 'utf8'), certs };
}
