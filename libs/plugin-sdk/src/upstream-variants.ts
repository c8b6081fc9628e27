// One `gatehouse.dev/Upstream` backend kind, several variants: the spec field that is set (`static`, `kube`, `aws`...)
// picks the plugin that resolves it. The engine keeps one resolver per group/kind, so the variants are combined here
// into one plugin, listed after the plugin that resolves the default variant.
import type { StoredResource } from '@gatehouse/api';
import { GATEHOUSE_GROUP, describeRef } from '@gatehouse/api';
import type { UpstreamIR } from '@gatehouse/ir';
import { clusterName } from './names.js';
import type { BackendError, BackendResolver, BackendTarget, PluginContext, TranslatorPlugin } from './plugin.js';
import { isBackendError } from './plugin.js';

/** Resolve this Upstream as that other backendRef (e.g. a Service port), under the Upstream's own cluster name. */
export interface BackendRedirect {
  redirect: BackendTarget;
}

/**
 * One variant of `gatehouse.dev/Upstream`, chosen when `spec[field]` is set.
 *
 * @example
 * { field: 'kube', resolve: (ctx, target, up) => ({ redirect: { group: '', kind: 'Service', namespace: target.namespace, name: up.object.spec.kube.serviceName, port: up.object.spec.kube.servicePort } }) }
 */
export interface UpstreamVariant {
  field: string;
  resolve(ctx: PluginContext, target: BackendTarget, upstream: StoredResource): UpstreamIR | BackendError | BackendRedirect;
}

function isRedirect(x: UpstreamIR | BackendError | BackendRedirect): x is BackendRedirect {
  return 'redirect' in x;
}

/**
 * A plugin resolving `gatehouse.dev/Upstream` by variant: the first variant whose field is set, else the resolver
 * the other `plugins` register for Upstream (the default variant). Redirects resolve through the resolver the
 * plugins register for the redirect's kind.
 */
export function upstreamVariants(name: string, variants: readonly UpstreamVariant[], plugins: readonly TranslatorPlugin[]): TranslatorPlugin {
  const resolvers = new Map<string, BackendResolver>();
  for (const p of plugins) for (const r of p.backends ?? []) resolvers.set(`${r.group}/${r.kind}`, r);
  const fallback = resolvers.get(`${GATEHOUSE_GROUP}/Upstream`);
  const resolve = (ctx: PluginContext, target: BackendTarget): UpstreamIR | BackendError => {
    const stored = ctx.snapshot.resources.get(`Upstream/${target.namespace}/${target.name}`);
    const spec = (stored?.object as { spec?: Record<string, unknown> } | undefined)?.spec;
    const variant = stored && spec ? variants.find((v) => spec[v.field] !== undefined) : undefined;
    if (!stored || !variant) {
      return fallback ? fallback.resolve(ctx, target) : { reason: 'BackendNotFound', message: `Upstream ${target.namespace}/${target.name} not found` };
    }
    const result = variant.resolve(ctx, target, stored);
    if (!isRedirect(result)) return result;
    const to = result.redirect;
    const via = resolvers.get(`${to.group}/${to.kind}`);
    const where = `${describeRef(stored.ref)}: spec.${variant.field}`;
    if (!via) return { reason: 'InvalidKind', message: `${where}: nothing resolves ${to.kind} backends` };
    const resolved = via.resolve(ctx, to);
    if (isBackendError(resolved)) return { reason: resolved.reason, message: `${where}: ${resolved.message}` };
    // The same resolved upstream (memoized by its plugin) gives the same object here: unchanged encodings are reused.
    const renamed = ctx.memo.get('upstream-variants', stored.object, () => new WeakMap<UpstreamIR, UpstreamIR>());
    let out = renamed.get(resolved);
    if (!out)
      renamed.set(
        resolved,
        (out = { ...resolved, clusterName: clusterName('upstream', target.namespace, target.name), sources: [stored.ref, ...resolved.sources] }),
      );
    return out;
  };
  return { name, backends: [{ group: GATEHOUSE_GROUP, kind: 'Upstream', resolve }] };
}
