import { X509Certificate } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CA_CERT_FILE, CA_KEY_FILE, ControlPlaneCa } from './control-plane-ca.js';
import { gatewayOfCertificate, isGatewayRef, XDS_SERVER_NAME } from './identity.js';

const root = mkdtempSync(join(tmpdir(), 'gatehouse-xds-ca-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('ControlPlaneCa', () => {
  it('is created once (key mode 0600), loaded after, and concurrent first starts agree on one CA', async () => {
    const dir = join(root, 'a', 'xds-ca');
    const cas = await Promise.all([ControlPlaneCa.loadOrCreate(dir), ControlPlaneCa.loadOrCreate(dir), ControlPlaneCa.loadOrCreate(dir)]);
    expect(new Set(cas.map((c) => c.certPem)).size).toBe(1);
    expect(statSync(join(dir, CA_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const again = await ControlPlaneCa.loadOrCreate(dir);
    expect(again.certPem).toBe(cas[0]!.certPem);
    expect(readFileSync(join(dir, CA_CERT_FILE), 'utf8')).toBe(cas[0]!.certPem);
    const ca = new X509Certificate(again.certPem);
    expect(ca.ca).toBe(true);
  });

  it('issues a client certificate that names its Gateway and chains to the CA; the server certificate carries the pinned name', async () => {
    const ca = await ControlPlaneCa.loadOrCreate(join(root, 'b', 'xds-ca'));
    const client = await ca.issueClient('team-a/web');
    const cert = new X509Certificate(client.certPem);
    const caCert = new X509Certificate(ca.certPem);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.subjectAltName).toBe('URI:spiffe://gatehouse/gateway/team-a/web');
    expect(gatewayOfCertificate(cert.raw)).toBe('team-a/web');
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);

    const server = await ca.issueServer(['10.1.2.3', 'xds.example.com', '0.0.0.0']);
    const s = new X509Certificate(server.certPem);
    expect(s.subjectAltName).toBe(`DNS:${XDS_SERVER_NAME}, IP Address:10.1.2.3, DNS:xds.example.com`);
    expect(s.checkIssued(caCert)).toBe(true);
    // The server's certificate names no Gateway: it cannot be used as a proxy's identity.
    expect(gatewayOfCertificate(s.raw)).toBeUndefined();
  });

  it('refuses a Gateway reference that is not NAMESPACE/NAME, and a CA key readable by others', async () => {
    const dir = join(root, 'c', 'xds-ca');
    const ca = await ControlPlaneCa.loadOrCreate(dir);
    await expect(ca.issueClient('default/a/b')).rejects.toThrow('is not a Gateway NAMESPACE/NAME');
    await expect(ca.issueClient('Default/UPPER')).rejects.toThrow('is not a Gateway NAMESPACE/NAME');
    chmodSync(join(dir, CA_KEY_FILE), 0o644);
    await expect(ControlPlaneCa.loadOrCreate(dir)).rejects.toThrow(
      `the xDS CA key ${join(dir, CA_KEY_FILE)} is readable by other users (mode 644): run chmod 600 on it`,
    );
  });

  it('checks Gateway references as Kubernetes names', () => {
    expect(isGatewayRef('default/web.example')).toBe(true);
    expect(isGatewayRef('default/')).toBe(false);
    expect(isGatewayRef('/web')).toBe(false);
    expect(isGatewayRef(`${'a'.repeat(64)}/web`)).toBe(false);
    expect(isGatewayRef('default/web\n')).toBe(false);
  });
});
