// How plugin hooks are run. The translation core reads no clock: a control plane that enforces time budgets passes
// a runner that measures (apps/controller's budget runner); the default one just calls the hook.
import type { TranslatorPlugin } from '@gatehouse/plugin-sdk';

export type HookName = 'route' | 'cluster' | 'virtualHost' | 'httpFilters' | 'listener' | 'resources';

/** One hook call: which plugin, which hook, and what it is shaping (`route default/r/0`, `cluster c`...). */
export interface HookCall {
  plugin: TranslatorPlugin;
  hook: HookName;
  what: string;
}

/** A hook that ran longer than allowed: its output is dropped and the resource it was shaping rejected. */
export interface HookOverrun {
  tookMs: number;
  budgetMs: number;
}

export interface HookRunner {
  /**
   * Runs one plugin hook (`fn`). Returns an overrun when the hook's output must be dropped, otherwise undefined.
   * What `fn` throws propagates (the caller rejects the resource with the plugin's error).
   */
  run(call: HookCall, fn: () => void): HookOverrun | undefined;
}

/** Calls the hook, nothing else: translation stays a pure function (the default). */
export const DIRECT_HOOK_RUNNER: HookRunner = {
  run(_call, fn) {
    fn();
    return undefined;
  },
};
