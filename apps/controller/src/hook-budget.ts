// Plugin hook time budgets, measured here at the edge: the translation core reads no clock, it runs each hook
// through the runner it is given.
import type { HookRunner } from '@gatehouse/engine';

/** A hook runner that drops a hook's output when the hook ran longer than `budgetMs`. */
export function budgetHookRunner(budgetMs: number): HookRunner {
  return {
    run(_call, fn) {
      const started = performance.now();
      fn();
      const tookMs = performance.now() - started;
      return tookMs > budgetMs ? { tookMs, budgetMs } : undefined;
    },
  };
}
