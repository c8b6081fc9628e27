// A proxy is never answered before its Gateway has a snapshot (after a restart, before the first translation): its
// requests wait, as go-control-plane's cache makes them wait. A Gateway deleted while running is served empty.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CDS, EDS, LDS, nodeFor, rawXdsClient } from '../../../../test/harness/xds-client.js';
import { SnapshotCache } from '../cache/snapshot-cache.js';
import { CLUSTER_TYPE, ENDPOINT_TYPE, Snapshot } from '../cache/snapshot.js';
import { AdsServer } from './ads-server.js';

const cache = new SnapshotCache();
let ads: AdsServer;
let address: string;

const snapshot = () =>
  Snapshot.build(
    { [CLUSTER_TYPE]: { c: { name: 'c', type: 'EDS', edsClusterConfig: { edsConfig: { ads: {} } } } }, [ENDPOINT_TYPE]: { c: { clusterName: 'c' } } },
    ads.codec.encoder,
  ).snapshot;

beforeAll(async () => {
  ads = new AdsServer({ cache });
  address = `127.0.0.1:${await ads.listen('127.0.0.1', 0)}`;
});
afterAll(() => ads.forceClose());

describe('requests before the first snapshot', () => {
  for (const delta of [false, true]) {
    it(`are held, then answered when the snapshot comes (${delta ? 'delta' : 'SotW'})`, async () => {
      const gw = `default/later-${delta ? 'delta' : 'sotw'}`;
      const c = rawXdsClient(address, { delta });
      c.send({ node: nodeFor(gw), typeUrl: CDS });
      c.send({ typeUrl: LDS });
      c.send(delta ? { typeUrl: EDS, resourceNamesSubscribe: ['c'] } : { typeUrl: EDS, resourceNames: ['c'] });
      expect(await c.next(300)).toBeUndefined();
      const proxy = ads.proxies().find((p) => p.nodeGroup === gw);
      expect(proxy?.knownGateway).toBe(false);

      cache.setSnapshot(gw, snapshot());
      const answers = [await c.next(), await c.next(), await c.next()];
      expect(answers.map((a) => [a?.typeUrl, a?.names])).toEqual([
        [CDS, ['c']],
        [EDS, ['c']],
        [LDS, []],
      ]);
      expect(proxy?.knownGateway).toBe(true);
      c.close();
    });
  }

  it('a Gateway deleted while running: connected and new proxies are served an empty configuration', async () => {
    const gw = 'default/deleted';
    cache.setSnapshot(gw, snapshot());
    const before = rawXdsClient(address);
    before.send({ node: nodeFor(gw), typeUrl: CDS });
    const first = await before.next();
    expect(first?.names).toEqual(['c']);
    before.send({ typeUrl: CDS, versionInfo: first!.versionInfo, responseNonce: first!.nonce }); // the ACK, as Envoy sends it
    cache.clearSnapshot(gw);
    expect((await before.next())?.names).toEqual([]);

    const after = rawXdsClient(address);
    after.send({ node: nodeFor(gw), typeUrl: CDS });
    expect((await after.next())?.names).toEqual([]);
    expect(
      ads
        .proxies()
        .filter((p) => p.nodeGroup === gw)
        .map((p) => p.knownGateway),
    ).toEqual([false, false]);
    before.close();
    after.close();
  });
});
