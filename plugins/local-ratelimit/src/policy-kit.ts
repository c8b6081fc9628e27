// This plugin's kinds live in gatehouse.dev; the policy helpers are the SDK's policy kit bound to that group.
import { GATEHOUSE_GROUP, policyKit } from '@gatehouse/plugin-sdk';

export const POLICY_GROUP = GATEHOUSE_GROUP;
export const { effective, policiesIn, policyCrd, extensionRefCrd } = policyKit(POLICY_GROUP);
export { fromPolicy, policyProblem, policyRefName as refName, routeName, tryPolicy, type SpecRule } from '@gatehouse/plugin-sdk';
