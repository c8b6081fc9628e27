// A plugin that owns a policy kind, through a real Envoy: HeaderPolicy (test/fixtures/plugins/header-policy, loaded
// with --plugin) adds a response header from its spec. One on the Gateway, a more specific one on a named HTTPRoute
// rule: each route answers with the header of its most specific policy. An invalid HeaderPolicy is refused with its
// field path (admin API /api/v1/resources), an older policy wins a target and the newer one is Conflicted, and a
// policy edit is served without a restart.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gateway, gatewayClass, httpRoute, service, tempDir, toService, writeYaml } from '../harness/config.js';
import { ROOT, freePort, request, startBackend, startEnvoy, startGatehouse, waitFor, type Backend, type Envoy, type Gatehouse } from '../harness/peers.js';

const ADDRESS = '127.0.0.191';
const PLUGIN = join(ROOT, 'test/fixtures/plugins/header-policy/index.mjs');
const root = tempDir('plugin-policy');
const dir = join(root, 'config');
let app: Backend, gh: Gatehouse, envoy: Envoy, port: number;

type Item = {
  kind: string;
  namespace?: string;
  name: string;
  state: string;
  messages: string[];
  ancestors?: Array<{ ancestorRef: { name: string }; conditions: Array<{ type: string; status: string; reason: string; message: string }> }>;
};
const resources = async () => ((await (await fetch(`${gh.admin}/api/v1/resources`)).json()) as { items: Item[] }).items;
const item = async (name: string) => (await resources()).find((i) => i.kind === 'HeaderPolicy' && i.name === name);

const policy = (name: string, targetRef: Record<string, string>, headers: Array<Record<string, unknown>>, createdAt?: string) => ({
  apiVersion: 'policies.example.com/v1alpha1',
  kind: 'HeaderPolicy',
  metadata: { name, namespace: 'default', ...(createdAt ? { creationTimestamp: createdAt } : {}) },
  spec: { targetRefs: [{ group: 'gateway.networking.k8s.io', ...targetRef }], headers },
});
const onGateway = (value: string) => policy('on-gateway', { kind: 'Gateway', name: 'gw' }, [{ name: 'x-policy', value }], '2026-01-01T00:00:00Z');
const get = (path: string) => request(`http://${ADDRESS}:${port}${path}`, { host: 'app.test' });

beforeAll(async () => {
  app = await startBackend('app', { host: '127.0.0.192' });
  port = await freePort(ADDRESS);
  writeYaml(dir, 'gateway.yaml', [gatewayClass, gateway('gw', ADDRESS, [{ name: 'http', port }])]);
  writeYaml(dir, 'services.yaml', service('app', app));
  writeYaml(dir, 'routes.yaml', [
    httpRoute('app', {
      parentRefs: [{ name: 'gw' }],
      hostnames: ['app.test'],
      rules: [
        { name: 'special', matches: [{ path: { type: 'PathPrefix', value: '/special' } }], backendRefs: [toService('app')] },
        { name: 'plain', backendRefs: [toService('app')] },
      ],
    }),
  ]);
  writeYaml(dir, 'policies.yaml', [
    onGateway('gateway'),
    policy('on-rule', { kind: 'HTTPRoute', name: 'app', sectionName: 'special' }, [
      { name: 'x-policy', value: 'rule' },
      { name: 'x-rule-only', value: 'yes' },
    ]),
    // The same target as on-gateway, newer: Conflicted.
    policy('newer', { kind: 'Gateway', name: 'gw' }, [{ name: 'x-policy', value: 'newer' }], '2026-06-01T00:00:00Z'),
    // Invalid: the CRD's CEL rule refuses Envoy's own headers; the other an unknown field.
    policy('envoy-header', { kind: 'Gateway', name: 'gw' }, [{ name: 'x-envoy-upstream', value: '1' }]),
    policy('typo', { kind: 'Gateway', name: 'gw' }, [{ name: 'x-a', valeu: '1' }]),
  ]);
  gh = await startGatehouse({ configDir: dir, dataDir: join(root, 'data'), args: ['--plugin', PLUGIN] });
  envoy = await startEnvoy({ gateway: 'default/gw', xdsPort: gh.xdsPort, workDir: root });
});

afterAll(async () => {
  await envoy?.stop();
  await gh?.stop();
  await app?.close();
});

describe('a plugin-owned policy kind', () => {
  it('each route answers with the header of its most specific policy: the rule over the Gateway', async () => {
    const plain = await waitFor('the plain route with the Gateway policy', async () => {
      const r = await get('/');
      return r.status === 200 && r.headers['x-policy'] === 'gateway' ? r : undefined;
    });
    expect(plain.headers['x-rule-only']).toBeUndefined();
    const special = await get('/special/x');
    expect(special.status).toBe(200);
    expect(special.headers['x-policy']).toBe('rule');
    expect(special.headers['x-rule-only']).toBe('yes');
  });

  it('invalid policies are refused with the field path; the winners are Accepted, the newer one Conflicted', async () => {
    expect(await item('envoy-header')).toMatchObject({
      state: 'rejected',
      messages: [
        expect.stringContaining('HeaderPolicy default/envoy-header is invalid: spec: Invalid value: "object": headers starting with x-envoy- are Envoy\'s own'),
      ],
    });
    expect(await item('typo')).toMatchObject({
      state: 'rejected',
      messages: [expect.stringContaining('spec.headers[0].valeu: Invalid value: unknown field "spec.headers[0].valeu"')],
    });
    expect(await item('on-gateway')).toMatchObject({ state: 'accepted' });
    expect(await item('on-rule')).toMatchObject({ state: 'accepted' });
    expect(await item('newer')).toMatchObject({
      state: 'rejected',
      messages: [
        'HeaderPolicy default/newer: spec.targetRefs[0]: HeaderPolicy default/on-gateway applies to the same target and takes precedence (older, or first by namespace/name)',
      ],
    });
  });

  it('a policy edit is served without a restart', async () => {
    writeYaml(dir, 'policies.yaml', [
      onGateway('edited'),
      policy('on-rule', { kind: 'HTTPRoute', name: 'app', sectionName: 'special' }, [{ name: 'x-policy', value: 'rule' }]),
    ]);
    await waitFor('the edited Gateway policy', async () => (await get('/')).headers['x-policy'] === 'edited');
    expect((await get('/special')).headers['x-policy']).toBe('rule');
  });
});
