// Every type the generated builders know, declared the way a plugin declares it (`protos.envoy` from
// ENVOY_TYPE_PROTOS), is known to Gatehouse's strict encoder: a typed config of each encodes inside an HttpFilter.
import { expect, it } from 'vitest';
import { StrictEncoder, pluginProtoRoot } from '@gatehouse/xds';
import { ENVOY_TYPE_PROTOS, httpFilter, type EnvoyTypes } from './envoy-filters.js';

it('loads and encodes every EnvoyTypes type from its ENVOY_TYPE_PROTOS file', () => {
  const names = Object.keys(ENVOY_TYPE_PROTOS) as Array<keyof EnvoyTypes>;
  const { root, failures } = pluginProtoRoot([{ name: 'all-typed-filters', protos: { envoy: [...new Set(Object.values(ENVOY_TYPE_PROTOS))] } }]);
  expect(failures).toEqual([]);
  const encoder = new StrictEncoder(root);
  const typeUrl = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter';
  for (const t of names) expect(encoder.encode(typeUrl, httpFilter('f', t, {})).length, t).toBeGreaterThan(0);
  // A typed field reaches Envoy's encoding as written (a misspelling would be a compile error; see envoy-filters.spec.ts).
  expect(() => encoder.encode(typeUrl, httpFilter('f', 'envoy.extensions.filters.http.csrf.v3.CsrfPolicy', { filterEnabled: { defaultValue: { numerator: 100, denominator: 'HUNDRED' } } }))).not.toThrow();
});
