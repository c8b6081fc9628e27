// Plugin hooks around each Envoy resource the xds-translator builds. A hook that throws (or overruns its time
// budget) drops only the resource it was shaping and rejects that resource's sources.
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
import { envoyListener } from './listeners.js';
import { envoyRoute, type ServedAt } from './routes.js';

export interface BuiltCluster {
  cluster: EnvoyMessage;
  endpoints?: EnvoyMessage;
}

export class Hooks {
  readonly has: { cluster: boolean; virtualHost: boolean; resources: boolean };

  constructor(
    readonly plugins: readonly TranslatorPlugin[],
    private readonly budgetMs?: number,
  ) {
    this.has = { cluster: plugins.some((p) => p.cluster), virtualHost: plugins.some((p) => p.virtualHost), resources: plugins.some((p) => p.resources) };
  }

  private guard(ctx: PluginContext, plugin: TranslatorPlugin, refs: readonly ResourceRef[], what: string, fn: () => void): boolean {
    const started = this.budgetMs === undefined ? 0 : performance.now();
    try {
      fn();
    } catch (err) {
      for (const ref of refs) ctx.reports.reject(ref, 'PluginError', `${describeRef(ref)}: plugin "${plugin.name}" failed on ${what}: ${(err as Error).message}`);
      return false;
    }
    const took = this.budgetMs === undefined ? 0 : performance.now() - started;
    if (this.budgetMs !== undefined && took > this.budgetMs) {
      for (const ref of refs) ctx.reports.reject(ref, 'PluginTimeout', `${describeRef(ref)}: plugin "${plugin.name}" took ${took.toFixed(0)} ms on ${what} (budget ${this.budgetMs} ms); its output is dropped`);
      return false;
    }
    return true;
  }

  /** The Envoy route for `r` served at `at`, or null when a plugin failed on it. */
  route(ctx: PluginContext, r: RouteIR, at: ServedAt): EnvoyMessage | null {
    const msg = envoyRoute(r, at);
    for (const p of this.plugins) if (p.route && !this.guard(ctx, p, [r.source], `route ${r.name}`, () => p.route!(ctx, r, msg))) return null;
    return msg;
  }

  /** The Cluster (and, for EDS, its ClusterLoadAssignment), or null when a plugin failed on it. */
  cluster(ctx: PluginContext, u: UpstreamIR): BuiltCluster | null {
    const msg = envoyCluster(u);
    for (const p of this.plugins) if (p.cluster && !this.guard(ctx, p, u.sources, `cluster ${u.clusterName}`, () => p.cluster!(ctx, u, msg))) return null;
    return { cluster: msg, ...(u.discovery === 'eds' ? { endpoints: loadAssignment(u) } : {}) };
  }

  /** The VirtualHost message; a failing hook leaves the message as it was built (it rejects the Gateway). */
  virtualHost(ctx: PluginContext, vh: VirtualHostIR, routes: EnvoyMessage[], gateway: ResourceRef): EnvoyMessage {
    const msg: EnvoyMessage = { name: vh.name, domains: vh.domains, routes };
    for (const p of this.plugins) if (p.virtualHost) this.guard(ctx, p, [gateway], `virtual host ${vh.name}`, () => p.virtualHost!(ctx, vh, msg));
    return msg;
  }

  /** The Listener with its plugin HTTP filters, or null when a plugin failed on it. */
  listener(ctx: PluginContext, l: HttpListenerIR, gateway: ResourceRef): EnvoyMessage | null {
    const filters: StagedHttpFilter[] = [];
    let ok = true;
    for (const p of this.plugins) if (p.httpFilters) ok &&= this.guard(ctx, p, [gateway], `listener ${l.name}`, () => filters.push(...p.httpFilters!(ctx, l)));
    const listener = envoyListener(l, filters);
    for (const p of this.plugins) if (p.listener) ok &&= this.guard(ctx, p, [gateway], `listener ${l.name}`, () => p.listener!(ctx, l, listener));
    return ok ? listener : null;
  }

  /** Extra resources plugins add to a gateway's snapshot. */
  resources(ctx: PluginContext, ir: IR, gatewayKey: string, gateway: ResourceRef): GeneratedResource[] {
    const out: GeneratedResource[] = [];
    for (const p of this.plugins) if (p.resources) this.guard(ctx, p, [gateway], `gateway ${gatewayKey}`, () => out.push(...p.resources!(ctx, ir, gatewayKey)));
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
