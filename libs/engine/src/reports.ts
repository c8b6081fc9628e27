// Every resource's fate: the books of the gateway phase, the route units, the hooks and the source's problems,
// merged into one sorted list of reports (unchanged reports keep their objects).
import { resourceKey, type ResourceSnapshot } from '@gatehouse/api';
import type { ResourceReport } from '@gatehouse/plugin-sdk';
import { ReportBook } from '@gatehouse/translator';
import type { Engine, State } from './state.js';

export function reportsOf(engine: Engine, st: State, snapshot: ResourceSnapshot): ResourceReport[] {
  const attached = new Map<object, number>();
  for (const unit of st.units.values()) for (const p of unit.placed) attached.set(p.slot.report, (attached.get(p.slot.report) ?? 0) + 1);
  const books: ReportBook[] = [st.gatewayBook];
  for (const key of [...st.units.keys()].sort()) {
    const book = st.units.get(key)!.book;
    if (book !== books[books.length - 1]) books.push(book);
  }
  for (const out of st.gateways.values()) {
    for (const t of out.tables.values()) for (const vh of t.table.virtualHosts()) if (vh.value.book) books.push(vh.value.book);
    for (const name of out.clusterNames) {
      const book = st.clusterBooks.get(out.clusters.get(name)!.upstream);
      if (book) books.push(book);
    }
    books.push(...out.books);
  }
  const problems = new ReportBook();
  for (const p of snapshot.problems) {
    if (!p.ref) continue;
    const where = p.origin.file ? `${p.origin.file}${p.origin.line ? `:${p.origin.line}` : ''}: ` : '';
    if (p.severity === 'error') problems.reject(p.ref, 'Invalid', where + p.message);
    else problems.warn(p.ref, 'SourceWarning', where + p.message);
  }
  books.push(problems);
  // Only reports about resources that exist (or were refused at the source).
  const known = new Set(snapshot.problems.flatMap((p) => (p.ref ? [resourceKey(p.ref)] : [])));
  return ReportBook.reports(books, (l) => attached.get(l) ?? 0, engine.once ? undefined : st.reportCache).filter((r) => {
    const key = resourceKey(r.ref);
    return snapshot.resources.has(key) || known.has(key);
  });
}
