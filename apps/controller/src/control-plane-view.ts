// The AdminView over the running pieces: live state from memory, history from the reporter.
import { resourceKey, type ResourceSnapshot } from '@gatehouse/api';
import type { AdminView } from '@gatehouse/admin';
import type { Translation } from '@gatehouse/engine';
import type { Reporter } from '@gatehouse/reporter';
import { PUSH_ORDER, redactSecrets, type ProxyInfo, type SnapshotCache } from '@gatehouse/xds';
import type { Metrics } from './metrics.js';
import { resourceView } from './resource-view.js';

export interface ViewSources {
  current(): { resources: ResourceSnapshot; translation: Translation } | undefined;
  proxies(): ProxyInfo[];
  cache: SnapshotCache;
  reporter: Reporter;
  metrics: Metrics;
  token?: string;
}

export function controlPlaneView(s: ViewSources): AdminView {
  return {
    ready: () => s.current() !== undefined,
    readiness: () => (s.current() ? 'ready' : 'configuration not translated yet'),
    resources: () => {
      const c = s.current();
      return c ? { items: resourceView(c.resources, c.translation), problems: c.translation.problems } : { items: [], problems: [] };
    },
    proxies: async () => ({
      items: s.proxies(),
      history: await s.reporter.proxies().catch((err: Error) => ({ error: `the report database is unavailable (${err.message})` })),
    }),
    reports: (filter) => s.reporter.reports(filter),
    history: (kind, namespace, name) => s.reporter.history(resourceKey({ kind, namespace, name })),
    snapshot: (gateway) => {
      if (!s.cache.has(gateway)) return undefined;
      const snap = s.cache.getSnapshot(gateway);
      const resources: Record<string, unknown[]> = {};
      const versions: Record<string, string> = {};
      for (const type of PUSH_ORDER) {
        const short = type.split('.').pop()!;
        versions[short] = snap.version(type);
        resources[short] = [...snap.get(type).values()].map((r) => ({ name: r.name, version: r.version, resource: redactSecrets(r.message) }));
      }
      return { gateway, versions, resources };
    },
    metrics: async () => ({ contentType: s.metrics.registry.contentType, body: await s.metrics.registry.metrics() }),
    ...(s.token ? { token: s.token } : {}),
  };
}
