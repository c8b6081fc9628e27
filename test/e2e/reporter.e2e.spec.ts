// The reporter on a real SQLite file and a real PostgreSQL: statuses, history, retention, restarts, outages.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Reporter, type StatusInput } from '@gatehouse/reporter';
import { tempDir } from '../harness/config.js';
import { waitFor } from '../harness/peers.js';
import { startPostgres, type Postgres } from '../harness/postgres.js';

let pg: Postgres;
beforeAll(async () => {
  pg = await startPostgres();
}, 60_000);
afterAll(() => pg?.stop('immediate'));

const status = (name: string, state = 'accepted', hash = 'h1', messages: string[] = []): StatusInput => ({
  key: `HTTPRoute/default/${name}`,
  kind: 'HTTPRoute',
  namespace: 'default',
  name,
  contentHash: hash,
  state,
  conditions: [{ type: 'Accepted', status: state === 'rejected' ? 'False' : 'True' }],
  messages,
});

describe.each(['sqlite', 'postgres'])('reporter on %s', (db) => {
  const sqlitePath = join(tempDir(`reporter-${db}`), 'gatehouse.db');
  let clock = 0;
  const make = (retention = 100) =>
    new Reporter({
      ...(db === 'postgres' ? { db: pg.url } : {}),
      sqlitePath,
      historyRetention: retention,
      flushIntervalMs: 20,
      now: () => new Date(Date.UTC(2026, 0, 1, 0, 0, clock++)).toISOString(),
    });

  it('persists statuses and history, with filters and paging', async () => {
    const r = make();
    r.start();
    r.record([status('a'), status('b', 'rejected', 'h1', ['bad backend']), status('c', 'warning')]);
    await r.flush();
    expect(r.status().healthy).toBe(true);
    expect((await r.reports({})).total).toBe(3);
    const rejected = await r.reports({ state: 'rejected' });
    expect(rejected.items.map((i) => [i.name, i.messages])).toEqual([['b', ['bad backend']]]);
    expect((await r.reports({ state: 'accepted,warning', limit: 1, offset: 1 })).items.map((i) => i.name)).toEqual(['c']);
    r.record([status('a'), status('b'), status('c', 'warning')]); // b fixed
    await r.flush();
    const history = await r.history('HTTPRoute/default/b');
    expect(history.map((h) => h.state)).toEqual(['accepted', 'rejected']);
    await r.close();
  });

  it('keeps history and first-seen times across a restart, without duplicating unchanged entries', async () => {
    const before = await (async () => {
      const r = make();
      r.start();
      await r.flush();
      const rows = (await r.reports({})).items;
      await r.close();
      return rows;
    })();
    const r = make();
    r.start();
    r.record([status('a'), status('b'), status('c', 'warning')]);
    await r.flush();
    expect((await r.history('HTTPRoute/default/b')).length).toBe(2);
    const after = (await r.reports({})).items;
    expect(after.find((x) => x.name === 'a')!.firstSeen).toBe(before.find((x) => x.name === 'a')!.firstSeen);
    r.record([status('a'), status('c', 'warning')]); // b deleted
    await r.flush();
    expect((await r.history('HTTPRoute/default/b'))[0]!.state).toBe('deleted');
    expect((await r.reports({})).items.find((x) => x.name === 'b')!.deletedAt).not.toBeNull();
    await r.close();
  });

  it('bounds history by the retention setting', async () => {
    const r = make(3);
    r.start();
    for (let i = 0; i < 6; i++) {
      r.record([status('a', 'accepted', `v${i}`)]);
      await r.flush();
    }
    expect((await r.history('HTTPRoute/default/a')).map((h) => h.contentHash)).toEqual(['v5', 'v4', 'v3']);
    await r.close();
  });
});

describe('reporter through a PostgreSQL outage', () => {
  it('keeps serving (record never waits) and loses nothing', async () => {
    const r = new Reporter({ db: await pg.createDatabase('outage'), sqlitePath: '', flushIntervalMs: 20 });
    r.start();
    r.record([status('outage-a')]);
    await r.flush();
    expect(r.status().healthy).toBe(true);
    pg.stop('immediate');
    const t = performance.now();
    for (let i = 0; i < 5; i++) r.record([status('outage-a', 'accepted', `o${i}`), status('outage-b', i % 2 ? 'rejected' : 'accepted', `o${i}`)]);
    expect(performance.now() - t).toBeLessThan(100); // memory only
    await r.flush();
    expect(r.status().healthy).toBe(false);
    expect(r.status().pending.history).toBe(10);
    await expect(r.reports({})).rejects.toThrow();
    await pg.start();
    await waitFor('reports caught up', async () => (await r.flush(), r.status().healthy && r.status().pending.history === 0), 20_000, 100);
    expect((await r.history('HTTPRoute/default/outage-a')).map((h) => h.contentHash)).toEqual(['o4', 'o3', 'o2', 'o1', 'o0', 'h1']);
    expect((await r.history('HTTPRoute/default/outage-b')).length).toBe(5);
    await r.close();
  }, 60_000);
});
