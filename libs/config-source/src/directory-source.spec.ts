import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResourceSnapshot } from '@gatehouse/api';
import { DirectorySource } from './directory-source.js';
import { MemoryFirstSeen } from './first-seen.js';

const svc = (name: string, extra = '') => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n${extra}spec: { ports: [{ port: 80 }] }\n`;
const sources: DirectorySource[] = [];

function setup(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-src-'));
  for (const [f, text] of Object.entries(files)) write(dir, f, text);
  let t = 0;
  const source = new DirectorySource({ dir, debounceMs: 5, now: () => `2026-01-01T00:00:0${t++}Z`, firstSeen: new MemoryFirstSeen() });
  sources.push(source);
  return { dir, source };
}

function write(dir: string, file: string, text: string) {
  mkdirSync(join(dir, file, '..'), { recursive: true });
  writeFileSync(join(dir, `${file}.tmp~`), text);
  renameSync(join(dir, `${file}.tmp~`), join(dir, file)); // a new inode, as editors do
}

afterEach(() => sources.splice(0).forEach((s) => s.close()));

describe('DirectorySource', () => {
  it('reads .yaml, .yml and .json recursively, defaulting the namespace, skipping hidden paths', async () => {
    const { source } = setup({
      'a.yaml': svc('a'),
      'sub/b.yml': svc('b'),
      'deep/er/c.json': JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'c', namespace: 'x' }, spec: { ports: [{ port: 80 }] } }),
      '.git/d.yaml': svc('d'),
      'notes.txt': 'hi',
    });
    const s = await source.load();
    expect([...s.resources.keys()].sort()).toEqual(['Service/default/a', 'Service/default/b', 'Service/x/c']);
    expect(s.resources.get('Service/default/b')!.origin).toEqual({ source: 'file', file: 'sub/b.yml', line: 1 });
  });

  it('keeps the accepted copy of a duplicate and names both files', async () => {
    const { dir, source } = setup({ 'b.yaml': svc('a') });
    await source.load();
    write(dir, 'a.yaml', svc('a', '  labels: { newer: "true" }\n'));
    const s = await source.load();
    expect(s.resources.get('Service/default/a')!.origin.file).toBe('b.yaml');
    expect(s.problems.map((p) => p.message)).toEqual(['duplicate Service default/a: already defined in b.yaml:1; this copy in a.yaml:1 is ignored']);
  });

  it('serves a file that stops parsing at its last good version, with a warning', async () => {
    const { dir, source } = setup({ 'a.yaml': svc('a') + '---\n' + svc('b') });
    await source.load();
    write(dir, 'a.yaml', svc('a') + '---\nkind: [broken\n');
    const s = await source.load();
    expect([...s.resources.keys()].sort()).toEqual(['Service/default/a', 'Service/default/b']);
    const messages = s.problems.map((p) => `${p.severity} ${p.origin.line} ${p.message}`);
    expect(messages).toContainEqual(expect.stringMatching(/^error \d+ YAML syntax error/));
    expect(messages).toContainEqual(
      expect.stringMatching(/^warning \d+ a\.yaml no longer parses \(line \d+: YAML syntax error.*\); serving its last good version$/),
    );
    write(dir, 'a.yaml', svc('a'));
    expect([...(await source.load()).resources.keys()]).toEqual(['Service/default/a']);
  });

  it('keeps the first-seen time of a resource as its creation time', async () => {
    const { dir, source } = setup({ 'a.yaml': svc('a') });
    const first = (await source.load()).resources.get('Service/default/a')!.createdAt;
    write(dir, 'b.yaml', svc('b'));
    const s = await source.load();
    expect(s.resources.get('Service/default/a')!.createdAt).toBe(first);
    expect(s.resources.get('Service/default/b')!.createdAt > first).toBe(true);
  });

  it('watches: a change, a new subdirectory and a deletion each produce a snapshot', async () => {
    const { dir, source } = setup({ 'a.yaml': svc('a') });
    const snaps: ResourceSnapshot[] = [];
    let wake = () => {};
    await source.watch((s) => (snaps.push(s), wake()));
    const next = () => new Promise<ResourceSnapshot>((r) => (wake = () => r(snaps.at(-1)!)));
    let p = next();
    write(dir, 'a.yaml', svc('a', '  labels: { v: "2" }\n'));
    expect((await p).resources.get('Service/default/a')!.object.metadata.labels).toEqual({ v: '2' });
    p = next();
    write(dir, 'new/dir/b.yaml', svc('b'));
    expect((await p).resources.has('Service/default/b')).toBe(true);
    p = next();
    rmSync(join(dir, 'a.yaml'));
    expect([...(await p).resources.keys()]).toEqual(['Service/default/b']);
    p = next();
    write(dir, 'new/dir/c.yaml', svc('c'));
    expect((await p).resources.has('Service/default/c')).toBe(true);
    p = next();
    rmSync(join(dir, 'new'), { recursive: true }); // a directory goes with its files
    expect([...(await p).resources.keys()]).toEqual([]);
  });

  it('says what changed since the last snapshot, and keeps the objects of what did not', async () => {
    const { dir, source } = setup({ 'multi.yaml': `${svc('a')}---\n${svc('b')}`, 'c.yaml': svc('c') });
    const first = await source.load();
    expect(first.revision).toBeDefined();
    write(dir, 'multi.yaml', `${svc('a')}---\n${svc('b', '  labels: { v: "2" }\n')}`);
    const second = await source.load();
    expect(second.changes?.since).toBe(first.revision);
    expect([...second.changes!.keys]).toEqual(['Service/default/b']);
    // Re-read but unchanged: the same stored resource (so translation can skip it).
    expect(second.resources.get('Service/default/a')).toBe(first.resources.get('Service/default/a'));
    expect(second.resources.get('Service/default/c')).toBe(first.resources.get('Service/default/c'));
    rmSync(join(dir, 'c.yaml'));
    const third = await source.load();
    expect([...third.changes!.keys]).toEqual(['Service/default/c']);
  });
});
