import { describe, expect, it } from 'vitest';
import { resourceKey, type KubeObject, type ResourceSnapshot, type StoredResource } from '@gatehouse/api';
import type { ResourceReport } from '@gatehouse/plugin-sdk';
import { localAddresses, serviceAddresses } from './addresses.js';
import { planProvisioning } from './plan.js';
import { ReportAmender } from './report-amender.js';

function snapshot(...objects: KubeObject[]): ResourceSnapshot {
  const resources = new Map<string, StoredResource>();
  for (const object of objects) {
    const ref = { kind: object.kind, namespace: object.kind === 'GatewayClass' ? '' : (object.metadata.namespace ?? 'default'), name: object.metadata.name };
    resources.set(resourceKey(ref), { key: resourceKey(ref), ref, object, origin: { source: 'kubernetes' }, createdAt: '2025-01-01T00:00:00Z' });
  }
  return { resources, problems: [], revision: {} };
}
const gc = (name: string, parametersRef?: Record<string, string>): KubeObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'GatewayClass',
  metadata: { name },
  spec: { controllerName: 'gatehouse.dev/gateway-controller', ...(parametersRef ? { parametersRef } : {}) },
});
const gw = (name: string, className: string, infra?: Record<string, unknown>): KubeObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name, namespace: 'default', uid: `uid-${name}` },
  spec: { gatewayClassName: className, listeners: [{ name: 'http', protocol: 'HTTP', port: 80 }], ...(infra ? { infrastructure: infra } : {}) },
});
const params = {
  'gatehouse-system/big': { spec: { replicas: 3, service: { type: 'ClusterIP' as const, annotations: { a: '1' } } } },
  'default/local': { spec: { service: { externalTrafficPolicy: 'Local' as const } } },
};
const lookup = { served: true, get: (ns: string, name: string) => params[`${ns}/${name}` as keyof typeof params] };
const P = { group: 'gatehouse.dev', kind: 'GatewayParameters' };

describe('planProvisioning', () => {
  it("provisions Gateways of Gatehouse's classes with the class's parameters, the Gateway's own on top", () => {
    const other: KubeObject = { ...gc('theirs'), spec: { controllerName: 'example.com/other' } };
    const plan = planProvisioning(
      snapshot(
        gc('gatehouse', { ...P, name: 'big', namespace: 'gatehouse-system' }),
        other,
        gw('a', 'gatehouse'),
        gw('b', 'gatehouse', { parametersRef: { ...P, name: 'local' } }),
        gw('c', 'theirs'),
      ),
      lookup,
    );
    expect([...plan.gateways.keys()]).toEqual(['default/a', 'default/b']);
    expect(plan.gateways.get('default/a')!.params).toEqual(params['gatehouse-system/big'].spec);
    expect(plan.gateways.get('default/b')!.params).toEqual({
      replicas: 3,
      service: { type: 'ClusterIP', annotations: { a: '1' }, externalTrafficPolicy: 'Local' },
    });
    expect(plan.gatewayUids.get('uid-c')).toBe('default/c');
  });

  it('names what is wrong with a parametersRef: another kind, a missing object, no namespace, no CRD', () => {
    const plan = planProvisioning(
      snapshot(
        gc('cm', { group: '', kind: 'ConfigMap', name: 'x', namespace: 'default' }),
        gc('missing', { ...P, name: 'nope', namespace: 'default' }),
        gc('nons', { ...P, name: 'big' }),
        gw('g', 'cm'),
        gw('h', 'gatehouse-unknown'),
      ),
      lookup,
    );
    expect(plan.classes.get('cm')).toBe(
      'GatewayClass cm: spec.parametersRef: kind "ConfigMap" in group "" is not supported: reference a GatewayParameters (group gatehouse.dev) or remove the reference',
    );
    expect(plan.classes.get('missing')).toBe(
      'GatewayClass missing: spec.parametersRef: GatewayParameters default/nope does not exist: create it or fix the reference',
    );
    expect(plan.classes.get('nons')).toContain('namespace is required');
    expect(plan.gateways.get('default/g')).toMatchObject({ problem: expect.stringContaining('its GatewayClass has invalid parameters') });
    expect(plan.gateways.get('default/g')!.params).toBeUndefined();
    expect(
      planProvisioning(snapshot(gc('x', { ...P, name: 'big', namespace: 'gatehouse-system' })), { served: false, get: () => undefined }).classes.get('x'),
    ).toContain('CRD (gatewayparameters.gatehouse.dev) is not installed');
  });
});

