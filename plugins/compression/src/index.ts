// Response compression (CompressionPolicy) with stock Envoy's compressor filter and its gzip library (stage
// `accepted`). Envoy's per-route compressor config cannot change the library or thresholds, so each policy gets its
// own compressor filter (`gatehouse.filters.http.compressor/<namespace>/<name>`), disabled by default; a route
// enables the one of its policy. A Gateway- or listener-wide policy's filter is enabled for the whole listener.
import {
  SDK_VERSION,
  setPerFilterConfig,
  typed,
  typedConfig,
  type AttachedPolicy,
  type EnvoyAny,
  type EnvoyMessage,
  type EnvoyTypes,
  type StagedHttpFilter,
  type TranslatorPlugin,
} from '@gatehouse/plugin-sdk';
import { COMPRESSION_POLICY, COMPRESSION_POLICY_CRD } from './crd.js';
import { effective, policiesIn, refName } from './policy-kit.js';

export { COMPRESSION_POLICY, COMPRESSION_POLICY_CRD } from './crd.js';

export interface CompressionPolicySpec {
  minContentLength?: number;
  contentTypes?: string[];
  level?: 'Speed' | 'Default' | 'Best';
}

export const COMPRESSION_PLUGIN = 'compression';
const FILTER_PREFIX = 'gatehouse.filters.http.compressor/';
const COMPRESSOR = 'envoy.extensions.filters.http.compressor.v3.Compressor' as const;
const COMPRESSOR_PER_ROUTE = 'envoy.extensions.filters.http.compressor.v3.CompressorPerRoute';
const GZIP = 'envoy.extensions.compression.gzip.compressor.v3.Gzip';
const LEVELS = { Speed: 'BEST_SPEED', Default: 'DEFAULT_COMPRESSION', Best: 'BEST_COMPRESSION' } as const;

/** The compressor filter of one policy. */
export const compressorFilterName = (p: AttachedPolicy<unknown>) => FILTER_PREFIX + refName(p);

export function compressor(spec: CompressionPolicySpec): EnvoyTypes[typeof COMPRESSOR] {
  const common: EnvoyMessage = {};
  if (spec.minContentLength !== undefined) common['minContentLength'] = spec.minContentLength;
  if (spec.contentTypes) common['contentType'] = spec.contentTypes;
  return {
    compressorLibrary: { name: 'gzip', typedConfig: typedConfig(GZIP, spec.level ? { compressionLevel: LEVELS[spec.level] } : {}) as EnvoyAny },
    responseDirectionConfig: { commonConfig: common },
  };
}

/** Enables the route's policy's compressor; a Gateway- or listener-wide one it overrides is turned off for it. */
function enable(p: AttachedPolicy<CompressionPolicySpec>, out: EnvoyMessage): void {
  setPerFilterConfig(
    out,
    compressorFilterName(p),
    typed('envoy.config.route.v3.FilterConfig', { config: typedConfig(COMPRESSOR_PER_ROUTE, { overrides: { responseDirectionConfig: {} } }) }),
  );
  for (const other of p.merged) {
    if (other.scope !== 'gateway' && other.scope !== 'listener') continue;
    const name = FILTER_PREFIX + `${other.source.namespace}/${other.source.name}`;
    if (name !== compressorFilterName(p)) setPerFilterConfig(out, name, typed('envoy.config.route.v3.FilterConfig', { disabled: true }));
  }
}

export const compressionPlugin: TranslatorPlugin = {
  name: COMPRESSION_PLUGIN,
  sdkVersion: SDK_VERSION,
  protos: { envoy: ['envoy/extensions/filters/http/compressor/v3/compressor.proto', 'envoy/extensions/compression/gzip/compressor/v3/gzip.proto'] },
  kinds: [{ crd: COMPRESSION_POLICY_CRD, attach: 'targetRefs' }],
  route(_ctx, route, out) {
    const p = effective<CompressionPolicySpec>(route, COMPRESSION_POLICY);
    if (p) enable(p, out);
  },
  virtualHost(_ctx, vhost, out) {
    const p = effective<CompressionPolicySpec>(vhost, COMPRESSION_POLICY);
    if (p) enable(p, out);
  },
  httpFilters(ctx, listener) {
    const own = effective<CompressionPolicySpec>(listener, COMPRESSION_POLICY);
    const out: StagedHttpFilter[] = [];
    for (const [name, p] of policiesIn<CompressionPolicySpec>(ctx, listener, COMPRESSION_POLICY)) {
      const on = own !== undefined && refName(own) === name;
      out.push({
        stage: 'accepted',
        filter: { name: FILTER_PREFIX + name, typedConfig: typedConfig(COMPRESSOR, compressor(p.spec)), ...(on ? {} : { disabled: true }) },
      });
    }
    return out;
  },
};
