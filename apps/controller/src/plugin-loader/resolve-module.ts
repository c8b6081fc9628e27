// Where a `--plugin` / Settings `spec.plugins` entry is: a file path, or an npm package installed in a
// node_modules folder beside the configuration (or the working directory), or beside Gatehouse itself.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** True for what is a path rather than a package name: `./x.js`, `../x`, `/abs/x.js`. */
export function isPathSpec(spec: string): boolean {
  return spec.startsWith('./') || spec.startsWith('../') || spec === '.' || spec === '..' || isAbsolute(spec);
}

/** `@scope/name/sub` → `{ name: '@scope/name', subpath: './sub' }`. */
export function splitPackageSpec(spec: string): { name: string; subpath: string } | undefined {
  const m = /^((?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*)(\/.*)?$/i.exec(spec);
  if (!m) return undefined;
  return { name: m[1]!, subpath: m[2] ? `.${m[2]}` : '.' };
}

type Exports = string | null | { [key: string]: Exports } | Exports[];
const CONDITIONS = ['import', 'node', 'default'];

/** Picks the target of a package.json `exports` entry for an ESM import under Node. */
function conditionTarget(e: Exports): string | undefined {
  if (typeof e === 'string') return e;
  if (Array.isArray(e)) {
    for (const x of e) {
      const t = conditionTarget(x);
      if (t) return t;
    }
    return undefined;
  }
  if (!e) return undefined;
  for (const [k, v] of Object.entries(e))
    if (CONDITIONS.includes(k)) {
      const t = conditionTarget(v);
      if (t) return t;
    }
  return undefined;
}

/** A package's entry file for `subpath` ('.' for the main entry), from `exports`, else `main`, else index.js. */
export function packageEntry(pkgDir: string, subpath: string): string {
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { exports?: Exports; main?: string };
  if (pkg.exports !== undefined) {
    const e = pkg.exports;
    const isMap = !!e && typeof e === 'object' && !Array.isArray(e) && Object.keys(e).some((k) => k.startsWith('.'));
    const entry = isMap ? (e as Record<string, Exports>)[subpath] : subpath === '.' ? e : undefined;
    const target = entry === undefined ? undefined : conditionTarget(entry);
    if (!target) throw new Error(`package ${pkgDir} does not export "${subpath}" for import (package.json "exports")`);
    return join(pkgDir, target);
  }
  if (subpath !== '.') return join(pkgDir, subpath);
  return join(pkgDir, pkg.main ?? 'index.js');
}

/** The folder of package `name` in a node_modules of `from` or one of its parents. */
export function findPackageDir(name: string, from: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The module URL to import for a plugin entry: a path is resolved against `baseDir` (a folder is imported as a
 * package folder); a package name is looked up in node_modules from each of `searchDirs`; undefined when not found
 * there (the caller may still import the bare name, which resolves beside Gatehouse itself).
 */
/** A folder without package.json: its index.js, else index.mjs (index.js is named when neither exists). */
function folderIndex(dir: string): string {
  const mjs = join(dir, 'index.mjs');
  return !existsSync(join(dir, 'index.js')) && existsSync(mjs) ? mjs : join(dir, 'index.js');
}

export function resolvePluginModule(spec: string, baseDir: string, searchDirs: readonly string[]): { url: string; file: string } | undefined {
  if (isPathSpec(spec)) {
    const file = resolve(baseDir, spec);
    if (!existsSync(file)) throw new Error(`no such file or folder: ${file}`);
    const entry = statSync(file).isDirectory() ? (existsSync(join(file, 'package.json')) ? packageEntry(file, '.') : folderIndex(file)) : file;
    if (!existsSync(entry)) throw new Error(`no such file: ${entry} (build the plugin first?)`);
    return { url: pathToFileURL(entry).href, file: entry };
  }
  const p = splitPackageSpec(spec);
  if (!p) throw new Error('not a path (./x.js, /abs/x.js) or an npm package name (@scope/name)');
  for (const dir of searchDirs) {
    const pkgDir = findPackageDir(p.name, dir);
    if (!pkgDir) continue;
    const entry = packageEntry(pkgDir, p.subpath);
    if (!existsSync(entry)) throw new Error(`package ${p.name} at ${pkgDir}: its entry ${entry} does not exist (build the package first?)`);
    return { url: pathToFileURL(entry).href, file: entry };
  }
  return undefined;
}
