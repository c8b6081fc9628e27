// The whole-IR translation: one Gateway's IR → all its xDS resources, from scratch — no memo, no incremental
// state, no object reuse. It is the reference the engine's incremental assembly is checked against
// (test/golden/whole-ir-equivalence.spec.ts): both must give the same resources for the same IR.
import { XdsType, emptyXdsResources, type EnvoyMessage, type IR, type PluginContext, type XdsResources } from '@gatehouse/plugin-sdk';
import { ADS_CONFIG_SOURCE } from './clusters.js';
import { routeClusters, type Hooks } from './hooks.js';
import { routeConfiguration, tlsSecret } from './listeners.js';
import { MISDIRECTED_ROUTE } from './routes.js';
import { envoyStreamListener, streamClusters } from './stream-listeners.js';

/**
 * Every xDS resource of the Gateway `gatewayKey` in `ir`, records sorted by name. Plugin hooks run through `hooks`
 * and report into `ctx.reports`, as in the engine.
 */
export function gatewayResources(ir: IR, gatewayKey: string, hooks: Hooks, ctx: PluginContext): XdsResources {
  const gw = ir.gateways.find((g) => g.key === gatewayKey);
  const records = emptyXdsResources();
  if (!gw) return records;
  const secret = (name: string) => {
    const sec = ir.secrets[name];
    if (sec) records[XdsType.Secret][name] = tlsSecret(name, sec.certificateChain, sec.privateKey);
  };
  const used = new Set<string>();

  for (const l of gw.listeners) {
    const listener = hooks.listener(ctx, l, gw.ref);
    if (!listener) continue;
    records[XdsType.Listener][l.name] = listener;
    const at = { port: l.port, scheme: l.protocol === 'HTTPS' ? ('https' as const) : ('http' as const) };
    const chains = l.tlsChains ?? [{ routeConfigName: l.name, secretNames: [] as string[], virtualHosts: l.virtualHosts }];
    for (const chain of chains) {
      const virtualHosts = chain.virtualHosts.map((vh) => {
        const routes: EnvoyMessage[] = vh.misdirected ? [MISDIRECTED_ROUTE] : [];
        for (const r of vh.routes) {
          const payload = hooks.route(ctx, r, at);
          if (!payload) continue;
          routes.push(payload);
          for (const c of routeClusters(r)) used.add(c);
        }
        return hooks.has.virtualHost ? hooks.virtualHost(ctx, vh, routes, gw.ref) : { name: vh.name, domains: vh.domains, routes };
      });
      records[XdsType.Route][chain.routeConfigName] = routeConfiguration(chain.routeConfigName, virtualHosts);
      for (const name of chain.secretNames) secret(name);
    }
  }

  for (const sl of gw.streamListeners ?? []) {
    for (const c of sl.chains) for (const name of streamClusters(c.route)) used.add(name);
    const listener = envoyStreamListener(sl);
    if (!listener) continue;
    records[XdsType.Listener][sl.name] = listener;
    for (const c of sl.chains) for (const name of c.secretNames ?? []) secret(name);
  }

  let tlsBackends = false;
  for (const name of used) {
    const u = ir.upstreams[name];
    if (!u) continue;
    tlsBackends ||= u.tls !== undefined;
    const built = hooks.cluster(ctx, u);
    if (!built) continue;
    records[XdsType.Cluster][name] = gw.backendClientCert && u.tls ? withClientCert(built.cluster, gw.backendClientCert) : built.cluster;
    if (built.endpoints) records[XdsType.Endpoint][name] = built.endpoints;
  }
  // The Gateway's client certificate for TLS backends travels over SDS, like listener certificates.
  if (gw.backendClientCert && tlsBackends) secret(gw.backendClientCert);

  for (const g of hooks.has.resources ? hooks.resources(ctx, { ...ir, gateways: [gw] }, gw.key, gw.ref) : []) records[g.typeUrl][g.name] = g.resource;
  for (const type of Object.keys(records) as Array<keyof XdsResources>) records[type] = sorted(records[type]);
  return records;
}

/** A TLS cluster presenting the Gateway's backend client certificate (spec.tls.backend). */
export function withClientCert(cluster: EnvoyMessage, secretName: string): EnvoyMessage {
  const copy = structuredClone(cluster) as { transportSocket: { typedConfig: { commonTlsContext: EnvoyMessage } } };
  copy.transportSocket.typedConfig.commonTlsContext['tlsCertificateSdsSecretConfigs'] = [{ name: secretName, sdsConfig: ADS_CONFIG_SOURCE }];
  return copy as unknown as EnvoyMessage;
}

function sorted<T>(rec: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(rec).sort()) out[k] = rec[k]!;
  return out;
}
