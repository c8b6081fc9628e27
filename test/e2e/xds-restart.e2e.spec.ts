// A control-plane restart under running Envoys: they keep serving throughout (never handed an empty configuration
// before the first translation) and are re-served within about a second of the control plane being back (the
// bootstrap's ADS retry backoff), in both xDS flavours.
import { rmSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { gateway, gatewayClass, httpRoute, tempDir, writeYaml } from '../harness/config.js';
import { freePort, request, sleep, startEnvoy, startGatehouse, waitFor, type Envoy, type Gatehouse } from '../harness/peers.js';

const dir = tempDir('xds-restart');
const dataDir = join(dir, '.data');
const proxies = [
  { gw: 'sotw', address: '127.0.0.64', delta: false },
  { gw: 'delta', address: '127.0.0.65', delta: true },
];
let gh: Gatehouse;
let xdsPort: number;
const envoys: Envoy[] = [];
const ports: number[] = [];

beforeAll(async () => {
  for (const p of proxies) ports.push(await freePort(p.address));
  writeYaml(dir, 'config.yaml', [
    gatewayClass,
    ...proxies.map((p, i) => gateway(p.gw, p.address, [{ name: 'http', port: ports[i]! }])),
    // Envoy answers these itself (a redirect): what is served depends on xDS alone.
    ...proxies.map((p) =>
      httpRoute(p.gw, {
        parentRefs: [{ name: p.gw }],
        rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { hostname: 'moved.test', statusCode: 302 } }] }],
      }),
    ),
  ]);
  xdsPort = await freePort();
  gh = await startGatehouse({ configDir: dir, dataDir, xdsPort });
  for (const p of proxies) envoys.push(await startEnvoy({ gateway: `default/${p.gw}`, xdsPort, delta: p.delta, workDir: join(dir, '.work') }));
  for (const [i, p] of proxies.entries())
    await waitFor(`traffic through ${p.gw}`, async () => (await request(`http://${p.address}:${ports[i]}/`)).status === 302);
});

afterAll(async () => {
  for (const e of envoys) await e.stop();
  await gh?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const connects = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
  });

it('Envoys keep serving through a restart and are re-served within about a second of the control plane being back', async () => {
  // Watch every Envoy's listeners and traffic all along: none may be withdrawn, no request may fail.
  let watching = true;
  const minListeners = envoys.map(() => Infinity);
  const failures: string[] = [];
  let probes = 0;
  const watcher = (async () => {
    while (watching) {
      for (const [i, e] of envoys.entries()) {
        minListeners[i] = Math.min(minListeners[i]!, (await e.stats())['listener_manager.total_listeners_active'] ?? 0);
        const r = await request(`http://${proxies[i]!.address}:${ports[i]}/`).catch((err: Error) => ({ status: err.message }));
        probes++;
        if (r.status !== 302) failures.push(`${proxies[i]!.gw}: ${r.status}`);
      }
      await sleep(20);
    }
  })();

  await gh.stop();
  await waitFor('every Envoy to see the control plane gone', async () => {
    for (const e of envoys) if ((await e.stats())['control_plane.connected_state'] !== 0) return false;
    return true;
  });
  // Long enough for Envoy's default backoff (0.5 s doubling up to 30 s) to have grown to several seconds.
  await sleep(3000);

  const restarting = startGatehouse({ configDir: dir, dataDir, xdsPort });
  const back = await waitFor('the xDS port to accept connections', () => connects(xdsPort), 30_000, 10);
  const backAt = Date.now();
  expect(back).toBe(true);
  gh = await restarting;
  await waitFor(
    'every Envoy re-served',
    async () => {
      const items = (
        (await (await fetch(`${gh.admin}/api/v1/proxies`)).json()) as {
          items: Array<{ nodeGroup: string; knownGateway: boolean; types: Record<string, { ackedVersion?: string }> }>;
        }
      ).items;
      const served = proxies.every((p) =>
        items.some((it) => it.nodeGroup === `default/${p.gw}` && it.knownGateway && Object.values(it.types).some((t) => t.ackedVersion)),
      );
      if (!served) return false;
      for (const e of envoys) if ((await e.stats())['control_plane.connected_state'] !== 1) return false;
      return true;
    },
    15_000,
    20,
  );
  const resyncMs = Date.now() - backAt;
  watching = false;
  await watcher;
  process.stderr.write(`xds-restart: Envoys re-served ${resyncMs} ms after the xDS port was back (${probes} probes)\n`);
  expect(resyncMs).toBeLessThan(3000);
  expect(minListeners).toEqual(envoys.map(() => 1));
  expect(failures).toEqual([]);
});
