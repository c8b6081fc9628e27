// response-header: a plugin with its own policy kind. A ResponseHeaderPolicy attached (spec.targetRefs) to a Gateway,
// one of its listeners, an HTTPRoute or one of its named rules adds its headers to every response of the routes it
// applies to. Gatehouse resolves which policy applies where (rule > route > listener > gateway) and reports the
// policy's status; the plugin only reads the effective one with policyOf.
import { SDK_VERSION, appendTo, policyOf, type TranslatorPlugin } from '@gatehouse/plugin-sdk';
import { GROUP, KIND, RESPONSE_HEADER_POLICY_CRD } from './crd.js';

export { GROUP, KIND, RESPONSE_HEADER_POLICY_CRD } from './crd.js';

/** A ResponseHeaderPolicy's spec, as its CRD defines it (already validated when the plugin sees it). */
export interface ResponseHeaderPolicySpec {
  targetRefs: Array<{ group: string; kind: string; name: string; sectionName?: string }>;
  headers: Array<{ name: string; value: string }>;
}

export const responseHeaderPlugin: TranslatorPlugin = {
  name: 'response-header',
  sdkVersion: SDK_VERSION,
  kinds: [{ crd: RESPONSE_HEADER_POLICY_CRD, attach: 'targetRefs' }],
  route(_ctx, route, out) {
    const policy = policyOf<ResponseHeaderPolicySpec>(route, GROUP, KIND);
    if (!policy) return;
    // appendTo keeps what other plugins (and the built-in ResponseHeaderModifier filter) already put there.
    appendTo(
      out,
      'responseHeadersToAdd',
      ...policy.spec.headers.map((h) => ({ header: { key: h.name, value: h.value }, appendAction: 'OVERWRITE_IF_EXISTS_OR_ADD' })),
    );
  },
};

export default responseHeaderPlugin;
