// Translation → encoded, consistency-checked snapshots in the cache. What cannot be served is left out and traced to
// its sources (envoy-refusals.ts); the last good snapshot stays only when a new one is still inconsistent.
import { budgetHookRunner } from './hook-budget.js';
import { Translator, type GatewayXds, type Translation } from '@gatehouse/engine';
import { describeRef, resourceKey, type ResourceRef, type ResourceSnapshot } from '@gatehouse/api';
import { createMemo, type ResourceReport, type TranslatorPlugin } from '@gatehouse/plugin-sdk';
import { LISTENER_TYPE, Snapshot, checkConsistency, type SnapshotCache, type StrictEncoder } from '@gatehouse/xds';
import { danglingListeners, danglingReferences, type EnvoyProblem, type Records } from './dangling-references.js';
import { refusalsFor, splitEncodeMessage, type EnvoyRefusal } from './envoy-refusals.js';

/** Translations per publish at most: each round leaves out the sources the last one could not serve. */
const MAX_ROUNDS = 4;

function without(snapshot: ResourceSnapshot, keys: ReadonlySet<string>): ResourceSnapshot {
  const out = new Map(snapshot.resources);
  for (const k of keys) out.delete(k);
  return { ...snapshot, resources: out };
}

/** Records without some Envoy resources (copying only the types that change). */
function withoutEnvoy(records: Records, gone: ReadonlyArray<{ typeUrl: string; name: string }>): Records {
  let out = records;
  for (const { typeUrl, name } of gone) {
    if (!out[typeUrl]?.[name]) continue;
    if (out === records) out = { ...records };
    const { [name]: _gone, ...rest } = out[typeUrl]!;
    out[typeUrl] = rest;
  }
  return out;
}

function dedupe(refusals: EnvoyRefusal[]): EnvoyRefusal[] {
  const seen = new Set<string>();
  return refusals.filter((f) => {
    const k = `${f.gateway}|${resourceKey(f.ref)}|${f.message}`;
    return !seen.has(k) && (seen.add(k), true);
  });
}

export interface PublishResult {
  translation: Translation;
  published: string[];
  /** Problems that kept a gateway on its previous snapshot, by gateway. */
  held: Record<string, string[]>;
  /** Envoy resources not served (failing strict encoding or the consistency check), each on a source it came from. */
  refused: EnvoyRefusal[];
  durationMs: number;
}

export class Publisher {
  private readonly previous = new Map<string, Snapshot>();
  /** Kept between translations: a change redoes only what it touches, and what did not change keeps its encoding. */
  private readonly translator: Translator;

  constructor(
    private readonly cache: SnapshotCache,
    private readonly encoder: StrictEncoder,
    plugins: readonly TranslatorPlugin[],
    defaultBindAddress: string,
    hookBudgetMs?: number,
    /** Whether the proxy can bind a Gateway's spec.addresses IP (else AddressNotUsable); every IP when absent. */
    addressUsable?: (address: string) => boolean,
    /** False when Envoys are provisioned behind a Service (see TranslateOptions.bindGatewayAddresses). */
    bindGatewayAddresses = true,
  ) {
    this.translator = new Translator({
      plugins,
      defaultBindAddress,
      memo: createMemo(),
      ...(hookBudgetMs !== undefined ? { hookRunner: budgetHookRunner(hookBudgetMs) } : {}),
      ...(addressUsable ? { addressUsable } : {}),
      ...(bindGatewayAddresses ? {} : { bindGatewayAddresses: false }),
    });
  }

