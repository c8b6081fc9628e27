// A container's environment as the kubelet builds it: service links, envFrom, env (value, fieldRef downward API,
// resourceFieldRef, ConfigMap and Secret keys) with $(VAR) references expanded; and the downward API values shared
// with downwardAPI volumes.
import type { ConfigMap, Container, Pod, Secret, Service } from './types.ts';

export class ConfigError extends Error {}

export interface EnvSources {
  configMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<Secret | undefined>;
  /** Services of the pod's namespace, and default/kubernetes. */
  services(namespace: string): Service[];
  /** The node's allocatable resources (the default of a resourceFieldRef without a limit). */
  allocatable: { cpu: string; memory: string; 'ephemeral-storage': string };
}

const keyIn = (path: string, prefix: string) => {
  const m = new RegExp(`^${prefix.replace('.', '\\.')}\\['(.+)'\\]$`).exec(path);
  return m?.[1];
};

const mapLines = (m: Record<string, string> | undefined) =>
  Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(m?.[k] ?? '')}`)
    .join('\n');

/** A fieldRef's value (env: single values only; volumes also take metadata.labels / metadata.annotations). */
export function fieldValue(pod: Pod, fieldPath: string, forVolume = false): string {
  const m = pod.metadata;
  const s = pod.status ?? {};
  switch (fieldPath) {
    case 'metadata.name':
      return m.name;
    case 'metadata.namespace':
      return m.namespace ?? 'default';
    case 'metadata.uid':
      return m.uid ?? '';
    case 'spec.nodeName':
      return pod.spec.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec.serviceAccountName ?? 'default';
    case 'status.hostIP':
      return s.hostIP ?? '';
    case 'status.hostIPs':
      return (s.hostIPs ?? []).map((i) => i.ip).join(',');
    case 'status.podIP':
      return s.podIP ?? '';
    case 'status.podIPs':
      return (s.podIPs ?? []).map((i) => i.ip).join(',');
  }
  if (forVolume && fieldPath === 'metadata.labels') return mapLines(m.labels);
  if (forVolume && fieldPath === 'metadata.annotations') return mapLines(m.annotations);
  const label = keyIn(fieldPath, 'metadata.labels');
  if (label !== undefined) return m.labels?.[label] ?? '';
  const annotation = keyIn(fieldPath, 'metadata.annotations');
  if (annotation !== undefined) return m.annotations?.[annotation] ?? '';
  throw new ConfigError(`fieldRef ${JSON.stringify(fieldPath.slice(0, 100))} is not supported`);
}

const UNITS: Record<string, number> = {
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** A resource.Quantity as a number (e.g. 100m → 0.1, 128Mi → 134217728). */
export function quantity(q: string): number {
  const m = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)([a-zA-Z]*)$/.exec(q.trim());
  const unit = m ? UNITS[m[2] ?? ''] : undefined;
  if (!m || unit === undefined) throw new ConfigError(`quantity ${JSON.stringify(q.slice(0, 40))} is not valid`);
  return Number(m[1]) * unit;
}

/** A resourceFieldRef's value: the container's limit (else the node's allocatable), divided by divisor, rounded up. */
export function resourceValue(
  pod: Pod,
  container: Container | undefined,
  resource: string,
  divisor: string | undefined,
  allocatable: EnvSources['allocatable'],
): string {
  if (!container) throw new ConfigError(`resourceFieldRef ${resource}: no such container`);
  const [kind, name] = resource.split('.') as [string, string];
  const fromSpec = kind === 'limits' ? container.resources?.limits?.[name] : kind === 'requests' ? container.resources?.requests?.[name] : undefined;
  const fallback = kind === 'limits' ? allocatable[name as keyof EnvSources['allocatable']] : name === 'cpu' ? '0' : '0';
  const value = quantity(fromSpec ?? fallback ?? '0');
  const d = quantity(divisor ?? '1');
  const out = Math.ceil(value / d - 1e-9);
  // The kubelet reports at least 1 for a non-zero CPU amount.
  return String(name === 'cpu' && value > 0 ? Math.max(1, out) : out);
}

/** Expands $(NAME) from `vars`; $$ is a literal $; unknown references stay as written. */
export function expand(text: string, vars: ReadonlyMap<string, string>): string {
  return text.replace(/\$(\$|\(([^)]*)\))/g, (whole, inner: string, name: string | undefined) => {
    if (inner === '$') return '$';
    return name !== undefined && vars.has(name) ? (vars.get(name) as string) : whole;
  });
}

const linkName = (s: string) => s.toUpperCase().replace(/-/g, '_');

/** The docker-link style variables the kubelet gives each pod for the Services of its namespace. */
export function serviceLinkEnv(services: readonly Service[], namespace: string, enableServiceLinks: boolean): Map<string, string> {
  const out = new Map<string, string>();
  const sorted = [...services].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  for (const svc of sorted) {
    const ip = svc.spec.clusterIP;
    if (!ip || ip === 'None' || !svc.spec.ports?.length) continue;
    const isMaster = svc.metadata.namespace === 'default' && svc.metadata.name === 'kubernetes';
    if (svc.metadata.namespace !== namespace && !isMaster) continue;
    if (!enableServiceLinks && !isMaster) continue;
    const n = linkName(svc.metadata.name);
    const first = svc.spec.ports[0]!;
    out.set(`${n}_SERVICE_HOST`, ip);
    out.set(`${n}_SERVICE_PORT`, String(first.port));
    for (const p of svc.spec.ports) if (p.name) out.set(`${n}_SERVICE_PORT_${linkName(p.name)}`, String(p.port));
    const proto = (first.protocol ?? 'TCP').toLowerCase();
    out.set(`${n}_PORT`, `${proto}://${ip}:${first.port}`);
    for (const p of svc.spec.ports) {
      const pr = p.protocol ?? 'TCP';
      const prefix = `${n}_PORT_${p.port}_${pr.toUpperCase()}`;
      out.set(prefix, `${pr.toLowerCase()}://${ip}:${p.port}`);
      out.set(`${prefix}_PROTO`, pr.toLowerCase());
      out.set(`${prefix}_PORT`, String(p.port));
      out.set(`${prefix}_ADDR`, ip);
    }
  }
  return out;
}

