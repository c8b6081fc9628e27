// `make quickstart` as a newcomer meets it: start it, paste the curls it prints, Ctrl-C, clean exit.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { ROOT, startProcess, waitFor } from '../harness/peers.js';

const sh = promisify(execFile);

it('quickstart prints curls that work and stops cleanly on SIGINT', async () => {
  const qs = startProcess('quickstart', process.execPath, [join(ROOT, 'scripts/quickstart.mjs')]);
  try {
    await waitFor('quickstart ready', () => {
      if (qs.exited) throw new Error(`quickstart exited early (${qs.code}):\n${qs.output}`);
      return qs.output.includes('Press Ctrl-C to stop.');
    }, 45_000);
    const curls = qs.output.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('curl '));
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
    qs.child.kill('SIGINT');
    expect(await qs.done).toBe(0);
    expect(qs.output).toContain('Stopped.');
  } finally {
    await qs.stop('SIGKILL');
  }
}, 90_000);
