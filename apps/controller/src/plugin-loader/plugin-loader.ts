// Loads user plugins (from `--plugin` and a Settings resource's `spec.plugins`): resolves each entry, imports it,
// checks every plugin it exports (shape, SDK major, unique name). A failure is reported — logged, and listed by
// the admin API's /api/v1/plugins — and leaves out only what failed; the built-in plugins always run.
import { SDK_VERSION, type TranslatorPlugin } from '@gatehouse/plugin-sdk';
import { isPathSpec, resolvePluginModule } from './resolve-module.js';

/** Where an entry was given. */
export type PluginOrigin = 'command-line' | 'settings' | 'built-in';

export interface PluginSpec {
  /** A path (`./dist/index.js`, `/abs/plugin`) or an npm package name (`@acme/gatehouse-plugin-x`). */
  module: string;
  origin: PluginOrigin;
  /** Relative paths are resolved against this folder (the configuration folder, or the working directory). */
  baseDir: string;
  /** For messages: where the entry is written (`--plugin`, `Settings ns/name: spec.plugins[0]`). */
  where: string;
}

export interface LoadedPlugin {
  name: string;
  module: string;
  origin: PluginOrigin;
  /** The file imported. */
  file: string;
  sdkVersion?: string;
  priority?: number;
  /** Loaded, with a caveat (no sdkVersion...). */
  warnings: string[];
}

export interface FailedPlugin {
  module: string;
  origin: PluginOrigin;
  where: string;
  /** The plugin's name when the module loaded but the plugin was refused. */
  name?: string;
  reason: string;
}

export interface PluginLoadReport {
  /** The SDK version of this control plane (a plugin's sdkVersion must have the same major). */
  sdkVersion: string;
  builtin: string[];
  loaded: LoadedPlugin[];
  failed: FailedPlugin[];
}

export interface PluginLoadResult {
  /** The user plugins that loaded, in the order given (run after the built-in ones). */
  plugins: TranslatorPlugin[];
  report: PluginLoadReport;
}

export interface LoadOptions {
  builtin: readonly TranslatorPlugin[];
  /** Folders whose node_modules (and their parents') hold plugin packages, searched in order. */
  searchDirs: readonly string[];
  sdkVersion?: string;
  /**
   * Registers a plugin's own kinds (its CRDs) so sources validate them like built-in kinds; throwing refuses the
   * plugin (its message is the reason reported). Called once per plugin that passed every other check.
   */
  registerKinds?: (plugin: TranslatorPlugin) => void;
  /** How a module is imported (tests replace it). */
  importModule?: (url: string) => Promise<unknown>;
}

const HOOKS = ['cluster', 'route', 'virtualHost', 'listener', 'httpFilters', 'resources'] as const;

function major(version: string): string | undefined {
  return /^v?(\d+)\.\d+\.\d+/.exec(version)?.[1];
}

/** Why `p` is not a usable plugin, if it is not. */
function shapeProblem(p: unknown): string | undefined {
  if (!p || typeof p !== 'object') return `the export is ${p === null ? 'null' : typeof p}, not a plugin object`;
  const o = p as Record<string, unknown>;
  if (typeof o['name'] !== 'string' || !o['name'].trim()) return 'the plugin has no name (a non-empty string "name")';
  if (o['name'].length > 128) return 'the plugin name is longer than 128 characters';
  for (const h of HOOKS) if (o[h] !== undefined && typeof o[h] !== 'function') return `"${h}" is a ${typeof o[h]}, not a function`;
  for (const l of ['kinds', 'backends', 'extensionRefs'] as const) if (o[l] !== undefined && !Array.isArray(o[l])) return `"${l}" must be a list`;
  if (o['priority'] !== undefined && (typeof o['priority'] !== 'number' || !Number.isFinite(o['priority']))) return '"priority" must be a number';
  if (o['sdkVersion'] !== undefined && typeof o['sdkVersion'] !== 'string') return '"sdkVersion" must be a string such as "0.2.0" (the SDK\'s SDK_VERSION)';
  return undefined;
}

/** A bounded, single-line rendering of an error for reports. */
function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = text.split('\n').find((l) => l.trim()) ?? text;
  return line.length > 400 ? `${line.slice(0, 400)}...` : line;
}

