// The translation memo must never change the output: after every random edit, translating with a long-lived memo
// gives exactly what translating from scratch gives (resources, provenance, reports, encoded bytes).
import { describe, expect, it } from 'vitest';
import type { KubeObject, ResourceSnapshot, StoredResource } from '@gatehouse/api';
import { BUILTIN_PLUGINS } from '@gatehouse/controller';
import { translate } from '@gatehouse/engine';
import { createMemo } from '@gatehouse/plugin-sdk';
import { Snapshot, StrictEncoder, envoyRoot } from '@gatehouse/xds';

let seed = 42;
const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
const freeze = <T>(o: T): T => {
  if (o && typeof o === 'object') {
    Object.freeze(o);
    for (const v of Object.values(o)) freeze(v);
  }
  return o;
};

function obj(apiVersion: string, kind: string, name: string, body: Record<string, unknown>, namespace = 'default'): KubeObject {
  return freeze({ apiVersion, kind, metadata: { name, namespace }, ...body }) as KubeObject;
}
const service = (i: number, port = 80) => obj('v1', 'Service', `s${i}`, { spec: { ports: [{ name: 'http', port }] } });
const slice = (i: number, hosts: number) =>
  obj('discovery.k8s.io/v1', 'EndpointSlice', `s${i}-a`, { addressType: 'IPv4', ports: [{ name: 'http', port: 8080 }], endpoints: Array.from({ length: hosts }, (_, k) => ({ addresses: [`10.0.${i}.${k + 1}`] })) }, 'default');
const withLabel = (o: KubeObject, i: number) => freeze({ ...o, metadata: { ...o.metadata, labels: { 'kubernetes.io/service-name': `s${i}` } } }) as KubeObject;
const upstream = (i: number, port: number) => obj('gatehouse.dev/v1alpha1', 'Upstream', `u${i}`, { spec: { static: { hosts: [{ address: `192.168.0.${i}`, port }] } } });
function route(i: number, v: number): KubeObject {
  const backend = v % 4 === 3 ? { group: 'gatehouse.dev', kind: 'Upstream', name: `u${i % 5}` } : { name: `s${(i + v) % 12}`, port: v % 5 === 4 ? 81 : 80, weight: 1 + (v % 3) };
  const rules: unknown[] = [{ matches: [{ path: { type: 'PathPrefix', value: `/r${i}/v${v}` } }], backendRefs: [backend, { name: 'missing', port: 80, weight: v % 2 }] }];
  if (v % 3 === 1) rules.push({ matches: [{ path: { type: 'Exact', value: `/m${i}` } }], filters: [{ type: 'RequestMirror', requestMirror: { backendRef: { name: `s${i % 12}`, port: 80 } } }], backendRefs: [{ name: `s${i % 12}`, port: 80 }] });
  if (v % 5 === 2) rules.push({ matches: [{ path: { type: 'PathPrefix', value: `/old${i}` } }], filters: [{ type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/new' } } }] });
  return obj('gateway.networking.k8s.io/v1', 'HTTPRoute', `r${i}`, { spec: { parentRefs: [{ name: 'gw' }], hostnames: [`h${i % 7}.test`], rules } });
}

describe('translation memo', () => {
  it('gives exactly the from-scratch result after each of 60 random edits', () => {
    const resources = new Map<string, KubeObject>();
    const put = (o: KubeObject) => resources.set(`${o.kind}/${o.metadata.namespace}/${o.metadata.name}`, o);
    put(freeze({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'gc' }, spec: { controllerName: 'gatehouse.dev/gateway-controller' } }) as KubeObject);
    put(obj('gateway.networking.k8s.io/v1', 'Gateway', 'gw', { spec: { gatewayClassName: 'gc', listeners: [{ name: 'http', protocol: 'HTTP', port: 80 }] } }));
    for (let i = 0; i < 12; i++) {
      put(service(i));
      put(withLabel(slice(i, 2), i));
    }
    for (let i = 0; i < 5; i++) put(upstream(i, 80));
    const versions = Array.from({ length: 40 }, () => 0);
    for (let i = 0; i < 40; i++) put(route(i, 0));

    const snapshotOf = (): ResourceSnapshot => {
      const m = new Map<string, StoredResource>();
      for (const [key, o] of resources) {
        const ns = o.kind === 'GatewayClass' ? '' : (o.metadata.namespace ?? 'default');
        m.set(key.replace('GatewayClass/undefined/', 'GatewayClass/'), { key, ref: { kind: o.kind, namespace: ns, name: o.metadata.name }, object: o, origin: { source: 'inline' }, createdAt: '2026-01-01T00:00:00Z' });
      }
      return { resources: m, problems: [] };
    };
    const memo = createMemo();
    const enc = new StrictEncoder(envoyRoot());
    let previous: Snapshot | undefined;
    for (let step = 0; step < 60; step++) {
      const what = rnd(6);
      const i = rnd(40);
      if (what <= 1) put(route(i, ++versions[i]!)); // edit a route
      else if (what === 2) resources.delete(`HTTPRoute/default/r${i}`); // delete a route
      else if (what === 3) put(withLabel(slice(i % 12, 1 + rnd(3)), i % 12)); // endpoints change
      else if (what === 4) put(service(i % 12, rnd(2) ? 80 : 81)); // a Service port appears or goes
      else put(upstream(i % 5, 80 + rnd(2))); // an Upstream changes
      const snap = snapshotOf();
      const fresh = translate(snap, { plugins: BUILTIN_PLUGINS });
      const memoized = translate(snap, { plugins: BUILTIN_PLUGINS, memo });
      expect(JSON.stringify(memoized.gateways), `step ${step}`).toBe(JSON.stringify(fresh.gateways));
      expect(JSON.stringify(memoized.reports), `step ${step}`).toBe(JSON.stringify(fresh.reports));
      const a = Snapshot.build(fresh.gateways['default/gw']!.resources, enc).snapshot;
      const b = Snapshot.build(memoized.gateways['default/gw']!.resources, enc, previous).snapshot;
      previous = b;
      for (const type of ['Cluster', 'ClusterLoadAssignment', 'Listener', 'RouteConfiguration'].map((t) => `type.googleapis.com/envoy.config.${t === 'ClusterLoadAssignment' ? 'endpoint' : t === 'Listener' ? 'listener' : t === 'RouteConfiguration' ? 'route' : 'cluster'}.v3.${t}`)) {
        expect(b.version(type), `step ${step} ${type}`).toBe(a.version(type));
      }
    }
  });
});
