import { describe, expect, it } from 'vitest';
import type { ResourceReport } from '@gatehouse/plugin-sdk';
import { annotateRefusals, splitEncodeMessage, type EnvoyRefusal } from './envoy-refusals.js';

describe('splitEncodeMessage', () => {
  it.each([
    ['Cluster.name: expected a string, got number 7', 'Cluster.name', 'expected a string, got number 7'],
    [
      'RouteConfiguration.virtualHosts[1].routes[0].typedPerFilterConfig["a: b"]<CsrfPolicy>.filterEnabled: unknown field',
      'RouteConfiguration.virtualHosts[1].routes[0].typedPerFilterConfig["a: b"]<CsrfPolicy>.filterEnabled',
      'unknown field',
    ],
    [
      'Listener.filterChains[0].filters[0].typedConfig.@type: unknown message type x',
      'Listener.filterChains[0].filters[0].typedConfig.@type',
      'unknown message type x',
    ],
    ['something else went wrong', '(resource)', 'something else went wrong'],
  ])('%s', (message, path, why) => {
    expect(splitEncodeMessage(message)).toEqual({ path, why });
  });
});

describe('annotateRefusals', () => {
  const refusal = (over: Partial<EnvoyRefusal> = {}): EnvoyRefusal => ({
    gateway: 'default/gw',
    ref: { kind: 'HTTPRoute', namespace: 'default', name: 'bad' },
    scope: 'source',
    typeUrl: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
    envoyName: 'http-8080',
    path: 'RouteConfiguration.virtualHosts[0].routes[0].x',
    why: 'unknown field',
    check: 'encoding',
    plugins: ['p'],
    reason: 'PluginError',
    message:
      'HTTPRoute default/bad: Envoy RouteConfiguration http-8080 fails strict encoding at RouteConfiguration.virtualHosts[0].routes[0].x: unknown field (shaped by plugin "p")',
    ...over,
  });

  it('leaves the reports alone without refusals', () => {
    const reports: ResourceReport[] = [];
    expect(annotateRefusals(reports, [])).toBe(reports);
  });

  it("a source left out of translation gets its earlier report, rejected; the translation's own reports are not changed", () => {
    const earlier: ResourceReport = {
      ref: { kind: 'HTTPRoute', namespace: 'default', name: 'bad' },
      state: 'accepted',
      messages: [],
      conditions: [],
      parents: [
        {
          parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'default', name: 'gw' },
          controllerName: 'gatehouse.dev/gateway-controller',
          conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: '' }],
        },
      ],
    };
    const gw: ResourceReport = { ref: { kind: 'Gateway', namespace: 'default', name: 'gw' }, state: 'accepted', messages: [], conditions: [] };
    const out = annotateRefusals([gw], [refusal({ report: earlier })]);
    expect(out.map((r) => r.ref.kind)).toEqual(['Gateway', 'HTTPRoute']);
    const bad = out[1]!;
    expect(bad.state).toBe('rejected');
    expect(bad.conditions).toEqual([{ type: 'gatehouse.dev/Programmed', status: 'False', reason: 'PluginError', message: refusal().message }]);
    expect(bad.parents![0]!.conditions).toEqual([{ type: 'Accepted', status: 'False', reason: 'PluginError', message: refusal().message }]);
    expect(earlier.state).toBe('accepted');
    expect(earlier.parents![0]!.conditions[0]!.status).toBe('True');
  });

  it("a Gateway's own Envoy resource: the Gateway is rejected and not Programmed", () => {
    const gw: ResourceReport = {
      ref: { kind: 'Gateway', namespace: 'default', name: 'gw' },
      state: 'accepted',
      messages: [],
      conditions: [{ type: 'Programmed', status: 'True', reason: 'Programmed', message: '' }],
    };
    const [out] = annotateRefusals(
      [gw],
      [
        refusal({
          ref: gw.ref,
          scope: 'envoy-resource',
          reason: 'InvalidEnvoyConfig',
          plugins: [],
          message: 'Gateway default/gw: Envoy Listener l fails strict encoding at Listener.x: bad',
        }),
      ],
    );
    expect(out!.state).toBe('rejected');
    expect(out!.conditions.find((c) => c.type === 'Programmed')).toEqual({
      type: 'Programmed',
      status: 'False',
      reason: 'Invalid',
      message: 'Gateway default/gw: Envoy Listener l fails strict encoding at Listener.x: bad',
    });
    expect(gw.state).toBe('accepted');
  });
});
