// Nothing a client sends grows the server's memory without bound (real gRPC over loopback, sizes of the server's own
// data structures rather than RSS), and client strings are kept escaped and cut.
import { status } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CDS, EDS, nodeFor, rawXdsClient } from '../../../../test/harness/xds-client.js';
import { SnapshotCache } from '../cache/snapshot-cache.js';
import { CLUSTER_TYPE, ENDPOINT_TYPE, Snapshot } from '../cache/snapshot.js';
import { AdsServer } from './ads-server.js';

const cache = new SnapshotCache();
let ads: AdsServer;
let address: string;

/** Entries in every Map, Set, array and object reachable from the server's state (not the proto schema, not grpc's). */
function retainedEntries(): number {
  const root = { cache, codec: ads.codec, streams: (ads as unknown as { streams: unknown }).streams };
  const seen = new Set<object>();
  let n = 0;
  const visit = (v: unknown): void => {
    if (!v || typeof v !== 'object' || seen.has(v) || v instanceof protobuf.ReflectionObject || ArrayBuffer.isView(v)) return;
    seen.add(v);
    if (v instanceof Map) {
      n += v.size;
      for (const [k, x] of v) {
        visit(k);
        visit(x);
      }
    } else if (v instanceof Set) {
      n += v.size;
      for (const x of v) visit(x);
    } else {
      for (const x of Object.values(v)) {
        n++;
        visit(x);
      }
    }
  };
  visit(root);
  return n;
}

