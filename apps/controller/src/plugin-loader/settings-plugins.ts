// The plugins a Gatehouse `Settings` resource lists (`spec.plugins`: paths or npm package names). Plugins load at
// start-up, so the controller reads them once before it starts, and a later change asks for a restart.
import { resourcesOfKind, type KubeObject, type ResourceSnapshot } from '@gatehouse/api';
import { DirectorySource, MemoryFirstSeen } from '@gatehouse/config-source';
import { KubeApi, type KubeApiOptions } from '@gatehouse/kubernetes';
import type { PluginSpec } from './plugin-loader.js';

interface SettingsObject extends KubeObject {
  spec?: { plugins?: unknown };
}

export interface SettingsPlugins {
  /** `namespace/name` of the Settings resource in effect (the first by namespace/name), if any. */
  from?: string;
  specs: PluginSpec[];
  /** Entries that are not strings, and the like: reported beside load failures. */
  problems: string[];
}

/** `spec.plugins` of the first Settings (by namespace/name), as plugin specs; relative paths resolve against `baseDir`. */
export function pluginsOfSettings(objects: readonly KubeObject[], baseDir: string): SettingsPlugins {
  const first = [...(objects as SettingsObject[])].sort((a, b) => key(a).localeCompare(key(b)))[0];
  if (!first) return { specs: [], problems: [] };
  const from = key(first);
  const list = first.spec?.plugins;
  if (list === undefined) return { from, specs: [], problems: [] };
  if (!Array.isArray(list)) return { from, specs: [], problems: [`Settings ${from}: spec.plugins must be a list of module paths or npm package names`] };
  const specs: PluginSpec[] = [];
  const problems: string[] = [];
  list.forEach((m: unknown, i) => {
    const where = `Settings ${from}: spec.plugins[${i}]`;
    if (typeof m !== 'string' || !m.trim() || m.length > 1024) problems.push(`${where}: must be a module path (./plugins/x.js) or an npm package name`);
    else specs.push({ module: m.trim(), origin: 'settings', baseDir, where });
  });
  return { from, specs, problems };
}

function key(o: KubeObject): string {
  return `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
}

/** The Settings objects of a snapshot. */
export function settingsObjects(snapshot: ResourceSnapshot): KubeObject[] {
  return resourcesOfKind<SettingsObject>(snapshot, 'Settings').map((r) => r.object);
}

/** Standalone mode: the Settings resources in a configuration folder (read once, as the directory source reads it). */
export async function settingsInDirectory(dir: string): Promise<KubeObject[]> {
  const source = new DirectorySource({ dir, firstSeen: new MemoryFirstSeen(), now: () => '1970-01-01T00:00:00.000Z' });
  try {
    return settingsObjects(await source.load());
  } finally {
    source.close();
  }
}

/** Kubernetes mode: the Settings resources in the cluster (none when the CRD is not installed). */
export async function settingsInCluster(o: KubeApiOptions & { namespaces?: readonly string[] }): Promise<KubeObject[]> {
  const api = KubeApi.load({ ...(o.kubeconfig ? { kubeconfig: o.kubeconfig } : {}), ...(o.context ? { context: o.context } : {}) });
  const paths = o.namespaces?.length
    ? o.namespaces.map((ns) => `/apis/gatehouse.dev/v1alpha1/namespaces/${encodeURIComponent(ns)}/settings`)
    : ['/apis/gatehouse.dev/v1alpha1/settings'];
  const out: KubeObject[] = [];
  for (const path of paths) {
    try {
      out.push(...((await api.request<{ items?: KubeObject[] }>('GET', path, { timeoutMs: 15_000 })).items ?? []));
    } catch (err) {
      if ((err as { status?: number }).status === 404) continue;
      throw err;
    }
  }
  return out;
}
