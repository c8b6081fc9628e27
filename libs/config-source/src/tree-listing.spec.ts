import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { listTree } from './tree-listing.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function tree() {
  const root = mkdtempSync(join(tmpdir(), 'gatehouse-tree-'));
  dirs.push(root);
  for (const f of ['a.yaml', 'sub/b.yaml', 'sub/deeper/c.yml', '.git/d.yaml', 'locked/e.yaml']) {
    mkdirSync(join(root, f, '..'), { recursive: true });
    writeFileSync(join(root, f), 'x: 1\n');
  }
  return root;
}

it('lists every file except hidden paths, one directory at a time', async () => {
  const root = tree();
  const t = await listTree(root);
  expect(t.entries.map((e) => e.rel)).toEqual(['a.yaml', 'locked/e.yaml', 'sub/b.yaml', 'sub/deeper/c.yml']);
  expect(t.dirs).toEqual([root, join(root, 'locked'), join(root, 'sub'), join(root, 'sub/deeper')]);
  expect(t.unlisted).toEqual([]);
});

it('a directory that cannot be listed is reported on its own; the rest is listed (EACCES)', () => {
  const root = tree();
  chmodSync(root, 0o755);
  for (const d of ['sub', 'sub/deeper']) chmodSync(join(root, d), 0o755);
  chmodSync(join(root, 'locked'), 0o000);
  // Root lists anything: then the walk runs as `nobody`, which is what the permission is for.
  const asRoot = process.getuid?.() === 0;
  const script = `
    const { listTree } = await import(${JSON.stringify(new URL('./tree-listing.ts', import.meta.url).href)});
    const t = await listTree(${JSON.stringify(root)});
    console.log(JSON.stringify({ files: t.entries.map((e) => e.rel), unlisted: t.unlisted }));`;
  const out = JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', ...(asRoot ? { uid: 65534, gid: 65534 } : {}) }),
  ) as { files: string[]; unlisted: unknown[] };
  expect(out.files).toEqual(['a.yaml', 'sub/b.yaml', 'sub/deeper/c.yml']);
  expect(out.unlisted).toEqual([
    { rel: 'locked', message: 'directory cannot be listed: permission denied (EACCES); the files under it keep what they served' },
  ]);
});
