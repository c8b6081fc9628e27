import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { envoyBinary, freePort, sleep, waitFor } from '../../../scripts/lib/peers.mjs';
import { tempDir } from '../../../test/harness/config.js';
import { provisionedBootstrap } from './bootstrap.js';
import { gatewayManifests, type ProvisionedGateway } from './manifests.js';
import { DEFAULT_READINESS_PORT, readinessPort } from './readiness.js';

const gateway: ProvisionedGateway = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name: 'web', namespace: 'team-a', uid: 'uid-1', generation: 1 },
  spec: { gatewayClassName: 'gatehouse', listeners: [{ name: 'invalid', protocol: 'INVALID', port: 1111 }] },
};

async function status(port: number): Promise<number | undefined> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(500) })).status;
  } catch {
    return undefined;
  }
}

describe('readiness', () => {
  const envoys: ChildProcess[] = [];
  afterEach(() => {
    for (const e of envoys.splice(0)) e.kill('SIGKILL');
  });
  const run = (bootstrap: string) => {
    const dir = tempDir('readiness');
    writeFileSync(join(dir, 'bootstrap.json'), bootstrap);
    const e = spawn(envoyBinary(), ['-c', join(dir, 'bootstrap.json'), '-l', 'error', '--use-dynamic-base-id'], { stdio: 'ignore' });
    envoys.push(e);
  };

  it('takes a port no listener of the Gateway uses', () => {
    expect(readinessPort([{ port: 80 }, { port: 443 }])).toBe(DEFAULT_READINESS_PORT);
    expect(readinessPort([{ port: DEFAULT_READINESS_PORT }, { port: DEFAULT_READINESS_PORT + 1 }])).toBe(DEFAULT_READINESS_PORT + 2);
  });

  it('probes the readiness listener, not a Gateway listener (which may be invalid and never bound)', () => {
    const objs = gatewayManifests({ gateway, params: {}, bootstrap: '{}', readinessPort: 19001 });
    const d = objs.find((o) => o.kind === 'Deployment') as unknown as { spec: { template: { spec: { containers: Array<Record<string, unknown>> } } } };
    expect(d.spec.template.spec.containers[0]!['readinessProbe']).toMatchObject({ httpGet: { path: '/ready', port: 19001 } });
  });

  it('a real Envoy answers /ready only once it has its configuration, whatever its Gateway listeners', async () => {
    const port = await freePort();
    const closed = await freePort();
    const text = provisionedBootstrap({ gateway: 'team-a/web', xdsHost: '127.0.0.1', xdsPort: closed, tls: false, readinessPort: port });
    // No control plane to answer: Envoy waits for its first configuration, and is not ready meanwhile.
    run(text);
    await sleep(2500);
    expect(await status(port)).toBeUndefined();
    envoys.splice(0).forEach((e) => e.kill('SIGKILL'));
    // Configured (here: nothing dynamic to wait for): 200 on /ready, even with no Gateway listener at all.
    const b = JSON.parse(text) as Record<string, unknown>;
    delete b['dynamicResources'];
    (b['staticResources'] as { clusters: unknown[] }).clusters = [];
    run(JSON.stringify(b));
    await waitFor('Envoy ready', async () => (await status(port)) === 200, 10_000, 100);
  });
});
