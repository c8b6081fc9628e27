// `gatehouse get resources|reports|proxies|snapshot` against a running control plane.
import { adminGet, type AdminTarget, type LiveProxy, type ReportRow as Report, type ResourceStatus as Resource } from '../admin-client.js';
import { emit, table, type Format } from '../output.js';

type DiscoveryStatus = { state: string; functions?: number; error?: { code: string; message: string; line?: number } };
type UpstreamRow = {
  namespace: string;
  name: string;
  type: string;
  discoveredBy?: string;
  functions: Array<{ name: string }>;
  discovery: Record<string, DiscoveryStatus>;
};
type DiscovererRow = { name: string; enabled: boolean; upstreams: number; functions: number; lastRun?: string; error?: { code: string; message: string } };

/** A count and the first few names. */
function functionsCell(names: string[]): string {
  if (!names.length) return '0';
  const shown = names.slice(0, 3).join(', ');
  return `${names.length} (${shown}${names.length > 3 ? ', …' : ''})`;
}

/** Per discoverer: ok, or the error code with its line and the start of its message. */
function discoveryCell(d: Record<string, DiscoveryStatus>): string {
  return Object.entries(d)
    .map(([name, s]) =>
      s.error ? `${name}: ${s.error.code}${s.error.line ? ` at line ${s.error.line}` : ''}: ${s.error.message.slice(0, 80)}` : `${name}: ${s.state}`,
    )
    .join('; ');
}

const nsName = (ns: string, name: string) => (ns ? `${ns}/${name}` : name);

export async function runGet(
  what: string,
  target: AdminTarget,
  format: Format,
  o: { state?: string; kind?: string; namespace?: string; gateway?: string },
): Promise<number> {
  switch (what) {
    case 'resources': {
      const r = await adminGet<{ items: Resource[]; problems: unknown[] }>(target, '/api/v1/resources');
      const items = r.items.filter((i) => (!o.state || i.state === o.state) && (!o.kind || i.kind === o.kind) && (!o.namespace || i.namespace === o.namespace));
      emit({ ...r, items }, format, () =>
        table(
          ['KIND', 'NAMESPACE/NAME', 'STATE', 'FILE', 'MESSAGE'],
          items.map((i) => [i.kind, nsName(i.namespace, i.name), i.state, i.origin.file ? `${i.origin.file}:${i.origin.line ?? ''}` : '', i.messages[0] ?? '']),
        ),
      );
      return 0;
    }
    case 'reports': {
      const q = new URLSearchParams({
        ...(o.state ? { state: o.state } : {}),
        ...(o.kind ? { kind: o.kind } : {}),
        ...(o.namespace ? { namespace: o.namespace } : {}),
        limit: '1000',
      });
      const r = await adminGet<{ items: Report[]; total: number }>(target, `/api/v1/reports?${q}`);
      emit(
        r,
        format,
        () =>
          table(
            ['KIND', 'NAMESPACE/NAME', 'STATE', 'LAST CHANGE', 'MESSAGE'],
            r.items.map((i) => [i.kind, nsName(i.namespace, i.name), i.state, i.lastChange, i.messages[0] ?? '']),
          ) + `${r.items.length} of ${r.total}\n`,
      );
      return 0;
    }
    case 'proxies': {
      const r = await adminGet<{ items: LiveProxy[] }>(target, '/api/v1/proxies');
      emit(r, format, () =>
        table(
          ['NODE', 'GATEWAY', 'PROTOCOL', 'CONNECTED', 'ACKED', 'LAST NACK'],
          r.items.map((p) => {
            const types = Object.values(p.types);
            const acked = types.filter((t) => t.ackedVersion && t.ackedVersion === t.sentVersion).length;
            return [
              p.nodeId,
              p.nodeGroup + (p.knownGateway ? '' : ' (unknown)'),
              p.protocol,
              p.connectedAt,
              `${acked}/${types.length} types`,
              types.find((t) => t.lastNack)?.lastNack?.message ?? '',
            ];
          }),
        ),
      );
      return 0;
    }
    case 'upstreams': {
      const r = await adminGet<{ items: UpstreamRow[]; discoverers: DiscovererRow[] }>(target, '/api/v1/upstreams');
      const items = r.items.filter((i) => !o.namespace || i.namespace === o.namespace);
      emit({ ...r, items }, format, () => {
        const rows = items.map((u) => [
          nsName(u.namespace, u.name),
          u.type,
          u.discoveredBy ?? '',
          functionsCell(u.functions.map((f) => f.name)),
          discoveryCell(u.discovery),
        ]);
        const on = r.discoverers.filter((d) => d.enabled);
        const summary = on.length
          ? on
              .map(
                (d) =>
                  `${d.name}: ${d.upstreams} upstreams, ${d.functions} functions${d.lastRun ? `, last run ${d.lastRun}` : ''}${d.error ? `, error ${d.error.code}: ${d.error.message}` : ''}`,
              )
              .join('\n')
          : 'discovery: off';
        return table(['NAMESPACE/NAME', 'TYPE', 'DISCOVERED BY', 'FUNCTIONS', 'DISCOVERY'], rows) + '\n' + summary + '\n';
      });
      return 0;
    }
    case 'snapshot': {
      if (!o.gateway) throw new Error('get snapshot needs --gateway NAMESPACE/NAME');
      const r = await adminGet<{ versions: Record<string, string>; resources: Record<string, Array<{ name: string; version: string }>> }>(
        target,
        `/api/v1/snapshots/${o.gateway}`,
      );
      emit(r, format === 'table' ? 'yaml' : format, () => '');
      return 0;
    }
    default:
      throw new Error(`unknown resource type "${what}" (resources, reports, proxies, upstreams, snapshot)`);
  }
}