const until = async (what: string, f: () => boolean) => {
  for (let i = 0; i < 200 && !f(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!f()) throw new Error(`timed out waiting for ${what}`);
};

beforeAll(async () => {
  ads = new AdsServer({ cache, limits: { maxNamesPerStream: 25_000, maxTypesPerStream: 8 } });
  address = `127.0.0.1:${await ads.listen('127.0.0.1', 0)}`;
  const enc = ads.codec.encoder;
  cache.setSnapshot(
    'default/a',
    Snapshot.build(
      { [CLUSTER_TYPE]: { c: { name: 'c', type: 'EDS', edsClusterConfig: { edsConfig: { ads: {} } } } }, [ENDPOINT_TYPE]: { c: { clusterName: 'c' } } },
      enc,
    ).snapshot,
  );
});
afterAll(() => ads.forceClose());

describe('ADS resource bounds', () => {
  it('20,000 made-up EDS names (SotW batches, then delta subscriptions) leave nothing behind once the streams close', async () => {
    // Warm up: one ordinary stream, so lazily built state (encoders, the cache's maps) exists before the baseline.
    const warm = rawXdsClient(address);
    warm.send({ node: nodeFor('default/a'), typeUrl: EDS, resourceNames: ['c', 'warm-up'] });
    expect((await warm.next())?.names).toEqual(['c', 'warm-up']);
    warm.close();
    await until('the warm-up stream to close', () => ads.streamCount() === 0);
    const baseline = retainedEntries();

    const sotw = rawXdsClient(address);
    for (let batch = 0; batch < 10; batch++) {
      const names = Array.from({ length: 2000 }, (_, i) => `made-up-${batch}-${i}`);
      sotw.send({ ...(batch === 0 ? { node: nodeFor('default/a') } : {}), typeUrl: EDS, resourceNames: names });
      // Each is answered (EDS answers every name asked for, with an empty assignment for unknown ones).
      expect((await sotw.next())?.names.length).toBe(2000);
    }
    const delta = rawXdsClient(address, { delta: true });
    for (let batch = 0; batch < 10; batch++) {
      const names = Array.from({ length: 2000 }, (_, i) => `delta-made-up-${batch}-${i}`);
      delta.send({ ...(batch === 0 ? { node: nodeFor('default/a') } : {}), typeUrl: EDS, resourceNamesSubscribe: names });
      expect((await delta.next())?.names.length).toBe(2000);
    }
    expect(retainedEntries()).toBeGreaterThan(baseline + 20_000); // held while the streams are open (and bounded)
    sotw.close();
    delta.close();
    await until('the streams to close', () => ads.streamCount() === 0);
    expect(cache.watchedGroups()).toBe(0);
    expect(retainedEntries()).toBe(baseline);
  });

  it('ends a stream that subscribes past the name limit, with a message that says so', async () => {
    const c = rawXdsClient(address, { delta: true });
    c.send({ node: nodeFor('default/a'), typeUrl: EDS, resourceNamesSubscribe: Array.from({ length: 20_000 }, (_, i) => `n${i}`) });
    await c.next();
    c.send({ typeUrl: EDS, resourceNamesSubscribe: Array.from({ length: 5001 }, (_, i) => `m${i}`) });
    const ended = await c.ended;
    expect(ended).toEqual({ code: status.RESOURCE_EXHAUSTED, details: expect.stringContaining('25001 resource names subscribed: at most 25000 per stream') });
    c.close();
  });

  it('refuses a name longer than the limit, too many types, and type URLs that are not type URLs', async () => {
    const long = rawXdsClient(address);
    long.send({ node: nodeFor('default/a'), typeUrl: EDS, resourceNames: ['x'.repeat(5000)] });
    expect(await long.ended).toEqual({
      code: status.INVALID_ARGUMENT,
      details: expect.stringContaining('a ClusterLoadAssignment resource name of 5000 characters'),
    });
    long.close();

    const types = rawXdsClient(address);
    types.send({ node: nodeFor('default/a'), typeUrl: CDS });
    for (let i = 0; i < 8; i++) types.send({ typeUrl: `type.googleapis.com/made.up.T${i}` });
    expect(await types.ended).toEqual({
      code: status.RESOURCE_EXHAUSTED,
      details: expect.stringContaining('9 resource types asked for: at most 8 per stream'),
    });
    types.close();

    const odd = rawXdsClient(address);
    odd.send({ node: nodeFor('default/a'), typeUrl: 'type.googleapis.com/x\ny' });
    expect(await odd.ended).toEqual({
      code: status.INVALID_ARGUMENT,
      details: expect.stringContaining('type URL "type.googleapis.com/x\\ny" is not a type URL'),
    });
    odd.close();
    await until('the streams to close', () => ads.streamCount() === 0);
  });

  it('keeps a node id escaped and cut, a NACK message cut, and refuses a node group with control characters', async () => {
    const c = rawXdsClient(address);
    c.send({ node: { ...nodeFor('default/a'), id: `evil\n2026-01-01T00:00:00.000Z ERROR forged\x1b[31m${'x'.repeat(1000)}` }, typeUrl: CDS });
    const first = await c.next();
    c.send({ typeUrl: CDS, responseNonce: first!.nonce, versionInfo: '', errorDetail: { code: 3, message: 'm'.repeat(1_000_000) } });
    await until('the NACK', () => ads.proxies()[0]?.types[CDS]?.lastNack !== undefined);
    const p = ads.proxies()[0]!;
    expect(p.nodeId.startsWith('evil\\n2026-01-01T00:00:00.000Z ERROR forged\\x1b[31mxxx')).toBe(true);
    expect(p.nodeId.includes('\n') || p.nodeId.includes('\u001b')).toBe(false);
    expect(p.nodeId.length).toBeLessThan(300);
    expect(p.types[CDS]!.lastNack!.message.length).toBeLessThan(4200);
    c.close();

    const g = rawXdsClient(address);
    g.send({ node: nodeFor('default/a\nINFO forged'), typeUrl: CDS });
    expect(await g.ended).toEqual({
      code: status.INVALID_ARGUMENT,
      details: expect.stringContaining('names gateway "default/a\\nINFO forged", which is not a Gateway NAMESPACE/NAME'),
    });
    g.close();
  });

  it('refuses streams past the server-wide limit', async () => {
    const small = new AdsServer({ cache, limits: { maxStreams: 1 } });
    const addr = `127.0.0.1:${await small.listen('127.0.0.1', 0)}`;
    const one = rawXdsClient(addr);
    one.send({ node: nodeFor('default/a'), typeUrl: CDS });
    await one.next();
    const two = rawXdsClient(addr);
    two.send({ node: nodeFor('default/a'), typeUrl: CDS });
    expect((await two.ended).code).toBe(status.RESOURCE_EXHAUSTED);
    one.close();
    two.close();
    small.forceClose();
  });
});
