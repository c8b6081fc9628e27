// TLSRoute, TCPRoute and UDPRoute rules → StreamRouteIR: weighted backends, nothing to match. Envoy's UDP proxy sends
// a session to one cluster, so a UDPRoute's weighted backends become one cluster whose endpoints carry the weights.
import type { BackendRef, StoredResource, TCPRoute, TLSRoute, UDPRoute } from '@gatehouse/api';
import type { EndpointIR, UpstreamIR } from '@gatehouse/ir';
import { isBackendError } from '@gatehouse/plugin-sdk';
import { resolveBackend, weightedBackends } from './backend-refs.js';
import type { BuiltRules, Problem, RouteContext } from './route-context.js';

export function buildStreamRules(ctx: RouteContext, stored: StoredResource & { object: TLSRoute | TCPRoute | UDPRoute }): BuiltRules {
  const out: BuiltRules = { routes: [], streams: [], problems: [], invalid: [], ruleCount: stored.object.spec?.rules?.length ?? 0 };
  const { namespace, name } = stored.ref;
  for (const [ri, rule] of (stored.object.spec?.rules ?? []).entries()) {
    // v1 allows one rule; older versions allowed more, but there is nothing to match on: the first one serves.
    if (ri > 0) {
      out.invalid.push(`spec.rules[${ri}]: only the first rule of a ${stored.ref.kind} is used (there is nothing to match on)`);
      continue;
    }
    const problems: Problem[] = [];
    const at = `spec.rules[${ri}]`;
    let backends = weightedBackends(ctx, stored, rule.backendRefs ?? [], at, problems);
    if (stored.ref.kind === 'UDPRoute' && backends.filter((b) => b.valid).length > 1) {
      const merged = mergedUdpUpstream(ctx, stored, rule.backendRefs ?? [], `udp_${namespace}_${name}_${ri}`);
      if (typeof merged === 'string') {
        out.invalid.push(`${at}.backendRefs: ${merged}`);
        continue;
      }
      backends = [{ clusterName: merged.clusterName, weight: 1, valid: true }];
    }
    out.problems.push(...problems);
    out.streams.push({ name: `${namespace}/${name}/rule/${ri}`, source: stored.ref, ruleIndex: ri, backends });
  }
  return out;
}

/**
 * One upstream for a UDPRoute rule's weighted backends: each backend's share spread over its ready endpoints as
 * endpoint weights (weight × L / endpoints, L the least common multiple of the endpoint counts). Invalid backends
 * are left out (a datagram cannot be refused per share). A string says why it cannot be built.
 */
function mergedUdpUpstream(ctx: RouteContext, stored: StoredResource, refs: readonly BackendRef[], clusterName: string): UpstreamIR | string {
  const parts: Array<{ upstream: UpstreamIR; weight: number }> = [];
  for (const ref of refs) {
    const u = resolveBackend(ctx, stored, ref);
    if (isBackendError(u) || (ref.weight ?? 1) === 0) continue;
    if (u.discovery !== 'eds') return `weights across backends need IP endpoints; ${u.clusterName} is resolved by DNS`;
    parts.push({ upstream: u, weight: ref.weight ?? 1 });
  }
  const sums = parts.map((p) => p.upstream.endpoints.filter((e) => e.ready).reduce((s, e) => s + (e.weight ?? 1), 0));
  const l = sums.filter((n) => n > 0).reduce((a, b) => lcm(a, b), 1);
  const endpoints: EndpointIR[] = [];
  for (const [i, p] of parts.entries()) {
    if (!sums[i]) continue;
    for (const e of p.upstream.endpoints)
      if (e.ready) endpoints.push({ address: e.address, port: e.port, ready: true, weight: (p.weight * l * (e.weight ?? 1)) / sums[i]! });
  }
  const merged: UpstreamIR = {
    clusterName,
    sources: parts.flatMap((p) => p.upstream.sources),
    discovery: 'eds',
    endpoints,
    connectTimeoutMs: Math.max(...parts.map((p) => p.upstream.connectTimeoutMs)),
    plugin: 'gatehouse',
    policies: {},
  };
  // The engine collects upstreams from the resolutions.
  ctx.resolved.set(`udp-weighted/${clusterName}`, { result: merged, deps: new Set(), reports: [] });
  return merged;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function lcm(a: number, b: number): number {
  return (a / gcd(a, b)) * b;
}
