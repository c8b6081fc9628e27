import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ResourceSnapshot } from '@gatehouse/api';
import { DirectorySource, MemoryFirstSeen } from '@gatehouse/config-source';
import type { TranslatorPlugin } from '@gatehouse/plugin-sdk';
import { LISTENER_TYPE, ROUTE_TYPE, SnapshotCache, StrictEncoder, pluginProtoRoot } from '@gatehouse/xds';
import { BUILTIN_PLUGINS } from './builtin-plugins.js';
import { annotateRefusals } from './envoy-refusals.js';
import { Publisher } from './publisher.js';

// A type no built-in plugin declares.
const CSRF = 'type.googleapis.com/envoy.extensions.filters.http.csrf.v3.CsrfPolicy';

/** Breaks what is annotated `test.gatehouse.dev/break`: `route` (a bad enum in a route's CSRF policy), `listener`. */
function breaker(declare: boolean): TranslatorPlugin {
  return {
    name: 'breaker',
    ...(declare ? { protos: { envoy: ['envoy/extensions/filters/http/csrf/v3/csrf.proto'] } } : {}),
    route(ctx, route, out) {
      const mode = ctx.snapshot.resources.get(`HTTPRoute/${route.source.namespace}/${route.source.name}`)?.object.metadata.annotations?.[
        'test.gatehouse.dev/break'
      ];
      if (mode === 'cluster') out['route'] = { ...(out['route'] as object), cluster: 'nowhere' };
      if (mode === 'route')
        out['typedPerFilterConfig'] = {
          'envoy.filters.http.csrf': { '@type': CSRF, filterEnabled: { defaultValue: { numerator: 100, denominator: 'EVERY' } } },
        };
    },
    listener(ctx, listener, out) {
      const gw = ctx.snapshot.resources.get('Gateway/default/gw')?.object.metadata.annotations?.['test.gatehouse.dev/break'];
      if (gw === 'listener' && listener.port === 8081) out['perConnectionBufferLimitBytes'] = 'lots';
    },
  };
}

let base: ResourceSnapshot;

beforeAll(async () => {
  const source = new DirectorySource({
    dir: fileURLToPath(new URL('./testdata', import.meta.url)),
    only: ['refusals.yaml'],
    firstSeen: new MemoryFirstSeen(),
    now: () => '1970-01-01T00:00:00.000Z',
  });
  base = await source.load();
  source.close();
});

function publisher(plugin: TranslatorPlugin) {
  const protos = pluginProtoRoot([...BUILTIN_PLUGINS, plugin]);
  const cache = new SnapshotCache();
  return { cache, publisher: new Publisher(cache, new StrictEncoder(protos.root), protos.plugins, '0.0.0.0') };
}

/** The snapshot with the `bad` HTTPRoute annotated otherwise. */
function breakRoute(snapshot: ResourceSnapshot, value: string): ResourceSnapshot {
  const resources = new Map(snapshot.resources);
  const r = resources.get('HTTPRoute/default/bad')!;
  resources.set(r.key, { ...r, object: { ...r.object, metadata: { ...r.object.metadata, annotations: { 'test.gatehouse.dev/break': value } } } });
  return { ...snapshot, resources };
}

/** The snapshot with the Gateway annotated (to break its listener). */
function annotateGateway(snapshot: ResourceSnapshot, value: string): ResourceSnapshot {
  const resources = new Map(snapshot.resources);
  const gw = resources.get('Gateway/default/gw')!;
  resources.set(gw.key, { ...gw, object: { ...gw.object, metadata: { ...gw.object.metadata, annotations: { 'test.gatehouse.dev/break': value } } } });
  return { ...snapshot, resources };
}

const routeNames = (cache: SnapshotCache) =>
  [...cache.getSnapshot('default/gw').get(ROUTE_TYPE).values()]
    .flatMap((rc) => (rc.message['virtualHosts'] as Array<{ routes: Array<{ name: string }> }>).flatMap((vh) => vh.routes.map((r) => r.name)))
    .sort();

