// A pod's volumes as directories under the pod's own directory (ConfigMap, Secret, emptyDir, projected, downwardAPI,
// service account tokens), and each container's view of them. Processes here share the machine's file system, so a
// container gets a "rootfs" directory in which every mountPath is a symlink to its volume; absolute paths under a
// mountPath in the container's command, args and env are rewritten into that rootfs, and its working directory is
// the rootfs's copy of workingDir (relative paths from there resolve through the symlinks, as Envoy's bootstrap needs).
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { ConfigError, fieldValue, resourceValue, type EnvSources } from './env.ts';
import type { Container, DownwardAPIFile, KeyToPath, Pod, Volume } from './types.ts';

export interface VolumeSources extends EnvSources {
  /** A bound service account token (TokenRequest API). */
  token(pod: Pod, audience: string | undefined, expirationSeconds: number): Promise<string>;
}

/** Relative, no `..`: a file path a volume item may use. */
function safeRelative(p: string): string {
  const n = normalize(p);
  if (n.startsWith('/') || n === '..' || n.startsWith('../'))
    throw new ConfigError(`volume item path ${JSON.stringify(p.slice(0, 100))} must be relative and stay inside the volume`);
  return n;
}

function writeItem(dir: string, path: string, content: string | Buffer, mode: number): void {
  const file = join(dir, safeRelative(path));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  chmodSync(file, mode);
}

function writeKeys(dir: string, data: Record<string, Buffer>, items: KeyToPath[] | undefined, mode: number, what: string): void {
  if (!items) {
    for (const [k, v] of Object.entries(data)) writeItem(dir, k, v, mode);
    return;
  }
  for (const item of items) {
    const v = data[item.key];
    if (v === undefined) throw new ConfigError(`${what}: no key ${JSON.stringify(item.key.slice(0, 100))}`);
    writeItem(dir, item.path, v, item.mode ?? mode);
  }
}

async function configMapData(pod: Pod, name: string, src: VolumeSources): Promise<Record<string, Buffer> | undefined> {
  const cm = await src.configMap(pod.metadata.namespace ?? 'default', name);
  if (!cm) return undefined;
  const out: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(cm.data ?? {})) out[k] = Buffer.from(v, 'utf8');
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) out[k] = Buffer.from(v, 'base64');
  return out;
}

async function secretData(pod: Pod, name: string, src: VolumeSources): Promise<Record<string, Buffer> | undefined> {
  const s = await src.secret(pod.metadata.namespace ?? 'default', name);
  if (!s) return undefined;
  return Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
}

function writeDownward(dir: string, pod: Pod, items: DownwardAPIFile[] | undefined, mode: number, src: VolumeSources): void {
  for (const item of items ?? []) {
    let value = '';
    if (item.fieldRef) value = fieldValue(pod, item.fieldRef.fieldPath, true);
    else if (item.resourceFieldRef) {
      const c = pod.spec.containers.find((x) => x.name === item.resourceFieldRef?.containerName);
      value = resourceValue(pod, c, item.resourceFieldRef.resource, item.resourceFieldRef.divisor, src.allocatable);
    }
    writeItem(dir, item.path, value, item.mode ?? mode);
  }
}

const SUPPORTED = new Set(['name', 'configMap', 'secret', 'emptyDir', 'projected', 'downwardAPI']);

