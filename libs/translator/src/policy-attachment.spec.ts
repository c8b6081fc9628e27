// Policy attachment: which policy is effective where (rule > route > listener > gateway), conflicts within a target
// (oldest, then namespace/name wins), and the status each policy gets per ancestor Gateway.
import { describe, expect, it } from 'vitest';
import { resourceKey, type KubeObject, type ResourceSnapshot, type StoredResource } from '@gatehouse/api';
import type { HttpListenerIR, RouteIR, VirtualHostIR } from '@gatehouse/ir';
import { acceptedClasses, processGateways } from './gateways.js';
import { PolicyAttachment, policyKinds } from './policy-attachment.js';
import { ReportBook } from './report-book.js';

const GW = 'gateway.networking.k8s.io';
const KINDS = [{ group: 'policies.example.com', kind: 'HeaderPolicy' }];
const KEY = 'HeaderPolicy.policies.example.com';

function snapshot(objects: KubeObject[], created: Record<string, string> = {}): ResourceSnapshot {
  const resources = new Map<string, StoredResource>();
  for (const o of objects) {
    const ref = { kind: o.kind, namespace: o.kind === 'GatewayClass' ? '' : (o.metadata.namespace ?? 'default'), name: o.metadata.name };
    const key = resourceKey(ref);
    resources.set(key, { key, ref, object: o, origin: { source: 'inline' }, createdAt: created[key] ?? '2026-01-01T00:00:00Z' });
  }
  return { resources, problems: [] };
}

const base: KubeObject[] = [
  { apiVersion: `${GW}/v1`, kind: 'GatewayClass', metadata: { name: 'gh' }, spec: { controllerName: 'gatehouse.dev/gateway-controller' } },
  {
    apiVersion: `${GW}/v1`,
    kind: 'Gateway',
    metadata: { name: 'gw', namespace: 'default' },
    spec: {
      gatewayClassName: 'gh',
      listeners: [
        { name: 'http', port: 8080, protocol: 'HTTP' },
        { name: 'admin', port: 8080, protocol: 'HTTP', hostname: 'admin.test' },
      ],
    },
  },
  {
    apiVersion: `${GW}/v1`,
    kind: 'HTTPRoute',
    metadata: { name: 'app', namespace: 'default' },
    spec: { parentRefs: [{ name: 'gw' }], rules: [{ name: 'api' }, { name: 'web' }] },
  },
];
const policy = (name: string, targetRefs: Array<Record<string, string>>, value = name): KubeObject => ({
  apiVersion: 'policies.example.com/v1alpha1',
  kind: 'HeaderPolicy',
  metadata: { name, namespace: 'default', generation: 2 },
  spec: { targetRefs: targetRefs.map((t) => ({ group: GW, ...t })), headers: [{ name: 'x-policy', value }] },
});

function resolve(objects: KubeObject[], created?: Record<string, string>) {
  const s = snapshot([...base, ...objects], created);
  const book = new ReportBook();
  const gateways = processGateways(s, book, acceptedClasses(s, book), { defaultBindAddress: '0.0.0.0' });
  const attached = PolicyAttachment.resolve(s, KINDS, gateways, book);
  const reports = new Map(
    book
      .finish()
      .filter((r) => r.ref.kind === 'HeaderPolicy')
      .map((r) => [r.ref.name, r]),
  );
  return { attached, gw: gateways[0]!, reports };
}

const route = (ruleIndex: number): RouteIR => ({
  name: `default/app/rule/${ruleIndex}/match/0`,
  source: { kind: 'HTTPRoute', namespace: 'default', name: 'app' },
  ruleIndex,
  matchIndex: 0,
  match: { path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [] },
  action: { kind: 'direct', status: 200 },
  filters: [],
  policies: {},
});
const winner = (node: { policies: Record<string, unknown> }) => {
  const p = node.policies[KEY] as { source: { name: string }; scope: string; merged: Array<{ source: { name: string }; scope: string }> } | undefined;
  return p && `${p.source.name}@${p.scope} [${p.merged.map((m) => `${m.source.name}@${m.scope}`).join(' ')}]`;
};

