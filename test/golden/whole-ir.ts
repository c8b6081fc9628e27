// The reference the engine is checked against: each Gateway's xDS from the translation's IR through the pure,
// whole-IR entry point (libs/xds-translator gatewayResources: no memo, no incremental state).
import type { ResourceSnapshot } from '@gatehouse/api';
import type { Translation } from '@gatehouse/engine';
import { NO_MEMO, type TranslatorPlugin, type XdsResources } from '@gatehouse/plugin-sdk';
import { Hooks, gatewayResources } from '@gatehouse/xds-translator';

const IGNORE = { reject: () => {}, warn: () => {} };

export function wholeIrResources(t: Translation, snapshot: ResourceSnapshot, plugins: readonly TranslatorPlugin[]): Record<string, XdsResources> {
  const hooks = new Hooks(plugins);
  const ir = t.ir;
  return Object.fromEntries(ir.gateways.map((g) => [g.key, gatewayResources(ir, g.key, hooks, { snapshot, reports: IGNORE, memo: NO_MEMO })]));
}

/** The engine's resources per Gateway, for comparison with wholeIrResources. */
export function engineResources(t: Translation): Record<string, XdsResources> {
  return Object.fromEntries(Object.entries(t.gateways).map(([g, x]) => [g, x.resources]));
}
