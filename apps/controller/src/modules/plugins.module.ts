import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { FailedPlugin, PluginLoadReport } from '../plugin-loader/plugin-loader.js';
import { XdsModule } from './xds.module.js';
import { XdsService } from './xds.service.js';

/** Token of the admin API's plugin view (libs/admin PluginsController injects it by this string). */
export const PLUGINS_VIEW = 'gatehouse.plugins-view';

/** What /api/v1/plugins shows: the load report, and a Settings change waiting for a restart. */
export interface PluginState {
  report: PluginLoadReport;
  restartPending?: string;
}

type ProtoFailure = { plugin: string; file: string; message: string };

/** The load report with the plugins the encoder left out (their declared protos do not load) moved to `failed`. */
export function pluginsView(state: PluginState, protoFailures: readonly ProtoFailure[]): PluginLoadReport & { restartPending?: string } {
  const refused = new Map(protoFailures.map((f) => [f.plugin, `its declared protos do not load: ${f.file}: ${f.message}`]));
  const failed: FailedPlugin[] = [...state.report.failed];
  for (const p of state.report.loaded) {
    const reason = refused.get(p.name);
    if (reason) failed.push({ module: p.module, origin: p.origin, where: p.origin === 'settings' ? 'Settings' : `--plugin ${p.module}`, name: p.name, reason });
  }
  for (const name of state.report.builtin) {
    const reason = refused.get(name);
    if (reason) failed.push({ module: '', origin: 'built-in', where: 'built-in', name, reason });
  }
  return {
    ...state.report,
    loaded: state.report.loaded.filter((p) => !refused.has(p.name)),
    failed,
    ...(state.restartPending ? { restartPending: state.restartPending } : {}),
  };
}

/** Serves the plugin load report to the admin API. */
@Global()
@Module({})
export class PluginsModule {
  static forRoot(state: PluginState | undefined): DynamicModule {
    const empty: PluginState = { report: { sdkVersion: '', builtin: [], loaded: [], failed: [] } };
    return {
      module: PluginsModule,
      imports: [XdsModule],
      providers: [
        { provide: PLUGINS_VIEW, inject: [XdsService], useFactory: (xds: XdsService) => ({ plugins: () => pluginsView(state ?? empty, xds.pluginFailures) }) },
      ],
      exports: [PLUGINS_VIEW],
    };
  }
}
