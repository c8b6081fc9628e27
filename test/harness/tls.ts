// Test certificates (test/fixtures/tls, self-signed) and an HTTPS client that trusts them.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { ROOT } from './peers.js';

export function fixtureCert(host: string): { crt: string; key: string } {
  const dir = join(ROOT, 'test/fixtures/tls');
  return { crt: readFileSync(join(dir, `${host}.crt`), 'utf8'), key: readFileSync(join(dir, `${host}.key`), 'utf8') };
}

export function tlsSecret(name: string, host: string) {
  const { crt, key } = fixtureCert(host);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'default' },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': Buffer.from(crt).toString('base64'), 'tls.key': Buffer.from(key).toString('base64') },
  };
}

/** GET over TLS with SNI `servername`, trusting `ca`; resolves with status, backend and the peer certificate's CN. */
export function httpsGet(
  address: string,
  port: number,
  servername: string,
  path: string,
  ca: string,
  checkHostname = true,
): Promise<{ status: number; backend?: string; peerCN?: string }> {
  return new Promise((resolve, reject) => {
    const opts = {
      host: address,
      port,
      path,
      servername,
      ca,
      headers: { host: servername },
      agent: false,
      timeout: 5000,
      ...(checkHostname ? {} : { checkServerIdentity: () => undefined }),
    };
    const req = https.request(opts, (res) => {
      const cert = (res.socket as TLSSocket).getPeerCertificate();
      res
        .resume()
        .on('end', () =>
          resolve({ status: res.statusCode ?? 0, backend: res.headers['x-backend'] as string | undefined, peerCN: String(cert?.subject?.CN ?? '') }),
        );
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}
