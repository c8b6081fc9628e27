// Proxy state comes from clients: bounded before it is stored, and disconnected proxies are pruned.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProxyStateRow } from './entities.js';
import { Reporter, boundedProxyRow } from './reporter.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-reporter-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const row = (i: number, over: Partial<ProxyStateRow> = {}): ProxyStateRow => ({
  id: `node-${i}@2026-01-01T00:00:00.000Z#${i}`,
  nodeId: `node-${i}`,
  gateway: 'default/gw',
  protocol: 'sotw',
  connectedAt: '2026-01-01T00:00:00.000Z',
  disconnectedAt: `2026-01-01T00:00:${String(i % 60).padStart(2, '0')}.${String(i).padStart(3, '0')}Z`,
  versions: {},
  lastNack: null,
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

describe('proxy state', () => {
  it('cuts what a client sent to the columns and a few KiB', () => {
    const huge = 'x'.repeat(5_000_000);
    const versions = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`type.googleapis.com/t${i}/${huge.slice(0, 1000)}`, { sent: huge }]));
    const b = boundedProxyRow(row(1, { nodeId: huge, gateway: huge, versions, lastNack: { type: huge, message: huge, at: 'now' } }));
    expect(JSON.stringify(b).length).toBeLessThan(64 * 1024);
    expect(b.nodeId.length).toBeLessThanOrEqual(253);
    expect(Object.keys(b.versions)).toHaveLength(32);
    expect(b.lastNack!.message.length).toBeLessThanOrEqual(4096);
  });

  it('keeps only the newest disconnected proxies, and every connected one', async () => {
    const reporter = new Reporter({ sqlitePath: join(dir, 'r.db'), proxyRetention: 10, flushIntervalMs: 60_000 });
    reporter.start();
    for (let i = 0; i < 50; i++) reporter.recordProxy(row(i));
    reporter.recordProxy(row(999, { disconnectedAt: null }));
    await reporter.flush();
    const rows = await reporter.proxies();
    expect(rows.filter((r) => r.disconnectedAt !== null)).toHaveLength(10);
    expect(rows.some((r) => r.nodeId === 'node-999')).toBe(true);
    await reporter.close();
  });
});
