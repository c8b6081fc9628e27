import { describe, expect, it } from 'vitest';
import { envoyRoot } from '../codec/proto-root.js';
import { StrictEncoder } from '../codec/strict-encoder.js';
import { checkConsistency } from './consistency.js';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE, Snapshot } from './snapshot.js';

const enc = new StrictEncoder(envoyRoot());
const hcm = (rc: string) => ({
  '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
  statPrefix: 'x',
  rds: { routeConfigName: rc, configSource: { ads: {}, resourceApiVersion: 'V3' } },
});
const listener = (rc: string) => ({ name: 'l', filterChains: [{ filters: [{ name: 'hcm', typedConfig: hcm(rc) }] }] });
const routes = (...clusters: string[]) => ({
  name: 'rc',
  virtualHosts: [{ name: 'v', domains: ['*'], routes: clusters.map((c, i) => ({ name: `r${i}`, match: { prefix: '/' }, route: { cluster: c } })) }],
});
const eds = (name: string) => ({ name, type: 'EDS', edsClusterConfig: { edsConfig: { ads: {}, resourceApiVersion: 'V3' } } });

function build(input: Record<string, Record<string, Record<string, unknown>>>) {
  return Snapshot.build(input, enc).snapshot;
}

describe('checkConsistency', () => {
  it('accepts a complete snapshot, and the deliberate invalid-backend cluster', () => {
    const s = build({
      [LISTENER_TYPE]: { l: listener('rc') },
      [ROUTE_TYPE]: { rc: routes('c', 'gatehouse-invalid-backend') },
      [CLUSTER_TYPE]: { c: eds('c') },
      [ENDPOINT_TYPE]: { c: { clusterName: 'c' } },
    });
    expect(checkConsistency(s)).toEqual([]);
  });

  it('names every dangling reference', () => {
    const s = build({ [LISTENER_TYPE]: { l: listener('nope') }, [ROUTE_TYPE]: { rc: routes('gone') }, [CLUSTER_TYPE]: { c: eds('c') } });
    expect(checkConsistency(s)).toEqual([
      'listener l uses route configuration nope, which is missing',
      'route r0 in rc uses cluster gone, which is missing',
      'EDS cluster c has no ClusterLoadAssignment',
    ]);
  });

  it('versions change exactly when a type changes', () => {
    const one = build({ [CLUSTER_TYPE]: { c: eds('c') }, [ENDPOINT_TYPE]: { c: { clusterName: 'c' } } });
    const two = build({ [CLUSTER_TYPE]: { c: eds('c') }, [ENDPOINT_TYPE]: { c: { clusterName: 'c', endpoints: [{ lbEndpoints: [] }] } } });
    expect(two.version(CLUSTER_TYPE)).toBe(one.version(CLUSTER_TYPE));
    expect(two.version(ENDPOINT_TYPE)).not.toBe(one.version(ENDPOINT_TYPE));
  });

  it('leaves out a resource that does not encode, and says why', () => {
    const { snapshot, failures } = Snapshot.build({ [CLUSTER_TYPE]: { ok: eds('ok'), bad: { name: 'bad', typo: 1 } } }, enc);
    expect([...snapshot.get(CLUSTER_TYPE).keys()]).toEqual(['ok']);
    expect(failures).toEqual([{ typeUrl: CLUSTER_TYPE, name: 'bad', message: 'Cluster.typo: unknown field of envoy.config.cluster.v3.Cluster' }]);
  });
});
