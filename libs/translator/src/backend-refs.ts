// backendRefs → upstreams: ReferenceGrant checks, one resolution per target per translation, protocol variants
// (gRPC needs HTTP/2), and weighted sets with invalid shares merged.
import { GATEWAY_GROUP, describeRef, type BackendRef, type ResourceRef, type StoredResource } from '@gatehouse/api';
import type { UpstreamIR, UpstreamTlsIR, WeightedBackendIR } from '@gatehouse/ir';
import { isBackendError, type BackendTarget, type PluginContext } from '@gatehouse/plugin-sdk';
import type { PolicyMatch } from './backend-tls.js';
import { parseBackendFilters } from './filters.js';
import { referencePermitted } from './namespaces.js';
import type { Problem, ReportCall, RouteContext } from './route-context.js';

/** The name no cluster has: Envoy answers a share routed here with 500 (cluster_not_found_response_code). */
export const INVALID_BACKEND_CLUSTER = 'gatehouse-invalid-backend';

/** How Envoy must talk to a backend whatever its Service says: gRPC needs HTTP/2. */
export type ForcedProtocol = 'h2c';

export function resolveBackend(ctx: RouteContext, stored: StoredResource, ref: BackendRef, protocol?: ForcedProtocol): UpstreamIR | Problem {
  const group = ref.group ?? '';
  const kind = ref.kind ?? 'Service';
  const namespace = ref.namespace ?? stored.ref.namespace;
  const resolver = ctx.resolvers.get(`${group}/${kind}`);
  if (!resolver) return { reason: 'InvalidKind', message: `backend kind ${group ? `${group}/` : ''}${kind} is not supported` };
  if (
    !referencePermitted(
      ctx.snapshot,
      { group: GATEWAY_GROUP, kind: stored.ref.kind, namespace: stored.ref.namespace },
      { group, kind, namespace, name: ref.name },
    )
  ) {
    return { reason: 'RefNotPermitted', message: `${kind} ${namespace}/${ref.name} is in another namespace and no ReferenceGrant there allows it` };
  }
  const target = { group, kind, namespace, name: ref.name, ...(ref.port !== undefined ? { port: ref.port } : {}) };
  const key = `${group}/${kind}/${namespace}/${ref.name}/${ref.port ?? ''}`;
  const base = resolveOnce(
    ctx,
    key,
    (pluginCtx) => resolver.resolve(pluginCtx, target),
    `${kind} ${namespace}/${ref.name}`,
    group === '' && kind === 'Service' ? target : undefined,
  );
  if (!protocol || isBackendError(base) || base.appProtocol === protocol) return base;
  // A variant is an upstream of its own (its own cluster), resolved once too: the engine collects upstreams from
  // the resolutions. Derived through the memo, so an unchanged base keeps the same variant object.
  const variantKey = `${key}#${protocol}`;
  const cached = ctx.resolved.get(variantKey);
  if (cached) return cached.result;
  // Over TLS (a BackendTLSPolicy) HTTP/2 is negotiated by ALPN: the cluster is named for what it speaks.
  const suffix = base.tls ? 'h2' : protocol;
  const variant = ctx.pluginCtx.memo.get(`upstream-${protocol}`, base, (): UpstreamIR => ({
    ...base,
    clusterName: `${base.clusterName}_${suffix}`,
    appProtocol: protocol,
  }));
  ctx.resolved.set(variantKey, { result: variant, deps: new Set(), reports: [] });
  return variant;
}

/**
 * One resolution per key per translation. The resolver's reports are recorded, and its snapshot reads too: a route
 * reusing the result replays both, as if it had resolved the backend itself.
 */
function resolveOnce(
  ctx: RouteContext,
  key: string,
  resolve: (pluginCtx: PluginContext) => UpstreamIR | Problem,
  what: string,
  service?: BackendTarget,
): UpstreamIR | Problem {
  const cached = ctx.resolved.get(key);
  if (cached) {
    ctx.deps.replay(cached.deps);
    for (const [how, r, reason, message] of cached.reports) ctx.pluginCtx.reports[how](r, reason, message);
    if (cached.policy) ctx.policiesUsed.push(cached.policy);
    return cached.result;
  }
  const reports: ReportCall[] = [];
  const recording: PluginContext = {
    ...ctx.pluginCtx,
    reports: {
      reject: (r: ResourceRef, reason: string, message: string) => (
        reports.push(['reject', r, reason, message]),
        ctx.pluginCtx.reports.reject(r, reason, message)
      ),
      warn: (r: ResourceRef, reason: string, message: string) => (reports.push(['warn', r, reason, message]), ctx.pluginCtx.reports.warn(r, reason, message)),
    },
  };
  let policy: PolicyMatch | undefined;
  const { value: result, deps } = ctx.deps.capture((): UpstreamIR | Problem => {
    let u: UpstreamIR | Problem;
    try {
      u = resolve(recording);
    } catch (err) {
      return { reason: 'PluginError', message: `resolving ${what} failed: ${(err as Error).message}` };
    }
    if (!service || isBackendError(u)) return u;
    const applied = withBackendTls(ctx, recording, service, u);
    policy = applied.policy;
    return applied.upstream;
  });
  ctx.resolved.set(key, { result, deps, reports, ...(policy ? { policy } : {}) });
  if (policy) ctx.policiesUsed.push(policy);
  return result;
}

