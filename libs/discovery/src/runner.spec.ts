import { afterEach, describe, expect, it } from 'vitest';
import type { ResourceSnapshot, StoredResource } from '@gatehouse/api';
import { DiscoveryError, type DiscoveryStatus, type FunctionDiscoverer, type UpstreamFunction } from '@gatehouse/plugin-sdk';
import { DiscoveryRunner } from './runner.js';
import { DEFAULT_DISCOVERER_SETTINGS, resolveSettings, type DiscovererSettings } from './settings.js';
import type { DiscoverySink } from './sink.js';

const upstream = (name: string, labels: Record<string, string> = {}, ns = 'default'): StoredResource => ({
  key: `Upstream/${ns}/${name}`,
  ref: { kind: 'Upstream', namespace: ns, name },
  object: {
    apiVersion: 'gatehouse.dev/v1alpha1',
    kind: 'Upstream',
    metadata: { name, namespace: ns, labels },
    spec: { static: { hosts: [] } },
  } as StoredResource['object'],
  origin: { source: 'inline' },
  createdAt: '2026-01-01T00:00:00Z',
});
const snap = (rs: StoredResource[]): ResourceSnapshot => ({ resources: new Map(rs.map((r) => [r.key, r])), problems: [] });
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined };

class RecordingSink implements DiscoverySink {
  statuses = new Map<string, DiscoveryStatus>();
  functions_ = new Map<string, readonly UpstreamFunction[]>();
  forgotten: string[] = [];
  async upstreams(): Promise<void> {}
  async functions(_d: string, u: { name: string }, fns: readonly UpstreamFunction[] | undefined, status: DiscoveryStatus): Promise<void> {
    this.statuses.set(u.name, status);
    if (fns) this.functions_.set(u.name, fns);
  }
  async forget(_d: string, u: { name: string }): Promise<void> {
    this.forgotten.push(u.name);
  }
}

let runner: DiscoveryRunner | undefined;
afterEach(async () => runner?.close());

function start(discoverer: FunctionDiscoverer, settings: Partial<DiscovererSettings>, sink: DiscoverySink) {
  runner = new DiscoveryRunner({
    discoverers: [discoverer],
    settings: { fake: { ...DEFAULT_DISCOVERER_SETTINGS, enabled: true, optIn: false, ...settings } },
    sink,
    secrets: async () => undefined,
    log: quiet,
    tickMs: 20,
  });
  runner.start();
  return runner;
}

const until = async (what: string, fn: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('DiscoveryRunner', () => {
  it('runs at most `concurrency` targets at once, and each again after its interval', async () => {
    let inFlight = 0;
    let most = 0;
    let runs = 0;
    const d: FunctionDiscoverer = {
      name: 'fake',
      kind: 'functions',
      appliesTo: () => true,
      async discover() {
        runs++;
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 30));
        inFlight--;
        return {
          functions: [
            { name: 'b', http: { method: 'GET', path: '/' } },
            { name: 'a', http: { method: 'GET', path: '/' } },
            { name: 'a', http: { method: 'PUT', path: '/' } },
          ],
        };
      },
    };
    const sink = new RecordingSink();
    start(d, { concurrency: 2, intervalMs: 1000 }, sink).update(snap(['u1', 'u2', 'u3', 'u4', 'u5'].map((n) => upstream(n))));
    await until('five targets discovered', () => sink.statuses.size === 5);
    expect(most).toBe(2);
    // Sorted, one per name (the first wins).
    expect(sink.functions_.get('u1')).toEqual([
      { name: 'a', http: { method: 'GET', path: '/' } },
      { name: 'b', http: { method: 'GET', path: '/' } },
    ]);
    expect(runs).toBe(5);
    await until('a second round', () => runs >= 10, 3000);
  });

  it('puts a failure on the Upstream, keeps the last functions, backs off, and times out', async () => {
    let fail = false;
    let hang = false;
    const d: FunctionDiscoverer = {
      name: 'fake',
      kind: 'functions',
      appliesTo: () => true,
      discover: (ctx) =>
        hang
          ? new Promise((_r, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error)))
          : fail
            ? Promise.reject(new DiscoveryError('InvalidDocument', 'bad', 3))
            : Promise.resolve({ functions: [{ name: 'f', http: { method: 'GET', path: '/' } }] }),
    };
    const sink = new RecordingSink();
    const r = start(d, { intervalMs: 1000, backoffMs: 1000, timeoutMs: 100 }, sink);
    r.update(snap([upstream('u')]));
    await until('discovered', () => sink.statuses.get('u')?.state === 'Discovered');
    fail = true;
    // A configuration change makes it run now.
    r.update(snap([upstream('u', { v: '2' })]));
    await until('failed', () => sink.statuses.get('u')?.state === 'Failed');
    expect(sink.statuses.get('u')).toMatchObject({ state: 'Failed', functions: 1, error: { code: 'InvalidDocument', message: 'bad', line: 3 } });
    expect(sink.functions_.get('u')).toHaveLength(1);
    fail = false;
    hang = true;
    r.update(snap([upstream('u', { v: '3' })]));
    await until('timed out', () => sink.statuses.get('u')?.error?.code === 'Timeout');
    // Out of scope: forgotten.
    r.update(snap([]));
    await until('forgotten', () => sink.forgotten.includes('u'));
  });

  it('respects scope: namespaces, selector, opt-in labels', async () => {
    const seen: string[] = [];
    const d: FunctionDiscoverer = {
      name: 'fake',
      kind: 'functions',
      appliesTo: () => true,
      discover: async (_c, u) => (seen.push(u.ref.name), { functions: [] }),
    };
    const sink = new RecordingSink();
    const ns = (name: string, labels: Record<string, string>): StoredResource => ({
      ...upstream(name),
      key: `Namespace/${name}`,
      ref: { kind: 'Namespace', namespace: '', name },
      object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } },
    });
    start(d, { optIn: true, excludeNamespaces: ['kube-system'], selector: { team: 'a' } }, sink).update(
      snap([
        upstream('plain', { team: 'a' }),
        upstream('on', { team: 'a', 'gatehouse.dev/discovery': 'enabled' }),
        upstream('other-team', { team: 'b', 'gatehouse.dev/discovery': 'enabled' }),
        upstream('in-on-ns', { team: 'a' }, 'apps'),
        upstream('off-in-on-ns', { team: 'a', 'gatehouse.dev/discovery': 'disabled' }, 'apps'),
        upstream('system', { team: 'a', 'gatehouse.dev/discovery': 'enabled' }, 'kube-system'),
        ns('apps', { 'gatehouse.dev/discovery': 'enabled' }),
      ]),
    );
    await until('two discovered', () => seen.length === 2);
    await new Promise((r) => setTimeout(r, 100));
    expect(seen.sort()).toEqual(['in-on-ns', 'on']);
  });

  it('refuses settings that would flood', () => {
    expect(() => resolveSettings(DEFAULT_DISCOVERER_SETTINGS, { interval: '100ms' }, 'spec.discovery.openapi')).toThrow(
      'spec.discovery.openapi.interval: at least 1s',
    );
    expect(() => resolveSettings(DEFAULT_DISCOVERER_SETTINGS, { concurrency: 0 }, 'x')).toThrow('x.concurrency: must be a positive whole number');
    expect(resolveSettings(DEFAULT_DISCOVERER_SETTINGS, { interval: '2m', timeout: '3s' })).toMatchObject({
      enabled: false,
      optIn: true,
      intervalMs: 120_000,
      timeoutMs: 3000,
    });
  });
});
