// Virtual hosts of one route table (an HTTP Envoy listener, or one HTTPS Gateway listener), kept up to date route by
// route: a change rebuilds only the virtual hosts whose hostname it touches.
import type { VirtualHostIR } from '@gatehouse/ir';
import { compareDomains, hostnameApplies } from './hostnames.js';
import { compareRoutes, type RankedRoute } from './precedence.js';

/** A ranked route with what the caller built for it (its Envoy message). */
export interface Ranked<P> extends RankedRoute {
  payload: P;
}

export interface BuiltVirtualHost<P, V> {
  ir: VirtualHostIR;
  /** Its routes in precedence order, each once. */
  ranked: Array<Ranked<P>>;
  /** What the caller built from it (its Envoy message). */
  value: V;
}

export interface VirtualHostChange<P, V> {
  domain: string;
  before?: BuiltVirtualHost<P, V>;
  after?: BuiltVirtualHost<P, V>;
}

const isPattern = (h: string) => h === '*' || h.startsWith('*.');

export class VirtualHostTable<P, V> {
  /** hostname → owner (a route's key) → its ranked routes under that hostname. */
  private readonly byHostname = new Map<string, Map<string, Array<Ranked<P>>>>();
  /** Hostnames that apply to other domains too: wildcards and `*`. */
  private readonly patterns = new Set<string>();
  private readonly built = new Map<string, BuiltVirtualHost<P, V>>();
  private readonly dirty = new Set<string>();
  private order: string[] = [];

  add(owner: string, entries: ReadonlyArray<Ranked<P>>): void {
    for (const e of entries) {
      let owners = this.byHostname.get(e.hostname);
      if (!owners) {
        this.byHostname.set(e.hostname, (owners = new Map()));
        if (isPattern(e.hostname)) this.patterns.add(e.hostname);
      }
      let list = owners.get(owner);
      if (!list) owners.set(owner, (list = []));
      list.push(e);
      this.dirty.add(e.hostname);
    }
  }

  remove(owner: string, hostnames: Iterable<string>): void {
    for (const h of hostnames) {
      const owners = this.byHostname.get(h);
      if (!owners?.delete(owner)) continue;
      this.dirty.add(h);
      if (owners.size === 0) {
        this.byHostname.delete(h);
        this.patterns.delete(h);
      }
    }
  }

  /**
   * One virtual host per distinct hostname, holding every route whose hostname applies to it (so a request for
   * `a.example.com` still reaches routes attached under `*.example.com` or `*` when nothing more specific matches).
   * Rebuilds those touched since the last call; `make` builds each one's value. Returns what changed.
   */
  rebuild(make: (ir: VirtualHostIR, ranked: Array<Ranked<P>>) => V): Array<VirtualHostChange<P, V>> {
    if (this.dirty.size === 0) return [];
    const domains = new Set<string>();
    for (const h of this.dirty) {
      domains.add(h);
      if (isPattern(h)) for (const d of this.byHostname.keys()) if (hostnameApplies(h, d)) domains.add(d);
    }
    this.dirty.clear();
    const changes: Array<VirtualHostChange<P, V>> = [];
    let reorder = false;
    for (const domain of domains) {
      const own = this.byHostname.get(domain);
      const before = this.built.get(domain);
      if (!own) {
        if (before) {
          this.built.delete(domain);
          changes.push({ domain, before });
          reorder = true;
        }
        continue;
      }
      if (!before) reorder = true;
      const candidates: Array<Ranked<P>> = [];
      for (const list of own.values()) candidates.push(...list);
      for (const p of this.patterns) {
        if (p === domain || !hostnameApplies(p, domain)) continue;
        for (const list of this.byHostname.get(p)!.values()) candidates.push(...list);
      }
      candidates.sort(compareRoutes);
      const seen = new Set<unknown>();
      const ranked = candidates.filter((c) => !seen.has(c.route) && seen.add(c.route));
      const ir: VirtualHostIR = { name: domain === '*' ? 'catch-all' : domain, domains: [domain], routes: ranked.map((r) => r.route), policies: {} };
      const after = { ir, ranked, value: make(ir, ranked) };
      this.built.set(domain, after);
      changes.push({ domain, ...(before ? { before } : {}), after });
    }
    if (reorder) this.order = [...this.built.keys()].sort(compareDomains);
    return changes;
  }

  /** The virtual hosts in a deterministic order: exact names, then wildcards (longest first), then `*`. */
  virtualHosts(): Array<BuiltVirtualHost<P, V>> {
    return this.order.map((d) => this.built.get(d)!);
  }
}
