// A policy's status (Gateway API PolicyAncestorStatus): one entry per ancestor Gateway, Accepted when the policy
// applies to at least one of its targets under that Gateway, else Conflicted (another policy won) or TargetNotFound.
// Targets that name nothing usable also become messages on the policy's report, with the field path.
import { CONTROLLER_NAME, GATEWAY_GROUP, describeRef, type ResourceRef } from '@gatehouse/api';
import type { PolicyAncestorReport } from '@gatehouse/plugin-sdk';
import { cond, type ReportBook } from './report-book.js';

/** What became of one targetRef of a policy. */
export type Outcome =
  | { kind: 'ok'; at: string; ancestor: ResourceRef }
  | { kind: 'conflicted' | 'notfound'; at: string; ancestor: ResourceRef; message: string }
  | { kind: 'invalid' | 'unattached'; at: string; message: string };

const REASON = { conflicted: 'Conflicted', notfound: 'TargetNotFound', invalid: 'Invalid', unattached: 'TargetNotFound' } as const;
/** Most ancestors one policy reports (the CRDs' bound on status.ancestors). */
const MAX_ANCESTORS = 16;

export function recordPolicyStatus(book: ReportBook, ref: ResourceRef, generation: number | undefined, outcomes: readonly Outcome[]): void {
  const entry = book.entry(ref, generation);
  const byAncestor = new Map<string, { ref: ResourceRef; list: Outcome[] }>();
  for (const o of outcomes) {
    if (!('ancestor' in o)) continue;
    const key = `${o.ancestor.namespace}/${o.ancestor.name}/${o.ancestor.kind}`;
    const a = byAncestor.get(key) ?? { ref: o.ancestor, list: [] };
    a.list.push(o);
    byAncestor.set(key, a);
  }
  const ancestors: PolicyAncestorReport[] = [];
  for (const key of [...byAncestor.keys()].sort()) {
    const { ref: anc, list } = byAncestor.get(key)!;
    const bad = list.find((o) => o.kind === 'conflicted') ?? list.find((o) => o.kind === 'notfound');
    const condition =
      list.some((o) => o.kind === 'ok') || !bad || !('message' in bad)
        ? cond('Accepted', true, 'Accepted', '', generation)
        : cond('Accepted', false, REASON[bad.kind as 'conflicted' | 'notfound'], `${bad.at}: ${bad.message}`, generation);
    ancestors.push({
      ancestorRef: { group: GATEWAY_GROUP, kind: anc.kind, namespace: anc.namespace, name: anc.name },
      controllerName: CONTROLLER_NAME,
      conditions: [condition],
    });
  }
  entry.ancestors = ancestors.slice(0, MAX_ANCESTORS);
  const applies = outcomes.some((o) => o.kind === 'ok');
  for (const o of outcomes) {
    if (o.kind === 'ok') continue;
    const message = `${describeRef(ref)}: ${o.at}: ${o.message}`;
    if (applies) book.warn(ref, REASON[o.kind], message);
    else book.reject(ref, REASON[o.kind], message);
  }
  if (!applies) {
    const first = outcomes.find((o) => o.kind !== 'ok');
    const reason = first ? REASON[first.kind as keyof typeof REASON] : 'TargetNotFound';
    book.condition(ref, cond('Accepted', false, reason, first && 'message' in first ? `${first.at}: ${first.message}` : 'it applies to nothing', generation));
  }
}