/**
 * A Service port with a BackendTLSPolicy is reached over TLS (the same cluster: no use of that port goes without).
 * A policy without a valid CA still makes Envoy attempt TLS, validating against a name no certificate carries: every
 * connection fails and the client gets a 5xx, as the spec asks.
 */
function withBackendTls(ctx: RouteContext, pluginCtx: PluginContext, target: BackendTarget, u: UpstreamIR): { upstream: UpstreamIR; policy?: PolicyMatch } {
  const svc = ctx.snapshot.resources.get(`Service/${target.namespace}/${target.name}`)?.object as
    { spec?: { ports?: Array<{ name?: string; port: number }> } } | undefined;
  const portName = svc?.spec?.ports?.find((p) => p.port === target.port)?.name;
  const match = ctx.backendTls.lookup(target.namespace, target.name, portName);
  if (!match) return { upstream: u };
  const { winner } = match;
  if (!winner.tls) {
    pluginCtx.reports.warn(
      { kind: 'Service', namespace: target.namespace, name: target.name },
      'NoValidCACertificate',
      `Service ${target.namespace}/${target.name}: ${describeRef(winner.ref)} has no valid CA certificate: connections to this backend fail`,
    );
  }
  const tls: UpstreamTlsIR = winner.tls ?? { sni: '', trustedCa: 'system', subjectAltNames: [{ type: 'DNS', value: UNVERIFIABLE_NAME }], policy: winner.ref };
  const upstream = ctx.pluginCtx.memo.get('upstream-tls', u, () => new WeakMap<UpstreamTlsIR, UpstreamIR>());
  let out = upstream.get(tls);
  if (!out) upstream.set(tls, (out = { ...u, tls, sources: [...u.sources, winner.ref] }));
  return { upstream: out, policy: match };
}

/** A name under .invalid (RFC 2606): no certificate authority issues one. */
const UNVERIFIABLE_NAME = 'no-valid-ca-certificate.gatehouse.invalid';

/**
 * A rule's backendRefs as a weighted set: unresolvable ones become problems (and shares of the invalid cluster),
 * zero weights are left out. `filters`: whether backendRefs may carry header filters (HTTPRoute, GRPCRoute).
 */
export function weightedBackends(
  ctx: RouteContext,
  stored: StoredResource,
  refs: ReadonlyArray<BackendRef & { filters?: unknown[] }>,
  at: string,
  problems: Problem[],
  o: { filters?: boolean; protocol?: ForcedProtocol } = {},
): WeightedBackendIR[] {
  const backends: WeightedBackendIR[] = [];
  for (const [bi, ref] of refs.entries()) {
    const weight = ref.weight ?? 1;
    const filters = o.filters ? parseBackendFilters(ref.filters, `${at}.backendRefs[${bi}]`) : [];
    const resolved = resolveBackend(ctx, stored, ref, o.protocol);
    if (isBackendError(resolved)) {
      problems.push({ reason: resolved.reason, message: `${at}.backendRefs[${bi}]: ${resolved.message}` });
      if (weight > 0) backends.push({ clusterName: INVALID_BACKEND_CLUSTER, weight, valid: false });
      continue;
    }
    const target = { group: ref.group ?? '', kind: ref.kind ?? 'Service', namespace: ref.namespace ?? stored.ref.namespace, name: ref.name };
    if (weight > 0) backends.push({ clusterName: resolved.clusterName, weight, valid: true, ...(filters.length ? { filters } : {}), ref: target });
  }
  return mergeInvalid(backends);
}

/**
 * All invalid shares go to one entry, and shares of one cluster with the same filters to one (Envoy needs distinct
 * entries in a weighted set).
 */
function mergeInvalid(backends: WeightedBackendIR[]): WeightedBackendIR[] {
  const valid = backends.filter((b) => b.valid);
  const invalidWeight = backends.filter((b) => !b.valid).reduce((s, b) => s + b.weight, 0);
  const merged = new Map<string, WeightedBackendIR>();
  for (const b of valid) {
    const key = b.filters ? `${b.clusterName}\n${JSON.stringify(b.filters)}` : b.clusterName;
    const prev = merged.get(key);
    merged.set(key, prev ? { ...prev, weight: prev.weight + b.weight } : b);
  }
  const out = [...merged.values()];
  if (invalidWeight > 0) out.push({ clusterName: INVALID_BACKEND_CLUSTER, weight: invalidWeight, valid: false });
  return out;
}
