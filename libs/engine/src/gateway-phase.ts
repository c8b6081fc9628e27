// The gateway phase of a full translation: GatewayClasses, Gateways, ListenerSets, BackendTLSPolicies (and the
// policy index) into a fresh State with empty route tables. What it reads is `fullDeps`: a change there redoes all.
import type { ResourceSnapshot } from '@gatehouse/api';
import type { SecretIR } from '@gatehouse/ir';
import type { TranslationMemo } from '@gatehouse/plugin-sdk';
import { emptyXdsResources } from '@gatehouse/plugin-sdk';
import {
  ReportBook,
  StreamTable,
  VirtualHostTable,
  acceptedClasses,
  backendTlsPolicies,
  gatewayLayout,
  policyKinds,
  processGateways,
} from '@gatehouse/translator';
import { track } from './dependency-index.js';
import { irPolicies } from './policy-seam.js';
import type { Engine, GatewayOut, RouteTable, State } from './state.js';
import { sortedRecord } from './util.js';

export function gatewayPhase(engine: Engine, snapshot: ResourceSnapshot): State {
  const { options } = engine;
  const book = new ReportBook();
  const tracked = track(engine, snapshot);
  const gatewayOptions = {
    defaultBindAddress: options.defaultBindAddress ?? '0.0.0.0',
    ...(options.addressUsable ? { addressUsable: options.addressUsable } : {}),
    ...(options.bindGatewayAddresses === false ? { bindGatewayAddresses: false } : {}),
  };
  const {
    value: [states, backendTls, policies],
    deps,
  } = engine.recorder.capture(() => {
    const states = processGateways(tracked, book, acceptedClasses(tracked, book), gatewayOptions);
    return [states, backendTlsPolicies(tracked, book), irPolicies(tracked, states, book, policyKinds(options.plugins))] as const;
  });
  const gateways = new Map<string, GatewayOut>();
  const secrets: Record<string, SecretIR> = {};
  for (const state of states) {
    const layout = gatewayLayout(state);
    const tables = new Map<string, RouteTable>();
    for (const t of layout.tables) tables.set(t.key, { routeConfigName: t.routeConfigName, table: new VirtualHostTable(t.listeners), clusterUse: new Map() });
    const streams = new Map(layout.streamTables.map((name) => [name, { table: new StreamTable(), clusters: new Set<string>(), seen: 0 }]));
    gateways.set(state.key, {
      state,
      layout,
      tables,
      streams,
      clientCertClusters: new WeakMap(),
      clusters: new Map(),
      clusterNames: [],
      failedClusters: new Set(),
      okListeners: '',
      records: emptyXdsResources(),
      books: [],
      generated: [],
    });
    for (const slot of state.slots) if (slot.usable) for (const sec of slot.secrets) secrets[sec.name] = sec;
    if (state.backendClientCert) secrets[state.backendClientCert.name] = state.backendClientCert;
  }
  return {
    snapshot,
    gatewayBook: book,
    gateways,
    gatewayStates: new Map(states.map((g) => [g.key, g])),
    listenerSets: new Map(states.flatMap((g) => [...g.listenerSets].map(([key, set]) => [key, { gateway: g, set }] as const))),
    backendTls,
    policies,
    secrets: sortedRecord(secrets),
    units: new Map(),
    dependents: new Map(),
    fullDeps: deps,
    upstreams: new Map(),
    upstreamRefs: new Map(),
    // A plugin's cluster hook may read anything: its clusters are only reused within this state (its reads are in
    // fullDeps); without cluster hooks a cluster is reused as long as its upstream is the same object.
    clusterCache: engine.hooks.has.cluster ? scopedMemo() : engine.memo,
    clusterBooks: new WeakMap(),
    reportCache: new Map(),
  };
}

function scopedMemo(): TranslationMemo {
  const m = new WeakMap<object, unknown>();
  return {
    get: <K extends object, V>(_scope: string, key: K, compute: () => V): V => {
      if (!m.has(key)) m.set(key, compute());
      return m.get(key) as V;
    },
  };
}
