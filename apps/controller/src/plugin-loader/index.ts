// Plugin loading, shared by the control plane and the CLI.
export {
  describeLoad,
  loadPlugins,
  type FailedPlugin,
  type LoadedPlugin,
  type LoadOptions,
  type PluginLoadReport,
  type PluginLoadResult,
  type PluginOrigin,
  type PluginSpec,
} from './plugin-loader.js';
export { commandLineSpecs, loadConfiguredPlugins } from './configured-plugins.js';
export { pluginsOfSettings, settingsInCluster, settingsInDirectory, type SettingsPlugins } from './settings-plugins.js';
export { isPathSpec, resolvePluginModule } from './resolve-module.js';