/** Writes one volume into `dir`; ConfigError when a non-optional source is missing or the type is unsupported. */
export async function materializeVolume(pod: Pod, volume: Volume, dir: string, src: VolumeSources): Promise<void> {
  const other = Object.keys(volume).find((k) => !SUPPORTED.has(k));
  if (other)
    throw new ConfigError(`volume ${volume.name}: type ${other} is not supported on this test node (configMap, secret, emptyDir, projected, downwardAPI are)`);
  mkdirSync(dir, { recursive: true });
  if (volume.configMap) {
    const c = volume.configMap;
    const data = await configMapData(pod, c.name, src);
    if (!data && !c.optional) throw new ConfigError(`configmap "${c.name}" not found`);
    if (data) writeKeys(dir, data, c.items, c.defaultMode ?? 0o644, `configmap ${c.name}`);
  } else if (volume.secret) {
    const s = volume.secret;
    const data = await secretData(pod, s.secretName, src);
    if (!data && !s.optional) throw new ConfigError(`secret "${s.secretName}" not found`);
    if (data) writeKeys(dir, data, s.items, s.defaultMode ?? 0o644, `secret ${s.secretName}`);
  } else if (volume.downwardAPI) {
    writeDownward(dir, pod, volume.downwardAPI.items, volume.downwardAPI.defaultMode ?? 0o644, src);
  } else if (volume.projected) {
    const mode = volume.projected.defaultMode ?? 0o644;
    for (const s of volume.projected.sources) {
      if (s.configMap) {
        const data = await configMapData(pod, s.configMap.name, src);
        if (!data && !s.configMap.optional) throw new ConfigError(`configmap "${s.configMap.name}" not found`);
        if (data) writeKeys(dir, data, s.configMap.items, mode, `configmap ${s.configMap.name}`);
      } else if (s.secret) {
        const data = await secretData(pod, s.secret.name, src);
        if (!data && !s.secret.optional) throw new ConfigError(`secret "${s.secret.name}" not found`);
        if (data) writeKeys(dir, data, s.secret.items, mode, `secret ${s.secret.name}`);
      } else if (s.downwardAPI) {
        writeDownward(dir, pod, s.downwardAPI.items, mode, src);
      } else if (s.serviceAccountToken) {
        const t = s.serviceAccountToken;
        writeItem(dir, t.path, await src.token(pod, t.audience, t.expirationSeconds ?? 3600), 0o600);
      }
    }
  }
}

export interface ContainerFs {
  /** The container's root: mountPaths are symlinks to volumes here. */
  rootfs: string;
  /** Where its process starts. */
  cwd: string;
  /** Rewrites absolute paths under a mountPath (in a command line or env value) into the rootfs. */
  rewrite(text: string): string;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Lays out a container's rootfs (symlinks to `volumeDirs`) and returns how its paths map. */
export function containerFs(container: Container, rootfs: string, volumeDirs: ReadonlyMap<string, string>): ContainerFs {
  rmSync(rootfs, { recursive: true, force: true });
  mkdirSync(rootfs, { recursive: true });
  const mountPaths: string[] = [];
  for (const m of container.volumeMounts ?? []) {
    const source = volumeDirs.get(m.name);
    if (!source) throw new ConfigError(`container ${container.name}: volumeMount ${m.name} names no volume of the pod`);
    const mountPath = normalize(m.mountPath);
    if (!mountPath.startsWith('/') || mountPath === '/')
      throw new ConfigError(`container ${container.name}: mountPath ${JSON.stringify(m.mountPath.slice(0, 100))} must be an absolute path below /`);
    const target = m.subPath ? join(source, safeRelative(m.subPath)) : source;
    if (m.subPath) mkdirSync(dirname(target), { recursive: true });
    const link = join(rootfs, mountPath);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(target, link);
    mountPaths.push(mountPath.replace(/\/$/, ''));
  }
  const cwd = join(rootfs, normalize(container.workingDir ?? '/'));
  mkdirSync(cwd, { recursive: true });
  const sorted = [...new Set(mountPaths)].sort((a, b) => b.length - a.length);
  const re = sorted.length ? new RegExp(`(^|[=:,\\s"'])(${sorted.map(escapeRe).join('|')})(?=$|[/=:,\\s"'])`, 'g') : undefined;
  return { rootfs, cwd, rewrite: (text) => (re ? text.replace(re, (_m, pre: string, path: string) => `${pre}${rootfs}${path}`) : text) };
}
