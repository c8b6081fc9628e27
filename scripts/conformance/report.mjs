// Reading a ConformanceReport (the suite's YAML) and the go test output beside it: a one-screen summary per profile,
// and each failed test's first failure lines (the cause, as the suite words it).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export function readReport(file) {
  return parse(readFileSync(file, 'utf8'));
}

const stats = (s) => {
  const st = s?.statistics ?? {};
  return `${st.Passed ?? 0}/${st.Failed ?? 0}/${st.Skipped ?? 0}`;
};
const pad = (s, n) => String(s).padEnd(n);

/** The per-profile table: core and extended passed/failed/skipped, result, claimed features. */
export function summaryText(report, { runSeconds, suiteInfo } = {}) {
  const i = report.implementation ?? {};
  const lines = [
    `Gateway API ${report.gatewayAPIVersion} conformance (${report.gatewayAPIChannel} channel, mode ${report.mode}) — ${i.project} ${i.version}, ${report.date}`,
    ...(suiteInfo ? [`suite: ${suiteInfo}`] : []),
    ...(runSeconds !== undefined ? [`run time: ${Math.floor(runSeconds / 60)} min ${runSeconds % 60} s`] : []),
    '',
    `${pad('profile', 14)}${pad('core p/f/s', 13)}${pad('core', 9)}${pad('extended p/f/s', 16)}${pad('extended', 10)}features claimed`,
  ];
  for (const p of report.profiles ?? []) {
    const ext = p.extended;
    lines.push(`${pad(p.name, 14)}${pad(stats(p.core), 13)}${pad(p.core?.result ?? '-', 9)}${pad(ext ? stats(ext) : '-', 16)}${pad(ext?.result ?? '-', 10)}${(ext?.supportedFeatures ?? []).length}`);
  }
  const failed = [...new Set((report.profiles ?? []).flatMap((p) => [...(p.core?.failedTests ?? []), ...(p.extended?.failedTests ?? [])]))].sort();
  if (failed.length) lines.push('', `failed (${failed.length}): ${failed.join(', ')}`);
  const skipped = [...new Set((report.profiles ?? []).flatMap((p) => [...(p.core?.skippedTests ?? []), ...(p.extended?.skippedTests ?? [])]))].sort();
  if (skipped.length) lines.push('', `skipped (${skipped.length}): ${skipped.join(', ')}`);
  if (report.succeededProvisionalTests?.length) lines.push('', `provisional tests passed: ${report.succeededProvisionalTests.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Each failed test's cause from `go test -v` output: its output is collected per (sub)test across the RUN/CONT/NAME
 * markers parallel tests interleave, and for each failed leaf test the last observations before testify's report
 * plus that report's Error/Messages lines are kept (bounded). Keyed by the top-level test name.
 */
export function failureCauses(logText) {
  const sections = new Map();
  const failedLeaves = [];
  let current;
  for (const line of logText.split('\n')) {
    const mark = /^=== (?:RUN|CONT|NAME)\s+TestConformance\/(\S+)/.exec(line);
    if (mark) {
      current = mark[1];
      if (!sections.has(current)) sections.set(current, []);
      continue;
    }
    const fail = /^\s*--- FAIL: TestConformance\/(\S+)/.exec(line);
    if (fail) {
      failedLeaves.push(fail[1]);
      continue;
    }
    if (current && !/^\s*--- (PASS|SKIP)/.test(line)) sections.get(current).push(line);
  }
  const out = new Map();
  const leaves = failedLeaves.filter((n) => !failedLeaves.some((o) => o.startsWith(`${n}/`)));
  for (const leaf of leaves) {
    const lines = sections.get(leaf) ?? [];
    const at = lines.findIndex((l) => /Error Trace:/.test(l));
    const before = (at < 0 ? lines : lines.slice(0, at)).filter((l) => /\.go:\d+: \S/.test(l) && !/Error Trace/.test(l)).slice(-2);
    const report = at < 0 ? [] : lines.slice(at).filter((l) => /^\s+(Error|Messages):|^\s{10,}\S/.test(l) && !/Error Trace:|^\s+sigs\.k8s\.io\//.test(l.trim() ? l : '')).filter((l) => !/^\s+sigs\.k8s\.io\/gateway-api/.test(l)).slice(0, 6);
    const top = leaf.split('/')[0];
    const cause = [...(leaves.filter((l) => l.split('/')[0] === top).length > 1 ? [`[${leaf.slice(top.length + 1) || top}]`] : []), ...before, ...report].map((l) => l.trim().replace(/^helpers\.go:\d+: \S+: /, '').slice(0, 300));
    out.set(top, [...(out.get(top) ?? []), ...cause]);
  }
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Every test the suite ran, with the features it relies on (the suite logs them as it starts a test) and its result
 * (the top-level `--- PASS/FAIL/SKIP` lines): { [test]: { result, features } }, sorted by name.
 */
export function testResults(logText) {
  const out = {};
  for (const m of logText.matchAll(/Running (\S+), relying on the following features: ([^\n]*)/g)) {
    out[m[1]] = { result: 'unknown', features: m[2].split(',').map((f) => f.trim().replace(/-(standard|experimental)$/, '')).filter(Boolean).sort() };
  }
  for (const m of logText.matchAll(/^ {4}--- (PASS|FAIL|SKIP): TestConformance\/([^/\s]+) /gm)) {
    if (out[m[2]]) out[m[2]].result = m[1].toLowerCase();
  }
  return Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]]));
}

/** Features whose every test passed (claimable), and those with a failing test (with the failing tests). */
export function featureVerdicts(results) {
  const tests = new Map();
  for (const [name, r] of Object.entries(results)) {
    for (const f of r.features) {
      if (!tests.has(f)) tests.set(f, []);
      tests.get(f).push({ name, result: r.result });
    }
  }
  const passing = [];
  const failing = {};
  for (const [f, ts] of [...tests].sort(([a], [b]) => a.localeCompare(b))) {
    const bad = ts.filter((t) => t.result !== 'pass').map((t) => t.name);
    if (bad.length) failing[f] = bad;
    else passing.push(f);
  }
  return { passing, failing };
}
