import { expect, it } from 'vitest';
import { sortHttpFilters, type StagedHttpFilter } from './stages.js';

it('sorts filters by stage, then before/during/after, then name', () => {
  const f = (stage: StagedHttpFilter['stage'], name: string, position?: StagedHttpFilter['position']): StagedHttpFilter => ({
    stage,
    filter: { name },
    ...(position ? { position } : {}),
  });
  const sorted = sortHttpFilters([
    f('route', 'router', 'after'),
    f('authz', 'rbac'),
    f('cors', 'cors'),
    f('authz', 'ext-authz', 'before'),
    f('route', 'lua'),
    f('fault', 'fault'),
  ]);
  expect(sorted.map((x) => x.filter.name)).toEqual(['fault', 'cors', 'ext-authz', 'rbac', 'lua', 'router']);
});

it('orders filters of one stage and position by plugin priority before name, ties keeping their order', () => {
  const f = (name: string, priority?: number, second = false): StagedHttpFilter & { priority?: number } => ({
    stage: 'authz',
    filter: { name, ...(second ? { second } : {}) },
    ...(priority !== undefined ? { priority } : {}),
  });
  const sorted = sortHttpFilters([f('a', 10), f('z', -1), f('m'), f('b', 10), f('same', 5), f('same', 5, true)]);
  expect(sorted.map((x) => x.filter.name)).toEqual(['z', 'm', 'same', 'same', 'a', 'b']);
  expect(sorted[3]!.filter['second']).toBe(true);
});
