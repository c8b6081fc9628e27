// Discovery settings from the command line, overlaid by a Gatehouse `Settings` resource (spec.discovery.<discoverer>)
// when the configuration has one: per-discoverer enablement and tuning without a restart.
import { resourcesOfKind, type KubeObject, type ResourceSnapshot, type SourceProblem } from '@gatehouse/api';
import { DEFAULT_DISCOVERER_SETTINGS, resolveSettings, type DiscovererSettingsInput, type DiscoverySettings } from './settings.js';

export interface SettingsResource extends KubeObject {
  spec?: { discovery?: Record<string, DiscovererSettingsInput> };
}

/** The command line's settings for every discoverer: `enabled` names those turned on, `defaults` applies to all. */
export function commandLineSettings(names: readonly string[], enabled: readonly string[], defaults: DiscovererSettingsInput): DiscoverySettings {
  const unknown = enabled.filter((e) => !names.includes(e));
  if (unknown.length) throw new Error(`--discovery: unknown discoverer ${unknown.join(', ')} (known: ${names.join(', ')})`);
  return Object.fromEntries(names.map((n) => [n, resolveSettings(DEFAULT_DISCOVERER_SETTINGS, { ...defaults, enabled: enabled.includes(n) }, '--discovery')]));
}

/** `base` overlaid by the first Settings resource (by namespace/name); problems name the resource and field. */
export function withSettingsResource(
  base: DiscoverySettings,
  snapshot: ResourceSnapshot,
): { settings: DiscoverySettings; problems: SourceProblem[]; from?: string } {
  const all = resourcesOfKind<SettingsResource>(snapshot, 'Settings');
  const first = all[0];
  if (!first) return { settings: base, problems: [] };
  const problems: SourceProblem[] = all.slice(1).map((s) => ({
    origin: s.origin,
    ref: s.ref,
    severity: 'warning',
    message: `Settings ${s.ref.namespace}/${s.ref.name} is ignored: Settings ${first.ref.namespace}/${first.ref.name} is the one in effect (keep one Settings resource)`,
  }));
  const settings: DiscoverySettings = { ...base };
  for (const [name, input] of Object.entries(first.object.spec?.discovery ?? {})) {
    const where = `Settings ${first.ref.namespace}/${first.ref.name}: spec.discovery.${name}`;
    if (!Object.hasOwn(base, name)) {
      problems.push({
        origin: first.origin,
        ref: first.ref,
        severity: 'warning',
        message: `${where}: unknown discoverer (known: ${Object.keys(base).join(', ')})`,
      });
      continue;
    }
    try {
      settings[name] = resolveSettings(base[name]!, input, `spec.discovery.${name}`);
    } catch (err) {
      problems.push({
        origin: first.origin,
        ref: first.ref,
        severity: 'warning',
        message: `Settings ${first.ref.namespace}/${first.ref.name}: ${(err as Error).message}; the command line's settings are used for ${name}`,
      });
    }
  }
  return { settings, problems, from: `${first.ref.namespace}/${first.ref.name}` };
}
