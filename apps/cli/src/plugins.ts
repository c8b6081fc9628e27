// `--plugin` for offline commands (translate): the same loader as `gatehouse serve`, plus the Settings resource's
// `spec.plugins` in the translated folder. Offline, a plugin that does not load is an error: the output would lie.
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BUILTIN_PLUGINS, commandLineSpecs, describeLoad, loadPlugins, pluginsOfSettings, settingsInDirectory } from '@gatehouse/controller';
import type { TranslatorPlugin } from '@gatehouse/plugin-sdk';
import { registerPluginKinds } from '@gatehouse/validation';

/** Loads `--plugin` modules and the Settings plugins under `file` (a file or folder); throws naming every failure. */
export async function loadOfflinePlugins(modules: readonly string[], file: string): Promise<TranslatorPlugin[]> {
  const path = resolve(file);
  const dir = statSync(path, { throwIfNoEntry: false })?.isDirectory() ? path : dirname(path);
  const settings = pluginsOfSettings(await settingsInDirectory(dir), dir);
  registerPluginKinds(BUILTIN_PLUGINS);
  const { plugins, report } = await loadPlugins([...commandLineSpecs(modules), ...settings.specs], {
    builtin: BUILTIN_PLUGINS,
    searchDirs: [dir, process.cwd()],
    registerKinds: (p) => registerPluginKinds([p]),
  });
  const lines = describeLoad(report);
  for (const w of lines.warn) process.stderr.write(`gatehouse: warning: ${w}\n`);
  const errors = [...settings.problems, ...lines.error];
  if (errors.length) throw new Error(errors.join('\n'));
  return plugins;
}

/** `$GATEHOUSE_PLUGINS`: more plugin modules, comma-separated (e.g. `GATEHOUSE_PLUGINS=$PWD make quickstart`). */
export function pluginsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env['GATEHOUSE_PLUGINS'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
