// Plugin-declared proto types: a plugin lists the Envoy proto files it emits (from the installed Envoy API set) and
// its own .proto files; the strict encoder's Root holds them beside the built-ins. A plugin whose declaration does not
// load is refused (named, with the file) and left out; the built-ins and the other plugins keep working.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type protobuf from 'protobufjs';
import { envoyApiDir, envoyRoot, loadRoot } from './proto-root.js';

/** What the encoder needs of a plugin (structurally TranslatorPlugin's `name` and `protos`). */
export interface ProtoDeclaringPlugin {
  readonly name: string;
  readonly protos?: { readonly envoy?: readonly string[]; readonly files?: readonly string[]; readonly includeDirs?: readonly string[] };
}

export interface ProtoLoadFailure {
  plugin: string;
  /** The declared file (as the plugin wrote it). */
  file: string;
  message: string;
}

export interface PluginProtoRoot<P extends ProtoDeclaringPlugin = ProtoDeclaringPlugin> {
  root: protobuf.Root;
  /** The plugins whose declarations loaded (and those declaring none), in the order given. */
  plugins: P[];
  /** One per refused plugin: the first file that failed. */
  failures: ProtoLoadFailure[];
}

interface Declared {
  plugin: string;
  /** Declared name → path to load. */
  files: Array<{ declared: string; path: string }>;
  includeDirs: string[];
}

const MAX_ERROR = 300;

/** Why a declared file cannot be loaded at all (before parsing), or undefined. */
function missing(declared: string, kind: 'envoy' | 'file', path: string): string | undefined {
  if (kind === 'envoy') {
    if (isAbsolute(declared) || !declared.endsWith('.proto'))
      return `"${declared.slice(0, 120)}" is not an Envoy proto path such as "envoy/extensions/filters/http/rbac/v3/rbac.proto"`;
    if (!existsSync(path)) {
      const near = protoFilesIn(dirname(declared));
      return `unknown Envoy proto file (not in the installed Envoy API set at ${envoyApiDir()})${
        near.length
          ? `; that folder has ${near
              .slice(0, 6)
              .map((f) => `"${f}"`)
              .join(', ')}`
          : ''
      }`;
    }
    return undefined;
  }
  if (!isAbsolute(declared)) return `own proto file "${declared.slice(0, 160)}" must be an absolute path (resolve it against the plugin's folder)`;
  if (!existsSync(path)) return `own proto file ${declared.slice(0, 160)} does not exist`;
  return undefined;
}

function declarationOf(p: ProtoDeclaringPlugin): Declared | ProtoLoadFailure {
  const files: Declared['files'] = [];
  for (const f of p.protos?.envoy ?? []) {
    const path = join(envoyApiDir(), f);
    const why = missing(f, 'envoy', path);
    if (why) return { plugin: p.name, file: f, message: why };
    files.push({ declared: f, path });
  }
  for (const f of p.protos?.files ?? []) {
    const why = missing(f, 'file', f);
    if (why) return { plugin: p.name, file: f, message: why };
    files.push({ declared: f, path: f });
  }
  return { plugin: p.name, files, includeDirs: [...(p.protos?.includeDirs ?? [])] };
}

function tryLoad(decls: readonly Declared[]): protobuf.Root | Error {
  try {
    return loadRoot(
      decls.flatMap((d) => d.files.map((f) => f.path)),
      decls.flatMap((d) => d.includeDirs),
    );
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/** Which of a refused declaration's files fails on its own (else the first), for the message. */
function culprit(accepted: readonly Declared[], d: Declared, err: Error): ProtoLoadFailure {
  const named = d.files.find((f) => err.message.includes(f.path));
  const alone = named ?? (d.files.length > 1 ? d.files.find((f) => tryLoad([...accepted, { ...d, files: [f] }]) instanceof Error) : undefined);
  const file = alone ?? d.files[0]!;
  const message = err.message.length > MAX_ERROR ? `${err.message.slice(0, MAX_ERROR)}…` : err.message;
  return { plugin: d.plugin, file: file.declared, message: `does not load: ${message}` };
}

const cache = new Map<string, { root: protobuf.Root; accepted: Set<string>; failures: ProtoLoadFailure[] }>();

/**
 * The Root for the built-in files plus what `plugins` declare, cached per set of declarations. A plugin whose
 * declaration names an unknown file, or whose files do not parse or resolve (alone or beside the plugins before it),
 * is refused: it is missing from `plugins` and named in `failures`.
 */
export function pluginProtoRoot<P extends ProtoDeclaringPlugin>(plugins: readonly P[]): PluginProtoRoot<P> {
  const declaring = plugins.filter((p) => (p.protos?.envoy?.length ?? 0) + (p.protos?.files?.length ?? 0) > 0);
  const key = JSON.stringify(declaring.map((p) => [p.name, p.protos?.envoy ?? [], p.protos?.files ?? [], p.protos?.includeDirs ?? []]));
  let hit = cache.get(key);
  if (!hit) {
    hit = build(declaring);
    cache.set(key, hit);
  }
  const { root, accepted, failures } = hit;
  const refused = new Set(failures.map((f) => f.plugin));
  return { root, plugins: plugins.filter((p) => accepted.has(p.name) || !refused.has(p.name)), failures };
}

function build(declaring: readonly ProtoDeclaringPlugin[]): { root: protobuf.Root; accepted: Set<string>; failures: ProtoLoadFailure[] } {
  if (declaring.length === 0) return { root: envoyRoot(), accepted: new Set(), failures: [] };
  const failures: ProtoLoadFailure[] = [];
  const decls: Declared[] = [];
  for (const p of declaring) {
    const d = declarationOf(p);
    if ('message' in d) failures.push(d);
    else decls.push(d);
  }
  // The common case loads once; only a failure costs a load per plugin (to find whose files fail).
  const all = tryLoad(decls);
  if (!(all instanceof Error)) return { root: all, accepted: new Set(decls.map((d) => d.plugin)), failures };
  const accepted: Declared[] = [];
  let root: protobuf.Root = envoyRoot();
  for (const d of decls) {
    const r = tryLoad([...accepted, d]);
    if (r instanceof Error) failures.push(culprit(accepted, d, r));
    else {
      accepted.push(d);
      root = r;
    }
  }
  return { root, accepted: new Set(accepted.map((d) => d.plugin)), failures };
}

/** "Plugin "x": envoy/…/rbac.proto: unknown Envoy proto file …; the plugin is not loaded" — for logs and reports. */
export function describeProtoFailure(f: ProtoLoadFailure): string {
  return `plugin "${f.plugin}": protos: ${f.file}: ${f.message}; the plugin is not loaded (the built-in plugins and the others keep working)`;
}

/** The Envoy proto files in the folder a type's package maps to, to name in an "unknown type" error. */
export function protoFilesForType(typeName: string): string[] {
  const pkg = typeName.split('.').slice(0, -1);
  return pkg[0] === 'envoy' ? protoFilesIn(pkg.join('/')) : [];
}

/** The .proto files in a folder of the Envoy API set (`envoy/...`), as Envoy proto paths. */
function protoFilesIn(folder: string): string[] {
  if (!folder.startsWith('envoy/') || folder.includes('..')) return [];
  try {
    return readdirSync(join(envoyApiDir(), folder))
      .filter((f) => f.endsWith('.proto'))
      .sort()
      .map((f) => `${folder}/${f}`);
  } catch {
    return [];
  }
}
