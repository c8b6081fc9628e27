// snapshot.consistent(): every reference between resources resolves, so Envoy never waits on a missing one.
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE, SECRET_TYPE, type Snapshot } from './snapshot.js';

type M = Record<string, unknown>;

/** Cluster names allowed to dangle on purpose (an invalid backend's share answers 500). */
export const INTENTIONALLY_MISSING_CLUSTERS = new Set(['gatehouse-invalid-backend']);

// Virtual hosts already found consistent against a set of clusters (the same map object: snapshots share a type's
// map while it is unchanged), so an update re-checks only the virtual hosts it changed.
const checkedAgainst = new WeakMap<object, object>();

/** Problems of `s`; with `previous` (the last consistent snapshot), parts shared with it are not checked again. */
export function checkConsistency(s: Snapshot, previous?: Snapshot): string[] {
  const problems: string[] = [];
  const routes = s.get(ROUTE_TYPE);
  const clusters = s.get(CLUSTER_TYPE);
  const endpoints = s.get(ENDPOINT_TYPE);
  const secrets = s.get(SECRET_TYPE);
  for (const l of s.get(LISTENER_TYPE).values()) {
    for (const name of rdsNames(l.message)) if (!routes.has(name)) problems.push(`listener ${l.name} uses route configuration ${name}, which is missing`);
    for (const name of sdsNames(l.message)) if (!secrets.has(name)) problems.push(`listener ${l.name} uses secret ${name}, which is missing`);
  }
  for (const rc of routes.values()) {
    for (const vh of (rc.message['virtualHosts'] as M[] | undefined) ?? []) {
      if (checkedAgainst.get(vh) === clusters) continue;
      const before = problems.length;
      for (const r of (vh['routes'] as M[] | undefined) ?? []) {
        for (const c of routeClusters(r)) {
          if (!clusters.has(c) && !INTENTIONALLY_MISSING_CLUSTERS.has(c))
            problems.push(`route ${String(r['name'])} in ${rc.name} uses cluster ${c}, which is missing`);
        }
      }
      if (problems.length === before) checkedAgainst.set(vh, clusters);
    }
  }
  const unchanged = previous && previous.get(CLUSTER_TYPE) === clusters && previous.get(ENDPOINT_TYPE) === endpoints;
  if (!unchanged) {
    for (const c of clusters.values()) {
      if (c.message['type'] === 'EDS' && !endpoints.has(c.name)) problems.push(`EDS cluster ${c.name} has no ClusterLoadAssignment`);
    }
  }
  return problems;
}

function rdsNames(listener: M): string[] {
  const out: string[] = [];
  for (const fc of (listener['filterChains'] as M[] | undefined) ?? []) {
    for (const f of (fc['filters'] as M[] | undefined) ?? []) {
      const rds = (f['typedConfig'] as M | undefined)?.['rds'] as M | undefined;
      if (typeof rds?.['routeConfigName'] === 'string') out.push(rds['routeConfigName']);
    }
  }
  return out;
}

function sdsNames(listener: M): string[] {
  const out: string[] = [];
  for (const fc of (listener['filterChains'] as M[] | undefined) ?? []) {
    const tls = ((fc['transportSocket'] as M | undefined)?.['typedConfig'] as M | undefined)?.['commonTlsContext'] as M | undefined;
    for (const c of (tls?.['tlsCertificateSdsSecretConfigs'] as M[] | undefined) ?? []) out.push(String(c['name']));
  }
  return out;
}

function routeClusters(route: M): string[] {
  const action = route['route'] as M | undefined;
  if (!action) return [];
  if (typeof action['cluster'] === 'string') return [action['cluster']];
  const weighted = (action['weightedClusters'] as M | undefined)?.['clusters'] as M[] | undefined;
  return (weighted ?? []).map((c) => String(c['name']));
}
