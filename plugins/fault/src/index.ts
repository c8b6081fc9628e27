// Fault injection (FaultPolicy) with stock Envoy's fault filter, first in the chain (stage `fault`). The filter
// sits disabled in listeners that have a FaultPolicy; each route enables it with its policy's faults (an HTTPFault
// per route). A Gateway- or listener-wide policy configures the filter itself instead.
import {
  SDK_VERSION,
  msToProtoDuration,
  parseDurationMs,
  setPerFilterConfig,
  typed,
  typedConfig,
  type EnvoyTypes,
  type TranslatorPlugin,
} from '@gatehouse/plugin-sdk';
import { FAULT_POLICY, FAULT_POLICY_CRD } from './crd.js';
import { effective, policiesIn } from './policy-kit.js';

export { FAULT_POLICY, FAULT_POLICY_CRD } from './crd.js';

export interface FaultPolicySpec {
  abort?: { httpStatus: number; percentage?: number };
  delay?: { fixedDelay: string; percentage?: number };
}

export const FAULT_PLUGIN = 'fault';
export const FAULT_FILTER = 'gatehouse.filters.http.fault';
const HTTP_FAULT = 'envoy.extensions.filters.http.fault.v3.HTTPFault' as const;

const percent = (p: number | undefined) => ({ numerator: p ?? 100, denominator: 'HUNDRED' as const });

/** The policy as an HTTPFault body (no faults when neither abort nor delay is set). */
export function httpFault(spec: FaultPolicySpec): EnvoyTypes[typeof HTTP_FAULT] {
  const out: EnvoyTypes[typeof HTTP_FAULT] = {};
  if (spec.abort) out['abort'] = { httpStatus: spec.abort.httpStatus, percentage: percent(spec.abort.percentage) };
  if (spec.delay) out['delay'] = { fixedDelay: msToProtoDuration(parseDurationMs(spec.delay.fixedDelay) ?? 0), percentage: percent(spec.delay.percentage) };
  return out;
}

const perRoute = (spec: FaultPolicySpec) => typed('envoy.config.route.v3.FilterConfig', { config: typedConfig(HTTP_FAULT, httpFault(spec)) });

export const faultPlugin: TranslatorPlugin = {
  name: FAULT_PLUGIN,
  sdkVersion: SDK_VERSION,
  protos: { envoy: ['envoy/extensions/filters/http/fault/v3/fault.proto'] },
  kinds: [{ crd: FAULT_POLICY_CRD, attach: 'targetRefs' }],
  route(_ctx, route, out) {
    const p = effective<FaultPolicySpec>(route, FAULT_POLICY);
    if (p) setPerFilterConfig(out, FAULT_FILTER, perRoute(p.spec));
  },
  virtualHost(_ctx, vhost, out) {
    const p = effective<FaultPolicySpec>(vhost, FAULT_POLICY);
    if (p) setPerFilterConfig(out, FAULT_FILTER, perRoute(p.spec));
  },
  httpFilters(ctx, listener) {
    if (policiesIn(ctx, listener, FAULT_POLICY).size === 0) return [];
    const own = effective<FaultPolicySpec>(listener, FAULT_POLICY);
    const filter = own
      ? { name: FAULT_FILTER, typedConfig: typedConfig(HTTP_FAULT, httpFault(own.spec)) }
      : { name: FAULT_FILTER, typedConfig: typedConfig(HTTP_FAULT, {}), disabled: true };
    return [{ stage: 'fault', filter }];
  },
};
