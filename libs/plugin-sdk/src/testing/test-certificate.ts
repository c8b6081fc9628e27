// A throwaway self-signed pair (EC P-256, CN gatehouse-plugin-testkit), for validation only: `gatehouse translate`
// redacts private keys, so the kit puts this pair into TLS secrets before Envoy checks them. Made with openssl on
// first use in each process and never written anywhere lasting: no key is committed or shipped in the package.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let pair: { certificate: string; privateKey: string } | undefined;

export function testCertificate(): { certificate: string; privateKey: string } {
  if (pair) return pair;
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-testkit-cert-'));
  try {
    const [key, crt] = [join(dir, 'key.pem'), join(dir, 'crt.pem')];
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        key,
        '-out',
        crt,
        '-days',
        '1',
        '-subj',
        '/CN=gatehouse-plugin-testkit',
      ],
      { stdio: 'pipe' },
    );
    pair = { certificate: readFileSync(crt, 'utf8'), privateKey: readFileSync(key, 'utf8') };
    return pair;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
