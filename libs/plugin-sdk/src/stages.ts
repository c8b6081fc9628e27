import type { EnvoyMessage } from './envoy.js';

/**
 * Named HTTP filter stages, in chain order (as in kgateway's pluginsdk/filters). A plugin places its filter
 * in a stage and, within it, before / during / after the stage's other filters.
 */
export const FILTER_STAGES = ['fault', 'cors', 'waf', 'authn', 'authz', 'ratelimit', 'accepted', 'outauth', 'route'] as const;
export type FilterStage = (typeof FILTER_STAGES)[number];
export type StagePosition = 'before' | 'during' | 'after';

/**
 * An HTTP filter with its place in the chain.
 *
 * @example
 * { stage: 'route', position: 'after', filter: { name: 'envoy.filters.http.router', typedConfig: typed(ROUTER) } }
 */
export interface StagedHttpFilter {
  stage: FilterStage;
  position?: StagePosition;
  /** An `envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter`. */
  filter: EnvoyMessage & { name: string };
}

const POSITION_ORDER: Record<StagePosition, number> = { before: 0, during: 1, after: 2 };

/**
 * Deterministic chain order: stage, then position, then the priority of the plugin that added the filter (lower
 * first; the engine sets `priority` from TranslatorPlugin.priority), then filter name; the sort is stable.
 */
export function sortHttpFilters<F extends StagedHttpFilter & { priority?: number }>(filters: readonly F[]): F[] {
  const stageIndex = (s: FilterStage) => FILTER_STAGES.indexOf(s);
  return [...filters].sort(
    (a, b) =>
      stageIndex(a.stage) - stageIndex(b.stage) ||
      POSITION_ORDER[a.position ?? 'during'] - POSITION_ORDER[b.position ?? 'during'] ||
      (a.priority ?? 0) - (b.priority ?? 0) ||
      (a.filter.name < b.filter.name ? -1 : a.filter.name > b.filter.name ? 1 : 0),
  );
}
