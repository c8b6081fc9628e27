// The translator a control plane keeps: the first snapshot is translated whole; a later snapshot that says what
// changed since the last one (ResourceSnapshot.changes) is translated by redoing only the routes that read a
// changed resource, the virtual hosts they touch and the clusters they use. Both paths give the same output (the
// incremental equivalence test compares them), and a fresh Translator is exactly `translate()`.
//
// This file only orders the phases; each lives in its own file:
//   gateway-phase.ts     Gateways, ListenerSets, BackendTLSPolicies, the policy index → a fresh State (full only)
//   dependency-index.ts  what each route unit read → which units a change redoes
//   route-units.ts       one route resource → its routes placed in route/stream tables (route hooks)
//   policy-seam.ts       where IR policies get attached
//   assembly.ts          tables → a Gateway's Envoy resources (virtual host, listener, cluster, resource hooks)
//   provenance.ts        Envoy resource → the source resources it came from
//   ir-view.ts, reports.ts   the IR and the reports, computed when first read
import { DepRecorder, resourcesOfKind, type ResourceSnapshot } from '@gatehouse/api';
import { NO_MEMO, isBackendError, type BackendResolver, type UpstreamIR } from '@gatehouse/plugin-sdk';
import { ROUTE_KINDS, internalError } from '@gatehouse/translator';
import { Hooks } from '@gatehouse/xds-translator';
import { assemble } from './assembly.js';
import { NoRecorder, ROUTE_KIND_SET, attach, detach, dirtyRoutes, track } from './dependency-index.js';
import { gatewayPhase } from './gateway-phase.js';
import { irOf, upstreamsOf } from './ir-view.js';
import type { TranslateOptions } from './options.js';
import { gatewayProvenance } from './provenance.js';
import { reportsOf } from './reports.js';
import { processUnit, type Resolved, type StoredRoute } from './route-units.js';
import type { Engine, State } from './state.js';
import { LazyTranslation, type GatewayXds, type Translation } from './translation.js';

export type { TranslateOptions } from './options.js';
export { provenanceRecord, shapedByRecord, type Provenance } from './provenance.js';
export type { GatewayXds, Translation } from './translation.js';

export class Translator {
  private readonly engine: Engine;
  private st: State | undefined;
  /** Set when a Gateway could not be assembled: the next translation is a full one. */
  private restart = false;

  /** `once`: this translator translates one snapshot only, so it records nothing for later updates. */
  constructor(options: TranslateOptions, once = false) {
    const resolvers = new Map<string, BackendResolver>();
    const extensionRefs = new Set<string>();
    for (const p of options.plugins) for (const r of p.backends ?? []) resolvers.set(`${r.group}/${r.kind}`, r);
    for (const p of options.plugins) for (const e of p.extensionRefs ?? []) extensionRefs.add(`${e.group}/${e.kind}`);
    this.engine = {
      options,
      hooks: new Hooks(options.plugins, options.hookRunner),
      memo: options.memo ?? NO_MEMO,
      recorder: once ? new NoRecorder() : new DepRecorder(),
      once,
      resolvers,
      extensionRefs,
      generation: 0,
    };
  }

  translate(snapshot: ResourceSnapshot): Translation {
    this.engine.generation++;
    try {
      return this.run(snapshot);
    } catch (err) {
      this.st = undefined; // half-updated state is never reused
      throw err;
    }
  }

  private run(snapshot: ResourceSnapshot): Translation {
    const engine = this.engine;
    let dirty = this.st && !this.restart ? dirtyRoutes(this.st, snapshot) : undefined;
    this.restart = false;
    const incremental = dirty !== undefined;
    if (!dirty) {
      this.st = gatewayPhase(engine, snapshot);
      dirty = ROUTE_KINDS.flatMap((kind) => resourcesOfKind(snapshot, kind).map((r) => r.key)).sort();
    }
    const st = this.st!;
    st.snapshot = snapshot;
    if (snapshot.revision) st.revision = snapshot.revision;
    else delete st.revision;

    // Route phase: redo the dirty route units.
    const tracked = track(engine, snapshot);
    const resolved: Resolved = new Map();
    for (const key of dirty) {
      const old = st.units.get(key);
      if (old) detach(st, key, old);
      const stored = snapshot.resources.get(key);
      if (!stored || !ROUTE_KIND_SET.has(stored.ref.kind)) {
        st.units.delete(key);
        continue;
      }
      const unit = processUnit(engine, st, tracked, resolved, stored as StoredRoute);
      st.units.set(key, unit);
      attach(st, key, unit);
    }
    const changedUpstreams = new Set<string>();
    for (const { result } of resolved.values()) {
      if (isBackendError(result) || !st.upstreamRefs.has(result.clusterName)) continue;
      if (st.upstreams.get(result.clusterName) !== result) changedUpstreams.add(result.clusterName);
      st.upstreams.set(result.clusterName, result);
    }

    // Assembly: each Gateway's Envoy resources.
    const gen = engine.generation;
    const current = () => gen === engine.generation;
    const gateways: Record<string, GatewayXds> = {};
    let upstreams: Record<string, UpstreamIR> | undefined;
    const upstreamsOnce = () => (upstreams ??= upstreamsOf(st));
    for (const [key, out] of st.gateways) {
      try {
        assemble(engine, st, out, tracked, changedUpstreams, !incremental, upstreamsOnce);
      } catch (err) {
        // This Gateway keeps the resources it had; the others are assembled as usual. Its half-updated tables are
        // not trusted again: the next translation starts from scratch.
        st.gatewayBook.reject(out.state.stored.ref, 'TranslationError', internalError(out.state.stored.ref, err));
        this.restart = true;
      }
      gateways[key] = { resources: out.records, provenance: gatewayProvenance(engine, st, out, current) };
    }

    const fresh =
      <T>(what: string, fn: () => T) =>
      () => {
        if (!current()) throw new Error(`${what} read after the translator moved on to a newer translation`);
        return fn();
      };
    const problems: Translation['problems'] = snapshot.problems
      .filter((p) => !p.ref)
      .map((p) => ({ ...(p.origin.file ? { file: p.origin.file } : {}), ...(p.origin.line ? { line: p.origin.line } : {}), message: p.message }));
    const stats = { incremental, routes: dirty.length };
    return new LazyTranslation(
      gateways,
      problems,
      stats,
      fresh('IR', () => irOf(st)),
      fresh('reports', () => reportsOf(engine, st, snapshot)),
    );
  }
}
