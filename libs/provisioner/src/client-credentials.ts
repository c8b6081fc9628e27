// A Gateway's xDS client credential: a certificate from the control-plane CA naming the Gateway. Kept while it is
// still good (a new certificate would roll every Envoy pod), issued again when it is missing, from another CA, names
// another Gateway, or expires within RENEW_BEFORE_DAYS.
import { X509Certificate } from 'node:crypto';
import { gatewayOfCertificate, type ControlPlaneCa } from '@gatehouse/xds';

export const RENEW_BEFORE_DAYS = 30;

export interface ClientCredential {
  cert: string;
  key: string;
  ca: string;
}

/** Whether `existing` is a credential for `gateway` from `caPem` that stays valid beyond the renewal window. */
export function stillGood(existing: ClientCredential | undefined, gateway: string, caPem: string, now = Date.now()): boolean {
  if (!existing || existing.ca.trim() !== caPem.trim()) return false;
  try {
    const cert = new X509Certificate(existing.cert);
    const ca = new X509Certificate(caPem);
    if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return false;
    if (gatewayOfCertificate(cert.raw) !== gateway) return false;
    return Date.parse(cert.validTo) - now > RENEW_BEFORE_DAYS * 24 * 3600 * 1000;
  } catch {
    return false;
  }
}

export async function clientCredential(ca: ControlPlaneCa, gateway: string, existing: ClientCredential | undefined): Promise<ClientCredential> {
  if (stillGood(existing, gateway, ca.certPem)) return existing!;
  const issued = await ca.issueClient(gateway);
  return { cert: issued.certPem, key: issued.keyPem, ca: issued.caPem };
}

/** The credential a provisioned Secret holds (base64 data), if it has all three keys. */
export function credentialOfSecret(secret: { data?: Record<string, string> } | undefined): ClientCredential | undefined {
  const d = secret?.data;
  if (!d?.['tls.crt'] || !d['tls.key'] || !d['ca.crt']) return undefined;
  const s = (b: string) => Buffer.from(b, 'base64').toString('utf8');
  return { cert: s(d['tls.crt']), key: s(d['tls.key']), ca: s(d['ca.crt']) };
}
