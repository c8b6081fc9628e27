// One symlink rule for the full rescan (load, poll) and the watcher path alike: links whose real path is inside the
// config directory are followed (files) or skipped (directories, read at their own path); links that point outside
// are refused with a problem naming the link. A link never flaps between the two paths.
import { mkdirSync, mkdtempSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResourceSnapshot } from '@gatehouse/api';
import { DirectorySource } from './directory-source.js';
import { MemoryFirstSeen } from './first-seen.js';

const svc = (name: string, extra = '') => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n${extra}spec: { ports: [{ port: 80 }] }\n`;
const sources: DirectorySource[] = [];
const dirs: string[] = [];

function setup(pollMs = 60_000) {
  const scratch = realpathSync(mkdtempSync(join(tmpdir(), 'gatehouse-links-')));
  dirs.push(scratch);
  const dir = join(scratch, 'config');
  mkdirSync(join(dir, 'real'), { recursive: true });
  mkdirSync(join(scratch, 'elsewhere'));
  writeFileSync(join(dir, 'real', 'inside.yaml'), svc('inside'));
  writeFileSync(join(scratch, 'elsewhere', 'outside.yaml'), svc('outside'));
  writeFileSync(join(dir, 'base.yaml'), svc('base'));
  const source = new DirectorySource({ dir, debounceMs: 5, pollMs, now: () => '2026-01-01T00:00:00Z', firstSeen: new MemoryFirstSeen() });
  sources.push(source);
  const links = () => {
    symlinkSync(join(dir, 'real', 'inside.yaml'), join(dir, 'in-link.yaml'));
    symlinkSync(join(scratch, 'elsewhere', 'outside.yaml'), join(dir, 'out-link.yaml'));
    symlinkSync(join(scratch, 'elsewhere'), join(dir, 'out-dir'));
    symlinkSync('real', join(dir, 'in-dir'));
  };
  return { scratch, dir, source, links };
}

/** The rule's outcome, the same whichever path read the links. */
function expectRule(s: ResourceSnapshot) {
  // (The inside link reads the same Service as real/inside.yaml: a duplicate warning, not an error.)
  expect([...s.resources.keys()].sort()).toEqual(['Service/default/base', 'Service/default/inside']);
  expect(
    s.problems
      .filter((p) => p.severity === 'error')
      .map((p) => `${p.origin.file}:${p.origin.line} ${p.message}`)
      .sort(),
  ).toEqual([
    'out-dir:1 symlink to a directory outside the config directory; not read',
    'out-link.yaml:1 symlink to a path outside the config directory; not read',
  ]);
}

afterEach(() => {
  sources.splice(0).forEach((s) => s.close());
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

describe('symlinks', () => {
  it('full rescan (load): inside followed, outside refused naming the link, directories not followed', async () => {
    const { source, links } = setup();
    links();
    expectRule(await source.load());
  });

  it('watcher path (links created while running, no poll), then a full rescan: the same outcome', async () => {
    const { source, links } = setup();
    const snaps: ResourceSnapshot[] = [];
    await source.watch((s) => snaps.push(s));
    links();
    const deadline = Date.now() + 10_000;
    while (!snaps.some((s) => s.problems.length >= 2) && Date.now() < deadline) await sleep(10);
    expectRule(snaps.at(-1)!);
    expectRule(await source.load());
  });

  it('with the poll rescanning every 40 ms, a link never flaps', async () => {
    const { source, links } = setup(40);
    const snaps: ResourceSnapshot[] = [];
    await source.watch((s) => snaps.push(s));
    links();
    const deadline = Date.now() + 10_000;
    while (!snaps.some((s) => s.problems.length >= 2) && Date.now() < deadline) await sleep(10);
    const from = snaps.findIndex((s) => s.problems.length >= 2);
    expect(from).toBeGreaterThanOrEqual(0);
    await sleep(400); // about ten full rescans
    for (const s of snaps.slice(from)) expectRule(s);
    expect(snaps.some((s) => s.resources.has('Service/default/outside'))).toBe(false);
  });

  it('a ConfigMap volume (links into a hidden ..data directory) is read, and its atomic swap is seen (no poll)', async () => {
    const { dir, source } = setup();
    mkdirSync(join(dir, '..2026_01_01'));
    writeFileSync(join(dir, '..2026_01_01', 'routes.yaml'), svc('cm', '  labels: { v: "1" }\n'));
    symlinkSync('..2026_01_01', join(dir, '..data'));
    symlinkSync('..data/routes.yaml', join(dir, 'routes.yaml'));
    const snaps: ResourceSnapshot[] = [];
    await source.watch((s) => snaps.push(s));
    expect(snaps[0]!.resources.get('Service/default/cm')?.object.metadata.labels).toEqual({ v: '1' });
    // The kubelet's update: a new timestamped directory, then `..data` swapped to it by a rename.
    mkdirSync(join(dir, '..2026_01_02'));
    writeFileSync(join(dir, '..2026_01_02', 'routes.yaml'), svc('cm', '  labels: { v: "2" }\n'));
    symlinkSync('..2026_01_02', join(dir, '..data_tmp'));
    renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
    rmSync(join(dir, '..2026_01_01'), { recursive: true });
    const deadline = Date.now() + 10_000;
    while (snaps.at(-1)!.resources.get('Service/default/cm')?.object.metadata.labels?.['v'] !== '2' && Date.now() < deadline) await sleep(10);
    expect(snaps.at(-1)!.resources.get('Service/default/cm')?.object.metadata.labels).toEqual({ v: '2' });
    for (const s of snaps) expect(s.resources.has('Service/default/cm')).toBe(true);
  });
});
