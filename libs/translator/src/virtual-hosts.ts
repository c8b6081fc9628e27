// Virtual hosts of one route table (an HTTP Envoy listener, or one HTTPS Gateway listener), kept up to date route by
// route: a change rebuilds only the virtual hosts whose hostname it touches.
import type { VirtualHostIR } from '@gatehouse/ir';
import { compareDomains, hostnameApplies } from './hostnames.js';
import { compareRoutes, type RankedRoute } from './precedence.js';

/** A ranked route with what the caller built for it (its Envoy message). */
export interface Ranked<P> extends RankedRoute {
  payload: P;
  /** Set by the table: who added it. */
  owner?: string;
  /** The hostname of the listener it attached through (`*` for none): requests belong to one listener only. */
  listener?: string;
}

/**
 * The Gateway listeners a table serves: their hostnames (`*` for none), and for an HTTPS listener's own table, which
 * one it is (`self`): a request whose Host belongs to another listener on the port is misdirected (421).
 */
export interface TableListeners {
  hostnames: readonly string[];
  self?: string;
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
  /** Hostnames touched since the last rebuild, with the owners that touched them. */
  private readonly dirty = new Map<string, Set<string>>();
  private order: string[] = [];
  /** Listener hostnames: their virtual hosts exist even without routes (a request there must not fall through). */
  private readonly pinned = new Set<string>();
  private readonly owners = new Map<string, string | undefined>();

  /**
   * `listeners`: listener isolation — a route applies to a domain only when it attached through the listener whose
   * hostname is the most specific match for that domain; without, every route applies wherever its hostname does.
   */
  constructor(private readonly listeners?: TableListeners) {
    for (const h of listeners?.hostnames ?? []) {
      // `*` matters on an HTTPS listener's table only: a Host nothing more specific serves is misdirected there.
      if (h === '*' && listeners?.self === undefined) continue;
      this.pinned.add(h);
      this.dirty.set(h, new Set());
    }
  }

  /** The listener hostname a domain belongs to: the most specific one matching it. */
  private ownerOf(domain: string): string | undefined {
    if (this.owners.has(domain)) return this.owners.get(domain);
    let best: string | undefined;
    for (const h of this.listeners!.hostnames) if (hostnameApplies(h, domain) && (best === undefined || compareDomains(h, best) < 0)) best = h;
    this.owners.set(domain, best);
    return best;
  }
  add(owner: string, entries: ReadonlyArray<Ranked<P>>): void {
    for (const e of entries) {
      let owners = this.byHostname.get(e.hostname);
      if (!owners) {
        this.byHostname.set(e.hostname, (owners = new Map()));
        if (isPattern(e.hostname)) this.patterns.add(e.hostname);
      }
      let list = owners.get(owner);
      if (!list) owners.set(owner, (list = []));
      e.owner = owner;
      list.push(e);
      this.touch(e.hostname, owner);
    }
  }

  private touch(hostname: string, owner: string): void {
    let set = this.dirty.get(hostname);
    if (!set) this.dirty.set(hostname, (set = new Set()));
    set.add(owner);
  }

  remove(owner: string, hostnames: Iterable<string>): void {
    for (const h of hostnames) {
      const owners = this.byHostname.get(h);
      if (!owners?.delete(owner)) continue;
      this.touch(h, owner);
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
    // Each domain to redo, with the owners whose routes changed in it.
    const domains = new Map<string, Set<string>>();
    const mark = (domain: string, owners: Set<string>) => {
      const set = domains.get(domain);
      if (!set) domains.set(domain, new Set(owners));
      else for (const o of owners) set.add(o);
    };
    for (const [h, owners] of this.dirty) {
      mark(h, owners);
      if (isPattern(h)) {
        for (const d of this.byHostname.keys()) if (hostnameApplies(h, d)) mark(d, owners);
        for (const d of this.pinned) if (hostnameApplies(h, d)) mark(d, owners);
      }
    }
    this.dirty.clear();
    const changes: Array<VirtualHostChange<P, V>> = [];
    let reorder = false;
    for (const [domain, owners] of domains) {
      const own = this.byHostname.get(domain);
      const before = this.built.get(domain);
      if (!own && !this.pinned.has(domain)) {
        if (before) {
          this.built.delete(domain);
          changes.push({ domain, before });
          reorder = true;
        }
        continue;
      }
      if (!before) reorder = true;
      // A domain another HTTPS listener on the port serves: misdirected here, answered 421, no routes.
      const misdirected = this.listeners?.self !== undefined && this.ownerOf(domain) !== this.listeners.self;
      const ranked = misdirected ? [] : before ? this.patch(domain, before.ranked, owners) : this.rank(domain, null);
      const ir: VirtualHostIR = {
        name: domain === '*' ? 'catch-all' : domain,
        domains: [domain],
        routes: ranked.map((r) => r.route),
        policies: {},
        ...(misdirected ? { misdirected } : {}),
      };
      const after = { ir, ranked, value: make(ir, ranked) };
      this.built.set(domain, after);
      changes.push({ domain, ...(before ? { before } : {}), after });
    }
    if (reorder) this.order = [...this.built.keys()].sort(compareDomains);
    return changes;
  }

  /** The routes applying to `domain` (only `owners`' when given), in precedence order, each route once. */
  private rank(domain: string, owners: ReadonlySet<string> | null): Array<Ranked<P>> {
    const candidates: Array<Ranked<P>> = [];
    const collect = (byOwner: Map<string, Array<Ranked<P>>>) => {
      if (!owners) for (const list of byOwner.values()) candidates.push(...list);
      else for (const o of owners) candidates.push(...(byOwner.get(o) ?? []));
    };
    const own = this.byHostname.get(domain);
    if (own) collect(own);
    for (const p of this.patterns) if (p !== domain && hostnameApplies(p, domain)) collect(this.byHostname.get(p)!);
    candidates.sort(compareRoutes);
    const seen = new Set<unknown>();
    const owner = this.listeners ? this.ownerOf(domain) : undefined;
    return candidates.filter((c) => (!this.listeners || (c.listener ?? '*') === owner) && !seen.has(c.route) && seen.add(c.route));
  }

  /**
   * `before` with the changed owners' routes taken out and their current ones inserted in place: the same order a
   * full sort gives (precedence is a total order, and a route belongs to one owner), at the cost of a few compares.
   */
  private patch(domain: string, before: ReadonlyArray<Ranked<P>>, owners: ReadonlySet<string>): Array<Ranked<P>> {
    const out = before.filter((r) => !owners.has(r.owner!));
    for (const r of this.rank(domain, owners)) {
      let lo = 0;
      let hi = out.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (compareRoutes(out[mid]!, r) <= 0) lo = mid + 1;
        else hi = mid;
      }
      out.splice(lo, 0, r);
    }
    return out;
  }

  /** The virtual hosts in a deterministic order: exact names, then wildcards (longest first), then `*`. */
  virtualHosts(): Array<BuiltVirtualHost<P, V>> {
    return this.order.map((d) => this.built.get(d)!);
  }
}
