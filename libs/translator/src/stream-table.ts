// The routes attached to one Envoy stream listener (TLS, TCP or UDP), kept route by route; its filter chains are the
// winners: TCP/UDP — the oldest route (the spec's conflict rule: only it is bound); TLS — per SNI name, the listener
// with the most specific hostname, then the route whose own hostname is most specific, then the oldest route.
import type { StreamChainIR, StreamRouteIR } from '@gatehouse/ir';
import { hostnameApplies, hostnameSpecificity } from './hostnames.js';
import type { ListenerSlot } from './listener-slots.js';

export interface StreamEntry {
  slot: ListenerSlot;
  /** SNI names it serves on the slot (the route ∩ listener hostnames; `*` for any); `['*']` for TCP/UDP. */
  hostnames: string[];
  /** The route's own hostnames (TLSRoute), which rank routes meeting on one SNI name. */
  routeHostnames: readonly string[];
  stream: StreamRouteIR;
  createdAt: string;
}

export class StreamTable {
  private readonly byOwner = new Map<string, StreamEntry[]>();
  private built: StreamChainIR[] | undefined = [];
  private changes = 0;

  add(owner: string, entries: StreamEntry[]): void {
    this.byOwner.set(owner, [...(this.byOwner.get(owner) ?? []), ...entries]);
    this.built = undefined;
    this.changes++;
  }

  remove(owner: string): void {
    if (this.byOwner.delete(owner)) {
      this.built = undefined;
      this.changes++;
    }
  }

  /**
   * Counts changes to the table. A reader that must see every change compares it with the count it saw last: reading
   * chains() is no sign of having seen a change, since anything may read them (a plugin's view of the whole IR does).
   */
  get revision(): number {
    return this.changes;
  }

  chains(): StreamChainIR[] {
    return (this.built ??= this.compute());
  }

  private compute(): StreamChainIR[] {
    const candidates: Array<{ sni: string; e: StreamEntry }> = [];
    for (const list of this.byOwner.values()) for (const e of list) for (const sni of e.hostnames) candidates.push({ sni, e });
    const winners = new Map<string, { sni: string; e: StreamEntry }>();
    for (const c of candidates) {
      const prev = winners.get(c.sni);
      if (!prev || better(c, prev)) winners.set(c.sni, c);
    }
    return [...winners.values()]
      .sort((a, b) => hostnameSpecificity(b.sni) - hostnameSpecificity(a.sni) || (a.sni < b.sni ? -1 : a.sni > b.sni ? 1 : 0))
      .map(({ sni, e }) => {
        const tls = e.slot.listener.protocol === 'TLS';
        const chain: StreamChainIR = { name: tls ? `${e.slot.key}/${sni}` : e.slot.key, serverNames: tls && sni !== '*' ? [sni] : [], route: e.stream };
        if (tls && e.slot.listener.tls?.mode === 'Terminate') chain.secretNames = e.slot.secrets.map((s) => s.name);
        return chain;
      });
  }
}

/** Route hostname specificity for an SNI name: the most specific of the route's own hostnames that covers it. */
function routeSpecificity(e: StreamEntry, sni: string): number {
  let best = 0;
  for (const h of e.routeHostnames) if (hostnameApplies(h, sni)) best = Math.max(best, hostnameSpecificity(h));
  return best;
}

function better(a: { sni: string; e: StreamEntry }, b: { sni: string; e: StreamEntry }): boolean {
  const byListener = hostnameSpecificity(a.e.slot.listener.hostname ?? '*') - hostnameSpecificity(b.e.slot.listener.hostname ?? '*');
  if (byListener) return byListener > 0;
  const byRoute = routeSpecificity(a.e, a.sni) - routeSpecificity(b.e, b.sni);
  if (byRoute) return byRoute > 0;
  if (a.e.createdAt !== b.e.createdAt) return a.e.createdAt < b.e.createdAt;
  const ka = `${a.e.stream.source.namespace}/${a.e.stream.source.name}`;
  const kb = `${b.e.stream.source.namespace}/${b.e.stream.source.name}`;
  if (ka !== kb) return ka < kb;
  return a.e.stream.ruleIndex < b.e.stream.ruleIndex;
}
