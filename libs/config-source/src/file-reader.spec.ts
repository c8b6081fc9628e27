import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readConfigFile } from './file-reader.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A config directory inside a scratch directory (so links can point outside it). */
function setup() {
  const scratch = realpathSync(mkdtempSync(join(tmpdir(), 'gatehouse-reader-')));
  dirs.push(scratch);
  const root = join(scratch, 'config');
  mkdirSync(root);
  writeFileSync(join(scratch, 'outside.yaml'), 'apiVersion: v1\n');
  mkdirSync(join(scratch, 'outside-dir'));
  return { scratch, root, read: (file: string, maxBytes = 4096) => readConfigFile(join(root, file), root, { maxBytes }) };
}

describe('readConfigFile', () => {
  it('reads a file, and answers "same" while its stamp is unchanged', async () => {
    const { root, read } = setup();
    writeFileSync(join(root, 'a.yaml'), 'apiVersion: v1\n');
    const first = await read('a.yaml');
    expect(first).toMatchObject({ kind: 'bytes', size: 15 });
    expect(new TextDecoder().decode((first as { bytes: Uint8Array }).bytes)).toBe('apiVersion: v1\n');
    expect(await readConfigFile(join(root, 'a.yaml'), root, { maxBytes: 4096, previous: (first as { stamp: string }).stamp })).toEqual({ kind: 'same' });
  });

  it('a file that is not there (or vanished after it was listed) is gone, not an error', async () => {
    const { read } = setup();
    expect(await read('nope.yaml')).toEqual({ kind: 'gone' });
    expect(await read('nope/deeper.yaml')).toEqual({ kind: 'gone' });
  });

  it('checks the size before reading: a 210 MB file is refused without being read', async () => {
    const { root, read } = setup();
    truncateSync((writeFileSync(join(root, 'big.yaml'), ''), join(root, 'big.yaml')), 210 * 1024 * 1024); // sparse: no disk used
    const started = performance.now();
    expect(await read('big.yaml', 4 * 1024 * 1024)).toMatchObject({ kind: 'problem', message: '210 MiB is over the 4 MiB limit (--max-file-bytes); not read' });
    expect(performance.now() - started).toBeLessThan(200);
    writeFileSync(join(root, 'edge.yaml'), 'x'.repeat(4097));
    expect(await read('edge.yaml')).toMatchObject({ kind: 'problem', message: '4,097 bytes is over the 4 KiB limit (--max-file-bytes); not read' });
    writeFileSync(join(root, 'fits.yaml'), 'x'.repeat(4096));
    expect(await read('fits.yaml')).toMatchObject({ kind: 'bytes', size: 4096 });
  });

  it('never opens a FIFO for reading (that would wait for a writer forever)', async () => {
    const { root, read } = setup();
    execFileSync('mkfifo', [join(root, 'pipe.yaml')]);
    expect(await read('pipe.yaml')).toMatchObject({ kind: 'problem', message: 'not a regular file (a FIFO); not read' });
  });

  it('symlinks: followed inside the config directory, refused outside it, reported when broken', async () => {
    const { scratch, root, read } = setup();
    mkdirSync(join(root, '..data'));
    writeFileSync(join(root, '..data', 'routes.yaml'), 'apiVersion: v1\n');
    symlinkSync('..data/routes.yaml', join(root, 'routes.yaml')); // a ConfigMap volume's shape
    symlinkSync(join(scratch, 'outside.yaml'), join(root, 'out.yaml'));
    symlinkSync('../outside.yaml', join(root, 'relative-out.yaml'));
    symlinkSync(join(scratch, 'outside-dir'), join(root, 'out-dir'));
    symlinkSync('..data', join(root, 'in-dir'));
    symlinkSync('missing.yaml', join(root, 'dangling.yaml'));
    symlinkSync('loop-b.yaml', join(root, 'loop-a.yaml'));
    symlinkSync('loop-a.yaml', join(root, 'loop-b.yaml'));
    expect(await read('routes.yaml')).toMatchObject({ kind: 'bytes', size: 15 });
    for (const f of ['out.yaml', 'relative-out.yaml'])
      expect(await read(f)).toEqual({ kind: 'problem', stamp: expect.any(String), message: 'symlink to a path outside the config directory; not read' });
    expect(await read('out-dir')).toMatchObject({ kind: 'problem', message: 'symlink to a directory outside the config directory; not read', directory: true });
    expect(await read('in-dir')).toEqual({ kind: 'skip' });
    expect(await read('dangling.yaml')).toMatchObject({ kind: 'problem', message: 'symlink to a file that does not exist; not read' });
    expect(await read('loop-a.yaml')).toMatchObject({ kind: 'problem', message: 'symlink loop; not read' });
  });

  it('a file it may not read is a problem that says so (EACCES)', () => {
    const { scratch, root } = setup();
    const file = join(root, 'secret.yaml');
    writeFileSync(file, 'apiVersion: v1\n');
    chmodSync(file, 0o000);
    for (const d of [scratch, root]) chmodSync(d, 0o755);
    // Root reads anything: then the check runs as `nobody`, which is what the permission is for.
    const asRoot = process.getuid?.() === 0;
    const script = `
      import { registerHooks } from 'node:module';
      registerHooks({ resolve(s, c, next) { try { return next(s, c); } catch (e) { if (/^\\.\\.?\\/.*\\.js$/.test(s)) return next(s.slice(0, -3) + '.ts', c); throw e; } } });
      const { readConfigFile } = await import(${JSON.stringify(new URL('./file-reader.ts', import.meta.url).href)});
      console.log(JSON.stringify(await readConfigFile(${JSON.stringify(file)}, ${JSON.stringify(root)}, { maxBytes: 4096 })));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', ...(asRoot ? { uid: 65534, gid: 65534 } : {}) });
    expect(JSON.parse(out)).toMatchObject({ kind: 'problem', message: 'cannot be read: permission denied (EACCES); not read' });
  });
});
