// mTLS on the ADS server (real gRPC over loopback): a stream is served only the Gateway its certificate names.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CDS, SDS, nodeFor, rawXdsClient, type ClientTls } from '../../../../test/harness/xds-client.js';
import { ControlPlaneCa } from '../auth/control-plane-ca.js';
import { SnapshotCache } from '../cache/snapshot-cache.js';
import { CLUSTER_TYPE, SECRET_TYPE, Snapshot } from '../cache/snapshot.js';
import { AdsServer } from './ads-server.js';
import type { StreamRefusal } from './proxy-state.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-ads-auth-'));
const cache = new SnapshotCache();
const refusals: StreamRefusal[] = [];
let ads: AdsServer;
let address: string;
let ca: ControlPlaneCa;
let certA: ClientTls;

function snapshotFor(gw: string): Snapshot {
  const id = gw.split('/')[1]!;
  return Snapshot.build(
    {
      [CLUSTER_TYPE]: { [`c-${id}`]: { name: `c-${id}`, type: 'STATIC' } },
      [SECRET_TYPE]: { [`cert-${id}`]: { name: `cert-${id}`, tlsCertificate: { privateKey: { inlineString: `PRIVATE-KEY-OF-${id}` } } } },
    },
    ads.codec.encoder,
  ).snapshot;
}

beforeAll(async () => {
  ca = await ControlPlaneCa.loadOrCreate(join(dir, 'xds-ca'));
  const server = await ca.issueServer(['127.0.0.1']);
  ads = new AdsServer({
    cache,
    tls: { caPem: ca.certPem, certPem: server.certPem, keyPem: server.keyPem },
    callbacks: { onStreamRefused: (r) => refusals.push(r) },
  });
  address = `127.0.0.1:${await ads.listen('127.0.0.1', 0)}`;
  cache.setSnapshot('default/a', snapshotFor('default/a'));
  cache.setSnapshot('default/b', snapshotFor('default/b'));
  const a = await ca.issueClient('default/a');
  certA = { caPem: ca.certPem, certPem: a.certPem, keyPem: a.keyPem };
});
afterAll(() => {
  ads.forceClose();
  rmSync(dir, { recursive: true, force: true });
});

describe('ADS over mTLS', () => {
  it("serves a proxy its own Gateway, with the certificate's identity on the proxy", async () => {
    const c = rawXdsClient(address, { tls: certA });
    c.send({ node: nodeFor('default/a'), typeUrl: CDS });
    expect((await c.next())?.names).toEqual(['c-a']);
    c.send({ typeUrl: SDS, resourceNames: ['cert-a'] });
    expect((await c.next())?.names).toEqual(['cert-a']);
    expect(ads.proxies()).toEqual([expect.objectContaining({ nodeGroup: 'default/a', identity: 'default/a', knownGateway: true })]);
    c.close();
  });

  it("refuses a node asking for another Gateway than its certificate's (PERMISSION_DENIED): nothing of B is sent", async () => {
    for (const delta of [false, true]) {
      refusals.length = 0;
      const c = rawXdsClient(address, { tls: certA, delta });
      const first = delta
        ? { node: nodeFor('default/b'), typeUrl: SDS, resourceNamesSubscribe: ['cert-b'] }
        : { node: nodeFor('default/b'), typeUrl: SDS, resourceNames: ['cert-b'] };
      c.send(first);
      const ended = await c.ended;
      expect(ended.code).toBe(status.PERMISSION_DENIED);
      expect(ended.details).toContain('asks for gateway "default/b" but its client certificate is for gateway default/a');
      expect(c.responses).toEqual([]);
      expect(refusals).toEqual([expect.objectContaining({ code: 'PERMISSION_DENIED' })]);
      c.close();
    }
    expect(ads.proxies()).toEqual([]);
  });

  it('refuses a client without a certificate, and one whose certificate another CA issued', async () => {
    const none = rawXdsClient(address, { tls: { caPem: ca.certPem } });
    none.send({ node: nodeFor('default/a'), typeUrl: CDS });
    expect((await none.ended).code).toBe(status.UNAVAILABLE);
    expect(none.responses).toEqual([]);
    none.close();

    const other = await ControlPlaneCa.loadOrCreate(join(dir, 'other-ca'));
    const forged = await other.issueClient('default/a');
    const c = rawXdsClient(address, { tls: { caPem: ca.certPem, certPem: forged.certPem, keyPem: forged.keyPem } });
    c.send({ node: nodeFor('default/a'), typeUrl: CDS });
    expect((await c.ended).code).toBe(status.UNAVAILABLE);
    expect(c.responses).toEqual([]);
    c.close();
  });
});
