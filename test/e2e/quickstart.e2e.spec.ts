// `make quickstart` as a newcomer meets it: start it, paste the curls it prints, Ctrl-C, clean exit.
import { execFile } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { ROOT, startProcess, waitFor } from '../harness/peers.js';

const sh = promisify(execFile);

it('quickstart prints curls that work and stops cleanly on SIGINT', async () => {
  // Isolated: its own loopback address, free ports and a temporary data dir, so a running `make quickstart` is fine.
  const qs = startProcess('quickstart', process.execPath, [join(ROOT, 'scripts/quickstart.mjs')], {
    env: { ...process.env, GATEHOUSE_QUICKSTART_ISOLATED: '1' },
  });
  try {
    await waitFor(
      'quickstart ready',
      () => {
        if (qs.exited) throw new Error(`quickstart exited early (${qs.code}):\n${qs.output}`);
        return qs.output.includes('Press Ctrl-C to stop.');
      },
      45_000,
    );
    const curls = qs.output
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('curl '));
    expect(curls.length).toBeGreaterThanOrEqual(4);
    const results: string[] = [];
    for (const line of curls) {
      const command = line.replace(/\s+#.*$/, '');
      const { stdout } = await sh('bash', ['-c', command], { timeout: 10_000 });
      results.push(stdout.trim());
    }
    expect(results[0]).toMatch(/"backend":"(echo|canary)"/);
    expect(results[1]).toMatch(/"backend":"canary","method":"GET","url":"\/canary\/path"/);
    expect(results[2]).toMatch(/"backend":"canary"/);
    expect(results[3]).toBe('404');
    // A mistake shows up in the quickstart's own output, with the file and the reason.
    const routes = /serving (\S+)\/ to a real Envoy/.exec(qs.output)![1]!;
    appendFileSync(
      join(routes, 'routes.yaml'),
      '\n---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: { name: typo }\nspec: { rulez: [] }\n',
    );
    await waitFor(
      'the mistake reported',
      () => qs.output.includes('gatehouse |') && /routes\.yaml:\d+: HTTPRoute default\/typo is invalid: spec\.rulez/.test(qs.output),
    );
    qs.child.kill('SIGINT');
    expect(await qs.done).toBe(0);
    expect(qs.output).toContain('Stopped.');
  } finally {
    await qs.stop('SIGKILL');
  }
}, 90_000);
