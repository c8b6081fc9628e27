// Kinds plugins own (their CRDs ship with them): registered at start-up by whoever loads the plugins, so every
// kind lookup (served versions, scope, watching, status) treats them like the built-in kinds. Built-in kinds always
// win: a plugin cannot redefine one (libs/validation's registerPluginKinds refuses it before anything is registered).

/** A kind a plugin owns, as the rest of Gatehouse needs to know it. */
export interface RegisteredKind {
  group: string;
  kind: string;
  /** `group/version` of each served version, the storage version first. */
  apiVersions: readonly string[];
  /** The CRD's plural resource name (`headerpolicies`): the API path in Kubernetes mode. */
  plural: string;
  scope: 'Namespaced' | 'Cluster';
  /** How routes reach it: a policy by `spec.targetRefs`, or an object an `ExtensionRef` filter names. */
  attach: 'targetRefs' | 'extensionRef';
  /** The plugin that owns it (for messages). */
  plugin: string;
}

const registered = new Map<string, RegisteredKind>();

/** Adds (or replaces, for the same plugin) a plugin-owned kind. Callers check conflicts first (registerPluginKinds). */
export function registerKind(k: RegisteredKind): void {
  registered.set(k.kind, Object.freeze({ ...k, apiVersions: Object.freeze([...k.apiVersions]) }));
}

/** Forgets a plugin-owned kind (tests, and a plugin whose load failed half-way). */
export function unregisterKind(kind: string): void {
  registered.delete(kind);
}

/** The plugin-owned kind named `kind`, if any. */
export function registeredKind(kind: string): RegisteredKind | undefined {
  return registered.get(kind);
}

/** Every plugin-owned kind, in kind order. */
export function registeredKinds(): RegisteredKind[] {
  return [...registered.values()].sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
}
