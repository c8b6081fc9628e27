// Translation → encoded, consistency-checked snapshots in the cache. The last good snapshot stays when a new one
// is inconsistent.
import { Translator, type Translation } from '@gatehouse/engine';
import type { ResourceSnapshot } from '@gatehouse/api';
import { createMemo, type TranslatorPlugin } from '@gatehouse/plugin-sdk';
import { Snapshot, checkConsistency, type SnapshotCache, type StrictEncoder } from '@gatehouse/xds';

export interface PublishResult {
  translation: Translation;
  published: string[];
  /** Problems that kept a gateway on its previous snapshot, by gateway. */
  held: Record<string, string[]>;
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
    this.translator = new Translator({ plugins, defaultBindAddress, memo: createMemo(), ...(hookBudgetMs !== undefined ? { hookBudgetMs } : {}), ...(addressUsable ? { addressUsable } : {}), ...(bindGatewayAddresses ? {} : { bindGatewayAddresses: false }) });
  }

  /** `exclude` names Envoy resources to leave out of a gateway's snapshot (quarantined by a NACK). */
  publish(resources: ResourceSnapshot, exclude: (gateway: string) => Array<{ typeUrl: string; name: string }> = () => []): PublishResult {
    const started = performance.now();
    const translation = this.translator.translate(resources);
    const published: string[] = [];
    const held: Record<string, string[]> = {};
    for (const [gateway, gx] of Object.entries(translation.gateways)) {
      const input: Record<string, Record<string, Record<string, unknown>>> = { ...gx.resources };
      for (const { typeUrl, name } of exclude(gateway)) {
        if (!input[typeUrl]?.[name]) continue;
        input[typeUrl] = { ...input[typeUrl] };
        delete input[typeUrl][name];
      }
      const { snapshot, failures } = Snapshot.build(input, this.encoder, this.previous.get(gateway));
      const problems = [...failures.map((f) => `${f.typeUrl.split('.').pop()} ${f.name}: ${f.message}`), ...checkConsistency(snapshot, this.previous.get(gateway))];
      if (problems.length > 0) {
        held[gateway] = problems;
        continue;
      }
      this.previous.set(gateway, snapshot);
      this.cache.setSnapshot(gateway, snapshot);
      published.push(gateway);
    }
    for (const gone of this.cache.nodeGroups()) {
      if (!(gone in translation.gateways)) {
        this.cache.clearSnapshot(gone);
        this.previous.delete(gone);
      }
    }
    return { translation, published, held, durationMs: performance.now() - started };
  }
}
