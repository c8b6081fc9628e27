import { describe, expect, it } from 'vitest';
import { CONTROLLER_NAME, type Condition } from '@gatehouse/api';
import type { ResourceReport } from '@gatehouse/plugin-sdk';
import { desiredStatus } from './desired-status.js';

const c = (type: string, ok: boolean, reason = type): Condition => ({ type, status: ok ? 'True' : 'False', reason, message: '' });
const route = (conditions: Condition[], extra: Condition[] = []): ResourceReport => ({
  ref: { kind: 'HTTPRoute', namespace: 'default', name: 'r' },
  state: 'accepted',
  messages: [],
  conditions: extra,
  parents: [
    { parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'default', name: 'gw' }, controllerName: CONTROLLER_NAME, conditions },
  ],
});

describe('desired status', () => {
  it('keeps lastTransitionTime while a condition holds and stamps observedGeneration', () => {
    const first = desiredStatus(route([c('Accepted', true), c('ResolvedRefs', true)]), undefined, { now: 't1', generation: 1 })!;
    const again = desiredStatus(route([c('Accepted', true), c('ResolvedRefs', false, 'BackendNotFound')]), first, { now: 't2', generation: 2 })!;
    const conds = (again['parents'] as Array<{ conditions: Array<{ type: string; lastTransitionTime: string; observedGeneration: number }> }>)[0]!.conditions;
    expect(conds.find((x) => x.type === 'Accepted')).toMatchObject({ lastTransitionTime: 't1', observedGeneration: 2 });
    expect(conds.find((x) => x.type === 'ResolvedRefs')).toMatchObject({ lastTransitionTime: 't2', observedGeneration: 2 });
  });

  it("leaves other controllers' parent entries alone and replaces its own", () => {
    const theirs = { parentRef: { name: 'other' }, controllerName: 'example.com/other', conditions: [{ type: 'Accepted', status: 'True' }] };
    const current = {
      parents: [
        theirs,
        {
          parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'default', name: 'gw' },
          controllerName: CONTROLLER_NAME,
          conditions: [],
        },
      ],
    };
    const next = desiredStatus(route([c('Accepted', true)], [c('gatehouse.dev/Programmed', false, 'RejectedByEnvoy')]), current, { now: 't', generation: 1 })!;
    const parents = next['parents'] as Array<{ controllerName: string; conditions: Array<{ type: string }> }>;
    expect(parents).toHaveLength(2);
    expect(parents[0]).toBe(theirs);
    expect(parents[1]!.conditions.map((x) => x.type)).toEqual(['Accepted', 'gatehouse.dev/Programmed']);
  });

  it('writes a Gateway with addresses and listeners, and a GatewayClass with SupportedVersion', () => {
    const gw: ResourceReport = {
      ref: { kind: 'Gateway', namespace: 'default', name: 'gw' },
      state: 'accepted',
      messages: [],
      conditions: [c('Accepted', true), c('Programmed', true)],
      listeners: [
        { name: 'http', attachedRoutes: 2, supportedKinds: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }], conditions: [c('Accepted', true)] },
      ],
    };
    expect(desiredStatus(gw, undefined, { now: 't', generation: 3, addresses: [{ type: 'IPAddress', value: '10.0.0.1' }] })).toMatchObject({
      addresses: [{ type: 'IPAddress', value: '10.0.0.1' }],
      listeners: [{ name: 'http', attachedRoutes: 2 }],
    });
    const gc: ResourceReport = { ref: { kind: 'GatewayClass', namespace: '', name: 'gc' }, state: 'accepted', messages: [], conditions: [c('Accepted', true)] };
    const s = desiredStatus(gc, undefined, { now: 't', bundleVersion: 'v1.7.0', supportedVersions: ['v1.7.0'] })!;
    expect((s['conditions'] as Condition[]).map((x) => `${x.type}=${x.status}`)).toEqual(['Accepted=True', 'SupportedVersion=True']);
    expect(desiredStatus({ ...gc, ref: { kind: 'Service', namespace: 'default', name: 's' } }, undefined, { now: 't' })).toBeUndefined();
  });

  it('writes ListenerSet listeners, Gateway attachedListenerSets and BackendTLSPolicy ancestors', () => {
    const ls: ResourceReport = {
      ref: { kind: 'ListenerSet', namespace: 'team', name: 'a' },
      state: 'accepted',
      messages: [],
      conditions: [c('Accepted', true)],
      listeners: [{ name: 'https', attachedRoutes: 1, supportedKinds: [], conditions: [c('Conflicted', false, 'NoConflicts')] }],
    };
    expect(desiredStatus(ls, undefined, { now: 't', generation: 1 })).toMatchObject({
      conditions: [{ type: 'Accepted' }],
      listeners: [{ name: 'https', attachedRoutes: 1 }],
    });
    const gw: ResourceReport = {
      ref: { kind: 'Gateway', namespace: 'default', name: 'gw' },
      state: 'accepted',
      messages: [],
      conditions: [],
      attachedListenerSets: 2,
    };
    expect(desiredStatus(gw, undefined, { now: 't' })).toMatchObject({ attachedListenerSets: 2 });
    const theirs = { ancestorRef: { name: 'x' }, controllerName: 'example.com/other', conditions: [] };
    const policy: ResourceReport = {
      ref: { kind: 'BackendTLSPolicy', namespace: 'default', name: 'p' },
      state: 'accepted',
      messages: [],
      conditions: [],
      ancestors: [
        {
          ancestorRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'default', name: 'gw' },
          controllerName: CONTROLLER_NAME,
          conditions: [c('Accepted', true)],
        },
      ],
    };
    const s = desiredStatus(policy, { ancestors: [theirs] }, { now: 't', generation: 4 })!;
    const ancestors = s['ancestors'] as Array<{ controllerName: string; conditions: Array<{ observedGeneration?: number }> }>;
    expect(ancestors[0]).toBe(theirs);
    expect(ancestors[1]).toMatchObject({ controllerName: CONTROLLER_NAME, conditions: [{ type: 'Accepted', observedGeneration: 4 }] });
  });

  it("keeps other controllers' conditions on a Gateway and drops its own stale ones", () => {
    const gw: ResourceReport = {
      ref: { kind: 'Gateway', namespace: 'default', name: 'gw' },
      state: 'accepted',
      messages: [],
      conditions: [c('Accepted', true), c('Programmed', true)],
    };
    const current = {
      conditions: [
        { type: 'example.com/Healthy', status: 'True', reason: 'Fine', message: '', lastTransitionTime: 't0' },
        { type: 'gatehouse.dev/Programmed', status: 'False', reason: 'RejectedByEnvoy', message: '', lastTransitionTime: 't0' },
      ],
    };
    const s = desiredStatus(gw, current, { now: 't1', generation: 1 })!;
    expect((s['conditions'] as Condition[]).map((x) => x.type)).toEqual(['Accepted', 'Programmed', 'example.com/Healthy']);
  });

  it("keeps other controllers' conditions on a Gateway's listeners too, and drops its own stale ones there", () => {
    const gw: ResourceReport = {
      ref: { kind: 'Gateway', namespace: 'default', name: 'gw' },
      state: 'accepted',
      messages: [],
      conditions: [c('Accepted', true)],
      listeners: [{ name: 'http', attachedRoutes: 0, supportedKinds: [], conditions: [c('Accepted', true), c('Programmed', true)] }],
    };
    const foreign = { type: 'example.com/Stale', status: 'True', reason: 'Stale', message: '', lastTransitionTime: 't0', observedGeneration: 1 };
    const current = {
      listeners: [
        {
          name: 'http',
          conditions: [foreign, { type: 'ResolvedRefs', status: 'False', reason: 'InvalidCertificateRef', message: '', lastTransitionTime: 't0' }],
        },
        { name: 'gone', conditions: [foreign] },
      ],
    };
    const s = desiredStatus(gw, current, { now: 't1', generation: 2 })!;
    const listeners = s['listeners'] as Array<{ name: string; conditions: Array<Record<string, unknown>> }>;
    expect(listeners.map((l) => l.name)).toEqual(['http']);
    expect(listeners[0]!.conditions.map((x) => x['type'])).toEqual(['Accepted', 'Programmed', 'example.com/Stale']);
    expect(listeners[0]!.conditions[2]).toEqual(foreign);
  });
});
