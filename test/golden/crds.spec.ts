// The chart's CRDs for Gatehouse's kinds are generated from the schemas the code validates with: never out of date.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../../scripts/lib/peers.mjs';

it('charts/gatehouse/crds matches libs/validation (node scripts/gen-gatehouse-crds.mjs rewrites it)', () => {
  expect(() => execFileSync(process.execPath, [join(ROOT, 'scripts/gen-gatehouse-crds.mjs'), '--check'], { stdio: 'pipe' })).not.toThrow();
});
