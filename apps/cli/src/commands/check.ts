// `gatehouse check`: one screen — what is rejected and why, which proxies NACK or are disconnected.
import { adminGet, type AdminTarget, type LiveProxy, type ResourceStatus as Resource, type StoredProxy } from '../admin-client.js';
import type { Format } from '../output.js';
import { emit } from '../output.js';

/** A message without its leading "Kind ns/name" (the line already names the resource). */
function detail(r: { kind: string; namespace: string; name: string; origin: { file?: string; line?: number } }, message: string): string {
  const where = r.origin.file ? `${r.origin.file}${r.origin.line ? `:${r.origin.line}` : ''}: ` : undefined;
  const rest = where && message.startsWith(where) ? message.slice(where.length) : message;
  const subject = `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
  return rest.startsWith(subject) ? rest.slice(subject.length).replace(/^(:\s*|\s+)/, '') : rest;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export async function runCheck(target: AdminTarget, format: Format): Promise<number> {
  const ready = await fetch(new URL('/readyz', target.url))
    .then((r) => r.ok)
    .catch(() => false);
  const res = await adminGet<{ items: Resource[]; problems: Array<{ file?: string; line?: number; message: string }> }>(target, '/api/v1/resources');
  const px = await adminGet<{ items: LiveProxy[]; history: StoredProxy[] | { error: string } }>(target, '/api/v1/proxies');
  const rejected = res.items.filter((r) => r.state === 'rejected');
  const warnings = res.items.filter((r) => r.state === 'warning');
  const nacking = px.items.filter((p) => Object.values(p.types).some((t) => t.lastNack && t.sentVersion !== t.ackedVersion));
  const unknown = px.items.filter((p) => !p.knownGateway);
  const live = new Set(px.items.map((p) => `${p.nodeId}|${p.nodeGroup}`));
  const history = Array.isArray(px.history) ? px.history : [];
  const disconnected = [
    ...new Map(history.filter((p) => p.disconnectedAt && !live.has(`${p.nodeId}|${p.gateway}`)).map((p) => [`${p.nodeId}|${p.gateway}`, p])).values(),
  ];
  const ok = ready && rejected.length === 0 && res.problems.length === 0 && nacking.length === 0 && unknown.length === 0;
  const data = {
    ok,
    ready,
    rejected,
    problems: res.problems,
    warnings,
    nacking,
    unknownGateway: unknown,
    disconnected,
    reportDatabase: Array.isArray(px.history) ? 'ok' : px.history.error,
  };
  emit(data, format, () => {
    const lines: string[] = [];
    const mark = (good: boolean) => (good ? 'OK  ' : 'FAIL');
    lines.push(`${mark(ready)} control plane ${ready ? 'ready' : 'not ready'} (${target.url})`);
    lines.push(
      `${mark(rejected.length === 0 && res.problems.length === 0)} ${plural(res.items.length, 'resource')}, ${rejected.length} rejected, ${warnings.length} with warnings, ${plural(res.problems.length, 'unreadable document')}`,
    );
    for (const r of rejected)
      lines.push(
        `       rejected ${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}${r.origin.file ? ` (${r.origin.file}:${r.origin.line})` : ''}: ${r.messages.map((m) => detail(r, m)).join('; ')}`,
      );
    for (const p of res.problems) lines.push(`       unreadable ${p.file ?? ''}${p.line ? `:${p.line}` : ''}: ${p.message}`);
    for (const r of warnings)
      lines.push(`       warning  ${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}: ${r.messages.map((m) => detail(r, m)).join('; ')}`);
    lines.push(
      `${mark(nacking.length === 0 && unknown.length === 0)} ${plural(px.items.length, 'proxy', 'proxies')} connected, ${nacking.length} rejecting configuration, ${unknown.length} for unknown gateways`,
    );
    for (const p of nacking)
      for (const [t, s] of Object.entries(p.types))
        if (s.lastNack) lines.push(`       NACK ${p.nodeId} (${p.nodeGroup}) ${t.split('.').pop()}: ${s.lastNack.message}`);
    for (const p of unknown) lines.push(`       ${p.nodeId} names gateway "${p.nodeGroup}", which Gatehouse does not serve`);
    lines.push(`${disconnected.length ? 'WARN' : 'OK  '} ${plural(disconnected.length, 'proxy', 'proxies')} disconnected (and not back)`);
    for (const p of disconnected) lines.push(`       ${p.nodeId} (${p.gateway}) disconnected at ${p.disconnectedAt}`);
    if (!Array.isArray(px.history)) lines.push(`WARN ${px.history.error}`);
    return lines.join('\n') + '\n';
  });
  return ok ? 0 : 1;
}
