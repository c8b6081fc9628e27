// A few core tests of the upstream Gateway API conformance suite (unmodified, the binary scripts/conformance/build.sh
// compiles), run the way `make conformance` runs the whole suite: a real control plane, the test node running the
// suite's Deployments and the Envoys Gatehouse provisions, inside a network namespace of its own. It keeps that
// harness from rotting; `make conformance` is the full run (see scripts/conformance/README.md for its run time).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  BUILD_SCRIPT,
  gatehouseVersion,
  readClaims,
  runSuite,
  startEnvironment,
  suiteArgs,
  type ConformanceEnvironment,
} from '../../scripts/conformance/environment.mjs';
import { failureCauses } from '../../scripts/conformance/report.mjs';
import { BUILD_TIMEOUT_MS, describeInNetworkNamespace, inNetworkNamespace } from '../harness/kube.js';

/** Core tests of GATEWAY-HTTP: attachment and traffic, cross-namespace references, path matching, status on a bad ref. */
const SMOKE = ['HTTPRouteSimpleSameNamespace', 'HTTPRouteCrossNamespace', 'HTTPRouteExactPathMatching', 'HTTPRouteInvalidNonExistentBackendRef'];

interface Report {
  profiles: Array<{ name: string; core: { result: string; statistics: { Passed: number; Failed: number }; failedTests?: string[] } }>;
}

// The suite is compiled outside the namespace (a new namespace reaches no module proxy): once, then one cached line.
if (!inNetworkNamespace()) {
  describe('the conformance suite binary', () => {
    it(
      'is built (scripts/conformance/build.sh)',
      async () => {
        await promisify(execFile)('bash', [BUILD_SCRIPT], { timeout: BUILD_TIMEOUT_MS, maxBuffer: 16 << 20 });
      },
      BUILD_TIMEOUT_MS + 60_000,
    );
  });
}

describeInNetworkNamespace('Gateway API conformance smoke (a few core tests of the real suite)', fileURLToPath(import.meta.url), () => {
  let env: ConformanceEnvironment;
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-conformance-smoke-'));

  beforeAll(async () => {
    env = await startEnvironment({ dir });
  }, 180_000);

  afterAll(async () => {
    await env?.stop();
  });

  it(
    `passes ${SMOKE.join(', ')}`,
    async () => {
      const reportFile = join(dir, 'report.yaml');
      const logFile = join(dir, 'go-test.log');
      const claims = { ...readClaims(), profiles: ['GATEWAY-HTTP'], supportedFeatures: ['Gateway', 'HTTPRoute', 'ReferenceGrant'] };
      const code = await runSuite({
        env,
        args: suiteArgs({ claims, version: await gatehouseVersion(), reportFile, tests: SMOKE }),
        logFile,
        timeoutMs: 8 * 60_000,
      });
      const log = readFileSync(logFile, 'utf8');
      const causes = [...failureCauses(log)].map(([t, lines]) => `${t}:\n  ${lines.join('\n  ')}`).join('\n');
      expect(code, `the suite failed:\n${causes || log.slice(-4000)}`).toBe(0);
      const report = parse(readFileSync(reportFile, 'utf8')) as Report;
      const http = report.profiles.find((p) => p.name === 'GATEWAY-HTTP')!;
      expect(http.core.statistics.Passed).toBe(SMOKE.length);
      expect(http.core.statistics.Failed).toBe(0);
    },
    9 * 60_000,
  );
});
