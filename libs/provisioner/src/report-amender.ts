// The provisioner's part of status, added to the translator's reports before the status writer sees them:
// InvalidParameters on a GatewayClass (and on its Gateways, or a Gateway whose own parametersRef is bad), and a new
// report object for a Gateway whose provisioned address changed (the writer skips a report it already wrote by
// identity; a copy makes it compare again). Same inputs → the same objects, so unchanged reports stay skipped.
import type { Condition } from '@gatehouse/api';
import type { ResourceReport } from '@gatehouse/plugin-sdk';
import type { Plan } from './plan.js';

export interface Address {
  type: string;
  value: string;
}

interface Memo {
  source: ResourceReport;
  signature: string;
  out: ResourceReport;
}

function replace(conditions: readonly Condition[], next: Condition[]): Condition[] {
  const types = new Set(next.map((c) => c.type));
  return [...next, ...conditions.filter((c) => !types.has(c.type))];
}

export class ReportAmender {
  private memo = new Map<string, Memo>();

  /** `addresses(gatewayKey)`: what the status writer will be told (undefined: not provisioned). */
  amend(reports: readonly ResourceReport[], plan: Plan | undefined, addresses: (gatewayKey: string) => readonly Address[] | undefined): ResourceReport[] {
    const next = new Map<string, Memo>();
    const out = reports.map((r) => {
      if (r.ref.kind !== 'GatewayClass' && r.ref.kind !== 'Gateway') return r;
      const key = r.ref.kind === 'Gateway' ? `${r.ref.namespace}/${r.ref.name}` : r.ref.name;
      const problem = r.ref.kind === 'GatewayClass' ? plan?.classes.get(key) : plan?.gateways.get(key)?.problem;
      const signature = JSON.stringify([problem ?? null, r.ref.kind === 'Gateway' ? (addresses(key) ?? null) : null]);
      const memoKey = `${r.ref.kind}/${key}`;
      const prev = this.memo.get(memoKey);
      const m = prev && prev.source === r && prev.signature === signature ? prev : { source: r, signature, out: this.apply(r, problem) };
      next.set(memoKey, m);
      return m.out;
    });
    this.memo = next;
    return out;
  }

  private apply(r: ResourceReport, problem: string | undefined): ResourceReport {
    if (!problem) return { ...r };
    const gen = r.generation;
    const at = gen !== undefined ? { observedGeneration: gen } : {};
    const conditions =
      r.ref.kind === 'GatewayClass'
        ? replace(r.conditions, [{ type: 'Accepted', status: 'False', reason: 'InvalidParameters', message: problem, ...at }])
        : replace(r.conditions, [
            { type: 'Accepted', status: 'False', reason: 'InvalidParameters', message: problem, ...at },
            { type: 'Programmed', status: 'False', reason: 'Invalid', message: 'the Gateway is not accepted', ...at },
          ]);
    return { ...r, state: 'rejected', conditions, messages: [...r.messages, problem] };
  }
}
