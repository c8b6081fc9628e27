// Where a provisioned Gateway can be reached, for its status.addresses: from its Service (a LoadBalancer's ingress;
// the cluster IPs of a ClusterIP or NodePort Service), or, in local mode, where its local Envoy's listeners bind
// (loopback for a wildcard bind).
import type { GatewayIR } from '@gatehouse/ir';
import type { Address } from './report-amender.js';

export interface ServiceObject {
  spec?: { type?: string; clusterIP?: string; clusterIPs?: string[] };
  status?: { loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string }> } };
}

const sorted = (a: Address[]) => a.sort((x, y) => x.type.localeCompare(y.type) || x.value.localeCompare(y.value));

export function serviceAddresses(svc: ServiceObject | undefined): Address[] {
  if (!svc) return [];
  const out: Address[] = [];
  if ((svc.spec?.type ?? 'ClusterIP') === 'LoadBalancer') {
    for (const i of svc.status?.loadBalancer?.ingress ?? []) {
      if (i.ip) out.push({ type: 'IPAddress', value: i.ip });
      else if (i.hostname) out.push({ type: 'Hostname', value: i.hostname });
    }
  } else {
    const ips = svc.spec?.clusterIPs ?? (svc.spec?.clusterIP ? [svc.spec.clusterIP] : []);
    for (const ip of ips) if (ip && ip !== 'None') out.push({ type: 'IPAddress', value: ip });
  }
  return sorted(dedupe(out));
}

export function localAddresses(gw: GatewayIR | undefined): Address[] {
  const out: Address[] = [];
  for (const l of gw?.listeners ?? []) {
    const a = l.address === '0.0.0.0' ? '127.0.0.1' : l.address === '::' ? '::1' : l.address;
    if (a) out.push({ type: 'IPAddress', value: a });
  }
  return sorted(dedupe(out));
}

function dedupe(a: Address[]): Address[] {
  const seen = new Set<string>();
  return a.filter((x) => !seen.has(`${x.type}/${x.value}`) && !!seen.add(`${x.type}/${x.value}`));
}
