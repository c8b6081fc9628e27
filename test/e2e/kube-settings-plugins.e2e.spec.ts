// Kubernetes mode: the Settings resource's spec.plugins, on a real kube-apiserver with the Gatehouse CRDs from the
// chart. The apiserver keeps spec.plugins (the structural schema does not prune it); the controller lists Settings
// before start-up (a missing CRD is no Settings), loads the plugin it names (GET /api/v1/plugins) and says a later
// change needs a restart; a Settings naming a plugin that is not there lists it as failed and the built-ins still
// run (an HTTPRoute is Accepted).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { settingsInCluster } from '@gatehouse/controller';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { tempDir } from '../harness/config.js';
import { startCluster, type Cluster } from '../harness/kube.js';
import { ROOT, startGatehouse, waitFor, type Gatehouse } from '../harness/peers.js';

const GW = 'gateway.networking.k8s.io/v1';
const PLUGIN = join(ROOT, 'test/fixtures/plugins/header-policy/index.mjs');
const MISSING = join(ROOT, 'test/fixtures/plugins/not-there.mjs');
const SETTINGS_PATH = '/apis/gatehouse.dev/v1alpha1/namespaces/default/settings/settings';
const yaml = (...objects: unknown[]) => objects.map((o) => stringify(o)).join('---\n');
const settings = (plugins: string[]) => ({
  apiVersion: 'gatehouse.dev/v1alpha1',
  kind: 'Settings',
  metadata: { name: 'settings', namespace: 'default' },
  spec: { plugins },
});
type Plugins = {
  builtin: string[];
  loaded: Array<{ name: string; module: string; origin: string }>;
  failed: Array<{ module: string; origin: string; reason: string }>;
  restartPending?: string;
};
type Cond = { type: string; status: string; reason: string };

describe('Kubernetes mode: plugins from the Settings resource', () => {
  let cluster: Cluster, gh: Gatehouse | undefined;
  const dir = tempDir('kube-settings-plugins');
  const apply = (...objects: unknown[]) => cluster.kubectl(['apply', '--server-side', '--field-manager', 'test', '-f', '-'], { input: yaml(...objects) });
  const plugins = async () => (await (await fetch(`${gh!.admin}/api/v1/plugins`)).json()) as Plugins;
  const start = async (name: string) =>
    (gh = await startGatehouse({ kubeconfig: cluster.kubeconfig, dataDir: join(dir, name), args: ['--leader-election-namespace', 'default'] }));

  beforeAll(async () => {
    cluster = await startCluster({ gatewayApi: true });
  }, 180_000);

  afterAll(async () => {
    await gh?.stop();
    await cluster?.stop();
  });

  it('without the Settings CRD there are no Settings (the apiserver answers 404)', async () => {
    expect(await settingsInCluster({ kubeconfig: cluster.kubeconfig })).toEqual([]);
    expect(await settingsInCluster({ kubeconfig: cluster.kubeconfig, namespaces: ['default'] })).toEqual([]);
  });

  it('with the chart CRDs the apiserver keeps spec.plugins, and Settings are listed cluster-wide or per watched namespace', async () => {
    for (const f of readdirSync(join(ROOT, 'charts/gatehouse/crds')))
      await cluster.kubectl(['apply', '--server-side', '-f', join(ROOT, 'charts/gatehouse/crds', f)]);
    await cluster.kubectl(['wait', '--for', 'condition=Established', '--timeout', '60s', 'crd/settings.gatehouse.dev']);
    await apply(settings([PLUGIN]));
    const stored = (await cluster.api('GET', SETTINGS_PATH)).json as { spec?: { plugins?: string[] } };
    expect(stored.spec?.plugins).toEqual([PLUGIN]);
    const all = await settingsInCluster({ kubeconfig: cluster.kubeconfig });
    expect(all.map((o) => [o.metadata?.namespace, o.metadata?.name, (o as { spec?: unknown }).spec])).toEqual([['default', 'settings', { plugins: [PLUGIN] }]]);
    const watched = await settingsInCluster({ kubeconfig: cluster.kubeconfig, namespaces: ['default', 'other'] });
    expect(watched.map((o) => o.metadata?.name)).toEqual(['settings']);
  }, 90_000);

  it('Gatehouse loads the plugin the Settings names, and says a change of spec.plugins needs a restart', async () => {
    await start('data-1');
    const r = await plugins();
    expect(r.builtin).toContain('router');
    expect(r.loaded.map((p) => [p.name, p.module, p.origin])).toEqual([['header-policy', PLUGIN, 'settings']]);
    expect(r.failed).toEqual([]);
    await apply(settings([PLUGIN, MISSING]));
    await waitFor('the restart asked for', async () => (await plugins()).restartPending?.includes('restart the controller to apply it'), 30_000);
    expect(gh!.output).toContain('spec.plugins changed to');
    await gh!.stop();
    gh = undefined;
  }, 90_000);

  it('a Settings naming a missing plugin lists it as failed; the others load and the built-ins serve routes', async () => {
    await start('data-2');
    const r = await plugins();
    expect(r.loaded.map((p) => p.name)).toEqual(['header-policy']);
    expect(r.failed).toEqual([expect.objectContaining({ module: MISSING, origin: 'settings', reason: `cannot load: no such file or folder: ${MISSING}` })]);
    expect(r.restartPending).toBeUndefined();
    await apply(
      { apiVersion: GW, kind: 'GatewayClass', metadata: { name: 'gatehouse' }, spec: { controllerName: 'gatehouse.dev/gateway-controller' } },
      {
        apiVersion: GW,
        kind: 'Gateway',
        metadata: { name: 'gw', namespace: 'default' },
        spec: { gatewayClassName: 'gatehouse', listeners: [{ name: 'http', protocol: 'HTTP', port: 8080 }] },
      },
      { apiVersion: GW, kind: 'HTTPRoute', metadata: { name: 'app', namespace: 'default' }, spec: { parentRefs: [{ name: 'gw' }], rules: [{}] } },
    );
    const parents = await waitFor(
      'the HTTPRoute accepted',
      async () => {
        const route = (await cluster.api('GET', `/apis/${GW}/namespaces/default/httproutes/app`)).json as {
          status?: { parents?: Array<{ controllerName: string; conditions: Cond[] }> };
        };
        return route.status?.parents?.length ? route.status.parents : undefined;
      },
      30_000,
    );
    expect(parents[0]).toMatchObject({ controllerName: 'gatehouse.dev/gateway-controller' });
    expect(parents[0]!.conditions).toContainEqual(expect.objectContaining({ type: 'Accepted', status: 'True' }));
  }, 90_000);
});
