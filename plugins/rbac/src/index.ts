// Role-based access control by header and client address (RbacPolicy) with stock Envoy's RBAC filter (stage
// `authz`). The filter sits disabled in listeners that have an RbacPolicy; each route enables it with its policy's
// rules (RBACPerRoute). A Gateway- or listener-wide policy configures the filter itself instead. Refused: 403.
import {
  SDK_VERSION,
  setPerFilterConfig,
  typed,
  typedConfig,
  type AttachedPolicy,
  type EnvoyMessage,
  type EnvoyTypes,
  type PluginContext,
  type TranslatorPlugin,
} from '@gatehouse/plugin-sdk';
import { RBAC_POLICY, RBAC_POLICY_CRD } from './crd.js';
import { effective, fromPolicy, policiesIn, policyProblem, tryPolicy } from './policy-kit.js';

export { RBAC_POLICY, RBAC_POLICY_CRD } from './crd.js';

export interface RbacRule {
  headers?: Array<{ name: string; value: string }>;
  clientCIDRs?: string[];
}
export interface RbacPolicySpec {
  action: 'Allow' | 'Deny';
  rules: RbacRule[];
}

export const RBAC_PLUGIN = 'rbac';
export const RBAC_FILTER = 'gatehouse.filters.http.rbac';
const RBAC = 'envoy.extensions.filters.http.rbac.v3.RBAC' as const;
const RBAC_PER_ROUTE = 'envoy.extensions.filters.http.rbac.v3.RBACPerRoute';

/** `10.0.0.0/8` → a CidrRange; a bare address is a /32 (/128). Throws on anything else. */
export function cidrRange(text: string): EnvoyMessage {
  const [address = '', len] = text.split('/');
  const v6 = address.includes(':');
  const v4ok = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(address);
  const v6ok = v6 && /^[0-9A-Fa-f:.]+$/.test(address) && address.split('::').length <= 2;
  const max = v6 ? 128 : 32;
  const prefixLen = len === undefined ? max : Number(len);
  if (!(v4ok || v6ok) || !Number.isInteger(prefixLen) || prefixLen < 0 || prefixLen > max)
    throw new Error(`"${text.slice(0, 64)}" is not an address or CIDR (e.g. 10.0.0.0/8)`);
  return { addressPrefix: address, prefixLen };
}

function principal(rule: RbacRule, at: string): EnvoyMessage {
  const ids: EnvoyMessage[] = (rule.headers ?? []).map((h) => ({ header: { name: h.name.toLowerCase(), stringMatch: { exact: h.value } } }));
  const cidrs = (rule.clientCIDRs ?? []).map((c, i) => {
    try {
      return { directRemoteIp: cidrRange(c) };
    } catch (err) {
      throw new Error(`${at}.clientCIDRs[${i}]: ${(err as Error).message}`, { cause: err });
    }
  });
  if (cidrs.length) ids.push(cidrs.length === 1 ? cidrs[0]! : { orIds: { ids: cidrs } });
  if (ids.length === 0) return { any: true };
  return ids.length === 1 ? ids[0]! : { andIds: { ids } };
}

/** The policy's RBAC body; a problem names the policy and the field (the hook's resource is rejected). */
export function rbacOf(p: AttachedPolicy<RbacPolicySpec>): EnvoyTypes[typeof RBAC] {
  try {
    const principals = p.spec.rules.map((r, i) => principal(r, `spec.rules[${i}]`));
    const name = `${p.source.namespace}/${p.source.name}`;
    return { rules: { action: p.spec.action === 'Deny' ? 'DENY' : 'ALLOW', policies: { [name]: { permissions: [{ any: true }], principals } } } };
  } catch (err) {
    const [field, ...rest] = (err as Error).message.split(': ');
    throw new Error(policyProblem(p, field ?? 'spec.rules', rest.join(': ')), { cause: err });
  }
}

const perRoute = (ctx: PluginContext, p: AttachedPolicy<RbacPolicySpec>) =>
  typed('envoy.config.route.v3.FilterConfig', { config: typedConfig(RBAC_PER_ROUTE, { rbac: fromPolicy(ctx, p, () => rbacOf(p)) }) });

export const rbacPlugin: TranslatorPlugin = {
  name: RBAC_PLUGIN,
  sdkVersion: SDK_VERSION,
  protos: { envoy: ['envoy/extensions/filters/http/rbac/v3/rbac.proto'] },
  kinds: [{ crd: RBAC_POLICY_CRD, attach: 'targetRefs' }],
  route(ctx, route, out) {
    const p = effective<RbacPolicySpec>(route, RBAC_POLICY);
    if (p) setPerFilterConfig(out, RBAC_FILTER, perRoute(ctx, p));
  },
  virtualHost(ctx, vhost, out) {
    const p = effective<RbacPolicySpec>(vhost, RBAC_POLICY);
    if (p) setPerFilterConfig(out, RBAC_FILTER, perRoute(ctx, p));
  },
  httpFilters(ctx, listener) {
    if (policiesIn(ctx, listener, RBAC_POLICY).size === 0) return [];
    const own = effective<RbacPolicySpec>(listener, RBAC_POLICY);
    // A wrong listener-wide policy leaves the filter off; the routes under it are refused by their own hook.
    const rbac = own && tryPolicy(ctx, own, () => rbacOf(own));
    const filter = rbac
      ? { name: RBAC_FILTER, typedConfig: typedConfig(RBAC, rbac) }
      : { name: RBAC_FILTER, typedConfig: typedConfig(RBAC, {}), disabled: true };
    return [{ stage: 'authz', filter }];
  },
};
