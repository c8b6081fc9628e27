// BackendTLSPolicy: which Service ports Envoy must reach over TLS, with which CA, SNI and names to validate. Policies are
// read once per (full) translation: validated (CA references, well-known CAs), and conflicts settled as the spec says
// (per target and sectionName, the oldest, then by namespace/name, wins; the others are Conflicted). Their status is
// per ancestor: each Gateway a route using the Service is attached to.
import { X509Certificate } from 'node:crypto';
import {
  describeRef,
  resourcesOfKind,
  type BackendTLSPolicy,
  type Condition,
  type ResourceRef,
  type ResourceSnapshot,
  type StoredResource,
} from '@gatehouse/api';
import type { UpstreamTlsIR } from '@gatehouse/ir';
import { cond, type ReportBook } from './report-book.js';

export interface PolicyState {
  ref: ResourceRef;
  /** Usable TLS settings; absent when the policy has no valid CA (connections to the backend must then fail). */
  tls?: UpstreamTlsIR;
  /** Why connections fail, when `tls` is absent. */
  error?: string;
  /** Accepted and ResolvedRefs, as every ancestor entry carries them. */
  conditions: Condition[];
}

/** What applies to one Service port: the winning policy, and those it beat (for their Conflicted status). */
export interface PolicyMatch {
  winner: PolicyState;
  losers: PolicyState[];
}

export class BackendTlsIndex {
  /** `namespace/service/sectionName` ('' for the whole Service) → policies, winner first. */
  constructor(private readonly byTarget: ReadonlyMap<string, PolicyMatch>) {}

  /** The policy for a Service port: one naming the port's name wins over one for the whole Service. */
  lookup(namespace: string, service: string, portName: string | undefined): PolicyMatch | undefined {
    return (portName ? this.byTarget.get(`${namespace}/${service}/${portName}`) : undefined) ?? this.byTarget.get(`${namespace}/${service}/`);
  }

  static readonly EMPTY = new BackendTlsIndex(new Map());
}

type StoredPolicy = StoredResource & { object: BackendTLSPolicy };

export function backendTlsPolicies(snapshot: ResourceSnapshot, book: ReportBook): BackendTlsIndex {
  const policies = resourcesOfKind<BackendTLSPolicy>(snapshot, 'BackendTLSPolicy');
  if (policies.length === 0) return BackendTlsIndex.EMPTY;
  const states = new Map<string, PolicyState>();
  const byTarget = new Map<string, StoredPolicy[]>();
  for (const p of policies) {
    states.set(p.key, evaluate(snapshot, p));
    for (const [i, t] of (p.object.spec?.targetRefs ?? []).entries()) {
      if ((t.group ?? '') !== '' || t.kind !== 'Service') {
        book.warn(
          p.ref,
          'InvalidKind',
          `${describeRef(p.ref)}: spec.targetRefs[${i}]: only core Services are supported targets, not ${t.group ? `${t.group}/` : ''}${String(t.kind).slice(0, 64)}`,
        );
        continue;
      }
      const key = `${p.ref.namespace}/${t.name}/${t.sectionName ?? ''}`;
      byTarget.set(key, [...(byTarget.get(key) ?? []), p]);
    }
  }
  const out = new Map<string, PolicyMatch>();
  const won = new Set<string>();
  const lost = new Map<string, PolicyState>();
  for (const [key, list] of byTarget) {
    list.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const [first, ...rest] = list;
    const losers = rest.map((l) => conflicted(states.get(l.key)!, first!.ref));
    rest.forEach((l, i) => lost.set(l.key, losers[i]!));
    won.add(first!.key);
    out.set(key, { winner: states.get(first!.key)!, losers });
  }
  // Resource-level conditions too, so a policy nothing uses yet still shows what is wrong with it.
  for (const p of policies) {
    const s = !won.has(p.key) && lost.has(p.key) ? lost.get(p.key)! : states.get(p.key)!;
    book.entry(p.ref, p.object.metadata.generation);
    for (const c of s.conditions) book.condition(p.ref, c);
    if (s.error) book.warn(p.ref, 'NoValidCACertificate', `${describeRef(p.ref)}: ${s.error}`);
  }
  return new BackendTlsIndex(out);
}

function conflicted(s: PolicyState, winner: ResourceRef): PolicyState {
  const message = `${describeRef(winner)} applies to the same target and takes precedence (older, or first by namespace/name)`;
  return { ...s, conditions: [cond('Accepted', false, 'Conflicted', message), ...s.conditions.filter((c) => c.type !== 'Accepted')] };
}