describe('ReportAmender', () => {
  const classReport: ResourceReport = {
    ref: { kind: 'GatewayClass', namespace: '', name: 'cm' },
    generation: 2,
    state: 'accepted',
    messages: [],
    conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: 'Handled by Gatehouse', observedGeneration: 2 }],
  };
  const gwReport: ResourceReport = {
    ref: { kind: 'Gateway', namespace: 'default', name: 'g' },
    state: 'accepted',
    messages: [],
    conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: '' }],
  };

  it('turns Accepted into InvalidParameters and keeps the same objects while nothing changes', () => {
    const plan = planProvisioning(snapshot(gc('cm', { group: '', kind: 'ConfigMap', name: 'x', namespace: 'default' }), gw('g', 'cm')), lookup);
    const amender = new ReportAmender();
    const [c, g] = amender.amend([classReport, gwReport], plan, () => undefined);
    expect(c!.conditions).toEqual([{ type: 'Accepted', status: 'False', reason: 'InvalidParameters', message: plan.classes.get('cm'), observedGeneration: 2 }]);
    expect(g!.conditions.map((x) => `${x.type}=${x.status}/${x.reason}`)).toEqual(['Accepted=False/InvalidParameters', 'Programmed=False/Invalid']);
    const again = amender.amend([classReport, gwReport], plan, () => undefined);
    expect(again[0]).toBe(c);
    expect(again[1]).toBe(g);
  });

  it('gives a Gateway a new report object when its address changes (the status writer compares it again)', () => {
    const plan = planProvisioning(snapshot(gc('gatehouse'), gw('g', 'gatehouse')), lookup);
    const amender = new ReportAmender();
    let address = [{ type: 'IPAddress', value: '10.0.0.1' }];
    const [first] = amender.amend([gwReport], plan, () => address);
    expect(amender.amend([gwReport], plan, () => address)[0]).toBe(first);
    address = [{ type: 'IPAddress', value: '10.0.0.2' }];
    const [second] = amender.amend([gwReport], plan, () => address);
    expect(second).not.toBe(first);
    expect(second).toEqual(gwReport);
  });
});

describe('addresses', () => {
  it("come from a LoadBalancer's ingress, or the cluster IPs of other Services; local Envoys on loopback", () => {
    expect(serviceAddresses({ spec: { type: 'LoadBalancer', clusterIP: '10.96.0.5' } })).toEqual([]);
    expect(
      serviceAddresses({ spec: { type: 'LoadBalancer' }, status: { loadBalancer: { ingress: [{ ip: '203.0.113.7' }, { hostname: 'lb.example.com' }] } } }),
    ).toEqual([
      { type: 'Hostname', value: 'lb.example.com' },
      { type: 'IPAddress', value: '203.0.113.7' },
    ]);
    expect(serviceAddresses({ spec: { type: 'ClusterIP', clusterIPs: ['10.96.0.5', 'fd00::5'] } })).toEqual([
      { type: 'IPAddress', value: '10.96.0.5' },
      { type: 'IPAddress', value: 'fd00::5' },
    ]);
    const listener = (address: string) => ({ name: 'l', protocol: 'HTTP' as const, address, port: 80, sectionNames: [], virtualHosts: [], policies: {} });
    expect(
      localAddresses({ key: 'd/g', ref: { kind: 'Gateway', namespace: 'd', name: 'g' }, listeners: [listener('0.0.0.0'), listener('10.244.0.9')] }),
    ).toEqual([
      { type: 'IPAddress', value: '10.244.0.9' },
      { type: 'IPAddress', value: '127.0.0.1' },
    ]);
  });
});
