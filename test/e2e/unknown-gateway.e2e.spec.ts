// An Envoy whose node names no known Gateway gets an empty configuration, and is shown as such.
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { gateway, gatewayClass, tempDir, writeYaml } from '../harness/config.js';
import { startEnvoy, startGatehouse, waitFor, type Envoy, type Gatehouse } from '../harness/peers.js';

let gh: Gatehouse | undefined;
let envoy: Envoy | undefined;
afterAll(async () => {
  await envoy?.stop();
  await gh?.stop();
});

it('serves an empty snapshot to a proxy for an unknown gateway, visible in the log and the admin API', async () => {
  const dir = tempDir('unknown-gw');
  writeYaml(dir, 'gw.yaml', [gatewayClass, gateway('real', '127.0.0.31', [{ name: 'http', port: 18999 }])]);
  gh = await startGatehouse({ configDir: dir, dataDir: join(dir, '.data') });
  envoy = await startEnvoy({ gateway: 'default/nope', xdsPort: gh.xdsPort, workDir: join(dir, '.work') });
  // Envoy initializes (it got answers for CDS and LDS) with nothing in them.
  const stats = await waitFor('envoy initialized', async () => {
    const s = await envoy!.stats();
    return s['server.state'] === 0 && s['cluster_manager.cds.update_success']! >= 1 && s['listener_manager.lds.update_success']! >= 1 ? s : undefined;
  });
  expect(stats['listener_manager.total_listeners_active']).toBe(0);
  const { items } = (await (await fetch(`${gh.admin}/api/v1/proxies`)).json()) as { items: Array<{ nodeGroup: string; knownGateway: boolean }> };
  expect(items).toEqual([expect.objectContaining({ nodeGroup: 'default/nope', knownGateway: false })]);
  await waitFor('the warning in the log', () => /names gateway "default\/nope", which Gatehouse does not know; it is served an empty configuration/.test(gh!.output));
});
