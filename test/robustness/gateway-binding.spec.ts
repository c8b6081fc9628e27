// Where a Gateway's listeners bind: its spec.addresses when Envoy runs where they are (standalone, local Envoys),
// the default address when Envoy is provisioned behind a Service (the addresses are the Service's to provide).
import { expect, it } from 'vitest';
import type { KubeObject, ResourceSnapshot, StoredResource } from '@gatehouse/api';
import { resourceKey } from '@gatehouse/api';
import { BUILTIN_PLUGINS } from '@gatehouse/controller';
import { translate } from '@gatehouse/engine';

function snapshot(objects: Array<Record<string, unknown>>): ResourceSnapshot {
  const resources = new Map<string, StoredResource>();
  for (const o of objects as unknown as KubeObject[]) {
    const ref = { kind: o.kind, namespace: o.kind === 'GatewayClass' ? '' : 'default', name: o.metadata.name };
    resources.set(resourceKey(ref), { key: resourceKey(ref), ref, object: o, origin: { source: 'inline' }, createdAt: '2026-01-01T00:00:00Z' });
  }
  return { resources, problems: [] };
}

const objects = [
  { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'gc' }, spec: { controllerName: 'gatehouse.dev/gateway-controller' } },
  {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'gw', namespace: 'default' },
    spec: { gatewayClassName: 'gc', addresses: [{ type: 'IPAddress', value: '192.0.2.5' }], listeners: [{ name: 'http', protocol: 'HTTP', port: 80 }] },
  },
];

it('binds spec.addresses by default, and the default address when Envoy is provisioned behind a Service', () => {
  const own = translate(snapshot(objects), { plugins: BUILTIN_PLUGINS });
  expect(own.ir.gateways[0]!.listeners.map((l) => l.address)).toEqual(['192.0.2.5']);
  const provisioned = translate(snapshot(objects), { plugins: BUILTIN_PLUGINS, bindGatewayAddresses: false, addressUsable: () => false });
  expect(provisioned.ir.gateways[0]!.listeners.map((l) => l.address)).toEqual(['0.0.0.0']);
  expect(provisioned.reports.find((r) => r.ref.kind === 'Gateway')!.conditions).toContainEqual(expect.objectContaining({ type: 'Programmed', status: 'True' }));
});
