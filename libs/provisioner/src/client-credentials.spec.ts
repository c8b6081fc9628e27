import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ControlPlaneCa } from '@gatehouse/xds';
import { clientCredential, credentialOfSecret, RENEW_BEFORE_DAYS, stillGood } from './client-credentials.js';

const root = mkdtempSync(join(tmpdir(), 'gatehouse-provisioner-ca-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('client credentials', () => {
  it('keeps a good certificate (no pod roll), issues again for another Gateway, another CA, or near expiry', async () => {
    const ca = await ControlPlaneCa.loadOrCreate(join(root, 'a'));
    const first = await clientCredential(ca, 'team-a/web', undefined);
    expect(await clientCredential(ca, 'team-a/web', first)).toBe(first);
    expect(await clientCredential(ca, 'team-a/api', first)).not.toBe(first);
    const other = await ControlPlaneCa.loadOrCreate(join(root, 'b'));
    expect(stillGood(first, 'team-a/web', other.certPem)).toBe(false);
    const days = (n: number) => n * 24 * 3600 * 1000;
    expect(stillGood(first, 'team-a/web', ca.certPem, Date.now() + days(365 - RENEW_BEFORE_DAYS - 2))).toBe(true);
    expect(stillGood(first, 'team-a/web', ca.certPem, Date.now() + days(365 - RENEW_BEFORE_DAYS + 2))).toBe(false);
    expect(stillGood({ ...first, cert: 'garbage' }, 'team-a/web', ca.certPem)).toBe(false);
  });

  it('reads a provisioned Secret only when it has all three keys', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    expect(credentialOfSecret({ data: { 'tls.crt': b64('C'), 'tls.key': b64('K'), 'ca.crt': b64('A') } })).toEqual({ cert: 'C', key: 'K', ca: 'A' });
    expect(credentialOfSecret({ data: { 'tls.crt': b64('C') } })).toBeUndefined();
    expect(credentialOfSecret(undefined)).toBeUndefined();
  });
});
