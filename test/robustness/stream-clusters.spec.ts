// A TCP/TLS/UDP route's clusters reach its Gateway's snapshot whatever the order its resources arrive in, and whatever
// else reads the IR meanwhile. Regression: a plugin with a `resources` hook reads the whole IR (every Gateway's stream
// chains) while the first Gateway is assembled; a later Gateway then took its stream table for unchanged and never
// served the clusters of a route added to it (conformance: every TCPRoute/TLSRoute/UDPRoute data-path test).
import { describe, expect, it } from 'vitest';
import type { KubeObject, ResourceSnapshot, StoredResource } from '@gatehouse/api';
import { BUILTIN_PLUGINS } from '@gatehouse/controller';
import { Translator } from '@gatehouse/engine';
import { XdsType, createMemo, type TranslatorPlugin } from '@gatehouse/plugin-sdk';

const NS = 'infra';
const GW = 'gateway.networking.k8s.io';

function stored(o: KubeObject): StoredResource {
  const { name, namespace } = o.metadata as { name: string; namespace?: string };
  const key = namespace ? `${o.kind}/${namespace}/${name}` : `${o.kind}/${name}`;
  return { key, ref: { kind: o.kind, namespace: namespace ?? '', name }, object: o, origin: { source: 'kubernetes' }, createdAt: '2026-01-01T00:00:00Z' };
}

const obj = (apiVersion: string, kind: string, name: string, rest: Record<string, unknown>, namespace: string | undefined = NS): KubeObject =>
  ({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) }, ...rest }) as KubeObject;
const gatewayClass = obj(`${GW}/v1`, 'GatewayClass', 'gatehouse', { spec: { controllerName: 'gatehouse.dev/gateway-controller' } }, undefined);
const httpGateway = obj(`${GW}/v1`, 'Gateway', 'all', { spec: { gatewayClassName: 'gatehouse', listeners: [{ name: 'http', protocol: 'HTTP', port: 80 }] } });
const tcpGateway = obj(`${GW}/v1`, 'Gateway', 'tcp', {
  spec: { gatewayClassName: 'gatehouse', listeners: [{ name: 'tcp', protocol: 'TCP', port: 9300, allowedRoutes: { kinds: [{ kind: 'TCPRoute' }] } }] },
});
const route = obj(`${GW}/v1alpha2`, 'TCPRoute', 'r', {
  spec: { parentRefs: [{ name: 'tcp', sectionName: 'tcp' }], rules: [{ backendRefs: [{ name: 'svc', port: 3000 }] }] },
});
const service = obj('v1', 'Service', 'svc', { spec: { ports: [{ name: 'tcp', protocol: 'TCP', port: 3000 }] } });
const slice = obj('discovery.k8s.io/v1', 'EndpointSlice', 'svc-1', {
  addressType: 'IPv4',
  ports: [{ name: 'tcp', port: 3000 }],
  endpoints: [{ addresses: ['10.1.0.5'], conditions: { ready: true } }],
});
(slice.metadata as { labels?: Record<string, string> }).labels = { 'kubernetes.io/service-name': 'svc' };

/** Reads the whole IR on every translation, as a `resources` hook may. */
const irReader: TranslatorPlugin = { name: 'ir-reader', resources: (_ctx, ir) => (JSON.stringify(ir.gateways).length > 0 ? [] : []) };

const ORDERS: KubeObject[][][] = [
  [[gatewayClass, httpGateway], [service, slice], [tcpGateway], [route]],
  [[gatewayClass, httpGateway], [service], [slice], [tcpGateway, route]],
  [[gatewayClass, httpGateway], [service, slice], [route], [tcpGateway]],
  [[gatewayClass, httpGateway, tcpGateway], [route], [service], [slice]],
  [[gatewayClass, httpGateway, tcpGateway, route, service, slice]],
];

describe('stream route clusters', () => {
  for (const plugins of [BUILTIN_PLUGINS, [...BUILTIN_PLUGINS, irReader]]) {
    for (const order of ORDERS) {
      it(`reach the Gateway (${order.map((step) => step.map((o) => o.kind).join('+')).join(' → ')}; ${plugins.length} plugins)`, () => {
        const translator = new Translator({ plugins, defaultBindAddress: '0.0.0.0', memo: createMemo() });
        const resources = new Map<string, StoredResource>();
        let last: ResourceSnapshot | undefined;
        let clusters: string[] = [];
        for (const step of order) {
          const keys = new Set<string>();
          for (const o of step) {
            const s = stored(o);
            resources.set(s.key, s);
            keys.add(s.key);
          }
          last = { resources: new Map(resources), problems: [], revision: {}, ...(last ? { changes: { since: last.revision!, keys } } : {}) };
          clusters = Object.keys(translator.translate(last).gateways[`${NS}/tcp`]?.resources[XdsType.Cluster] ?? {});
        }
        expect(clusters).toEqual([`kube_${NS}_svc_3000`]);
      });
    }
  }
});
