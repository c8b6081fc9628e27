import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkShippedCrd, policyObject, validationErrors } from '../../../test/harness/policy-crds.js';
import { attached, envoyAccepts, listener, policiesOf, route, runHooks } from '../../../test/harness/plugin-ir.js';
import { COMPRESSION_POLICY, compressionPlugin, compressor, type CompressionPolicySpec } from './index.js';

describe('CompressionPolicy', () => {
  it('ships its CRD, which validates policies', () => {
    checkShippedCrd(compressionPlugin, join(import.meta.dirname, '..'));
    expect(validationErrors(policyObject(COMPRESSION_POLICY, 'c', { minContentLength: 100, contentTypes: ['application/json'], level: 'Best' }))).toEqual([]);
    expect(validationErrors(policyObject(COMPRESSION_POLICY, 'c', {}))).toEqual([]);
    expect(validationErrors(policyObject(COMPRESSION_POLICY, 'c', { level: 'Max' })).join()).toContain('spec.level');
  });
});

describe('compression plugin', () => {
  it('builds a gzip compressor', () => {
    expect(compressor({ minContentLength: 100, contentTypes: ['text/plain'], level: 'Speed' })).toEqual({
      compressorLibrary: {
        name: 'gzip',
        typedConfig: { '@type': 'type.googleapis.com/envoy.extensions.compression.gzip.compressor.v3.Gzip', compressionLevel: 'BEST_SPEED' },
      },
      responseDirectionConfig: { commonConfig: { minContentLength: 100, contentType: ['text/plain'] } },
    });
  });

  it('gives each policy its own disabled compressor, enabled by its routes; a listener-wide one is on', () => {
    const a = attached(COMPRESSION_POLICY, 'a', {});
    const wide = attached<CompressionPolicySpec>(COMPRESSION_POLICY, 'wide', { level: 'Best' }, 'listener');
    const overridden = attached(COMPRESSION_POLICY, 'a', {}, 'route', [
      { spec: {}, source: a.source, scope: 'route' },
      { spec: wide.spec, source: wide.source, scope: 'listener' },
    ]);
    const { filters, routes } = runHooks(
      compressionPlugin,
      listener([route('app', policiesOf(COMPRESSION_POLICY, overridden))], policiesOf(COMPRESSION_POLICY, wide)),
    );
    expect(filters.map((f) => [f.stage, f.filter.name, f.filter['disabled']])).toEqual([
      ['accepted', 'gatehouse.filters.http.compressor/default/a', true],
      ['accepted', 'gatehouse.filters.http.compressor/default/wide', undefined],
    ]);
    expect(routes[0]!['typedPerFilterConfig']).toEqual({
      'gatehouse.filters.http.compressor/default/a': expect.objectContaining({
        config: expect.objectContaining({ overrides: { responseDirectionConfig: {} } }),
      }),
      'gatehouse.filters.http.compressor/default/wide': { '@type': 'type.googleapis.com/envoy.config.route.v3.FilterConfig', disabled: true },
    });
  });

  it('is accepted by envoy', () => {
    const p = attached(COMPRESSION_POLICY, 'gzip', { minContentLength: 64, level: 'Best' as const });
    envoyAccepts(
      compressionPlugin,
      listener([route('app', policiesOf(COMPRESSION_POLICY, p))], policiesOf(COMPRESSION_POLICY, attached(COMPRESSION_POLICY, 'wide', {}, 'gateway'))),
    );
  });
});
