// A file caught half-written (truncated, then written in place) never withdraws what it served; a file that is
// really emptied or shrunk does, once it has stayed so for the settle time; a clean edit is not delayed.
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResourceSnapshot } from '@gatehouse/api';
import { DirectorySource } from './directory-source.js';
import { MemoryFirstSeen } from './first-seen.js';

const svc = (name: string, extra = '') => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n${extra}spec: { ports: [{ port: 80 }] }\n`;
const TWO = `${svc('a')}---\n${svc('b')}`;
const sources: DirectorySource[] = [];
const dirs: string[] = [];

function setup(settleMs: number, text = TWO) {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-settle-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'a.yaml'), text);
  writeFileSync(join(dir, 'other.yaml'), svc('other'));
  const source = new DirectorySource({ dir, debounceMs: 5, settleMs, now: () => '2026-01-01T00:00:00Z', firstSeen: new MemoryFirstSeen() });
  sources.push(source);
  return { file: join(dir, 'a.yaml'), source };
}

/** Rewrites `file` in place (same inode): truncate, then write `text` in `parts` pieces with `gapMs` between. */
async function rewriteInPlace(file: string, text: string, parts: number, gapMs: number) {
  const fd = openSync(file, 'r+');
  try {
    ftruncateSync(fd, 0);
    const bytes = Buffer.from(text);
    const step = Math.ceil(bytes.length / parts);
    for (let at = 0; at < bytes.length; at += step) {
      await sleep(gapMs);
      writeSync(fd, bytes, at, Math.min(step, bytes.length - at), at);
    }
  } finally {
    closeSync(fd);
  }
}

async function watching(source: DirectorySource) {
  const snaps: Array<{ at: number; s: ResourceSnapshot }> = [];
  await source.watch((s) => snaps.push({ at: performance.now(), s }));
  const until = async (pred: (s: ResourceSnapshot) => boolean) => {
    const deadline = performance.now() + 10_000;
    while (performance.now() < deadline) {
      const hit = snaps.find((x) => pred(x.s));
      if (hit) return hit;
      await sleep(10);
    }
    throw new Error('no such snapshot within 10 s');
  };
  return { snaps, until };
}

const keys = (s: ResourceSnapshot) => [...s.resources.keys()].sort();

afterEach(() => {
  sources.splice(0).forEach((s) => s.close());
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

describe('a file rewritten in place', () => {
  it('keeps serving what it served while it is half-written, and reports nothing', async () => {
    const { file, source } = setup(150);
    const { snaps } = await watching(source);
    for (let i = 0; i < 6; i++) {
      // Empty for 40 ms, then half a document (a YAML or shape problem) for 40 ms, then whole again.
      await rewriteInPlace(file, i % 2 ? TWO : `${svc('a', '  labels: { v: "x" }\n')}---\n${svc('b')}`, 2, 40);
      await sleep(60);
    }
    await sleep(300);
    expect(snaps.length).toBeGreaterThan(1);
    for (const { s } of snaps) {
      expect(keys(s)).toEqual(['Service/default/a', 'Service/default/b', 'Service/default/other']);
      expect(s.problems).toEqual([]);
    }
  });

  it('cut after its first document (valid YAML, one resource fewer): the second is kept until the file settles', async () => {
    const { file, source } = setup(150);
    const { snaps } = await watching(source);
    for (let i = 0; i < 4; i++) {
      await rewriteInPlace(file, TWO, 2, 50); // the first half ends right after document one
      await sleep(60);
    }
    await sleep(300);
    for (const { s } of snaps) expect(keys(s)).toEqual(['Service/default/a', 'Service/default/b', 'Service/default/other']);
  });

  it('emptied for good: its resources are withdrawn once it has stayed empty for the settle time', async () => {
    const { file, source } = setup(200);
    const { until } = await watching(source);
    const started = performance.now();
    writeFileSync(file, '');
    const hit = await until((s) => !s.resources.has('Service/default/a'));
    expect(keys(hit.s)).toEqual(['Service/default/other']);
    expect(hit.at - started).toBeGreaterThanOrEqual(190);
  });

  it('shrunk for good to one document: the other is withdrawn after the settle time', async () => {
    const { file, source } = setup(200);
    const { until } = await watching(source);
    const started = performance.now();
    writeFileSync(file, svc('a'));
    const hit = await until((s) => !s.resources.has('Service/default/b'));
    expect(keys(hit.s)).toEqual(['Service/default/a', 'Service/default/other']);
    expect(hit.at - started).toBeGreaterThanOrEqual(190);
  });

  it('broken for good: once settled, the YAML error is reported and the last good version is still served', async () => {
    const { file, source } = setup(100);
    const { until } = await watching(source);
    writeFileSync(file, `${svc('a')}---\nkind: [broken\n`);
    const hit = await until((s) => s.problems.length > 0);
    expect(keys(hit.s)).toEqual(['Service/default/a', 'Service/default/b', 'Service/default/other']);
    expect(hit.s.problems.map((p) => p.message)).toContainEqual(expect.stringMatching(/^YAML syntax error/));
  });

  it('a clean edit is taken at once, without waiting for the settle time', async () => {
    const { file, source } = setup(5000);
    const { until } = await watching(source);
    const started = performance.now();
    writeFileSync(file, `${svc('a', '  labels: { v: "2" }\n')}---\n${svc('b')}`);
    const hit = await until((s) => s.resources.get('Service/default/a')?.object.metadata.labels?.['v'] === '2');
    expect(hit.at - started).toBeLessThan(2000);
  });

  it('load() waits for a half-written file too', async () => {
    const { file, source } = setup(150);
    await source.load();
    const rewriting = rewriteInPlace(file, TWO, 2, 40);
    await sleep(10);
    expect(keys(await source.load())).toEqual(['Service/default/a', 'Service/default/b', 'Service/default/other']);
    await rewriting;
  });
});
