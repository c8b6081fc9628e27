// Kubernetes mode: discovery results are Upstream custom resources, written with server-side apply under one field
// manager per discoverer (`gatehouse-discovery-<name>`). Discovery owns only the fields it applies: a field a user
// adds beside them (connectTimeout, a label, a hand-written function) belongs to the user's manager and survives
// rediscovery; a field discovery applied and no longer applies is removed by the apiserver. Discovered Upstreams are
// labelled gatehouse.dev/discovered-by, owned by their source object (deleted with it by the garbage collector) and
// deleted by discovery itself when stale. Status goes to status.discovery.<discoverer> through the status subresource.
import type { ResourceRef, ResourceSnapshot } from '@gatehouse/api';
import type { KubeApi } from '@gatehouse/kubernetes';
import { DISCOVERED_BY_LABEL, describeRef, type DiscoveredUpstream, type DiscoveryStatus, type UpstreamFunction } from '@gatehouse/plugin-sdk';
import type { DiscoveryLog } from './runner.js';
import { upstreamKey, type DiscoverySink } from './sink.js';

const API_VERSION = 'gatehouse.dev/v1alpha1';
const path = (ns: string, name: string) => `/apis/gatehouse.dev/v1alpha1/namespaces/${encodeURIComponent(ns)}/upstreams/${encodeURIComponent(name)}`;
export const fieldManager = (discoverer: string) => `gatehouse-discovery-${discoverer}`;

/** Status without its clock: a status write is skipped when only the times moved. */
function statusShape(s: DiscoveryStatus): string {
  const { lastRun: _r, lastSuccess: _s, ...rest } = s;
  return JSON.stringify(rest);
}

export class KubeSink implements DiscoverySink {
  /** What was last applied, by manager and path: an unchanged apply is skipped. */
  private readonly applied = new Map<string, string>();
  /** Upstreams found not to be ours (a user's of the same name): reported once. */
  private readonly conflicts = new Set<string>();

  constructor(
    private readonly api: KubeApi,
    private readonly log: DiscoveryLog,
  ) {}

  private async apply(discoverer: string, at: string, body: Record<string, unknown>, force = true): Promise<void> {
    const id = `${discoverer} ${at}`;
    const text = JSON.stringify(body);
    if (this.applied.get(id) === text) return;
    await this.api.request('PATCH', at, { body: text, contentType: 'application/apply-patch+yaml', query: { fieldManager: fieldManager(discoverer), force } });
    this.applied.set(id, text);
  }

  async upstreams(discoverer: string, wanted: readonly DiscoveredUpstream[], snapshot: ResourceSnapshot): Promise<void> {
    const keep = new Set<string>();
    for (const u of wanted) {
      const key = upstreamKey(u.namespace, u.name);
      keep.add(key);
      const existing = snapshot.resources.get(key);
      if (existing && existing.object.metadata.labels?.[DISCOVERED_BY_LABEL] !== discoverer) {
        if (!this.conflicts.has(key))
          this.log.warn(
            `discovery ${discoverer}: ${describeRef(existing.ref)} exists and was not made by this discoverer: left alone (rename it, or opt its source out with the gatehouse.dev/discovery: disabled label)`,
          );
        this.conflicts.add(key);
        continue;
      }
      this.conflicts.delete(key);
      const owner = u.owner?.uid
        ? [{ apiVersion: u.owner.apiVersion, kind: u.owner.kind, name: u.owner.name, uid: u.owner.uid, controller: false, blockOwnerDeletion: false }]
        : undefined;
      const body = {
        apiVersion: API_VERSION,
        kind: 'Upstream',
        metadata: {
          name: u.name,
          namespace: u.namespace,
          labels: { ...u.labels, [DISCOVERED_BY_LABEL]: discoverer },
          ...(owner ? { ownerReferences: owner } : {}),
        },
        spec: u.spec,
      };
      // A user edit of an owned field is taken back (force); fields the user added are theirs.
      if (!existing) this.applied.delete(`${discoverer} ${path(u.namespace, u.name)}`);
      await this.apply(discoverer, path(u.namespace, u.name), body);
    }
    for (const stored of snapshot.resources.values()) {
      if (stored.ref.kind !== 'Upstream' || keep.has(stored.key) || stored.object.metadata.labels?.[DISCOVERED_BY_LABEL] !== discoverer) continue;
      this.log.info(`discovery ${discoverer}: deleting ${describeRef(stored.ref)} (its source is gone or out of scope)`);
      await this.api.request('DELETE', path(stored.ref.namespace, stored.ref.name)).catch((err: { status?: number }) => {
        if (err.status !== 404) throw err;
      });
      this.applied.delete(`${discoverer} ${path(stored.ref.namespace, stored.ref.name)}`);
    }
  }

  async functions(discoverer: string, upstream: ResourceRef, functions: readonly UpstreamFunction[] | undefined, status: DiscoveryStatus): Promise<void> {
    const at = path(upstream.namespace, upstream.name);
    const meta = { name: upstream.name, namespace: upstream.namespace };
    try {
      if (functions) await this.apply(discoverer, at, { apiVersion: API_VERSION, kind: 'Upstream', metadata: meta, spec: { functions } });
      const statusAt = `${at}/status`;
      const shape = `${discoverer} ${statusAt}#shape`;
      if (this.applied.get(shape) !== statusShape(status)) {
        await this.api.request('PATCH', statusAt, {
          body: JSON.stringify({ apiVersion: API_VERSION, kind: 'Upstream', metadata: meta, status: { discovery: { [discoverer]: status } } }),
          contentType: 'application/apply-patch+yaml',
          query: { fieldManager: fieldManager(discoverer), force: true },
        });
        this.applied.set(shape, statusShape(status));
      }
    } catch (err) {
      // The Upstream was deleted meanwhile: nothing to record.
      if ((err as { status?: number }).status === 404) return;
      throw err;
    }
  }

  async forget(discoverer: string, upstream: ResourceRef): Promise<void> {
    const at = path(upstream.namespace, upstream.name);
    const meta = { name: upstream.name, namespace: upstream.namespace };
    try {
      // Applying nothing under this manager releases (and so removes) every field it owned.
      await this.api.request('PATCH', at, {
        body: JSON.stringify({ apiVersion: API_VERSION, kind: 'Upstream', metadata: meta }),
        contentType: 'application/apply-patch+yaml',
        query: { fieldManager: fieldManager(discoverer), force: true },
      });
      await this.api.request('PATCH', `${at}/status`, {
        body: JSON.stringify({ apiVersion: API_VERSION, kind: 'Upstream', metadata: meta }),
        contentType: 'application/apply-patch+yaml',
        query: { fieldManager: fieldManager(discoverer), force: true },
      });
    } catch (err) {
      if ((err as { status?: number }).status !== 404) throw err;
    }
    for (const k of [...this.applied.keys()]) if (k.startsWith(`${discoverer} ${at}`)) this.applied.delete(k);
  }
}