describe('PolicyAttachment', () => {
  it("reads group and kind of policy kinds from the plugins' CRDs", () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'x' },
      spec: { group: 'policies.example.com', names: { kind: 'HeaderPolicy' } },
    };
    expect(
      policyKinds([
        {
          kinds: [
            { crd, attach: 'targetRefs' },
            { crd: { ...crd, spec: { group: 'f.example.com', names: { kind: 'Filter' } } }, attach: 'extensionRef' },
          ],
        },
        {},
      ]),
    ).toEqual(KINDS);
  });

  it('the most specific scope wins: rule > route > listener > gateway, every applying scope in merged', () => {
    const { attached, gw } = resolve([
      policy('on-gateway', [{ kind: 'Gateway', name: 'gw' }]),
      policy('on-listener', [{ kind: 'Gateway', name: 'gw', sectionName: 'admin' }]),
      policy('on-route', [{ kind: 'HTTPRoute', name: 'app' }]),
      policy('on-rule', [{ kind: 'HTTPRoute', name: 'app', sectionName: 'web' }]),
    ]);
    const [http, admin] = [gw.slots.find((s) => s.listener.name === 'http')!, gw.slots.find((s) => s.listener.name === 'admin')!];
    expect(winner(attached.route(route(1), admin))).toBe('on-rule@rule [on-rule@rule on-route@route on-listener@listener on-gateway@gateway]');
    expect(winner(attached.route(route(0), admin))).toBe('on-route@route [on-route@route on-listener@listener on-gateway@gateway]');
    expect(winner(attached.route(route(0), http))).toBe('on-route@route [on-route@route on-gateway@gateway]');
    // The same route through the same listener twice: the same object (hooks and tables see one route).
    const r0 = route(0);
    expect(attached.route(r0, http)).toBe(attached.route(r0, http));

    const vhost = (domain: string): VirtualHostIR => ({ name: domain, domains: [domain], routes: [], policies: {} });
    expect(winner(attached.virtualHost(vhost('admin.test'), gw, 'http-8080'))).toBe('on-listener@listener [on-listener@listener on-gateway@gateway]');
    expect(winner(attached.virtualHost(vhost('www.test'), gw, 'http-8080'))).toBe('on-gateway@gateway [on-gateway@gateway]');
    const listener: HttpListenerIR = {
      name: 'http-8080',
      protocol: 'HTTP',
      address: '0.0.0.0',
      port: 8080,
      sectionNames: ['http', 'admin'],
      virtualHosts: [],
      policies: {},
    };
    // The Envoy listener merges "http" and "admin": a policy on "admin" alone stays on admin's virtual hosts.
    expect(winner(attached.listener(listener, gw))).toBe('on-gateway@gateway [on-gateway@gateway]');
    const both = resolve([
      policy('on-both', [
        { kind: 'Gateway', name: 'gw', sectionName: 'http' },
        { kind: 'Gateway', name: 'gw', sectionName: 'admin' },
      ]),
    ]);
    expect(winner(both.attached.listener(listener, both.gw))).toBe('on-both@listener [on-both@listener]');
  });

  it('a ListenerSet target applies to routes attached through its listeners (listener scope), its Gateway the ancestor', () => {
    const gwWithSets: KubeObject = { ...base[1]!, spec: { ...(base[1]!['spec'] as object), allowedListeners: { namespaces: { from: 'Same' } } } };
    const set: KubeObject = {
      apiVersion: `${GW}/v1`,
      kind: 'ListenerSet',
      metadata: { name: 'team', namespace: 'default' },
      spec: { parentRef: { name: 'gw' }, listeners: [{ name: 'team', port: 8080, protocol: 'HTTP', hostname: 'team.test' }] },
    };
    const s = snapshot([base[0]!, gwWithSets, set, policy('on-set', [{ kind: 'ListenerSet', name: 'team' }])]);
    const book = new ReportBook();
    const [gw] = processGateways(s, book, acceptedClasses(s, book), { defaultBindAddress: '0.0.0.0' });
    const attached = PolicyAttachment.resolve(s, KINDS, [gw!], book);
    const teamSlot = gw!.slots.find((x) => x.owner.kind === 'ListenerSet')!;
    expect(winner(attached.route(route(0), teamSlot))).toBe('on-set@listener [on-set@listener]');
    expect(attached.route(route(0), gw!.slots[0]!).policies).toEqual({});
    expect(book.finish().find((r) => r.ref.name === 'on-set')).toMatchObject({
      state: 'accepted',
      ancestors: [{ ancestorRef: { kind: 'Gateway', name: 'gw' } }],
    });
  });

  it('no policy: nodes stay the very same objects', () => {
    const { attached, gw } = resolve([]);
    const r = route(0);
    expect(attached.route(r, gw.slots[0]!)).toBe(r);
  });

  it('within one target the oldest wins, then namespace/name; the others are Conflicted on their ancestor', () => {
    const { attached, gw, reports } = resolve(
      [
        policy('b-old', [{ kind: 'Gateway', name: 'gw' }]),
        policy('a-new', [{ kind: 'Gateway', name: 'gw' }]),
        policy('c-old', [{ kind: 'Gateway', name: 'gw' }]),
      ],
      { 'HeaderPolicy/default/a-new': '2026-02-01T00:00:00Z' },
    );
    expect(winner(attached.route(route(0), gw.slots[0]!))).toBe('b-old@gateway [b-old@gateway]');
    expect(reports.get('b-old')).toMatchObject({
      state: 'accepted',
      ancestors: [
        {
          ancestorRef: { group: GW, kind: 'Gateway', namespace: 'default', name: 'gw' },
          conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', observedGeneration: 2 }],
        },
      ],
    });
    for (const loser of ['a-new', 'c-old']) {
      expect(reports.get(loser)).toMatchObject({
        state: 'rejected',
        messages: [
          'HeaderPolicy default/' +
            loser +
            ': spec.targetRefs[0]: HeaderPolicy default/b-old applies to the same target and takes precedence (older, or first by namespace/name)',
        ],
        ancestors: [{ ancestorRef: { name: 'gw' }, conditions: [{ type: 'Accepted', status: 'False', reason: 'Conflicted' }] }],
      });
    }
  });

  it('a target that is not there: TargetNotFound with the field path; an unsupported kind: Invalid', () => {
    const { reports } = resolve([
      policy('no-gw', [{ kind: 'Gateway', name: 'nope' }]),
      policy('no-listener', [{ kind: 'Gateway', name: 'gw', sectionName: 'nope' }]),
      policy('no-rule', [
        { kind: 'HTTPRoute', name: 'app', sectionName: 'nope' },
        { kind: 'HTTPRoute', name: 'app' },
      ]),
      policy('service', [{ kind: 'Service', name: 'svc' }]),
    ]);
    expect(reports.get('no-gw')).toMatchObject({
      state: 'rejected',
      messages: ['HeaderPolicy default/no-gw: spec.targetRefs[0]: Gateway default/nope not found (or not a Gateway Gatehouse serves)'],
      ancestors: [{ ancestorRef: { kind: 'Gateway', name: 'nope' }, conditions: [{ status: 'False', reason: 'TargetNotFound' }] }],
    });
    expect(reports.get('no-listener')).toMatchObject({
      state: 'rejected',
      ancestors: [
        {
          ancestorRef: { name: 'gw' },
          conditions: [{ status: 'False', reason: 'TargetNotFound', message: 'spec.targetRefs[0]: Gateway default/gw has no listener named "nope"' }],
        },
      ],
    });
    // One target found, one not: accepted on the Gateway, the missing rule is a warning naming the field.
    expect(reports.get('no-rule')).toMatchObject({
      state: 'warning',
      messages: ['HeaderPolicy default/no-rule: spec.targetRefs[0]: HTTPRoute default/app has no rule named "nope"'],
      ancestors: [{ ancestorRef: { name: 'gw' }, conditions: [{ status: 'True', reason: 'Accepted' }] }],
    });
    expect(reports.get('service')).toMatchObject({
      state: 'rejected',
      conditions: [{ type: 'Accepted', status: 'False', reason: 'Invalid' }],
      messages: [expect.stringContaining('spec.targetRefs[0]: gateway.networking.k8s.io/Service is not a kind policies attach to')],
    });
  });
});
