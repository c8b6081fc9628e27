// Plugin-owned kinds: the controller and the CLI register the kinds of the plugins they load, before any source
// reads a file or a cluster, so plugin objects are validated exactly like the built-in kinds (schema, defaults, CEL)
// and every kind lookup knows them. A malformed CRD, or a kind that is already taken, fails the plugin's load.
import { KNOWN_KINDS, registerKind, registeredKind, registeredKinds, unregisterKind, type KubeObject, type RegisteredKind } from '@gatehouse/api';
import { CORE_KINDS, CORE_SERVED } from './core/index.js';
import { formatError } from './errors.js';
import { checkPluginCrd, type CheckedCrd } from './plugin-crd.js';
import { PLUGIN_SCHEMAS } from './plugin-schemas.js';
import { addKnownGroup, isBuiltInGroup, removeKnownGroup } from './served.js';

/** What registration reads of a plugin (a TranslatorPlugin has this shape). */
export interface PluginWithKinds {
  readonly name: string;
  readonly kinds?: ReadonlyArray<{ readonly crd: KubeObject; readonly attach: 'targetRefs' | 'extensionRef' }>;
}

/** A plugin whose kinds cannot be registered: the message names the plugin, the CRD, the field and what to do. */
export class PluginKindError extends Error {
  override name = 'PluginKindError';
}

const MAX_LISTED = 10;
/** Plugin kinds by kind, with the CRD each was registered from (printed by `gatehouse plugin-crds`). */
const crds = new Map<string, { plugin: string; crd: KubeObject }>();

/**
 * Registers every kind of `plugins` (checked all first: nothing is registered when one fails). Registering the same
 * plugin's kinds again is harmless. Throws PluginKindError.
 */
export function registerPluginKinds(plugins: readonly PluginWithKinds[]): RegisteredKind[] {
  const checked: Array<{ plugin: string; crd: CheckedCrd; source: KubeObject; attach: RegisteredKind['attach'] }> = [];
  for (const plugin of plugins) {
    for (const [i, k] of (plugin.kinds ?? []).entries()) {
      const where = `plugin ${JSON.stringify(plugin.name)}: kinds[${i}]`;
      if (k?.attach !== 'targetRefs' && k?.attach !== 'extensionRef')
        throw new PluginKindError(`${where}.attach: must be "targetRefs" (a policy) or "extensionRef" (an ExtensionRef filter object)`);
      const { crd, errors } = checkPluginCrd(k.crd, k.attach);
      if (!crd) {
        const listed = errors.slice(0, MAX_LISTED).map(formatError).join('; ');
        const more = errors.length > MAX_LISTED ? `; and ${errors.length - MAX_LISTED} more` : '';
        throw new PluginKindError(
          `${where}.crd: the CustomResourceDefinition is not valid (the apiserver would refuse it too): ${listed}${more}; fix the plugin's CRD`,
        );
      }
      const taken = takenBy(crd, plugin.name) ?? checked.find((c) => c.crd.kind === crd.kind && c.plugin !== plugin.name)?.plugin;
      if (taken)
        throw new PluginKindError(
          `${where}.crd: kind ${crd.kind} (${crd.group}) is already ${taken}; a kind name can have one owner only (resources are keyed by kind): rename the kind`,
        );
      checked.push({ plugin: plugin.name, crd, source: k.crd, attach: k.attach });
    }
  }
  const out: RegisteredKind[] = [];
  for (const { plugin, crd, source, attach } of checked) {
    for (const v of crd.versions) PLUGIN_SCHEMAS.set(`${crd.group}/${v.name}/${crd.kind}`, v.schema);
    addKnownGroup(crd.group);
    const kind: RegisteredKind = {
      group: crd.group,
      kind: crd.kind,
      apiVersions: crd.versions.map((v) => `${crd.group}/${v.name}`),
      plural: crd.plural,
      scope: crd.scope,
      attach,
      plugin,
    };
    registerKind(kind);
    crds.set(crd.kind, { plugin, crd: source });
    out.push(kind);
  }
  return out;
}

/** Who already has this kind name (a built-in kind, or another plugin), as words; undefined when it is free. */
function takenBy(crd: CheckedCrd, plugin: string): string | undefined {
  if (Object.hasOwn(KNOWN_KINDS, crd.kind)) return 'a kind built into Gatehouse';
  if ([...CORE_KINDS.keys()].some((k) => k.endsWith(`/${crd.kind}`)) || [...CORE_SERVED.values()].some((kinds) => kinds.has(crd.kind)))
    return 'a Kubernetes core kind';
  const other = registeredKind(crd.kind);
  if (other && (other.plugin !== plugin || other.group !== crd.group)) return `owned by plugin ${JSON.stringify(other.plugin)} (${other.group})`;
  if (isBuiltInGroup(crd.group) && crd.group !== 'gatehouse.dev') return `in the built-in group ${crd.group}`;
  return undefined;
}

/** The CRDs of every registered plugin kind, in kind order: what `gatehouse plugin-crds` prints for kubectl apply. */
export function pluginCrds(): Array<{ plugin: string; kind: string; crd: KubeObject }> {
  return [...crds.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([kind, { plugin, crd }]) => ({ plugin, kind, crd }));
}

/** Forgets plugin kinds (tests; a control plane never unloads a plugin). */
export function unregisterPluginKinds(kinds: readonly string[]): void {
  for (const kind of kinds) {
    const k = registeredKind(kind);
    if (!k) continue;
    for (const apiVersion of k.apiVersions) PLUGIN_SCHEMAS.delete(`${apiVersion}/${kind}`);
    unregisterKind(kind);
    crds.delete(kind);
    if (!registeredKinds().some((o) => o.group === k.group)) removeKnownGroup(k.group);
  }
}
