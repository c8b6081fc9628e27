// Request size limits (BufferPolicy) with stock Envoy's buffer filter (stage `accepted`, after authentication and
// authorization): the whole request is buffered before it goes upstream, and one over `maxRequestBytes` gets 413.
// The filter sits disabled in listeners that have a BufferPolicy; each route enables it with its own limit.
import { SDK_VERSION, setPerFilterConfig, typed, typedConfig, type EnvoyTypes, type TranslatorPlugin } from '@gatehouse/plugin-sdk';
import { BUFFER_POLICY, BUFFER_POLICY_CRD } from './crd.js';
import { effective, policiesIn } from './policy-kit.js';

export { BUFFER_POLICY, BUFFER_POLICY_CRD } from './crd.js';

export interface BufferPolicySpec {
  maxRequestBytes: number;
}

export const BUFFER_PLUGIN = 'buffer';
export const BUFFER_FILTER = 'gatehouse.filters.http.buffer';
const BUFFER = 'envoy.extensions.filters.http.buffer.v3.Buffer' as const;
const BUFFER_PER_ROUTE = 'envoy.extensions.filters.http.buffer.v3.BufferPerRoute';

const buffer = (spec: BufferPolicySpec): EnvoyTypes[typeof BUFFER] => ({ maxRequestBytes: spec.maxRequestBytes });
const perRoute = (spec: BufferPolicySpec) => typed('envoy.config.route.v3.FilterConfig', { config: typedConfig(BUFFER_PER_ROUTE, { buffer: buffer(spec) }) });

export const bufferPlugin: TranslatorPlugin = {
  name: BUFFER_PLUGIN,
  sdkVersion: SDK_VERSION,
  protos: { envoy: ['envoy/extensions/filters/http/buffer/v3/buffer.proto'] },
  kinds: [{ crd: BUFFER_POLICY_CRD, attach: 'targetRefs' }],
  route(_ctx, route, out) {
    const p = effective<BufferPolicySpec>(route, BUFFER_POLICY);
    if (p) setPerFilterConfig(out, BUFFER_FILTER, perRoute(p.spec));
  },
  virtualHost(_ctx, vhost, out) {
    const p = effective<BufferPolicySpec>(vhost, BUFFER_POLICY);
    if (p) setPerFilterConfig(out, BUFFER_FILTER, perRoute(p.spec));
  },
  httpFilters(ctx, listener) {
    if (policiesIn(ctx, listener, BUFFER_POLICY).size === 0) return [];
    const own = effective<BufferPolicySpec>(listener, BUFFER_POLICY);
    // Buffer.maxRequestBytes is required: the disabled filter carries the smallest limit, never used.
    const filter = own
      ? { name: BUFFER_FILTER, typedConfig: typedConfig(BUFFER, buffer(own.spec)) }
      : { name: BUFFER_FILTER, typedConfig: typedConfig(BUFFER, { maxRequestBytes: 1 }), disabled: true };
    return [{ stage: 'accepted', filter }];
  },
};
