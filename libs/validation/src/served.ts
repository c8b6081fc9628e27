// Which apiVersion/kind pairs an apiserver with the bundled CRDs serves, for the API groups Gatehouse knows.
// A kind at a version the CRDs do not serve (gateway.networking.k8s.io/v1alpha9 HTTPRoute, or v1alpha2 HTTPRoute,
// served once and removed since) is an error with the apiserver's words; a group Gatehouse does not know at all
// (apps, networking.k8s.io, gateway.networking.x-k8s.io...) is for the caller to ignore with a warning.
import bundle from './generated/gateway-api.schemas.json' with { type: 'json' };
import { CORE_KINDS, CORE_SERVED } from './core/index.js';
import { quote } from './errors.js';
import { GATEHOUSE_SCHEMAS } from './gatehouse-schemas.js';
import { PLUGIN_SCHEMAS } from './plugin-schemas.js';
import type { KindSchema } from './schema.js';

export type KindResolution =
  /** Served, and Gatehouse validates it fully (CRD schema or built-in rules). */
  | { status: 'validated'; group: string; version: string; kind: string; schema: KindSchema; builtIn: boolean }
  /** Served by a real apiserver (e.g. v1 Pod) but Gatehouse has no schema for it: only metadata is checked. */
  | { status: 'unvalidated'; group: string; version: string; kind: string }
  /**
   * A group Gatehouse knows, but this version/kind is not served there: an error, as the apiserver reports it.
   * `served` lists the apiVersions that do serve the kind (none for a kind the group does not have).
   */
  | { status: 'unserved'; group: string; message: string; served: string[] }
  /** A group Gatehouse does not know: the caller ignores the object (with a warning). */
  | { status: 'unknown-group'; group: string };

const CRDS = new Map<string, KindSchema>([...Object.entries(bundle.schemas as unknown as Record<string, KindSchema>), ...Object.entries(GATEHOUSE_SCHEMAS)]);

const BUILT_IN_GROUPS: ReadonlySet<string> = new Set(['', 'discovery.k8s.io', ...[...CRDS.keys()].map((k) => k.split('/')[0]!)]);
const groups = new Set(BUILT_IN_GROUPS);

/** API groups whose served kinds Gatehouse knows completely ('' is the core group), plugin-owned groups included. */
export const KNOWN_GROUPS: ReadonlySet<string> = groups;

/** Whether `group` is one of the groups built into Gatehouse (a plugin may add kinds to gatehouse.dev only). */
export function isBuiltInGroup(group: string): boolean {
  return BUILT_IN_GROUPS.has(group);
}

/** A plugin-owned kind's group becomes known (registerPluginKinds), or no longer (unregisterPluginKinds). */
export function addKnownGroup(group: string): void {
  groups.add(group);
}
export function removeKnownGroup(group: string): void {
  if (!BUILT_IN_GROUPS.has(group)) groups.delete(group);
}

/** Splits `group/version` (or the core group's `v1`); undefined when malformed. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } | undefined {
  const parts = apiVersion.split('/');
  if (parts.length === 1 && parts[0]) return { group: '', version: parts[0] };
  if (parts.length === 2 && parts[0] && parts[1]) return { group: parts[0], version: parts[1] };
  return undefined;
}

export function resolveKind(apiVersion: string, kind: string): KindResolution {
  const gv = parseApiVersion(apiVersion);
  if (!gv) {
    return {
      status: 'unserved',
      group: '',
      message: `apiVersion ${quote(apiVersion)} is not valid: use "<group>/<version>" (or "v1" for the core group)`,
      served: [],
    };
  }
  const { group, version } = gv;
  if (!KNOWN_GROUPS.has(group)) return { status: 'unknown-group', group };
  const crd = CRDS.get(`${apiVersion}/${kind}`) ?? PLUGIN_SCHEMAS.get(`${apiVersion}/${kind}`);
  if (crd) return { status: 'validated', group, version, kind, schema: crd, builtIn: false };
  const builtIn = CORE_KINDS.get(`${apiVersion}/${kind}`);
  if (builtIn) return { status: 'validated', group, version, kind, schema: builtIn, builtIn: true };
  if (CORE_SERVED.get(apiVersion)?.has(kind)) return { status: 'unvalidated', group, version, kind };
  return { status: 'unserved', group, message: `no matches for kind ${quote(kind)} in version ${quote(apiVersion)}`, served: servedVersions(group, kind) };
}

/** The apiVersions of `group` that serve `kind`, newest first as the CRDs list them. */
export function servedVersions(group: string, kind: string): string[] {
  const out: string[] = [];
  const add = (apiVersion: string, k: string) => {
    const gv = parseApiVersion(apiVersion);
    if (gv?.group === group && k === kind && !out.includes(apiVersion)) out.push(apiVersion);
  };
  for (const key of [...CRDS.keys(), ...PLUGIN_SCHEMAS.keys(), ...CORE_KINDS.keys()])
    add(key.slice(0, key.lastIndexOf('/')), key.slice(key.lastIndexOf('/') + 1));
  for (const [apiVersion, kinds] of CORE_SERVED) for (const k of kinds) add(apiVersion, k);
  return out;
}
