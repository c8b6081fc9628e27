// `gatehouse bootstrap` writes bootstraps the real Envoy accepts: host names (STRICT_DNS), IPv6 literals, mTLS.
import { execFile } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { gateway, gatewayClass, tempDir, writeYaml } from '../harness/config.js';
import { envoyBinary, freePort, startGatehouse, waitFor, type Envoy, type Gatehouse } from '../harness/peers.js';
import { gatehouseBootstrap, gatehouseCli, startEnvoyFrom } from '../harness/xds-envoy.js';

const run = promisify(execFile);
const dir = tempDir('xds-bootstrap');
let gh: Gatehouse | undefined;
let envoy: Envoy | undefined;
afterAll(async () => {
  await envoy?.stop();
  await gh?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** `envoy --mode validate`: resolves with Envoy's verdict line. */
async function validate(file: string): Promise<string> {
  const { stdout, stderr } = await run(envoyBinary(), ['--mode', 'validate', '-c', file, '-l', 'error', '--use-dynamic-base-id']);
  return (stdout + stderr).trim();
}

type Cluster = {
  type: string;
  loadAssignment: { endpoints: Array<{ lbEndpoints: Array<{ endpoint: { address: { socketAddress: { address: string } } } }> }> };
};
const xdsCluster = (b: Record<string, unknown>) => (b['staticResources'] as { clusters: Cluster[] }).clusters[0]!;

describe('gatehouse bootstrap', () => {
  it.each([
    { address: 'localhost:9977', type: 'STRICT_DNS', host: 'localhost' },
    { address: 'xds.internal.example:9977', type: 'STRICT_DNS', host: 'xds.internal.example', extra: ['--xds-insecure'] },
    { address: '127.0.0.1:9977', type: 'STATIC', host: '127.0.0.1' },
    { address: '[::1]:9977', type: 'STATIC', host: '::1' },
  ])('--xds-address $address gives a $type cluster Envoy accepts', async ({ address, type, host, extra }) => {
    const { file, bootstrap } = await gatehouseBootstrap(join(dir, `${host}.json`), ['--gateway', 'default/web', '--xds-address', address, ...(extra ?? [])]);
    const cluster = xdsCluster(bootstrap);
    expect(cluster.type).toBe(type);
    expect(cluster.loadAssignment.endpoints[0]!.lbEndpoints[0]!.endpoint.address.socketAddress.address).toBe(host);
    expect(await validate(file)).toContain('OK');
  });

  it('an mTLS bootstrap is accepted by Envoy and written with mode 0600', async () => {
    const { file } = await gatehouseBootstrap(join(dir, 'tls.json'), [
      '--gateway',
      'default/web',
      '--xds-tls',
      '--data-dir',
      join(dir, '.data'),
      '--xds-address',
      'localhost:9977',
    ]);
    expect(await validate(file)).toContain('OK');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('--help shows the default xDS address', async () => {
    const r = await gatehouseCli(['bootstrap', '--help']);
    expect(r.stdout).toMatch(/--xds-address <host:port>[\s\S]*\(default: "127\.0\.0\.1:9977"\)/);
    expect(r.stdout).not.toContain('[object Object]');
  });

  it('an Envoy pointed at localhost (a host name, not an IP) connects and is served', async () => {
    writeYaml(dir, 'gw.yaml', [gatewayClass, gateway('web', '127.0.0.67', [{ name: 'http', port: await freePort('127.0.0.67') }])]);
    gh = await startGatehouse({ configDir: dir, dataDir: join(dir, '.data') });
    const { file } = await gatehouseBootstrap(join(dir, 'localhost.json'), ['--gateway', 'default/web', '--xds-address', `localhost:${gh.xdsPort}`]);
    envoy = await startEnvoyFrom(file, join(dir, '.work'));
    await waitFor('the listener over xDS from localhost', async () => (await envoy!.stats())['listener_manager.total_listeners_active'] === 1);
  });
});