  /**
   * `exclude` names Envoy resources to leave out of a gateway's snapshot (quarantined by a NACK). What fails strict
   * encoding or the consistency check is traced to its sources: tenants' resources are left out of translation and
   * the rest translated again; a Gateway's own Envoy resource is left out with the listeners naming it. Each is
   * reported in `refused`; a gateway keeps its previous snapshot only when that still leaves it inconsistent.
   */
  publish(resources: ResourceSnapshot, exclude: (gateway: string) => Array<{ typeUrl: string; name: string }> = () => []): PublishResult {
    const started = performance.now();
    const refused: EnvoyRefusal[] = [];
    const leftOut = new Set<string>();
    let input = resources;
    for (let round = 1; ; round++) {
      const translation = this.translator.translate(input);
      let byKey: Map<string, ResourceReport> | undefined;
      const reports = () => (byKey ??= new Map(translation.reports.map((r) => [resourceKey(r.ref), r])));
      const fresh: EnvoyRefusal[] = [];
      const outcomes = Object.entries(translation.gateways).map(([gateway, gx]) => {
        const outcome = this.build(gateway, gx, exclude(gateway), reports);
        fresh.push(...outcome.refusals.filter((f) => f.scope === 'source' && !leftOut.has(resourceKey(f.ref))));
        return { gateway, ...outcome };
      });
      // Sources to leave out: translate again without them (bounded; what is left is left out as Envoy resources).
      if (fresh.length > 0 && round < MAX_ROUNDS) {
        for (const f of fresh) leftOut.add(resourceKey(f.ref));
        refused.push(...fresh);
        input = without(resources, leftOut);
        continue;
      }
      const published: string[] = [];
      const held: Record<string, string[]> = {};
      for (const o of outcomes) {
        refused.push(...o.refusals.filter((f) => f.scope !== 'source' || !leftOut.has(resourceKey(f.ref))));
        if (o.held) {
          held[o.gateway] = o.held;
          continue;
        }
        this.previous.set(o.gateway, o.snapshot);
        this.cache.setSnapshot(o.gateway, o.snapshot);
        published.push(o.gateway);
      }
      for (const gone of this.cache.nodeGroups()) {
        if (!(gone in translation.gateways)) {
          this.cache.clearSnapshot(gone);
          this.previous.delete(gone);
        }
      }
      return { translation, published, held, refused: dedupe(refused), durationMs: performance.now() - started };
    }
  }

  /** One gateway's snapshot with what cannot be served left out, and why. */
  private build(
    gateway: string,
    gx: GatewayXds,
    nacked: Array<{ typeUrl: string; name: string }>,
    reports: () => ReadonlyMap<string, ResourceReport>,
  ): { snapshot: Snapshot; refusals: EnvoyRefusal[]; held?: string[] } {
    const [ns = '', name = ''] = gateway.split('/');
    const gatewayRef: ResourceRef = { kind: 'Gateway', namespace: ns, name };
    let input = withoutEnvoy(gx.resources, nacked);
    const refusals: EnvoyRefusal[] = [];
    const previous = this.previous.get(gateway);
    const built = Snapshot.build(input, this.encoder, previous);
    const { failures } = built;
    let snapshot = built.snapshot;
    // The common case: everything encodes and is consistent (checkConsistency skips what it checked before).
    if (failures.length === 0 && checkConsistency(snapshot, previous).length === 0) return { snapshot, refusals };
    const problems: EnvoyProblem[] = failures.map((f) => ({ typeUrl: f.typeUrl, name: f.name, ...splitEncodeMessage(f.message), check: 'encoding' }));
    const failed = failures.map(({ typeUrl, name }) => ({ typeUrl, name }));
    problems.push(...danglingReferences(withoutEnvoy(input, failed)));
    const gone: Array<{ typeUrl: string; name: string }> = [...failed];
    for (const p of problems) {
      const rs = refusalsFor(gateway, gatewayRef, gx.provenance, p, input[p.typeUrl]?.[p.name], reports());
      refusals.push(...rs);
      if (rs.some((r) => r.scope === 'envoy-resource')) gone.push({ typeUrl: p.typeUrl, name: p.name });
    }
    if (gone.length > failed.length) {
      input = withoutEnvoy(input, gone);
      // Listeners naming what is left out go too (a Gateway's own resource: nothing else to blame).
      for (let dangling = danglingListeners(input); dangling.length; dangling = danglingListeners(input))
        input = withoutEnvoy(
          input,
          dangling.map((n) => ({ typeUrl: LISTENER_TYPE, name: n })),
        );
      ({ snapshot } = Snapshot.build(input, this.encoder, previous));
    }
    const inconsistent = checkConsistency(snapshot, previous);
    if (inconsistent.length === 0) return { snapshot, refusals };
    const held = inconsistent.map((why) => ({
      gateway,
      ref: gatewayRef,
      scope: 'held' as const,
      typeUrl: LISTENER_TYPE,
      envoyName: '*',
      path: '(snapshot)',
      why,
      check: 'consistency' as const,
      plugins: [],
      reason: 'InvalidEnvoyConfig' as const,
      message: `${describeRef(gatewayRef)}: keeps its previous configuration: the new one fails the consistency check: ${why}`,
    }));
    return { snapshot, refusals: [...refusals, ...held], held: [...refusals.map((r) => r.message), ...inconsistent] };
  }
}
