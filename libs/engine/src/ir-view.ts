// The IR as one value, read off the engine's tables (the tables are the IR's incremental form).
import type { HttpListenerIR, IR, UpstreamIR } from '@gatehouse/ir';
import type { GatewayOut, State } from './state.js';
import { sortedRecord } from './util.js';

export function irOf(st: State): IR {
  return { gateways: [...st.gateways.values()].map((out) => gatewayOf(st, out)), upstreams: upstreamsOf(st), secrets: st.secrets };
}

/**
 * The IR a `resources` hook gets while one Gateway is assembled: that Gateway only (others may not be assembled yet,
 * and building every Gateway's view for each one would cost Gateways² per translation), and every upstream.
 */
export function gatewayIr(st: State, out: GatewayOut, upstreams: () => Record<string, UpstreamIR>): IR {
  const ir = { gateways: [gatewayOf(st, out)], secrets: st.secrets } as Omit<IR, 'upstreams'>;
  // Every upstream as a sorted record costs O(upstreams) per translation: built only when a hook reads it.
  return Object.defineProperty(ir, 'upstreams', { enumerable: true, get: upstreams }) as IR;
}

export function upstreamsOf(st: State): Record<string, UpstreamIR> {
  const upstreams: Record<string, UpstreamIR> = {};
  for (const [name, u] of st.upstreams) upstreams[name] = u;
  return sortedRecord(upstreams);
}

function gatewayOf(st: State, out: GatewayOut): IR['gateways'][number] {
  return {
    key: out.state.key,
    ref: out.state.stored.ref,
    listeners: httpListeners(st, out),
    streamListeners: out.layout.streamListeners((name) => out.streams.get(name)!.table.chains()),
    ...(out.state.infrastructure ? { infrastructure: out.state.infrastructure } : {}),
    ...(out.state.backendClientCert ? { backendClientCert: out.state.backendClientCert.name } : {}),
  };
}

/** A Gateway's HTTP listeners as IR, with their virtual hosts and policies (policy-seam.ts). */
export function httpListeners(st: State, out: GatewayOut): HttpListenerIR[] {
  return out.layout
    .listeners((tableKey) =>
      out.tables
        .get(tableKey)!
        .table.virtualHosts()
        .map((v) => v.value.ir),
    )
    .map((l) => st.policies.listener(l, out.state));
}
