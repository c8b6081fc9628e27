// xDS client authentication with a real Envoy: the control-plane CA issues per-Gateway client certificates that
// `gatehouse bootstrap --xds-tls` writes into the bootstrap; a stream is served only the Gateway its certificate names.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gateway, gatewayClass, httpRoute, tempDir, writeYaml } from '../harness/config.js';
import { freePort, request, startGatehouse, waitFor, type Envoy, type Gatehouse } from '../harness/peers.js';
import { tlsSecret } from '../harness/tls.js';
import { CDS, SDS, nodeFor, rawXdsClient } from '../harness/xds-client.js';
import { bootstrapClientTls, gatehouseBootstrap, gatehouseCli, startEnvoyFrom } from '../harness/xds-envoy.js';

const dir = tempDir('xds-mtls');
const dataDir = join(dir, '.data');
const work = join(dir, '.work');
let gh: Gatehouse, envoy: Envoy, port: number;
let xds: string;

beforeAll(async () => {
  port = await freePort('127.0.0.61');
  const tlsPort = await freePort('127.0.0.62');
  const gwB = gateway('b', '127.0.0.62', [{ name: 'https', port: tlsPort, hostname: 'secure.test' }]);
  (gwB.spec.listeners[0] as Record<string, unknown>)['protocol'] = 'HTTPS';
  (gwB.spec.listeners[0] as Record<string, unknown>)['tls'] = { certificateRefs: [{ name: 'b-cert' }] };
  writeYaml(dir, 'gateways.yaml', [gatewayClass, gateway('a', '127.0.0.61', [{ name: 'http', port }]), gwB, tlsSecret('b-cert', 'secure.test')]);
  // Envoy answers these itself (a redirect): what is served comes from xDS alone, no backend involved.
  const redirect = { filters: [{ type: 'RequestRedirect', requestRedirect: { hostname: 'moved.test', statusCode: 302 } }] };
  writeYaml(dir, 'routes.yaml', [
    httpRoute('a', { parentRefs: [{ name: 'a' }], rules: [redirect] }),
    httpRoute('b', { parentRefs: [{ name: 'b' }], rules: [redirect] }),
  ]);
  gh = await startGatehouse({ configDir: dir, dataDir, args: ['--xds-tls'] });
  xds = `127.0.0.1:${gh.xdsPort}`;
  const a = await gatehouseBootstrap(join(work, 'a.json'), ['--gateway', 'default/a', '--xds-tls', '--data-dir', dataDir, '--xds-address', xds]);
  envoy = await startEnvoyFrom(a.file, work);
});

