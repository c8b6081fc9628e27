import { resourceKey, type Condition, type ResourceRef } from '@gatehouse/api';
import type { ListenerReport, PolicyAncestorReport, ReportSink, ResourceReport, RouteParentReport } from '@gatehouse/plugin-sdk';

interface Entry {
  ref: ResourceRef;
  generation?: number;
  rejected: boolean;
  warned: boolean;
  messages: string[];
  conditions: Condition[];
  parents?: RouteParentReport[];
  listeners?: ListenerReport[];
  attachedListenerSets?: number;
  ancestors?: PolicyAncestorReport[];
}

/** Collects what translation concluded about each resource (Contour's status cache: record here, write once). */
export class ReportBook implements ReportSink {
  private readonly entries = new Map<string, Entry>();

  entry(ref: ResourceRef, generation?: number): Entry {
    const key = resourceKey(ref);
    let e = this.entries.get(key);
    if (!e) {
      e = { ref, rejected: false, warned: false, messages: [], conditions: [] };
      this.entries.set(key, e);
    }
    if (generation !== undefined) e.generation = generation;
    return e;
  }

  reject(ref: ResourceRef, _reason: string, message: string): void {
    const e = this.entry(ref);
    e.rejected = true;
    if (!e.messages.includes(message)) e.messages.push(message);
  }

  warn(ref: ResourceRef, _reason: string, message: string): void {
    const e = this.entry(ref);
    e.warned = true;
    if (!e.messages.includes(message)) e.messages.push(message);
  }

  /** Sets (or replaces) a resource-level condition. */
  condition(ref: ResourceRef, c: Condition): void {
    const e = this.entry(ref);
    e.conditions = e.conditions.filter((x) => x.type !== c.type).concat(c);
  }

  /**
   * The reports of `books`, as if a single book had recorded everything in this order. Listener reports are copied
   * with `attachedRoutes` filled in (the books that count attachments are not the one holding listeners). With
   * `cache` (kept by the caller between calls), a resource whose contributing entries are the very same objects as
   * last time keeps its report object: unchanged reports can be skipped by identity downstream.
   */
  static reports(books: Iterable<ReportBook>, attachedRoutes: (l: ListenerReport) => number, cache?: Map<string, CachedReport>): ResourceReport[] {
    const byKey = new Map<string, Entry[]>();
    for (const book of books) {
      for (const [key, e] of book.entries) {
        const list = byKey.get(key);
        if (list) list.push(e);
        else byKey.set(key, [e]);
      }
    }
    const keys = [...byKey.keys()].sort();
    const seen = new Set<string>();
    const out = keys.map((key) => {
      const entries = byKey.get(key)!;
      const attached = entries.flatMap((e) => e.listeners?.map(attachedRoutes) ?? []);
      seen.add(key);
      const prev = cache?.get(key);
      if (prev && sameItems(prev.entries, entries) && sameItems(prev.attached, attached)) return prev.report;
      const one = new ReportBook();
      for (const e of entries) one.absorb(e, attachedRoutes);
      const report = toReport(one.entries.get(key)!);
      cache?.set(key, { entries, attached, report });
      return report;
    });
    if (cache) for (const key of cache.keys()) if (!seen.has(key)) cache.delete(key);
    return out;
  }

  private absorb(e: Entry, attachedRoutes: (l: ListenerReport) => number): void {
    const m = this.entry(e.ref, e.generation);
    m.rejected ||= e.rejected;
    m.warned ||= e.warned;
    for (const msg of e.messages) if (!m.messages.includes(msg)) m.messages.push(msg);
    for (const c of e.conditions) m.conditions = m.conditions.filter((x) => x.type !== c.type).concat(c);
    if (e.parents) m.parents = e.parents;
    if (e.listeners) m.listeners = e.listeners.map((l) => ({ ...l, attachedRoutes: attachedRoutes(l) }));
    if (e.attachedListenerSets !== undefined) m.attachedListenerSets = e.attachedListenerSets;
    // Ancestors come from every route using the policy: their union, one entry per ancestor, in order.
    if (e.ancestors) {
      const all = new Map((m.ancestors ?? []).map((a) => [ancestorKey(a), a]));
      for (const a of e.ancestors) if (!all.has(ancestorKey(a))) all.set(ancestorKey(a), a);
      m.ancestors = [...all.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, a]) => a);
    }
  }

  /** Final reports, sorted by key for deterministic output. */
  finish(): ResourceReport[] {
    return [...this.entries.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => toReport(e));
  }
}

/** What a report was made from, to tell next time whether it can be reused. */
export interface CachedReport {
  entries: readonly object[];
  attached: readonly number[];
  report: ResourceReport;
}

function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function toReport(e: Entry): ResourceReport {
  // A route is rejected when it has parents and none accepts it; one refusing parent of several is a warning.
  const parentRejected = !!e.parents?.length && !e.parents.some((p) => p.conditions.some((c) => c.type === 'Accepted' && c.status === 'True'));
  const condRejected = e.conditions.some((c) => (c.type === 'Accepted' || c.type === 'ResolvedRefs') && c.status === 'False');
  const rejected = e.rejected || parentRejected || condRejected;
  const partial = e.parents?.some((p) => p.conditions.some((c) => c.status === 'False'));
  const report: ResourceReport = {
    ref: e.ref,
    state: rejected ? 'rejected' : e.warned || partial ? 'warning' : 'accepted',
    messages: e.messages,
    conditions: e.conditions,
  };
  if (e.generation !== undefined) report.generation = e.generation;
  if (e.parents) report.parents = e.parents;
  if (e.listeners) report.listeners = e.listeners;
  if (e.attachedListenerSets !== undefined) report.attachedListenerSets = e.attachedListenerSets;
  if (e.ancestors) report.ancestors = e.ancestors;
  return report;
}

export function cond(type: string, ok: boolean, reason: string, message = '', observedGeneration?: number): Condition {
  const c: Condition = { type, status: ok ? 'True' : 'False', reason, message };
  if (observedGeneration !== undefined) c.observedGeneration = observedGeneration;
  return c;
}

function ancestorKey(a: PolicyAncestorReport): string {
  return `${a.ancestorRef.namespace}/${a.ancestorRef.name}`;
}
