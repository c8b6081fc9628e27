// Real JWTs for end-to-end tests: RS256 and ES256 keys made with node:crypto, tokens signed with them, and a JWKS
// server on a local address (what a JwtPolicy's remoteJwks.uri points at).
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SigningKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: KeyObject;
  /** The public key as a JWK (with kid, alg, use). */
  jwk: Record<string, unknown>;
}

export function signingKey(alg: 'RS256' | 'ES256', kid: string): SigningKey {
  const { privateKey, publicKey } = alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { kid, alg, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' } };
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/** A compact JWS: `claims` signed with `key` (exp defaults to an hour from now, iat to now). */
export function signJwt(key: SigningKey, claims: Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  const head = b64url(JSON.stringify({ alg: key.alg, kid: key.kid, typ: 'JWT' }));
  const body = b64url(JSON.stringify({ iat: now, exp: now + 3600, ...claims }));
  const input = Buffer.from(`${head}.${body}`);
  // ES256 signatures are r||s (IEEE P1363), not DER.
  const sig = key.alg === 'RS256' ? sign('sha256', input, key.privateKey) : sign('sha256', input, { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${head}.${body}.${b64url(sig)}`;
}

/** Serves `GET <path>` → `{ keys: [...] }` for each path; counts fetches. */
export async function startJwksServer(
  host: string,
  sets: Record<string, SigningKey[]>,
): Promise<{ url: (path: string) => string; fetches: number; close: () => Promise<void> }> {
  const state = { fetches: 0 };
  const server = http.createServer((req, res) => {
    const keys = sets[req.url ?? ''];
    if (!keys) {
      res.statusCode = 404;
      res.end();
      return;
    }
    state.fetches++;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: keys.map((k) => k.jwk) }));
  });
  await new Promise<void>((r, j) => server.once('error', j).listen(0, host, () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path) => `http://${host}:${port}${path}`,
    get fetches() {
      return state.fetches;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