describe('Publisher: what fails strict encoding is left out and reported on its source', () => {
  it('a route a plugin breaks: its HTTPRoute is rejected with the field path, the rest of the Gateway is served', () => {
    const { cache, publisher: p } = publisher(breaker(true));
    const result = p.publish(base);
    expect(result.published).toEqual(['default/gw']);
    expect(result.held).toEqual({});
    expect(routeNames(cache)).toEqual(['default/good/rule/0/match/0', 'default/second/rule/0/match/0']);
    expect(result.refused.map((f) => [f.ref.kind, f.ref.name, f.scope])).toEqual([['HTTPRoute', 'bad', 'source']]);
    const [refusal] = result.refused;
    expect(refusal!.message).toMatch(
      /^HTTPRoute default\/bad: Envoy RouteConfiguration http-8080 fails strict encoding at RouteConfiguration\.virtualHosts\[\d+\]\.routes\[0\]\.typedPerFilterConfig\["envoy\.filters\.http\.csrf"\]<CsrfPolicy>\.filterEnabled\.defaultValue\.denominator: "EVERY" is not a value of DenominatorType.* \(shaped by plugins? (".*", )?"breaker"/,
    );
    expect(refusal!.reason).toBe('PluginError');
    const reports = annotateRefusals(result.translation.reports, result.refused);
    const bad = reports.find((r) => r.ref.kind === 'HTTPRoute' && r.ref.name === 'bad')!;
    expect(bad.state).toBe('rejected');
    expect(bad.messages).toContain(refusal!.message);
    expect(bad.conditions).toContainEqual(expect.objectContaining({ type: 'gatehouse.dev/Programmed', status: 'False', reason: refusal!.reason }));
    // Kubernetes status: every parent says the route is not accepted, and why.
    expect(bad.parents?.[0]?.conditions).toContainEqual(expect.objectContaining({ type: 'Accepted', status: 'False', message: refusal!.message }));
    expect(reports.find((r) => r.ref.name === 'good')!.state).toBe('accepted');
  });

  it('an undeclared type: the route is refused with what to declare', () => {
    const { cache, publisher: p } = publisher(breaker(false));
    const result = p.publish(base);
    expect(routeNames(cache)).toEqual(['default/good/rule/0/match/0', 'default/second/rule/0/match/0']);
    expect(result.refused[0]!.message).toContain(
      'typedPerFilterConfig["envoy.filters.http.csrf"].@type: unknown message type envoy.extensions.filters.http.csrf.v3.CsrfPolicy (not in the loaded protos): the plugin that emits it must declare "envoy/extensions/filters/http/csrf/v3/csrf.proto"',
    );
  });

  it("a Gateway's own listener: that listener is left out, the other served; fixing it brings it back", () => {
    const { cache, publisher: p } = publisher(breaker(true));
    const broken = annotateGateway(base, 'listener');
    const result = p.publish(broken);
    expect(result.published).toEqual(['default/gw']);
    expect([...cache.getSnapshot('default/gw').get(LISTENER_TYPE).keys()]).toEqual(['http-8080']);
    const gw = result.refused.filter((f) => f.ref.kind === 'Gateway');
    expect(gw.map((f) => [f.scope, f.envoyName])).toEqual([['envoy-resource', 'http-8081']]);
    expect(gw[0]!.message).toMatch(
      /^Gateway default\/gw: Envoy Listener http-8081 fails strict encoding at Listener\.perConnectionBufferLimitBytes: expected an integer, got string "lots" \(shaped by plugins? (".*", )?"breaker"/,
    );
    expect(gw[0]!.reason).toBe('PluginError');
    const report = annotateRefusals(result.translation.reports, result.refused).find((r) => r.ref.kind === 'Gateway')!;
    expect(report.conditions).toContainEqual(expect.objectContaining({ type: 'Programmed', status: 'False' }));
    const fixed = p.publish(annotateGateway(base, 'none'));
    expect(fixed.refused.filter((f) => f.ref.kind === 'Gateway')).toEqual([]);
    expect([...cache.getSnapshot('default/gw').get(LISTENER_TYPE).keys()].sort()).toEqual(['http-8080', 'http-8081']);
  });

  it('a route a plugin points at a cluster that does not exist: the consistency check traces it the same way', () => {
    const { cache, publisher: p } = publisher(breaker(true));
    const result = p.publish(breakRoute(base, 'cluster'));
    expect(result.published).toEqual(['default/gw']);
    expect(routeNames(cache)).toEqual(['default/good/rule/0/match/0', 'default/second/rule/0/match/0']);
    expect(result.refused.map((f) => f.message)).toEqual([
      expect.stringMatching(
        /^HTTPRoute default\/bad: Envoy RouteConfiguration http-8080 fails the consistency check at RouteConfiguration\.virtualHosts\[\d+\]\.routes\[0\]\.route\.cluster: cluster nowhere is missing \(shaped by plugins? (".*", )?"breaker"/,
      ),
    ]);
  });
});
