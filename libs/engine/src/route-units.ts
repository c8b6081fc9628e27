// One route resource (HTTPRoute, GRPCRoute, TLS/TCP/UDPRoute) translated into a unit: its routes placed into the
// route tables (through the route hooks) or stream tables of the Gateways it attaches to, and what it read.
import type { AnyRoute, ResourceSnapshot, StoredResource } from '@gatehouse/api';
import type { RouteIR } from '@gatehouse/ir';
import type { PluginContext } from '@gatehouse/plugin-sdk';
import { ReportBook, extensionObjectKinds, internalError, processRoute, type Ranked } from '@gatehouse/translator';
import { routeClusters, streamClusters } from '@gatehouse/xds-translator';
import type { Engine, Payload, Placement, RouteUnit, State } from './state.js';

/** Backends resolved during one translation, shared by its route units. */
export type Resolved = Parameters<typeof processRoute>[0]['resolved'];

export type StoredRoute = StoredResource & { object: AnyRoute };

export function processUnit(engine: Engine, st: State, tracked: ResourceSnapshot, resolved: Resolved, stored: StoredRoute): RouteUnit {
  // Units are processed in key order, so a one-shot translation can record them all in one book: the same as
  // merging one book per unit in key order, without a book per route.
  const book = engine.once ? (engine.onceBook ??= new ReportBook()) : new ReportBook();
  const ctx: PluginContext = { snapshot: tracked, reports: book, memo: engine.memo };
  let failure: unknown;
  const { value, deps } = engine.recorder.capture(() => {
    try {
      return placeRoute(engine, st, tracked, resolved, stored, book, ctx);
    } catch (err) {
      // A bug or an unforeseen input shape: this route is rejected, every other resource is still translated.
      failure = err;
      return { placed: [], clusters: [] };
    }
  });
  if (failure !== undefined) book.reject(stored.ref, 'TranslationError', internalError(stored.ref, failure));
  return { book, placed: value.placed, clusters: value.clusters, deps };
}

function placeRoute(
  engine: Engine,
  st: State,
  tracked: ResourceSnapshot,
  resolved: Resolved,
  stored: StoredRoute,
  book: ReportBook,
  ctx: PluginContext,
): Pick<RouteUnit, 'placed' | 'clusters'> {
  const { routes, streams, attachments } = processRoute(
    {
      snapshot: tracked,
      book,
      gateways: st.gatewayStates,
      listenerSets: st.listenerSets,
      backendTls: st.backendTls,
      policiesUsed: [],
      resolvers: engine.resolvers,
      extensionRefs: engine.extensionRefs,
      extensionKinds: extensionObjectKinds(engine.options.plugins),
      pluginCtx: ctx,
      resolved,
      deps: engine.recorder,
    },
    stored,
  );
  // One Envoy route per route and (port, scheme): redirects take their port from where they are served.
  const messages: Array<{ port: number; scheme: string; routes: RouteIR[]; payloads: Payload[] }> = [];
  const placed = attachments.map((a): Placement => {
    const out = st.gateways.get(`${a.slot.gatewayRef.namespace}/${a.slot.gatewayRef.name}`)!;
    const stream = out.streams.get(a.slot.envoyListener);
    if (stream) {
      const routeHostnames = (stored.object.spec as { hostnames?: string[] }).hostnames ?? [];
      return {
        slot: a.slot,
        stream,
        entries: a.streams.map((r) => ({ slot: a.slot, hostnames: a.hostnames, routeHostnames, stream: r, createdAt: a.createdAt })),
      };
    }
    // Policy seam (policy-seam.ts): the route IR with its policies, before any hook or table sees it. Policies of the
    // listener and Gateway differ per attachment: routes with other policies get messages of their own.
    const withPolicies = a.routes.map((r) => st.policies.route(r, a.slot));
    const scheme = a.slot.listener.protocol === 'HTTPS' ? 'https' : 'http';
    const port = a.slot.listener.port;
    let payloads = messages.find((m) => m.port === port && m.scheme === scheme && m.routes.every((r, i) => r === withPolicies[i]))?.payloads;
    if (!payloads)
      messages.push({ port, scheme, routes: withPolicies, payloads: (payloads = withPolicies.map((r) => engine.hooks.route(ctx, r, { port, scheme }))) });
    const table = out.tables.get(out.layout.tableOf(a.slot))!;
    const ranked: Array<Ranked<Payload>> = [];
    const listener = a.slot.listener.hostname ?? '*';
    a.hostnames.forEach((hostname, h) =>
      withPolicies.forEach((route, i) => ranked.push({ route, hostname, origin: a.origins[h]!, createdAt: a.createdAt, payload: payloads[i]!, listener })),
    );
    return { slot: a.slot, table, hostnames: a.hostnames, ranked };
  });
  return { placed, clusters: [...new Set([...routes.flatMap(routeClusters), ...streams.flatMap(streamClusters)])] };
}
