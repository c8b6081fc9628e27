// Resolves backendRefs to Gatehouse `Upstream` resources with a `static` host list.
import { isIP } from 'node:net';
import {
  GATEHOUSE_GROUP,
  clusterName,
  describeRef,
  isBackendError,
  parseDurationMs,
  type BackendError,
  type BackendTarget,
  type KubeObject,
  type PluginContext,
  type TranslatorPlugin,
  type UpstreamIR,
} from '@gatehouse/plugin-sdk';

interface UpstreamLike extends KubeObject {
  spec?: { static?: { hosts?: Array<{ address?: string; port?: number; weight?: number }> }; connectTimeout?: string };
}

export const PLUGIN_NAME = 'static-upstream';

function invalid(_ctx: PluginContext, target: BackendTarget, field: string, why: string): BackendError {
  const ref = { kind: 'Upstream', namespace: target.namespace, name: target.name };
  return { reason: 'InvalidUpstream', message: `${describeRef(ref)}: ${field}: ${why}` };
}

function resolveUpstream(ctx: PluginContext, target: BackendTarget): UpstreamIR | BackendError {
  const stored = ctx.snapshot.resources.get(`Upstream/${target.namespace}/${target.name}`);
  if (!stored) return { reason: 'BackendNotFound', message: `Upstream ${target.namespace}/${target.name} not found` };
  const result = ctx.memo.get('static-upstream', stored.object, () => computeUpstream(ctx, target, stored));
  // The Upstream itself is rejected on every translation, memoized or not.
  if (isBackendError(result) && result.reason === 'InvalidUpstream') ctx.reports.reject(stored.ref, 'InvalidUpstream', result.message);
  return result;
}

function computeUpstream(
  ctx: PluginContext,
  target: BackendTarget,
  stored: { object: KubeObject; ref: UpstreamIR['sources'][number] },
): UpstreamIR | BackendError {
  const spec = (stored.object as UpstreamLike).spec ?? {};
  if (!spec.static) return invalid(ctx, target, 'spec', 'exactly one upstream variant must be set (supported: static)');
  const hosts = spec.static.hosts ?? [];
  if (hosts.length === 0) return invalid(ctx, target, 'spec.static.hosts', 'must list at least one host');
  for (const [i, h] of hosts.entries()) {
    if (!h.address) return invalid(ctx, target, `spec.static.hosts[${i}].address`, 'is required');
    if (!Number.isInteger(h.port) || h.port! < 1 || h.port! > 65535) {
      return invalid(ctx, target, `spec.static.hosts[${i}].port`, `must be an integer in 1-65535, got ${String(h.port)}`);
    }
  }
  let connectTimeoutMs = 5000;
  if (spec.connectTimeout !== undefined) {
    const ms = parseDurationMs(spec.connectTimeout);
    if (ms === undefined || ms <= 0) return invalid(ctx, target, 'spec.connectTimeout', `"${spec.connectTimeout}" is not a duration like 2s or 500ms`);
    connectTimeoutMs = ms;
  }
  const allIps = hosts.every((h) => isIP(h.address!) !== 0);
  return {
    clusterName: clusterName('upstream', target.namespace, target.name),
    sources: [stored.ref],
    discovery: allIps ? 'eds' : 'dns',
    endpoints: hosts.map((h) => ({ address: h.address!, port: h.port!, ready: true, ...(h.weight ? { weight: h.weight } : {}) })),
    connectTimeoutMs,
    plugin: PLUGIN_NAME,
    policies: {},
  };
}

export const staticUpstreamPlugin: TranslatorPlugin = {
  name: PLUGIN_NAME,
  backends: [{ group: GATEHOUSE_GROUP, kind: 'Upstream', resolve: resolveUpstream }],
};
