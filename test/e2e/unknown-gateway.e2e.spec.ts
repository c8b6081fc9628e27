// An Envoy whose node names a Gateway Gatehouse has no configuration for is held (never answered with an empty
// configuration it would apply), shown as such, and served as soon as the Gateway exists; a Gateway deleted while
// the control plane runs is served an empty configuration.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { gateway, gatewayClass, tempDir, writeYaml } from '../harness/config.js';
import { freePort, sleep, startEnvoy, startGatehouse, waitFor, type Envoy, type Gatehouse } from '../harness/peers.js';

const dir = tempDir('unknown-gw');
let gh: Gatehouse | undefined;
let envoy: Envoy | undefined;
afterAll(async () => {
  await envoy?.stop();
  await gh?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const proxies = async () =>
  ((await (await fetch(`${gh!.admin}/api/v1/proxies`)).json()) as { items: Array<{ nodeGroup: string; knownGateway: boolean }> }).items;

it('holds a proxy for an unknown gateway, visible in the log and the admin API, and serves it once the Gateway exists; a deleted Gateway is served empty', async () => {
  writeYaml(dir, 'gw.yaml', [gatewayClass, gateway('real', '127.0.0.31', [{ name: 'http', port: await freePort('127.0.0.31') }])]);
  gh = await startGatehouse({ configDir: dir, dataDir: join(dir, '.data') });
  envoy = await startEnvoy({ gateway: 'default/nope', xdsPort: gh.xdsPort, workDir: join(dir, '.work') });

  await waitFor('the held proxy in the admin API', async () => (await proxies()).some((p) => p.nodeGroup === 'default/nope'));
  expect(await proxies()).toEqual([expect.objectContaining({ nodeGroup: 'default/nope', knownGateway: false })]);
  await waitFor('the warning in the log', () =>
    /WARN +proxy connected: node=\S+ names gateway "default\/nope", which Gatehouse has no configuration for \(yet\); its requests are held until it has one/.test(
      gh!.output,
    ),
  );
  // Held: no answer at all (an empty one would be applied, and after a restart would withdraw every listener).
  await sleep(1000);
  const held = await envoy.stats();
  expect(held['cluster_manager.cds.update_success']).toBe(0);
  expect(held['listener_manager.lds.update_success']).toBe(0);

  // The Gateway appears: the held requests are answered.
  writeYaml(dir, 'nope.yaml', [gateway('nope', '127.0.0.32', [{ name: 'http', port: await freePort('127.0.0.32') }])]);
  await waitFor('the listener of the new Gateway', async () => (await envoy!.stats())['listener_manager.total_listeners_active'] === 1);
  expect(await proxies()).toEqual([expect.objectContaining({ nodeGroup: 'default/nope', knownGateway: true })]);

  // The Gateway is deleted: its proxy is served an empty configuration.
  rmSync(join(dir, 'nope.yaml'));
  await waitFor('the listener withdrawn', async () => (await envoy!.stats())['listener_manager.total_listeners_active'] === 0);
  expect(await proxies()).toEqual([expect.objectContaining({ nodeGroup: 'default/nope', knownGateway: false })]);
});
