// An exception while translating one resource rejects that resource, never the whole translation. The objects here
// bypass validation on purpose (as a validation gap or a plugin's surprise would): shapes the translator's types
// say cannot happen.
import { describe, expect, it } from 'vitest';
import type { KubeObject, ResourceSnapshot, StoredResource } from '@gatehouse/api';
import { resourceKey } from '@gatehouse/api';
import { BUILTIN_PLUGINS } from '@gatehouse/controller';
import { Translator, translate } from '@gatehouse/engine';
import { XdsType } from '@gatehouse/plugin-sdk';
import { tlsSecret } from '../harness/tls.js';

function snapshot(objects: Array<Record<string, unknown>>): ResourceSnapshot {
  const resources = new Map<string, StoredResource>();
  for (const o of objects as unknown as KubeObject[]) {
    const ref = { kind: o.kind, namespace: o.kind === 'GatewayClass' ? '' : (o.metadata.namespace ?? 'default'), name: o.metadata.name };
    const key = resourceKey(ref);
    resources.set(key, { key, ref, object: o, origin: { source: 'inline' }, createdAt: '2026-01-01T00:00:00Z' });
  }
  return { resources, problems: [] };
}

const gwc = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'GatewayClass',
  metadata: { name: 'gc' },
  spec: { controllerName: 'gatehouse.dev/gateway-controller' },
};
const gateway = (name: string, listeners: unknown[]) => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name, namespace: 'default' },
  spec: { gatewayClassName: 'gc', listeners },
});
const route = (name: string, gw: string, backend: string) => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name, namespace: 'default' },
  spec: { parentRefs: [{ name: gw }], hostnames: [`${name}.test`], rules: [{ backendRefs: [{ name: backend, port: 80 }] }] },
});
const svc = (name: string, ports: unknown) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { ports } });

describe('one broken resource', () => {
  it('a Secret with non-string data refuses that listener, not every Gateway', () => {
    const bad = { ...tlsSecret('bad', 'secure.test'), data: { 'tls.crt': 5, 'tls.key': { nested: true } } };
    const t = translate(
      snapshot([
        gwc,
        bad,
        tlsSecret('good', 'other.test'),
        gateway('a', [{ name: 'tls', protocol: 'HTTPS', port: 443, tls: { certificateRefs: [{ name: 'bad' }] } }]),
        gateway('b', [{ name: 'tls', protocol: 'HTTPS', port: 443, tls: { certificateRefs: [{ name: 'good' }] } }]),
        route('r', 'b', 'nothing'),
      ]),
      { plugins: BUILTIN_PLUGINS },
    );
    const a = t.reports.find((r) => r.ref.name === 'a')!;
    expect(a.listeners?.[0]?.conditions).toContainEqual(
      expect.objectContaining({
        type: 'ResolvedRefs',
        status: 'False',
        reason: 'InvalidCertificateRef',
        message: expect.stringContaining('not a base64 string'),
      }),
    );
    expect(Object.keys(t.gateways['default/b']!.resources[XdsType.Secret])).toEqual(['secret_default_good']);
  });

  it('a route that cannot be processed is rejected with its name; a bad Service fails only its backend', () => {
    const odd = { ...route('odd', 'gw', 'fine'), spec: { parentRefs: [{ name: 'gw' }], rules: 'nope' } };
    const objects = [
      gwc,
      gateway('gw', [{ name: 'http', protocol: 'HTTP', port: 80 }]),
      svc('weird', 'eighty'),
      svc('fine', [{ name: 'http', port: 80 }]),
      route('broken', 'gw', 'weird'),
      odd,
      route('works', 'gw', 'fine'),
    ];
    for (const t of [translate(snapshot(objects), { plugins: BUILTIN_PLUGINS }), new Translator({ plugins: BUILTIN_PLUGINS }).translate(snapshot(objects))]) {
      const rejected = t.reports.find((r) => r.ref.name === 'odd')!;
      expect(rejected.state).toBe('rejected');
      expect(rejected.messages.join()).toContain('HTTPRoute default/odd could not be translated');
      const broken = t.reports.find((r) => r.ref.name === 'broken')!;
      expect(broken.messages.join()).toContain('resolving Service default/weird failed');
      const routes = JSON.stringify(t.gateways['default/gw']!.resources[XdsType.Route]);
      expect(routes).toContain('works.test');
      expect(t.reports.find((r) => r.ref.name === 'works')!.state).not.toBe('rejected');
    }
  });

  it('a Gateway whose listeners are not a list is rejected alone', () => {
    const t = translate(
      snapshot([
        gwc,
        gateway('weird', 'listeners' as unknown as unknown[]),
        gateway('ok', [{ name: 'http', protocol: 'HTTP', port: 80 }]),
        route('r', 'ok', 'x'),
      ]),
      { plugins: BUILTIN_PLUGINS },
    );
    const weird = t.reports.find((r) => r.ref.name === 'weird')!;
    expect(weird.state).toBe('rejected');
    expect(weird.messages.join()).toContain('Gateway default/weird could not be translated');
    expect(Object.keys(t.gateways)).toContain('default/ok');
  });
});
