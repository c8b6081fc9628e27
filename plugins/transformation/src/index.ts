// Request/response transformation (TransformationPolicy). Headers: stock Envoy's header_mutation filter
// (HeaderMutationPerRoute); bodies: stock Envoy's Lua filter with a generated script (LuaPerRoute.sourceCode). Both
// filters sit disabled in listeners that have a TransformationPolicy (stage `route`, just before the router); each
// route enables the ones its policy needs. A Gateway- or listener-wide policy configures the filters themselves.
import {
  SDK_VERSION,
  setPerFilterConfig,
  typed,
  typedConfig,
  type AttachedPolicy,
  type EnvoyMessage,
  type StagedHttpFilter,
  type TranslatorPlugin,
} from '@gatehouse/plugin-sdk';
import { TRANSFORMATION_POLICY, TRANSFORMATION_POLICY_CRD } from './crd.js';
import { bodyScript, type BodyChange } from './lua-body.js';
import { effective, policiesIn } from './policy-kit.js';

export { TRANSFORMATION_POLICY, TRANSFORMATION_POLICY_CRD } from './crd.js';
export { bodyScript, luaString } from './lua-body.js';

interface HeaderValue {
  name: string;
  value: string;
}
export interface DirectionSpec {
  headers?: { set?: HeaderValue[]; add?: HeaderValue[]; remove?: string[] };
  body?: BodyChange;
}
export interface TransformationPolicySpec {
  request?: DirectionSpec;
  response?: DirectionSpec;
}

export const TRANSFORMATION_PLUGIN = 'transformation';
export const HEADERS_FILTER = 'gatehouse.filters.http.transformation.headers';
export const BODY_FILTER = 'gatehouse.filters.http.transformation.body';
const HEADER_MUTATION = 'envoy.extensions.filters.http.header_mutation.v3.HeaderMutation';
const HEADER_MUTATION_PER_ROUTE = 'envoy.extensions.filters.http.header_mutation.v3.HeaderMutationPerRoute';
const LUA = 'envoy.extensions.filters.http.lua.v3.Lua' as const;
const LUA_PER_ROUTE = 'envoy.extensions.filters.http.lua.v3.LuaPerRoute';
const filterConfig = (config: EnvoyMessage) => typed('envoy.config.route.v3.FilterConfig', { config });

function headerMutations(h: DirectionSpec['headers']): EnvoyMessage[] {
  const value = (v: HeaderValue, appendAction: string) => ({ append: { header: { key: v.name.toLowerCase(), value: v.value }, appendAction } });
  return [
    ...(h?.remove ?? []).map((name) => ({ remove: name.toLowerCase() })),
    ...(h?.set ?? []).map((v) => value(v, 'OVERWRITE_IF_EXISTS_OR_ADD')),
    ...(h?.add ?? []).map((v) => value(v, 'APPEND_IF_EXISTS_OR_ADD')),
  ];
}

/** The header_mutation Mutations of a policy (undefined when it changes no header). */
export function mutations(spec: TransformationPolicySpec): EnvoyMessage | undefined {
  const requestMutations = headerMutations(spec.request?.headers);
  const responseMutations = headerMutations(spec.response?.headers);
  if (!requestMutations.length && !responseMutations.length) return undefined;
  return { ...(requestMutations.length ? { requestMutations } : {}), ...(responseMutations.length ? { responseMutations } : {}) };
}

const scriptOf = (spec: TransformationPolicySpec) => bodyScript(spec.request?.body, spec.response?.body);

function enable(p: AttachedPolicy<TransformationPolicySpec>, out: EnvoyMessage): void {
  const m = mutations(p.spec);
  if (m) setPerFilterConfig(out, HEADERS_FILTER, filterConfig(typedConfig(HEADER_MUTATION_PER_ROUTE, { mutations: m })));
  const script = scriptOf(p.spec);
  if (script) setPerFilterConfig(out, BODY_FILTER, filterConfig(typedConfig(LUA_PER_ROUTE, { sourceCode: { inlineString: script } })));
}

export const transformationPlugin: TranslatorPlugin = {
  name: TRANSFORMATION_PLUGIN,
  sdkVersion: SDK_VERSION,
  protos: { envoy: ['envoy/extensions/filters/http/header_mutation/v3/header_mutation.proto', 'envoy/extensions/filters/http/lua/v3/lua.proto'] },
  kinds: [{ crd: TRANSFORMATION_POLICY_CRD, attach: 'targetRefs' }],
  route(_ctx, route, out) {
    const p = effective<TransformationPolicySpec>(route, TRANSFORMATION_POLICY);
    if (p) enable(p, out);
  },
  virtualHost(_ctx, vhost, out) {
    const p = effective<TransformationPolicySpec>(vhost, TRANSFORMATION_POLICY);
    if (p) enable(p, out);
  },
  httpFilters(ctx, listener) {
    const used = [...policiesIn<TransformationPolicySpec>(ctx, listener, TRANSFORMATION_POLICY).values()];
    if (used.length === 0) return [];
    const own = effective<TransformationPolicySpec>(listener, TRANSFORMATION_POLICY);
    const out: StagedHttpFilter[] = [];
    if (used.some((p) => mutations(p.spec))) {
      const m = own && mutations(own.spec);
      out.push({
        stage: 'route',
        position: 'before',
        filter: m
          ? { name: HEADERS_FILTER, typedConfig: typedConfig(HEADER_MUTATION, { mutations: m }) }
          : { name: HEADERS_FILTER, typedConfig: typedConfig(HEADER_MUTATION, {}), disabled: true },
      });
    }
    if (used.some((p) => scriptOf(p.spec))) {
      const script = own && scriptOf(own.spec);
      out.push({
        stage: 'route',
        position: 'before',
        filter: script
          ? { name: BODY_FILTER, typedConfig: typedConfig(LUA, { defaultSourceCode: { inlineString: script } }) }
          : { name: BODY_FILTER, typedConfig: typedConfig(LUA, {}), disabled: true },
      });
    }
    return out;
  },
};
