// The consistency check as data: each reference between a gateway's Envoy resources that does not resolve, with the
// field path of the reference, so it can be traced to its source like an encoding failure. (checkConsistency in
// @gatehouse/xds stays the final guard before a snapshot is published.)
import { CLUSTER_TYPE, ENDPOINT_TYPE, INTENTIONALLY_MISSING_CLUSTERS, LISTENER_TYPE, ROUTE_TYPE, SECRET_TYPE, shortType } from '@gatehouse/xds';

type M = Record<string, unknown>;
export type Records = Record<string, Record<string, M>>;

export interface EnvoyProblem {
  typeUrl: string;
  name: string;
  /** Field path inside the resource, e.g. `RouteConfiguration.virtualHosts[0].routes[2].route.cluster`. */
  path: string;
  why: string;
  check: 'encoding' | 'consistency';
}

const list = (x: unknown): M[] => (Array.isArray(x) ? (x as M[]) : []);

/** References that do not resolve among `records`. */
export function danglingReferences(records: Records): EnvoyProblem[] {
  const out: EnvoyProblem[] = [];
  const has = (type: string, name: string) => records[type]?.[name] !== undefined;
  for (const [name, l] of Object.entries(records[LISTENER_TYPE] ?? {})) {
    list(l['filterChains']).forEach((fc, i) => {
      list(fc['filters']).forEach((f, j) => {
        const rds = (f['typedConfig'] as M | undefined)?.['rds'] as M | undefined;
        const rc = rds?.['routeConfigName'];
        if (typeof rc === 'string' && !has(ROUTE_TYPE, rc))
          out.push({
            typeUrl: LISTENER_TYPE,
            name,
            path: `Listener.filterChains[${i}].filters[${j}].typedConfig<HttpConnectionManager>.rds.routeConfigName`,
            why: `route configuration ${rc} is missing`,
            check: 'consistency',
          });
      });
      const tls = ((fc['transportSocket'] as M | undefined)?.['typedConfig'] as M | undefined)?.['commonTlsContext'] as M | undefined;
      list(tls?.['tlsCertificateSdsSecretConfigs']).forEach((c, j) => {
        const secret = String(c['name']);
        if (!has(SECRET_TYPE, secret))
          out.push({
            typeUrl: LISTENER_TYPE,
            name,
            path: `Listener.filterChains[${i}].transportSocket.typedConfig<DownstreamTlsContext>.commonTlsContext.tlsCertificateSdsSecretConfigs[${j}].name`,
            why: `secret ${secret} is missing`,
            check: 'consistency',
          });
      });
    });
  }
  for (const [name, rc] of Object.entries(records[ROUTE_TYPE] ?? {})) {
    list(rc['virtualHosts']).forEach((vh, i) => {
      list(vh['routes']).forEach((r, j) => {
        const action = r['route'] as M | undefined;
        if (!action) return;
        const at = `RouteConfiguration.virtualHosts[${i}].routes[${j}].route`;
        const missing = (c: string) => !has(CLUSTER_TYPE, c) && !INTENTIONALLY_MISSING_CLUSTERS.has(c);
        if (typeof action['cluster'] === 'string' && missing(action['cluster']))
          out.push({ typeUrl: ROUTE_TYPE, name, path: `${at}.cluster`, why: `cluster ${action['cluster']} is missing`, check: 'consistency' });
        list((action['weightedClusters'] as M | undefined)?.['clusters']).forEach((c, k) => {
          if (missing(String(c['name'])))
            out.push({
              typeUrl: ROUTE_TYPE,
              name,
              path: `${at}.weightedClusters.clusters[${k}].name`,
              why: `cluster ${String(c['name'])} is missing`,
              check: 'consistency',
            });
        });
      });
    });
  }
  for (const [name, c] of Object.entries(records[CLUSTER_TYPE] ?? {})) {
    if (c['type'] === 'EDS' && !has(ENDPOINT_TYPE, name))
      out.push({ typeUrl: CLUSTER_TYPE, name, path: 'Cluster.type', why: 'an EDS cluster without a ClusterLoadAssignment', check: 'consistency' });
  }
  return out;
}

/** Listeners that would dangle once `gone` resources are left out: they go too (a listener nothing else names). */
export function danglingListeners(records: Records): string[] {
  return [
    ...new Set(
      danglingReferences(records)
        .filter((p) => p.typeUrl === LISTENER_TYPE)
        .map((p) => p.name),
    ),
  ];
}

export function describeEnvoy(typeUrl: string, name: string): string {
  return `Envoy ${shortType(typeUrl)} ${name}`;
}
