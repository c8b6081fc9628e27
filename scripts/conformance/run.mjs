// `make conformance`: the unmodified Gateway API conformance suite against Gatehouse, on this machine (run inside
// scripts/kube/in-netns.sh; build with scripts/conformance/build.sh first — make does both). Claims come from
// conformance/claims.yaml. Writes conformance/reports/<gateway-api version>/gatehouse-gatehouse/<channel>-default-*
// (the report YAML, a one-screen summary, the failures' lines, each test's result and features) and regenerates
// docs/conformance.md; the go test log and every component's logs stay in .gatehouse/conformance/.
//
//   CONFORMANCE_EXPLORE=1              every Gateway profile and feature, claimed or not (`make conformance-explore`):
//                                      written as explore-<channel>-* beside the claims run; shows what could be claimed
//   CONFORMANCE_RUN_TEST=<ShortName>   one test only (partial: nothing is written to conformance/)
//   CONFORMANCE_ARGS="<flags>"         more suite flags, e.g. -debug, -skip-tests=A,B, -fail-fast (partial)
//   CONFORMANCE_PROFILES=A,B           these profiles instead of the claimed ones (partial)
//   CONFORMANCE_FEATURES=A,B           these features instead of the claimed ones (partial)
//   CONFORMANCE_ECHO=1                 show every component's log lines live
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from '../lib/peers.mjs';
import { VERSIONS } from '../kube/cluster.mjs';
import { inNetworkNamespace } from '../kube/netns.mjs';
import { GATEWAY_FEATURES, GATEWAY_PROFILES, gatehouseVersion, readClaims, runSuite, startEnvironment, suiteArgs, SUITE, SUITE_DIR } from './environment.mjs';
import { generateDocs } from './gen-docs.mjs';
import { failureCauses, readReport, summaryText, testResults } from './report.mjs';

const say = (line) => process.stdout.write(`conformance: ${line}\n`);
if (!inNetworkNamespace()) {
  console.error('conformance: run inside scripts/kube/in-netns.sh (make conformance does)');
  process.exit(2);
}
if (!existsSync(SUITE)) {
  console.error(`conformance: the suite is not built (${SUITE}): run scripts/conformance/build.sh (make conformance does)`);
  process.exit(2);
}

const runTest = process.env.CONFORMANCE_RUN_TEST || '';
const explore = process.env.CONFORMANCE_EXPLORE === '1';
const list = (v) => (v || '').split(',').map((x) => x.trim()).filter(Boolean);
const [profilesOverride, featuresOverride] = [list(process.env.CONFORMANCE_PROFILES), list(process.env.CONFORMANCE_FEATURES)];
const partial = !!(runTest || process.env.CONFORMANCE_ARGS || profilesOverride.length || featuresOverride.length);
const work = join(ROOT, '.gatehouse/conformance');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const reportDir = join(ROOT, 'conformance/reports', VERSIONS.GATEWAY_API_VERSION, 'gatehouse-gatehouse');
const reportFile = join(work, 'report.yaml');
const logFile = join(work, 'go-test.log');
const claims = readClaims();
if (explore) Object.assign(claims, { profiles: GATEWAY_PROFILES, supportedFeatures: GATEWAY_FEATURES });
if (profilesOverride.length) claims.profiles = profilesOverride;
if (featuresOverride.length) claims.supportedFeatures = featuresOverride;
const version = await gatehouseVersion();
const extra = [...(runTest ? [`-run-test=${runTest}`] : []), ...(process.env.CONFORMANCE_ARGS || '').split(/\s+/).filter(Boolean)];

let env;
const stop = async (code) => {
  await env?.stop().catch(() => undefined);
  process.exit(code);
};
process.on('SIGINT', () => void stop(130));
process.on('SIGTERM', () => void stop(143));

try {
  say(`Gateway API ${VERSIONS.GATEWAY_API_VERSION} suite${explore ? ' (exploring: every Gateway profile and feature)' : ''}, profiles ${claims.profiles.join(', ')}; features: ${claims.supportedFeatures.join(', ')}${runTest ? `; only ${runTest}` : ''}`);
  env = await startEnvironment({ dir: work, echo: process.env.CONFORMANCE_ECHO === '1', log: say });
  const args = suiteArgs({ claims, version, reportFile, extra });
  say(`running ${SUITE} ${args.join(' ')}`);
  say(`live log: ${relative(process.cwd(), logFile)}`);
  const t0 = Date.now();
  let started = 0;
  const code = await runSuite({
    env, args, logFile,
    // go test prints the subtests' results at the end; the suite logs each test it starts.
    onLine: (l) => {
      const m = /conformance\.go:\d+: \S+: Running (\S+), relying on/.exec(l);
      if (m) say(`${++started}. ${m[1]}`);
    },
  });
  const runSeconds = Math.round((Date.now() - t0) / 1000);
  say(`the suite exited (${code}) after ${runSeconds} s`);
  if (!existsSync(reportFile)) {
    say(`no report was written: see ${relative(process.cwd(), logFile)}`);
    await stop(1);
  }
  const report = readReport(reportFile);
  const summary = summaryText(report, { runSeconds, suiteInfo: readFileSync(join(SUITE_DIR, 'suite.info'), 'utf8').trim() });
  const log = readFileSync(logFile, 'utf8');
  const causes = Object.fromEntries(failureCauses(log));
  const results = testResults(log);
  const json = (v) => `${JSON.stringify(v, null, 2)}\n`;
  writeFileSync(join(work, 'summary.txt'), summary);
  writeFileSync(join(work, 'failures.json'), json(causes));
  writeFileSync(join(work, 'tests.json'), json(results));
  if (!partial) {
    const prefix = `${explore ? 'explore-' : ''}${report.gatewayAPIChannel}-default`;
    mkdirSync(reportDir, { recursive: true });
    copyFileSync(reportFile, join(reportDir, `${prefix}-report.yaml`));
    copyFileSync(join(work, 'summary.txt'), join(reportDir, `${prefix}-summary.txt`));
    copyFileSync(join(work, 'failures.json'), join(reportDir, `${prefix}-failures.json`));
    copyFileSync(join(work, 'tests.json'), join(reportDir, `${prefix}-tests.json`));
    generateDocs();
    say(`written: ${relative(process.cwd(), reportDir)}/${prefix}-{report.yaml,summary.txt,failures.json,tests.json}; docs/conformance.md regenerated`);
  } else {
    say(`a partial run: report in ${relative(process.cwd(), reportFile)} (nothing written to conformance/)`);
  }
  process.stdout.write(`\n${summary}`);
  for (const [test, lines] of Object.entries(causes)) process.stdout.write(`\n${test}:\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
  await stop(code === 0 ? 0 : 1);
} catch (err) {
  console.error(`conformance: ${err.stack ?? err}`);
  await stop(1);
}