const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

/** The environment of one container, in the kubelet's order (service links, envFrom, env; later wins). */
export async function containerEnv(pod: Pod, container: Container, src: EnvSources): Promise<Map<string, string>> {
  const ns = pod.metadata.namespace ?? 'default';
  const vars = serviceLinkEnv(src.services(ns), ns, pod.spec.enableServiceLinks !== false);
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    if (from.configMapRef) {
      const cm = await src.configMap(ns, from.configMapRef.name);
      if (!cm && !from.configMapRef.optional) throw new ConfigError(`configmap "${from.configMapRef.name}" not found`);
      for (const [k, v] of Object.entries(cm?.data ?? {})) vars.set(prefix + k, v);
    }
    if (from.secretRef) {
      const s = await src.secret(ns, from.secretRef.name);
      if (!s && !from.secretRef.optional) throw new ConfigError(`secret "${from.secretRef.name}" not found`);
      for (const [k, v] of Object.entries(s?.data ?? {})) vars.set(prefix + k, decode(v));
    }
  }
  for (const e of container.env ?? []) {
    const vf = e.valueFrom;
    if (!vf) {
      vars.set(e.name, expand(e.value ?? '', vars));
    } else if (vf.fieldRef) {
      vars.set(e.name, fieldValue(pod, vf.fieldRef.fieldPath));
    } else if (vf.resourceFieldRef) {
      const c = vf.resourceFieldRef.containerName
        ? [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].find((x) => x.name === vf.resourceFieldRef?.containerName)
        : container;
      vars.set(e.name, resourceValue(pod, c, vf.resourceFieldRef.resource, vf.resourceFieldRef.divisor, src.allocatable));
    } else if (vf.configMapKeyRef) {
      const r = vf.configMapKeyRef;
      const cm = await src.configMap(ns, r.name ?? '');
      const v = cm?.data?.[r.key] ?? (cm?.binaryData?.[r.key] !== undefined ? decode(cm.binaryData[r.key] as string) : undefined);
      if (v === undefined && !r.optional)
        throw new ConfigError(cm ? `couldn't find key ${r.key} in ConfigMap ${ns}/${r.name}` : `configmap "${r.name}" not found`);
      if (v !== undefined) vars.set(e.name, v);
    } else if (vf.secretKeyRef) {
      const r = vf.secretKeyRef;
      const s = await src.secret(ns, r.name ?? '');
      const v = s?.data?.[r.key];
      if (v === undefined && !r.optional) throw new ConfigError(s ? `couldn't find key ${r.key} in Secret ${ns}/${r.name}` : `secret "${r.name}" not found`);
      if (v !== undefined) vars.set(e.name, decode(v));
    }
  }
  return vars;
}