/** Loads `specs` in order; never throws for a plugin's fault (see the report's `failed`). */
export async function loadPlugins(specs: readonly PluginSpec[], o: LoadOptions): Promise<PluginLoadResult> {
  const sdkVersion = o.sdkVersion ?? SDK_VERSION;
  const importModule = o.importModule ?? ((url: string) => import(url) as Promise<unknown>);
  const report: PluginLoadReport = { sdkVersion, builtin: o.builtin.map((p) => p.name), loaded: [], failed: [] };
  const plugins: TranslatorPlugin[] = [];
  const taken = new Map<string, string>(o.builtin.map((p) => [p.name, 'a built-in plugin']));
  const files = new Set<string>();
  for (const spec of specs) {
    const fail = (reason: string, name?: string) =>
      report.failed.push({ module: spec.module, origin: spec.origin, where: spec.where, ...(name ? { name } : {}), reason });
    let mod: { default?: unknown; plugins?: unknown };
    let file = spec.module;
    try {
      const found = resolvePluginModule(spec.module, spec.baseDir, o.searchDirs);
      if (found) file = found.file;
      // The same module given twice (on the command line and in Settings) loads once.
      if (files.has(file)) continue;
      files.add(file);
      mod = (await importModule(found?.url ?? spec.module)) as typeof mod;
    } catch (err) {
      const notInstalled =
        !isPathSpec(spec.module) && (err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && errorText(err).includes(`'${spec.module}'`);
      fail(
        notInstalled ? `package ${spec.module} is not installed: npm install it in ${spec.baseDir} (or beside Gatehouse)` : `cannot load: ${errorText(err)}`,
      );
      continue;
    }
    const exported = mod.plugins ?? mod.default;
    const list = Array.isArray(exported) ? (exported as unknown[]) : exported === undefined ? [] : [exported];
    if (!list.length) {
      fail('the module exports no plugin: export a plugin (an object with a name) or a list of them, as default or as "plugins"');
      continue;
    }
    for (const p of list) {
      const problem = shapeProblem(p);
      if (problem) {
        fail(problem, typeof (p as { name?: unknown })?.name === 'string' ? (p as { name: string }).name : undefined);
        continue;
      }
      const plugin = p as TranslatorPlugin;
      const warnings: string[] = [];
      if (plugin.sdkVersion === undefined) {
        warnings.push(
          `plugin ${plugin.name} does not say which SDK it was built against: set sdkVersion: SDK_VERSION (from @gatehouse/plugin-sdk); loaded as if built for ${sdkVersion}`,
        );
      } else if (major(plugin.sdkVersion) === undefined) {
        fail(`sdkVersion "${plugin.sdkVersion.slice(0, 40)}" is not a version such as ${sdkVersion}`, plugin.name);
        continue;
      } else if (major(plugin.sdkVersion) !== major(sdkVersion)) {
        fail(
          `built against @gatehouse/plugin-sdk ${plugin.sdkVersion.slice(0, 40)}, but this Gatehouse runs SDK ${sdkVersion} (a different major version): rebuild the plugin against @gatehouse/plugin-sdk ${major(sdkVersion)}.x`,
          plugin.name,
        );
        continue;
      }
      const other = taken.get(plugin.name);
      if (other) {
        fail(`the name "${plugin.name}" is already taken by ${other}: plugin names must be unique`, plugin.name);
        continue;
      }
      if (plugin.kinds?.length && o.registerKinds) {
        try {
          o.registerKinds(plugin);
        } catch (err) {
          fail(`its kinds cannot be registered: ${errorText(err)}`, plugin.name);
          continue;
        }
      }
      taken.set(plugin.name, `${spec.module} (${spec.where})`);
      plugins.push(plugin);
      report.loaded.push({
        name: plugin.name,
        module: spec.module,
        origin: spec.origin,
        file,
        ...(plugin.sdkVersion !== undefined ? { sdkVersion: plugin.sdkVersion } : {}),
        ...(plugin.priority !== undefined ? { priority: plugin.priority } : {}),
        warnings,
      });
    }
  }
  return { plugins, report };
}

/** One line per loaded and failed plugin, for the log. */
export function describeLoad(report: PluginLoadReport): { info: string[]; warn: string[]; error: string[] } {
  return {
    info: report.loaded.map((p) => `plugin ${p.name} loaded from ${p.module} (${p.origin}${p.sdkVersion ? `, SDK ${p.sdkVersion}` : ''})`),
    warn: report.loaded.flatMap((p) => p.warnings),
    error: report.failed.map((f) => `plugin ${f.name ? `${f.name} from ` : ''}${f.module} (${f.where}) not loaded: ${f.reason}`),
  };
}
