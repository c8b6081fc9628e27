import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { PluginLoadReport } from '../plugin-loader/plugin-loader.js';

/** Token of the admin API's plugin view (libs/admin PluginsController injects it by this string). */
export const PLUGINS_VIEW = 'gatehouse.plugins-view';

/** What /api/v1/plugins shows: the load report, and a Settings change waiting for a restart. */
export interface PluginState {
  report: PluginLoadReport;
  restartPending?: string;
}

/** Serves the plugin load report to the admin API. */
@Global()
@Module({})
export class PluginsModule {
  static forRoot(state: PluginState | undefined): DynamicModule {
    const view = { plugins: () => (state ? { ...state.report, ...(state.restartPending ? { restartPending: state.restartPending } : {}) } : { sdkVersion: '', builtin: [], loaded: [], failed: [] }) };
    return { module: PluginsModule, providers: [{ provide: PLUGINS_VIEW, useValue: view }], exports: [PLUGINS_VIEW] };
  }
}