afterAll(async () => {
  await envoy?.stop();
  await gh?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('xDS over mTLS', () => {
  it('an Envoy with the issued bootstrap gets its configuration over mTLS and serves traffic', async () => {
    const r = await waitFor('traffic through gateway a', async () => {
      const res = await request(`http://127.0.0.61:${port}/hello`);
      return res.status === 302 ? res : undefined;
    });
    expect(r.headers['location']).toBe(`http://moved.test:${port}/hello`);
    const { items } = (await (await fetch(`${gh.admin}/api/v1/proxies`)).json()) as { items: Array<Record<string, unknown>> };
    expect(items).toEqual([expect.objectContaining({ nodeGroup: 'default/a', identity: 'default/a', knownGateway: true })]);
    expect(gh.output).toMatch(/xDS requires mTLS: proxies need a client certificate from the CA in .*xds-ca/);
  });

  it('refuses a client without a certificate (and one speaking plaintext)', async () => {
    const tlsOnly = rawXdsClient(xds, {
      tls: {
        caPem: bootstrapClientTls(
          (await gatehouseBootstrap(join(work, 'ca-only.json'), ['--gateway', 'default/a', '--xds-tls', '--data-dir', dataDir, '--xds-address', xds]))
            .bootstrap,
        ).caPem,
      },
    });
    tlsOnly.send({ node: nodeFor('default/a'), typeUrl: CDS });
    expect((await tlsOnly.ended).code).toBe(status.UNAVAILABLE);
    expect(tlsOnly.responses).toEqual([]);
    tlsOnly.close();

    const plain = rawXdsClient(xds);
    plain.send({ node: nodeFor('default/a'), typeUrl: CDS });
    expect((await plain.ended).code).toBe(status.UNAVAILABLE);
    expect(plain.responses).toEqual([]);
    plain.close();
  });

  it("a client holding gateway A's certificate that asks as gateway B is refused (PERMISSION_DENIED) and gets none of B's secrets", async () => {
    const certA = bootstrapClientTls(
      (await gatehouseBootstrap(join(work, 'a2.json'), ['--gateway', 'default/a', '--xds-tls', '--data-dir', dataDir, '--xds-address', xds])).bootstrap,
    );
    for (const delta of [false, true]) {
      const c = rawXdsClient(xds, { tls: certA, delta });
      c.send(delta ? { node: nodeFor('default/b'), typeUrl: SDS, resourceNamesSubscribe: ['*'] } : { node: nodeFor('default/b'), typeUrl: SDS });
      const ended = await c.ended;
      expect(ended.code).toBe(status.PERMISSION_DENIED);
      expect(ended.details).toContain('asks for gateway "default/b" but its client certificate is for gateway default/a');
      expect(c.responses).toEqual([]);
      c.close();
    }
    await waitFor('the refusal in the log', () =>
      /WARN +xDS stream from .* refused \(PERMISSION_DENIED\): node "raw-default-b" asks for gateway "default\/b" but its client certificate is for gateway default\/a/.test(
        gh.output,
      ),
    );

    // The same request with B's own certificate is served B's secret: the refusal above is what kept it away.
    const certB = bootstrapClientTls(
      (await gatehouseBootstrap(join(work, 'b.json'), ['--gateway', 'default/b', '--xds-tls', '--data-dir', dataDir, '--xds-address', xds])).bootstrap,
    );
    const b = rawXdsClient(xds, { tls: certB });
    b.send({ node: nodeFor('default/b'), typeUrl: SDS });
    const secrets = await b.next();
    expect(secrets?.names.length).toBeGreaterThan(0);
    expect(Buffer.concat(secrets!.raw.map((r) => r.value)).toString('latin1')).toContain('PRIVATE KEY');
    b.close();
  });
});

describe('xDS address policy', () => {
  it('a non-loopback --xds-address without mTLS refuses to start, naming the flags', async () => {
    const r = await gatehouseCli([
      'serve',
      '--config-dir',
      dir,
      '--data-dir',
      join(dir, '.policy'),
      '--xds-address',
      '0.0.0.0',
      '--xds-port',
      '0',
      '--admin-port',
      '0',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--xds-address 0.0.0.0 is not loopback');
    expect(r.stderr).toContain('--xds-tls');
    expect(r.stderr).toContain('--xds-insecure');
  });

  it('with --xds-insecure it starts, with a loud warning', async () => {
    const insecure = await startGatehouse({ configDir: dir, dataDir: join(dir, '.insecure'), args: ['--xds-address', '0.0.0.0', '--xds-insecure'] });
    try {
      expect(insecure.output).toMatch(/WARN +INSECURE: xDS serves plaintext on 0\.0\.0\.0 \(--xds-insecure\)/);
    } finally {
      await insecure.stop();
    }
  });

  it('bootstrap refuses a plaintext bootstrap for a non-loopback address unless told', async () => {
    const r = await gatehouseCli(['bootstrap', '--gateway', 'default/a', '--xds-address', '192.0.2.10:9977']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('add --xds-tls');
    expect((await gatehouseCli(['bootstrap', '--gateway', 'default/a', '--xds-address', '192.0.2.10:9977', '--xds-insecure'])).code).toBe(0);
  });
});
