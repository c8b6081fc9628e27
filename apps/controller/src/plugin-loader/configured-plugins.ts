// The control plane's plugins: `--plugin` entries, then the Settings resource's `spec.plugins`, loaded once at
// start-up. What fails is logged and reported (GET /api/v1/plugins); the control plane starts with the rest.
import { resolve } from 'node:path';
import type { ResourceSnapshot } from '@gatehouse/api';
import { registerPluginKinds } from '@gatehouse/validation';
import { BUILTIN_PLUGINS } from '../builtin-plugins.js';
import type { Log } from '../log.js';
import type { ControllerOptions } from '../options.js';
import { describeLoad, loadPlugins, type PluginLoadResult, type PluginSpec } from './plugin-loader.js';
import { pluginsOfSettings, settingsInCluster, settingsInDirectory, settingsObjects, type SettingsPlugins } from './settings-plugins.js';

/** The plugin entries of `--plugin` (paths relative to the working directory). */
export function commandLineSpecs(modules: readonly string[], cwd = process.cwd()): PluginSpec[] {
  return modules.map((m) => ({ module: m, origin: 'command-line', baseDir: cwd, where: `--plugin ${m.slice(0, 200)}` }));
}

/** Where packages are looked up: beside the configuration folder first, then the working directory. */
function searchDirs(o: ControllerOptions): string[] {
  return [...(o.configDir ? [resolve(o.configDir)] : []), process.cwd()];
}

async function readSettings(o: ControllerOptions): Promise<SettingsPlugins> {
  if (o.configDir) return pluginsOfSettings(await settingsInDirectory(resolve(o.configDir)), resolve(o.configDir));
  if (o.kubernetes) {
    const k = o.kubernetes;
    return pluginsOfSettings(
      await settingsInCluster({
        ...(k.kubeconfig ? { kubeconfig: k.kubeconfig } : {}),
        ...(k.context ? { context: k.context } : {}),
        ...(k.watchNamespaces ? { namespaces: k.watchNamespaces } : {}),
      }),
      process.cwd(),
    );
  }
  return { specs: [], problems: [] };
}

/** Loads `--plugin` and Settings plugins; logs each one loaded and each failure. Never throws for a plugin's fault. */
export async function loadConfiguredPlugins(o: ControllerOptions, log: Log): Promise<PluginLoadResult & { settings: SettingsPlugins }> {
  let settings: SettingsPlugins;
  try {
    settings = await readSettings(o);
  } catch (err) {
    settings = {
      specs: [],
      problems: [`the Settings resource could not be read, so its spec.plugins are not loaded: ${(err as Error).message.slice(0, 300)}`],
    };
  }
  // Kinds are registered before any source reads a file or the cluster: plugin objects are validated like built-ins.
  const builtin = [...BUILTIN_PLUGINS, ...(o.plugins ?? [])];
  registerPluginKinds(builtin);
  const result = await loadPlugins([...commandLineSpecs(o.pluginModules ?? []), ...settings.specs], {
    builtin,
    searchDirs: searchDirs(o),
    registerKinds: (p) => registerPluginKinds([p]),
  });
  for (const p of settings.problems)
    result.report.failed.push({ module: '', origin: 'settings', where: settings.from ? `Settings ${settings.from}` : 'Settings', reason: p });
  const lines = describeLoad(result.report);
  for (const l of lines.info) log.info(l);
  for (const l of lines.warn) log.warn(l);
  for (const l of lines.error) log.error(`${l}; running without it (the built-in plugins and the others that loaded run)`);
  return { ...result, settings };
}

/**
 * Watches the Settings resource after start-up: when its `spec.plugins` differ from what was loaded, say once (per
 * new value) that a restart is needed, and keep it in the report for /api/v1/plugins.
 */
export function settingsChangeWatcher(
  loaded: SettingsPlugins,
  baseDir: string,
  log: Log,
  onChange: (pending: string | undefined) => void,
): (snapshot: ResourceSnapshot) => void {
  const render = (s: SettingsPlugins) => JSON.stringify(s.specs.map((p) => p.module));
  const atStart = render(loaded);
  let last = atStart;
  return (snapshot) => {
    const now = pluginsOfSettings(settingsObjects(snapshot), baseDir);
    const text = render(now);
    if (text === last) return;
    last = text;
    if (text === atStart) {
      onChange(undefined);
      return;
    }
    const msg = `Settings ${now.from ?? loaded.from ?? ''}: spec.plugins changed to ${text.slice(0, 300)}; plugins load at start-up: restart the controller to apply it (running with ${atStart.slice(0, 300)})`;
    log.warn(msg);
    onChange(msg);
  };
}
