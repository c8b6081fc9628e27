// The kinds Gatehouse watches in a cluster, and which served version of each it reads (found by API discovery, so a
// cluster without an optional CRD is reported, not fatal).
import { registeredKinds } from '@gatehouse/api';
import type { KubeApi } from './kube-api.js';

export interface KindSpec {
  kind: string;
  /** '' for the core group. */
  group: string;
  /** Versions Gatehouse reads, preferred first. */
  versions: readonly string[];
  /** Whether the translator uses it today (the others are watched, and reported as not translated yet). */
  translated: boolean;
  /** Narrows the watch (Secrets: only TLS certificates; no other secret bodies are kept). */
  fieldSelector?: string;
  labelSelector?: string;
  /** A plugin-owned kind: the plugin that owns it (its CRD comes with the plugin: `gatehouse plugin-crds`). */
  plugin?: string;
}

const GW = 'gateway.networking.k8s.io';

export const WATCHED_KINDS: readonly KindSpec[] = [
  { kind: 'GatewayClass', group: GW, versions: ['v1', 'v1beta1'], translated: true },
  { kind: 'Gateway', group: GW, versions: ['v1', 'v1beta1'], translated: true },
  { kind: 'HTTPRoute', group: GW, versions: ['v1', 'v1beta1'], translated: true },
  { kind: 'ReferenceGrant', group: GW, versions: ['v1', 'v1beta1'], translated: true },
  { kind: 'ListenerSet', group: GW, versions: ['v1'], translated: true },
  { kind: 'GRPCRoute', group: GW, versions: ['v1'], translated: true },
  { kind: 'TLSRoute', group: GW, versions: ['v1', 'v1alpha3', 'v1alpha2'], translated: true },
  { kind: 'TCPRoute', group: GW, versions: ['v1', 'v1alpha2'], translated: true },
  { kind: 'UDPRoute', group: GW, versions: ['v1', 'v1alpha2'], translated: true },
  { kind: 'BackendTLSPolicy', group: GW, versions: ['v1', 'v1alpha3'], translated: true },
  { kind: 'Upstream', group: 'gatehouse.dev', versions: ['v1alpha1'], translated: true },
  { kind: 'Settings', group: 'gatehouse.dev', versions: ['v1alpha1'], translated: true },
  { kind: 'Service', group: '', versions: ['v1'], translated: true },
  { kind: 'EndpointSlice', group: 'discovery.k8s.io', versions: ['v1'], translated: true },
  { kind: 'Namespace', group: '', versions: ['v1'], translated: true },
  { kind: 'Secret', group: '', versions: ['v1'], translated: true, fieldSelector: 'type=kubernetes.io/tls' },
  // Credentials a plugin hands to Envoy (an aws Upstream's secretRef): only Secrets labelled for it.
  { kind: 'Secret', group: '', versions: ['v1'], translated: true, labelSelector: 'gatehouse.dev/credentials' },
  // CA bundles of BackendTLSPolicy (ca.crt); ConfigMaps hold no secrets.
  { kind: 'ConfigMap', group: '', versions: ['v1'], translated: true },
];

/** The kinds to watch: the built-in ones, then those of the loaded plugins (registered when they were loaded). */
export function watchedKinds(): KindSpec[] {
  const plugins = registeredKinds().map((k): KindSpec => ({
    kind: k.kind,
    group: k.group,
    versions: k.apiVersions.map((v) => v.slice(v.indexOf('/') + 1)),
    translated: true,
    plugin: k.plugin,
  }));
  return [...WATCHED_KINDS, ...plugins];
}

/** What to do about a kind the cluster does not serve: its CRD is not installed. */
export function missingKindHint(spec: KindSpec): string {
  if (!spec.plugin) return `${spec.kind} (CRD not installed)`;
  return `${spec.kind} (${spec.group}, owned by plugin "${spec.plugin}": its CRD is not installed; install it with \`gatehouse plugin-crds --plugin <the plugin> | kubectl apply -f -\`, and until then its objects have no effect)`;
}

/** A kind as this cluster serves it. */
export interface ServedKind {
  spec: KindSpec;
  version: string;
  apiVersion: string;
  plural: string;
  namespaced: boolean;
}

interface ApiResourceList {
  resources: Array<{ name: string; kind: string; namespaced: boolean; verbs: string[] }>;
}

/** Collection path of a kind, optionally in one namespace. */
export function collectionPath(k: ServedKind, namespace?: string): string {
  const base = k.spec.group ? `/apis/${k.spec.group}/${k.version}` : `/api/${k.version}`;
  return namespace && k.namespaced ? `${base}/namespaces/${namespace}/${k.plural}` : `${base}/${k.plural}`;
}

/** Object path of a kind (for status writes). */
export function objectPath(k: ServedKind, namespace: string, name: string): string {
  return `${collectionPath(k, namespace)}/${encodeURIComponent(name)}`;
}

/** Which of `specs` the cluster serves (and at which version); the rest are `missing`. */
export async function discoverKinds(api: KubeApi, specs: readonly KindSpec[] = watchedKinds()): Promise<{ served: ServedKind[]; missing: KindSpec[] }> {
  const lists = new Map<string, ApiResourceList | null>();
  const list = async (gv: string) => {
    if (!lists.has(gv)) {
      const path = gv.includes('/') ? `/apis/${gv}` : `/api/${gv}`;
      lists.set(
        gv,
        await api.request<ApiResourceList>('GET', path).catch((err: { status?: number }) => {
          if (err.status === 404) return null;
          throw err;
        }),
      );
    }
    return lists.get(gv);
  };
  const served: ServedKind[] = [];
  const missing: KindSpec[] = [];
  for (const spec of specs) {
    let found: ServedKind | undefined;
    for (const version of spec.versions) {
      const gv = spec.group ? `${spec.group}/${version}` : version;
      const r = (await list(gv))?.resources.find((x) => x.kind === spec.kind && !x.name.includes('/') && x.verbs.includes('watch'));
      if (r) {
        found = { spec, version, apiVersion: gv, plural: r.name, namespaced: r.namespaced };
        break;
      }
    }
    if (found) served.push(found);
    else missing.push(spec);
  }
  return { served, missing };
}
