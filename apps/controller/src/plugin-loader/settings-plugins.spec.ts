// Kubernetes mode reads Settings from the API (all namespaces, or each watched one) before start-up; a missing CRD
// (404) means no Settings. Against a small local HTTP server standing in for the apiserver's list endpoints.
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { settingsInCluster } from './settings-plugins.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-settings-kube-'));
const seen: string[] = [];
let server: http.Server;
let kubeconfig = '';
const settings = {
  apiVersion: 'gatehouse.dev/v1alpha1',
  kind: 'Settings',
  metadata: { namespace: 'gatehouse', name: 'settings' },
  spec: { plugins: ['@acme/x'] },
};

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(req.url ?? '');
    const found = req.url === '/apis/gatehouse.dev/v1alpha1/settings' || req.url === '/apis/gatehouse.dev/v1alpha1/namespaces/gatehouse/settings';
    res.writeHead(found ? 200 : 404, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(
        found
          ? { kind: 'SettingsList', items: [settings] }
          : { kind: 'Status', reason: 'NotFound', message: 'the server could not find the requested resource' },
      ),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters: [{ name: c, cluster: { server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true } }]\nusers: [{ name: u, user: { token: t } }]\ncontexts: [{ name: x, context: { cluster: c, user: u } }]\ncurrent-context: x\n`,
  );
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

it('lists Settings in every namespace, or in each watched namespace; a 404 (no CRD) is none', async () => {
  expect(await settingsInCluster({ kubeconfig })).toEqual([settings]);
  expect(await settingsInCluster({ kubeconfig, namespaces: ['gatehouse', 'other'] })).toEqual([settings]);
  expect(seen).toEqual([
    '/apis/gatehouse.dev/v1alpha1/settings',
    '/apis/gatehouse.dev/v1alpha1/namespaces/gatehouse/settings',
    '/apis/gatehouse.dev/v1alpha1/namespaces/other/settings',
  ]);
});
