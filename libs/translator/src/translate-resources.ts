// Stage 1: resources → IR (Gateway API semantics) plus the report book. Pure: no I/O, no clock.
import type { ResourceSnapshot } from '@gatehouse/api';
import type { GatewayIR, HttpListenerIR, IR, RouteIR, SecretIR, UpstreamIR, VirtualHostIR } from '@gatehouse/ir';
import { NO_MEMO, type BackendResolver, type PluginContext, type TranslationMemo, type TranslatorPlugin } from '@gatehouse/plugin-sdk';
import { acceptedClasses, processGateways, type GatewayState } from './gateways.js';
import { compareDomains, hostnameApplies } from './hostnames.js';
import { compareRoutes, type RankedRoute } from './precedence.js';
import { ReportBook } from './report-book.js';
import { processHttpRoutes, type Attachment } from './routes.js';

export interface ResourceTranslatorOptions {
  plugins: readonly TranslatorPlugin[];
  /** Where Envoy listeners bind when a Gateway has no `spec.addresses` (default `0.0.0.0`). */
  defaultBindAddress?: string;
  /** Results reused between translations (a control plane keeps one); none by default. */
  memo?: TranslationMemo;
}

export interface ResourceTranslation {
  ir: IR;
  book: ReportBook;
  pluginCtx: PluginContext;
}

export function translateResources(snapshot: ResourceSnapshot, options: ResourceTranslatorOptions): ResourceTranslation {
  const book = new ReportBook();
  const pluginCtx: PluginContext = { snapshot, reports: book, memo: options.memo ?? NO_MEMO };
  const classes = acceptedClasses(snapshot, book);
  const gateways = processGateways(snapshot, book, classes, options.defaultBindAddress ?? '0.0.0.0');
  const resolvers = new Map<string, BackendResolver>();
  for (const p of options.plugins) for (const r of p.backends ?? []) resolvers.set(`${r.group}/${r.kind}`, r);
  const upstreams: Record<string, UpstreamIR> = {};
  const attachments = processHttpRoutes({
    snapshot,
    book,
    gateways: new Map(gateways.map((g) => [g.key, g])),
    resolvers,
    pluginCtx,
    upstreams,
    resolved: new Map(),
  });
  const secrets: Record<string, SecretIR> = {};
  for (const g of gateways) for (const slot of g.slots) if (slot.usable) for (const sec of slot.secrets) secrets[sec.name] = sec;
  const ir: IR = { gateways: gateways.map((g) => buildGateway(g, attachments)), upstreams: sortRecord(upstreams), secrets: sortRecord(secrets) };
  return { ir, book, pluginCtx };
}

function buildGateway(gw: GatewayState, attachments: Attachment[]): GatewayIR {
  const listeners = new Map<string, HttpListenerIR>();
  // Routes with their hostname, per Envoy listener (HTTP) or per Gateway listener (HTTPS filter chain).
  const ranked = new Map<string, RankedRoute[]>();
  const rankKey = (slot: GatewayState['slots'][number]) => (slot.listener.protocol === 'HTTPS' ? `${slot.envoyListener}/${slot.listener.name}` : slot.envoyListener);
  for (const slot of gw.slots) {
    if (!slot.usable) continue;
    let l = listeners.get(slot.envoyListener);
    if (!l) {
      const protocol = slot.listener.protocol === 'HTTPS' ? 'HTTPS' : 'HTTP';
      l = { name: slot.envoyListener, protocol, address: slot.address, port: slot.listener.port, sectionNames: [], virtualHosts: [], policies: {}, ...(protocol === 'HTTPS' ? { tlsChains: [] } : {}) };
      listeners.set(slot.envoyListener, l);
    }
    l.sectionNames.push(slot.listener.name);
    ranked.set(rankKey(slot), []);
    l.tlsChains?.push({
      sectionName: slot.listener.name,
      routeConfigName: `${slot.envoyListener}-${slot.listener.name}`,
      serverNames: slot.listener.hostname ? [slot.listener.hostname] : [],
      secretNames: slot.secrets.map((s) => s.name),
      virtualHosts: [],
    });
  }
  for (const a of attachments) {
    if (a.slot.gatewayRef.name !== gw.stored.ref.name || a.slot.gatewayRef.namespace !== gw.stored.ref.namespace) continue;
    const list = ranked.get(rankKey(a.slot))!;
    for (const hostname of a.hostnames) for (const route of a.routes) list.push({ route, hostname, createdAt: a.createdAt });
  }
  for (const l of listeners.values()) {
    if (l.tlsChains) for (const chain of l.tlsChains) chain.virtualHosts = buildVirtualHosts(ranked.get(`${l.name}/${chain.sectionName}`)!);
    else l.virtualHosts = buildVirtualHosts(ranked.get(l.name)!);
  }
  return { key: gw.key, ref: gw.stored.ref, listeners: [...listeners.values()].sort((a, b) => a.port - b.port) };
}

/**
 * One virtual host per distinct hostname. Each holds every route whose hostname applies to it, so a request for
 * `a.example.com` still reaches routes attached under `*.example.com` or `*` when no more specific rule matches.
 */
function buildVirtualHosts(routes: RankedRoute[]): VirtualHostIR[] {
  const domains = [...new Set(routes.map((r) => r.hostname))].sort(compareDomains);
  return domains.map((domain) => {
    const applicable = routes.filter((r) => hostnameApplies(r.hostname, domain)).sort(compareRoutes);
    const seen = new Set<RouteIR>();
    const unique: RouteIR[] = [];
    for (const r of applicable) {
      if (seen.has(r.route)) continue;
      seen.add(r.route);
      unique.push(r.route);
    }
    return { name: domain === '*' ? 'catch-all' : domain, domains: [domain], routes: unique, policies: {} };
  });
}

function sortRecord<T>(rec: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(rec).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
