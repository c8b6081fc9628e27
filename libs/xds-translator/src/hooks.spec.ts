import { describe, expect, it } from 'vitest';
import {
  NO_MEMO,
  type EnvoyMessage,
  type HttpListenerIR,
  type PluginContext,
  type ResourceRef,
  type RouteIR,
  type TranslatorPlugin,
} from '@gatehouse/plugin-sdk';
import { Hooks } from './hooks.js';
import type { HookRunner } from './hook-runner.js';

const source: ResourceRef = { kind: 'HTTPRoute', namespace: 'default', name: 'r' };
const gateway: ResourceRef = { kind: 'Gateway', namespace: 'default', name: 'gw' };
const route: RouteIR = {
  name: 'default/r/rule/0/match/0',
  source,
  ruleIndex: 0,
  matchIndex: 0,
  match: { path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [] },
  action: { kind: 'forward', backends: [{ clusterName: 'c', weight: 1, valid: true }] },
  filters: [],
  policies: {},
} as RouteIR;
const listener: HttpListenerIR = { name: 'http-80', protocol: 'HTTP', address: '0.0.0.0', port: 80, sectionNames: ['http'], virtualHosts: [], policies: {} };
const at = { port: 80, scheme: 'http' as const };

function context(): { ctx: PluginContext; rejected: string[] } {
  const rejected: string[] = [];
  return {
    ctx: {
      snapshot: { resources: new Map(), problems: [] },
      memo: NO_MEMO,
      reports: { reject: (_r, reason, message) => rejected.push(`${reason}: ${message}`), warn: () => {} },
    },
    rejected,
  };
}

describe('Hooks', () => {
  it('runs plugins by priority (lower first), ties in list order', () => {
    const order: string[] = [];
    const p = (name: string, priority?: number): TranslatorPlugin => ({
      name,
      ...(priority !== undefined ? { priority } : {}),
      route: () => void order.push(name),
    });
    new Hooks([p('a'), p('late', 10), p('early', -5), p('b'), p('b2', 0)]).route(context().ctx, route, at);
    expect(order).toEqual(['early', 'a', 'b', 'b2', 'late']);
  });

  it('orders HTTP filters of one stage and position by plugin priority before name', () => {
    const filter = (name: string) => ({ stage: 'authz' as const, filter: { name } });
    const plugins: TranslatorPlugin[] = [
      { name: 'first-listed', priority: 5, httpFilters: () => [filter('a-filter')] },
      { name: 'second-listed', priority: -1, httpFilters: () => [filter('z-filter')] },
    ];
    const built = new Hooks(plugins).listener(context().ctx, listener, gateway)!;
    const hcm = (built['filterChains'] as Array<{ filters: Array<{ typedConfig: { httpFilters: Array<{ name: string }> } }> }>)[0]!.filters[0]!.typedConfig;
    expect(hcm.httpFilters.map((f) => f.name)).toEqual(['z-filter', 'a-filter']);
  });

  it('lets the injected runner drop a hook over its budget, naming the plugin', () => {
    const overBudget: HookRunner = { run: (call, fn) => (fn(), call.plugin.name === 'slow' ? { tookMs: 300, budgetMs: 250 } : undefined) };
    const { ctx, rejected } = context();
    const hooks = new Hooks(
      [
        { name: 'fast', route: () => {} },
        { name: 'slow', route: () => {} },
      ],
      overBudget,
    );
    expect(hooks.route(ctx, route, at)).toBeNull();
    expect(rejected).toEqual([`PluginTimeout: HTTPRoute default/r: plugin "slow" took 300 ms on route ${route.name} (budget 250 ms); its output is dropped`]);
  });

  it('rejects the resource with the plugin error when a hook throws', () => {
    const { ctx, rejected } = context();
    expect(
      new Hooks([
        {
          name: 'bad',
          route: () => {
            throw new Error('boom');
          },
        },
      ]).route(ctx, route, at),
    ).toBeNull();
    expect(rejected).toEqual([`PluginError: HTTPRoute default/r: plugin "bad" failed on route ${route.name}: boom`]);
  });

  it('records which plugins shaped a message: writes and reaches into nested objects count, looking at nothing does not', () => {
    const plugins: TranslatorPlugin[] = [
      { name: 'idle', route: (_c, r) => void r.name },
      { name: 'writer', route: (_c, _r, out) => void (out['typedPerFilterConfig'] = { x: {} }) },
      { name: 'nested', route: (_c, _r, out) => void ((out['route'] as EnvoyMessage)['timeout'] = '5s') },
      { name: 'reader', route: (_c, _r, out) => void String(out['name']) },
    ];
    const hooks = new Hooks(plugins);
    const msg = hooks.route(context().ctx, route, at)!;
    expect(hooks.shapers.of(msg)).toEqual(['writer', 'nested']);
    expect((msg['route'] as EnvoyMessage)['timeout']).toBe('5s');
    expect(msg['typedPerFilterConfig']).toEqual({ x: {} });
  });

  it('records the plugins that add HTTP filters to a listener or generate a resource', () => {
    const plugins: TranslatorPlugin[] = [
      { name: 'none', httpFilters: () => [] },
      { name: 'adds', httpFilters: () => [{ stage: 'authz', filter: { name: 'f' } }] },
      {
        name: 'gen',
        resources: () => [{ typeUrl: 'type.googleapis.com/envoy.config.cluster.v3.Cluster', name: 'g', resource: { name: 'g' }, sources: [gateway] }],
      },
    ];
    const hooks = new Hooks(plugins);
    const { ctx } = context();
    expect(hooks.shapers.of(hooks.listener(ctx, listener, gateway)!)).toEqual(['adds']);
    const [g] = hooks.resources(ctx, { gateways: [], upstreams: {}, secrets: {} }, 'default/gw', gateway);
    expect(hooks.shapers.of(g!.resource)).toEqual(['gen']);
  });
});
