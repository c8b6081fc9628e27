// A Gateway's spec.addresses in the running control plane: an IP this machine does not have cannot be bound by an
// Envoy here, so the Gateway is Programmed=False/AddressNotUsable (and nothing half-binds); a local one serves.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { gatewayClass, tempDir, writeYaml } from '../harness/config.js';
import { startGatehouse, waitFor, type Gatehouse } from '../harness/peers.js';

const dir = tempDir('addresses');
let gh: Gatehouse;
const gw = (name: string, address: string) => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name, namespace: 'default' },
  spec: { gatewayClassName: 'gatehouse', addresses: [{ type: 'IPAddress', value: address }], listeners: [{ name: 'http', protocol: 'HTTP', port: 8080 }] },
});

beforeAll(async () => {
  writeYaml(dir, 'gateways.yaml', [gatewayClass, gw('elsewhere', '192.0.2.55'), gw('here', '127.0.0.41')]);
  gh = await startGatehouse({ configDir: dir, dataDir: join(dir, '.data') });
});
afterAll(async () => {
  await gh?.stop();
});

it('an address this machine lacks is AddressNotUsable; a local one is programmed', async () => {
  type Item = { name: string; state: string; messages: string[]; conditions: Array<{ type: string; status: string; reason: string }> };
  const items: Item[] = await waitFor('gateways reported', async () => {
    const r = (await (await fetch(`${gh.admin}/api/v1/resources`)).json()) as { items: Item[] };
    return r.items.some((i) => i.name === 'elsewhere') ? r.items : undefined;
  });
  const elsewhere = items.find((i) => i.name === 'elsewhere')!;
  expect(elsewhere.conditions).toContainEqual(expect.objectContaining({ type: 'Programmed', status: 'False', reason: 'AddressNotUsable' }));
  expect(elsewhere.messages.join()).toContain('192.0.2.55 is not an address of the proxy');
  expect(items.find((i) => i.name === 'here')!.conditions).toContainEqual(expect.objectContaining({ type: 'Programmed', status: 'True' }));
});
