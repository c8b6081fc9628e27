// HTTPS listener certificates: Secret references → validated PEM pairs (checked here so Envoy never NACKs them).
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { Listener, ResourceRef, ResourceSnapshot, Secret } from '@gatehouse/api';
import type { SecretIR } from '@gatehouse/ir';
import { referencePermitted } from './namespaces.js';

export interface CertificateResult {
  secrets: SecretIR[];
  /** The DNS names the certificates are valid for (subject alternative names, else the common name). */
  dnsNames: string[];
  /** The first problem, as the listener's ResolvedRefs condition. */
  problem?: { reason: 'InvalidCertificateRef' | 'RefNotPermitted'; message: string };
}

export function sdsSecretName(namespace: string, name: string): string {
  return `secret_${namespace}_${name}`;
}

/** A Secret's value as text; a value that is not a string (a number in hand-written YAML) counts as missing. */
export function secretValue(secret: Secret, key: string): string | undefined {
  const plain: unknown = secret.stringData && Object.hasOwn(secret.stringData, key) ? secret.stringData[key] : undefined;
  if (typeof plain === 'string') return plain;
  const b64: unknown = secret.data && Object.hasOwn(secret.data, key) ? secret.data[key] : undefined;
  return typeof b64 === 'string' ? Buffer.from(b64, 'base64').toString('utf8') : undefined;
}

/** `owner`: the Gateway or ListenerSet declaring the listener (its namespace and kind are what a ReferenceGrant names). */
export function resolveCertificates(snapshot: ResourceSnapshot, owner: ResourceRef, listener: Listener): CertificateResult {
  const out: CertificateResult = { secrets: [], dnsNames: [] };
  const refs = listener.tls?.certificateRefs ?? [];
  if (refs.length === 0)
    return {
      secrets: [],
      dnsNames: [],
      problem: { reason: 'InvalidCertificateRef', message: 'tls.certificateRefs: a listener that terminates TLS needs at least one certificate' },
    };
  for (const [i, ref] of refs.entries()) {
    const at = `tls.certificateRefs[${i}]`;
    const namespace = ref.namespace ?? owner.namespace;
    if ((ref.group ?? '') !== '' || (ref.kind ?? 'Secret') !== 'Secret') {
      out.problem ??= { reason: 'InvalidCertificateRef', message: `${at}: only core Secrets are supported, not ${ref.group ?? ''}/${ref.kind}` };
      continue;
    }
    if (
      !referencePermitted(
        snapshot,
        { group: 'gateway.networking.k8s.io', kind: owner.kind, namespace: owner.namespace },
        { group: '', kind: 'Secret', namespace, name: ref.name },
      )
    ) {
      out.problem ??= {
        reason: 'RefNotPermitted',
        message: `${at}: Secret ${namespace}/${ref.name} is in another namespace and no ReferenceGrant there allows it`,
      };
      continue;
    }
    const stored = snapshot.resources.get(`Secret/${namespace}/${ref.name}`);
    if (!stored) {
      out.problem ??= { reason: 'InvalidCertificateRef', message: `${at}: Secret ${namespace}/${ref.name} not found` };
      continue;
    }
    const secret = stored.object as Secret;
    const cert = secretValue(secret, 'tls.crt');
    const key = secretValue(secret, 'tls.key');
    const broken = checkedPair(cert, key);
    if (broken) {
      out.problem ??= { reason: 'InvalidCertificateRef', message: `${at}: Secret ${namespace}/${ref.name}: ${broken}` };
      continue;
    }
    out.secrets.push({ name: sdsSecretName(namespace, ref.name), source: stored.ref, certificateChain: cert!, privateKey: key! });
    out.dnsNames.push(...dnsNamesOf(cert!));
  }
  return out;
}

/** What is wrong with a certificate/key pair, or undefined. Never echoes key material. */
export function checkedPair(cert: string | undefined, key: string | undefined): string | undefined {
  if (!cert) return 'data["tls.crt"] is missing (or not a base64 string)';
  if (!key) return 'data["tls.key"] is missing (or not a base64 string)';
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    return 'data["tls.crt"] is not a PEM certificate';
  }
  try {
    if (!x509.checkPrivateKey(createPrivateKey(key))) return 'data["tls.key"] does not match the certificate';
  } catch {
    return 'data["tls.key"] is not a PEM private key';
  }
  return undefined;
}

/** The DNS names a certificate is valid for: its DNS subject alternative names, else its common name. */
function dnsNamesOf(pem: string): string[] {
  const x = new X509Certificate(pem);
  const sans = (x.subjectAltName ?? '')
    .split(', ')
    .filter((n) => n.startsWith('DNS:'))
    .map((n) => n.slice(4).toLowerCase());
  if (sans.length) return sans;
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(x.subject)?.[1];
  return cn ? [cn.toLowerCase()] : [];
}
