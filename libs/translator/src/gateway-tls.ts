// Gateway spec.tls: client certificate validation on HTTPS listeners (frontend: a CA bundle, valid certificates only
// or an insecure fallback; per port or by default) and the client certificate Envoy presents to TLS backends
// (backend.clientCertificateRef).
import { X509Certificate } from 'node:crypto';
import { GATEWAY_GROUP, type FrontendTLSValidation, type Gateway, type ResourceRef, type ResourceSnapshot } from '@gatehouse/api';
import type { ClientValidationIR, SecretIR } from '@gatehouse/ir';
import { checkedPair, sdsSecretName, secretValue } from './certificates.js';
import { referencePermitted } from './namespaces.js';

export interface FrontendValidation {
  validation?: ClientValidationIR;
  /** The first problem with the CA references (the listener's ResolvedRefs). */
  problem?: { reason: string; message: string };
}

/** The validation for HTTPS listeners on `port`: the per-port entry when there is one, else the default. */
export function frontendValidation(snapshot: ResourceSnapshot, gw: { ref: ResourceRef; object: Gateway }, port: number): FrontendValidation | undefined {
  const frontend = gw.object.spec.tls?.frontend;
  if (!frontend) return undefined;
  const perPort = frontend.perPort?.findIndex((p) => p.port === port) ?? -1;
  const v = perPort >= 0 ? frontend.perPort![perPort]!.tls.validation : frontend.default?.validation;
  if (!v) return undefined;
  return resolveValidation(snapshot, gw.ref, v, perPort >= 0 ? `spec.tls.frontend.perPort[${perPort}].tls.validation` : 'spec.tls.frontend.default.validation');
}

function resolveValidation(snapshot: ResourceSnapshot, gateway: ResourceRef, v: FrontendTLSValidation, at: string): FrontendValidation {
  const out: FrontendValidation = {};
  const cas: string[] = [];
  for (const [i, r] of (v.caCertificateRefs ?? []).entries()) {
    const field = `${at}.caCertificateRefs[${i}]`;
    const group = r.group ?? '';
    const kind = r.kind ?? 'ConfigMap';
    const namespace = r.namespace ?? gateway.namespace;
    if (group !== '' || (kind !== 'ConfigMap' && kind !== 'Secret')) {
      out.problem ??= {
        reason: 'InvalidCACertificateKind',
        message: `${field}: ${group ? `${group}/` : ''}${kind.slice(0, 64)} is not supported (use a ConfigMap or a Secret with ca.crt)`,
      };
      continue;
    }
    if (!referencePermitted(snapshot, { group: GATEWAY_GROUP, kind: 'Gateway', namespace: gateway.namespace }, { group: '', kind, namespace, name: r.name })) {
      out.problem ??= {
        reason: 'RefNotPermitted',
        message: `${field}: ${kind} ${namespace}/${r.name} is in another namespace and no ReferenceGrant there allows it`,
      };
      continue;
    }
    const stored = snapshot.resources.get(`${kind}/${namespace}/${r.name}`);
    const pem = stored ? caPem(stored.object as { data?: Record<string, unknown> }, kind === 'Secret') : undefined;
    if (!pem) {
      out.problem ??= {
        reason: 'InvalidCACertificateRef',
        message: `${field}: ${kind} ${namespace}/${r.name} ${stored ? 'has no valid certificate in "ca.crt"' : 'not found'}`,
      };
      continue;
    }
    cas.push(pem);
  }
  if (cas.length) out.validation = { trustedCa: `${cas.join('\n')}\n`, allowInsecure: v.mode === 'AllowInsecureFallback' };
  return out;
}

/** `ca.crt` as a PEM bundle whose every certificate parses, or undefined. */
export function caPem(obj: { data?: Record<string, unknown> }, base64: boolean): string | undefined {
  const raw = obj.data && Object.hasOwn(obj.data, 'ca.crt') ? obj.data['ca.crt'] : undefined;
  if (typeof raw !== 'string') return undefined;
  const text = base64 ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (!blocks) return undefined;
  try {
    for (const b of blocks) new X509Certificate(b);
  } catch {
    return undefined;
  }
  return blocks.join('\n');
}

export interface BackendClientCert {
  secret?: SecretIR;
  problem?: { reason: string; message: string };
}

/** spec.tls.backend.clientCertificateRef: the certificate Envoy presents to TLS backends (served over SDS). */
export function backendClientCertificate(snapshot: ResourceSnapshot, gw: { ref: ResourceRef; object: Gateway }): BackendClientCert | undefined {
  const ref = gw.object.spec.tls?.backend?.clientCertificateRef;
  if (!ref) return undefined;
  const at = 'spec.tls.backend.clientCertificateRef';
  const namespace = ref.namespace ?? gw.ref.namespace;
  if ((ref.group ?? '') !== '' || (ref.kind ?? 'Secret') !== 'Secret') {
    return {
      problem: {
        reason: 'InvalidClientCertificateRef',
        message: `${at}: only core Secrets are supported, not ${ref.group ? `${ref.group}/` : ''}${String(ref.kind).slice(0, 64)}`,
      },
    };
  }
  if (
    !referencePermitted(
      snapshot,
      { group: GATEWAY_GROUP, kind: 'Gateway', namespace: gw.ref.namespace },
      { group: '', kind: 'Secret', namespace, name: ref.name },
    )
  ) {
    return {
      problem: { reason: 'RefNotPermitted', message: `${at}: Secret ${namespace}/${ref.name} is in another namespace and no ReferenceGrant there allows it` },
    };
  }
  const stored = snapshot.resources.get(`Secret/${namespace}/${ref.name}`);
  if (!stored) return { problem: { reason: 'InvalidClientCertificateRef', message: `${at}: Secret ${namespace}/${ref.name} not found` } };
  const secret = stored.object as Parameters<typeof secretValue>[0];
  const cert = secretValue(secret, 'tls.crt');
  const key = secretValue(secret, 'tls.key');
  const broken = checkedPair(cert, key);
  if (broken) return { problem: { reason: 'InvalidClientCertificateRef', message: `${at}: Secret ${namespace}/${ref.name}: ${broken}` } };
  return { secret: { name: sdsSecretName(namespace, ref.name), source: stored.ref, certificateChain: cert!, privateKey: key! } };
}