function evaluate(snapshot: ResourceSnapshot, p: StoredPolicy): PolicyState {
  const gen = p.object.metadata.generation;
  const v = p.object.spec?.validation;
  const ref = p.ref;
  const problems: Array<{ reason: string; message: string }> = [];
  const cas: string[] = [];
  for (const [i, r] of (v?.caCertificateRefs ?? []).entries()) {
    const at = `spec.validation.caCertificateRefs[${i}]`;
    const group = r.group ?? '';
    const kind = r.kind ?? '';
    if (group !== '' || (kind !== 'ConfigMap' && kind !== 'Secret')) {
      problems.push({
        reason: 'InvalidKind',
        message: `${at}: ${group ? `${group}/` : ''}${kind.slice(0, 64)} is not supported (use a ConfigMap or a Secret with ca.crt)`,
      });
      continue;
    }
    const stored = snapshot.resources.get(`${kind}/${ref.namespace}/${r.name}`);
    if (!stored) {
      problems.push({ reason: 'InvalidCACertificateRef', message: `${at}: ${kind} ${ref.namespace}/${r.name} not found` });
      continue;
    }
    const pem = caData(stored.object as { data?: Record<string, unknown> }, kind === 'Secret');
    const bad = pem === undefined ? 'has no "ca.crt"' : checkPem(pem);
    if (bad) {
      problems.push({ reason: 'InvalidCACertificateRef', message: `${at}: ${kind} ${ref.namespace}/${r.name} ${bad}` });
      continue;
    }
    cas.push(pem!.trim());
  }
  let trustedCa: string | undefined;
  if (cas.length) trustedCa = `${cas.join('\n')}\n`;
  else if (v?.wellKnownCACertificates === 'System') trustedCa = 'system';
  const conditions: Condition[] = [];
  let error: string | undefined;
  if (v?.wellKnownCACertificates !== undefined && v.wellKnownCACertificates !== 'System') {
    error = `spec.validation.wellKnownCACertificates: "${String(v.wellKnownCACertificates).slice(0, 64)}" is not supported (System)`;
    conditions.push(cond('Accepted', false, 'Invalid', error, gen));
  } else if (!trustedCa) {
    error = `no valid CA certificate: ${problems.map((x) => x.message).join('; ') || 'none given'}; connections to the backend fail`;
    conditions.push(cond('Accepted', false, 'NoValidCACertificate', error, gen));
  } else {
    conditions.push(cond('Accepted', true, 'Accepted', '', gen));
  }
  const first = problems[0];
  conditions.push(
    first ? cond('ResolvedRefs', false, first.reason, problems.map((x) => x.message).join('; '), gen) : cond('ResolvedRefs', true, 'ResolvedRefs', '', gen),
  );
  if (error || !trustedCa) return { ref, ...(error ? { error } : {}), conditions };
  const sans = (v?.subjectAltNames ?? []).map((s) =>
    s.type === 'URI' ? { type: 'URI' as const, value: s.uri ?? '' } : { type: 'DNS' as const, value: s.hostname ?? '' },
  );
  const hostname = v!.hostname;
  return { ref, tls: { sni: hostname, trustedCa, subjectAltNames: sans.length ? sans : [{ type: 'DNS', value: hostname }], policy: ref }, conditions };
}

/** `ca.crt` of a ConfigMap (data, as text) or a Secret (data, base64). */
function caData(obj: { data?: Record<string, unknown>; stringData?: Record<string, unknown> }, base64: boolean): string | undefined {
  const plain = obj.stringData && Object.hasOwn(obj.stringData, 'ca.crt') ? obj.stringData['ca.crt'] : undefined;
  if (typeof plain === 'string') return plain;
  const v = obj.data && Object.hasOwn(obj.data, 'ca.crt') ? obj.data['ca.crt'] : undefined;
  if (typeof v !== 'string') return undefined;
  return base64 ? Buffer.from(v, 'base64').toString('utf8') : v;
}

/** What is wrong with a PEM bundle of CA certificates, or undefined. */
function checkPem(pem: string): string | undefined {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (!blocks) return 'holds no PEM certificate in "ca.crt"';
  for (const b of blocks) {
    try {
      new X509Certificate(b);
    } catch {
      return 'holds a "ca.crt" that does not parse as a certificate';
    }
  }
  return undefined;
}
