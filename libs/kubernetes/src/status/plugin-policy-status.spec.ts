// A plugin policy kind's status is written like BackendTLSPolicy's: status.ancestors, one entry per ancestor Gateway,
// other controllers' entries kept, conditions with times and observedGeneration.
import { describe, expect, it } from 'vitest';
import { CONTROLLER_NAME } from '@gatehouse/api';
import type { ResourceReport } from '@gatehouse/plugin-sdk';
import { desiredStatus } from './desired-status.js';

const ancestor = (name: string, ok: boolean) => ({
  ancestorRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'default', name },
  controllerName: CONTROLLER_NAME,
  conditions: [
    {
      type: 'Accepted',
      status: ok ? ('True' as const) : ('False' as const),
      reason: ok ? 'Accepted' : 'TargetNotFound',
      message: ok ? '' : 'spec.targetRefs[0]: Gateway default/missing not found',
    },
  ],
});

describe('desiredStatus of a plugin policy kind', () => {
  it("writes status.ancestors, keeping another controller's entry", () => {
    const report: ResourceReport = {
      ref: { kind: 'HeaderPolicy', namespace: 'default', name: 'p' },
      state: 'warning',
      messages: [],
      conditions: [],
      ancestors: [ancestor('gw', true), ancestor('missing', false)],
    };
    const theirs = { ancestorRef: { name: 'other' }, controllerName: 'example.com/other', conditions: [] };
    const s = desiredStatus(report, { ancestors: [theirs] }, { now: '2026-01-01T00:00:00Z', generation: 3 })!;
    expect(s['ancestors']).toEqual([
      theirs,
      {
        ancestorRef: ancestor('gw', true).ancestorRef,
        controllerName: CONTROLLER_NAME,
        conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: '', lastTransitionTime: '2026-01-01T00:00:00Z', observedGeneration: 3 }],
      },
      {
        ancestorRef: ancestor('missing', false).ancestorRef,
        controllerName: CONTROLLER_NAME,
        conditions: [
          {
            type: 'Accepted',
            status: 'False',
            reason: 'TargetNotFound',
            message: 'spec.targetRefs[0]: Gateway default/missing not found',
            lastTransitionTime: '2026-01-01T00:00:00Z',
            observedGeneration: 3,
          },
        ],
      },
    ]);
  });

  it('writes nothing for a kind without ancestors that Gatehouse does not write status for', () => {
    expect(
      desiredStatus({ ref: { kind: 'Widget', namespace: 'default', name: 'w' }, state: 'accepted', messages: [], conditions: [] }, undefined, { now: 't' }),
    ).toBeUndefined();
  });
});
