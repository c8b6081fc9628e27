// The generated Envoy filter types are current (regenerating gives the same file) and usable as documented.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ENVOY_HTTP_FILTERS, ENVOY_TYPE_PROTOS, httpFilter, typedConfig } from './envoy-filters.js';

const ROOT = join(import.meta.dirname, '../../../..');

it('is what scripts/sdk/gen-envoy-filters.mjs generates from the installed protos (run `make sdk` after changing either)', () => {
  const fresh = execFileSync(process.execPath, [join(ROOT, 'scripts/sdk/gen-envoy-filters.mjs'), '--stdout'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  expect(fresh === readFileSync(join(import.meta.dirname, 'envoy-filters.ts'), 'utf8'), 'libs/plugin-sdk/src/generated/envoy-filters.ts is stale: run make sdk').toBe(true);
});

it('builds typed HTTP filters and per-route configs', () => {
  const f = httpFilter('envoy.filters.http.rbac', 'envoy.extensions.filters.http.rbac.v3.RBAC', {
    rules: { action: 'ALLOW', policies: { office: { permissions: [{ any: true }], principals: [{ remoteIp: { addressPrefix: '10.0.0.0', prefixLen: 8 } }] } } },
  });
  expect(f).toEqual({
    name: 'envoy.filters.http.rbac',
    typedConfig: {
      '@type': 'type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC',
      rules: { action: 'ALLOW', policies: { office: { permissions: [{ any: true }], principals: [{ remoteIp: { addressPrefix: '10.0.0.0', prefixLen: 8 } }] } } },
    },
  });
  expect(typedConfig('envoy.extensions.filters.http.buffer.v3.BufferPerRoute', { disabled: true })['@type']).toBe('type.googleapis.com/envoy.extensions.filters.http.buffer.v3.BufferPerRoute');
  expect(ENVOY_TYPE_PROTOS['envoy.extensions.filters.http.rbac.v3.RBAC']).toBe(ENVOY_HTTP_FILTERS['envoy.filters.http.rbac'].proto);
  // @ts-expect-error a field the proto does not have
  httpFilter('envoy.filters.http.buffer', 'envoy.extensions.filters.http.buffer.v3.Buffer', { maxRequestByte: 10 });
});
