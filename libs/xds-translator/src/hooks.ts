// Plugin hooks around each Envoy resource the xds-translator builds. Plugins run in priority order (lower first,
// ties keep list order). A hook that throws (or that the hook runner finds over its budget) drops only the resource
// it was shaping and rejects that resource's sources. Which plugin shaped which message is kept (`shapers`).
import {
  describeRef,
  type EnvoyMessage,
  type GeneratedResource,
  type HttpListenerIR,
  type IR,
  type PluginContext,
  type ResourceRef,
  type RouteIR,
  type StagedHttpFilter,
  type TranslatorPlugin,
  type UpstreamIR,
  type VirtualHostIR,
} from '@gatehouse/plugin-sdk';
import { envoyCluster, loadAssignment } from './clusters.js';
import { DIRECT_HOOK_RUNNER, type HookName, type HookRunner } from './hook-runner.js';
import { envoyListener } from './listeners.js';
import { envoyRoute, type ServedAt } from './routes.js';
import { Shapers } from './shapers.js';

export interface BuiltCluster {
  cluster: EnvoyMessage;
  endpoints?: EnvoyMessage;
}

/** Plugins by priority (lower first; default 0); the sort is stable, so ties keep list order. */
export function byPriority(plugins: readonly TranslatorPlugin[]): TranslatorPlugin[] {
  return [...plugins].sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0));
}

export class Hooks {
  readonly has: { route: boolean; cluster: boolean; virtualHost: boolean; resources: boolean };
  /** The plugins in the order their hooks run. */
  readonly plugins: readonly TranslatorPlugin[];
  /** Which plugins shaped which message (routes, virtual hosts, listeners, clusters, generated resources). */
  readonly shapers = new Shapers();

  constructor(
    plugins: readonly TranslatorPlugin[],
    private readonly runner: HookRunner = DIRECT_HOOK_RUNNER,
  ) {
    this.plugins = byPriority(plugins);
    this.has = {
      route: plugins.some((p) => p.route),
      cluster: plugins.some((p) => p.cluster),
      virtualHost: plugins.some((p) => p.virtualHost),
      resources: plugins.some((p) => p.resources),
    };
  }

  private guard(ctx: PluginContext, plugin: TranslatorPlugin, refs: readonly ResourceRef[], hook: HookName, what: string, fn: () => void): boolean {
    let overrun;
    try {
      overrun = this.runner.run({ plugin, hook, what }, fn);
    } catch (err) {
      for (const ref of refs)
        ctx.reports.reject(ref, 'PluginError', `${describeRef(ref)}: plugin "${plugin.name}" failed on ${what}: ${(err as Error).message}`);
      return false;
    }
    if (overrun) {
      for (const ref of refs)
        ctx.reports.reject(
          ref,
          'PluginTimeout',
          `${describeRef(ref)}: plugin "${plugin.name}" took ${overrun.tookMs.toFixed(0)} ms on ${what} (budget ${overrun.budgetMs} ms); its output is dropped`,
        );
      return false;
    }
    return true;
  }

  /** The Envoy route for `r` served at `at`, or null when a plugin failed on it. */
  route(ctx: PluginContext, r: RouteIR, at: ServedAt): EnvoyMessage | null {
    const msg = envoyRoute(r, at);
    const w = this.has.route ? this.shapers.watch(msg) : undefined;
    for (const p of this.plugins)
      if (p.route && !this.guard(ctx, p, [r.source], 'route', `route ${r.name}`, () => p.route!(ctx, r, w!.as(p.name)))) return null;
    return msg;
  }

  /** The Cluster (and, for EDS, its ClusterLoadAssignment), or null when a plugin failed on it. */
  cluster(ctx: PluginContext, u: UpstreamIR): BuiltCluster | null {
    const msg = envoyCluster(u);
    const w = this.has.cluster ? this.shapers.watch(msg) : undefined;
    for (const p of this.plugins)
      if (p.cluster && !this.guard(ctx, p, u.sources, 'cluster', `cluster ${u.clusterName}`, () => p.cluster!(ctx, u, w!.as(p.name)))) return null;
    return { cluster: msg, ...(u.discovery === 'eds' ? { endpoints: loadAssignment(u) } : {}) };
  }

  /** The VirtualHost message; a failing hook leaves the message as it was built (it rejects the Gateway). */
  virtualHost(ctx: PluginContext, vh: VirtualHostIR, routes: EnvoyMessage[], gateway: ResourceRef): EnvoyMessage {
    const msg: EnvoyMessage = { name: vh.name, domains: vh.domains, routes };
    const w = this.shapers.watch(msg);
    for (const p of this.plugins)
      if (p.virtualHost) this.guard(ctx, p, [gateway], 'virtualHost', `virtual host ${vh.name}`, () => p.virtualHost!(ctx, vh, w.as(p.name)));
    return msg;
  }

  /** The Listener with its plugin HTTP filters (in stage, position, plugin priority, name order), or null when a plugin failed on it. */
  listener(ctx: PluginContext, l: HttpListenerIR, gateway: ResourceRef): EnvoyMessage | null {
    const filters: Array<StagedHttpFilter & { priority: number }> = [];
    const adders: string[] = [];
    let ok = true;
    for (const p of this.plugins) {
      if (!p.httpFilters) continue;
      ok &&= this.guard(ctx, p, [gateway], 'httpFilters', `listener ${l.name}`, () => {
        const added = p.httpFilters!(ctx, l);
        for (const f of added) filters.push({ ...f, priority: p.priority ?? 0 });
        if (added.length) adders.push(p.name);
      });
    }
    const listener = envoyListener(l, filters);
    for (const name of adders) this.shapers.add(listener, name);
    const w = this.shapers.watch(listener);
    for (const p of this.plugins)
      if (p.listener) ok &&= this.guard(ctx, p, [gateway], 'listener', `listener ${l.name}`, () => p.listener!(ctx, l, w.as(p.name)));
    return ok ? listener : null;
  }

  /** Extra resources plugins add to a gateway's snapshot (each shaped by the plugin that added it). */
  resources(ctx: PluginContext, ir: IR, gatewayKey: string, gateway: ResourceRef): GeneratedResource[] {
    const out: GeneratedResource[] = [];
    for (const p of this.plugins) {
      if (!p.resources) continue;
      let added: GeneratedResource[] = [];
      if (!this.guard(ctx, p, [gateway], 'resources', `gateway ${gatewayKey}`, () => (added = p.resources!(ctx, ir, gatewayKey)))) continue;
      for (const g of added) this.shapers.add(g.resource, p.name);
      out.push(...added);
    }
    return out;
  }
}

/** Clusters a route sends to: its valid backends and its mirrors. */
export function routeClusters(r: RouteIR): string[] {
  const out: string[] = [];
  if (r.action.kind === 'forward') for (const b of r.action.backends) if (b.valid) out.push(b.clusterName);
  for (const f of r.filters) if (f.type === 'RequestMirror' && f.valid) out.push(f.clusterName);
  return out;
}
