import { expect, it } from 'vitest';
import { sortHttpFilters, type StagedHttpFilter } from './stages.js';

it('sorts filters by stage, then before/during/after, then name', () => {
  const f = (stage: StagedHttpFilter['stage'], name: string, position?: StagedHttpFilter['position']): StagedHttpFilter => ({ stage, filter: { name }, ...(position ? { position } : {}) });
  const sorted = sortHttpFilters([f('route', 'router', 'after'), f('authz', 'rbac'), f('cors', 'cors'), f('authz', 'ext-authz', 'before'), f('route', 'lua'), f('fault', 'fault')]);
  expect(sorted.map((x) => x.filter.name)).toEqual(['fault', 'cors', 'ext-authz', 'rbac', 'lua', 'router']);
});
