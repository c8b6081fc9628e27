// Reads one config file safely: what it is (regular file, symlink, FIFO...) and its size are checked before a byte is
// read, a FIFO is never opened for reading (that would block), and every failure is an answer, never an exception.
//
// The symlink rule (the same for the full rescan and for watcher events): a symlink to a file is followed when its
// real path is inside the config directory (a Kubernetes ConfigMap volume is made of such links:
// `routes.yaml -> ..data/routes.yaml`); a symlink whose real path is outside is refused with a problem naming the
// link. A symlink to a directory is never followed: one inside the tree would read the same files twice (they are
// read at their own path), one outside is refused like a file link.
import { constants, type Stats } from 'node:fs';
import { lstat, open, realpath, stat } from 'node:fs/promises';
import { sep } from 'node:path';
import { formatBytes } from './bounded-text.js';

export type FileRead =
  /** Not there (deleted, or vanished between listing and reading): forget it. */
  | { kind: 'gone' }
  /** Not a config file (a directory, a link to one inside the tree). */
  | { kind: 'skip' }
  /** Unchanged since the stamp the caller gave. */
  | { kind: 'same' }
  /** There, but not read: the message says why. */
  | Refused
  | { kind: 'bytes'; stamp: string; size: number; bytes: Uint8Array };

/** `directory`: the refused path is a symlink to a directory (reported whatever the link's name). */
type Refused = { kind: 'problem'; stamp: string; message: string; directory?: true };

type Located = { kind: 'gone' | 'skip' } | Refused | { kind: 'file'; stamp: string; stats: Stats };

/**
 * What is at `full` and its stamp (size, mtime, inode; for a link also its real path), without reading it.
 * `root` is the real path of the config directory.
 */
export async function locate(full: string, root: string): Promise<Located> {
  let link: Stats;
  try {
    link = await lstat(full);
  } catch (err) {
    return codeOf(err) === 'ENOENT' || codeOf(err) === 'ENOTDIR'
      ? { kind: 'gone' }
      : { kind: 'problem', stamp: 'error', message: `cannot be read: ${describeError(err)}; not read` };
  }
  if (!link.isSymbolicLink()) return classify(link, stampOf(link));
  const linkStamp = `link:${stampOf(link)}`;
  let real: string;
  let target: Stats;
  try {
    real = await realpath(full);
    target = await stat(real);
  } catch (err) {
    if (codeOf(err) === 'ENOENT' || codeOf(err) === 'ENOTDIR')
      return { kind: 'problem', stamp: linkStamp, message: 'symlink to a file that does not exist; not read' };
    if (codeOf(err) === 'ELOOP') return { kind: 'problem', stamp: linkStamp, message: 'symlink loop; not read' };
    return { kind: 'problem', stamp: linkStamp, message: `cannot be read: ${describeError(err)}; not read` };
  }
  if (real !== root && !real.startsWith(root.endsWith(sep) ? root : root + sep)) {
    const stamp = `${linkStamp}>${real}`;
    if (target.isDirectory()) return { kind: 'problem', stamp, message: 'symlink to a directory outside the config directory; not read', directory: true };
    return { kind: 'problem', stamp, message: 'symlink to a path outside the config directory; not read' };
  }
  return classify(target, `${linkStamp}>${real}:${stampOf(target)}`);
}

function classify(st: Stats, stamp: string): Located {
  if (st.isDirectory()) return { kind: 'skip' };
  if (!st.isFile()) return { kind: 'problem', stamp, message: `not a regular file (${typeName(st)}); not read` };
  return { kind: 'file', stamp, stats: st };
}

/** Reads `full` unless its stamp is `previous`; refuses files over `maxBytes` before reading them. */
export async function readConfigFile(full: string, root: string, options: { maxBytes: number; previous?: string }): Promise<FileRead> {
  const at = await locate(full, root);
  if (at.kind !== 'file') return at;
  if (at.stamp === options.previous) return { kind: 'same' };
  // Just over the limit, in bytes: "4.0 MiB is over the 4 MiB limit" would read as a contradiction.
  const sizeOf = (size: number) => (size > options.maxBytes * 1.1 ? formatBytes(size) : `${size.toLocaleString('en-US')} bytes`);
  const tooLarge = (size: number): FileRead => ({
    kind: 'problem',
    stamp: at.stamp,
    message: `${sizeOf(size)} is over the ${formatBytes(options.maxBytes)} limit (--max-file-bytes); not read`,
  });
  if (at.stats.size > options.maxBytes) return tooLarge(at.stats.size);
  let handle;
  try {
    // Non-blocking: if a FIFO replaced the file since it was looked at, opening it does not wait for a writer.
    handle = await open(full, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    return codeOf(err) === 'ENOENT' ? { kind: 'gone' } : { kind: 'problem', stamp: at.stamp, message: `cannot be read: ${describeError(err)}; not read` };
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) return { kind: 'problem', stamp: at.stamp, message: `not a regular file (${typeName(st)}); not read` };
    if (st.size > options.maxBytes) return tooLarge(st.size);
    // Never more than one byte past the limit: a file that grows while it is read is refused, not read whole.
    let buffer = new Uint8Array(Math.min(st.size, options.maxBytes) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > options.maxBytes) return tooLarge(length);
        const grown = new Uint8Array(Math.min(buffer.length * 2, options.maxBytes + 1));
        grown.set(buffer);
        buffer = grown;
      }
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return { kind: 'bytes', stamp: at.stamp, size: length, bytes: buffer.subarray(0, length) };
  } catch (err) {
    return { kind: 'problem', stamp: at.stamp, message: `cannot be read: ${describeError(err)}; not read` };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function stampOf(st: Stats): string {
  return `${st.size}:${st.mtimeMs}:${st.ino}`;
}

function typeName(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a file';
}

function codeOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

function describeError(err: unknown): string {
  const code = codeOf(err);
  if (code === 'EACCES' || code === 'EPERM') return `permission denied (${code})`;
  if (code === 'EISDIR') return 'it is a directory (EISDIR)';
  return code ?? (err instanceof Error ? err.message : String(err));
}
