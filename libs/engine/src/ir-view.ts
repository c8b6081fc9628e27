// The IR as one value, read off the engine's tables (the tables are the IR's incremental form).
import type { HttpListenerIR, IR, UpstreamIR } from '@gatehouse/ir';
import type { GatewayOut, State } from './state.js';
import { sortedRecord } from './util.js';

export function irOf(st: State): IR {
  const upstreams: Record<string, UpstreamIR> = {};
  for (const [name, u] of st.upstreams) upstreams[name] = u;
  return {
    gateways: [...st.gateways.values()].map((out) => ({
      key: out.state.key,
      ref: out.state.stored.ref,
      listeners: httpListeners(st, out),
      streamListeners: out.layout.streamListeners((name) => out.streams.get(name)!.table.chains()),
      ...(out.state.infrastructure ? { infrastructure: out.state.infrastructure } : {}),
      ...(out.state.backendClientCert ? { backendClientCert: out.state.backendClientCert.name } : {}),
    })),
    upstreams: sortedRecord(upstreams),
    secrets: st.secrets,
  };
}

/** A Gateway's HTTP listeners as IR, with their virtual hosts and policies (policy-seam.ts). */
export function httpListeners(st: State, out: GatewayOut): HttpListenerIR[] {
  return out.layout.listeners((tableKey) => out.tables.get(tableKey)!.table.virtualHosts().map((v) => v.value.ir)).map((l) => st.policies.listener(l, out.state));
}
