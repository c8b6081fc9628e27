// Lists a config directory tree one directory at a time, so one directory that cannot be listed (permissions, or it
// vanished mid-walk) costs only its own files: a failed recursive listing must never look like "every file was
// deleted". Hidden entries (editor temp files, .git, a ConfigMap's ..data) are not listed.
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';

export interface TreeListing {
  /** Candidate config files (regular files and anything else that is not a directory), by path relative to the root. */
  entries: Array<{ rel: string; full: string; dirent: Dirent }>;
  /** Every directory listed, the root first (absolute paths): what to watch. */
  dirs: string[];
  /** Directories that could not be listed (relative paths; '.' for the root), with why. */
  unlisted: Array<{ rel: string; message: string }>;
}

export async function listTree(root: string): Promise<TreeListing> {
  const out: TreeListing = { entries: [], dirs: [], unlisted: [] };
  const queue = [root];
  while (queue.length > 0) {
    const dir = queue.shift()!;
    let dirents: Dirent[];
    try {
      dirents = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
      // Gone since its parent was listed: nothing under it exists any more. The root itself is never "gone".
      if (dir !== root && (code === 'ENOENT' || code === 'ENOTDIR')) continue;
      out.unlisted.push({
        rel: relative(root, dir) || '.',
        message: `directory cannot be listed: ${code === 'EACCES' || code === 'EPERM' ? `permission denied (${code})` : code || String(err)}; the files under it keep what they served`,
      });
      continue;
    }
    out.dirs.push(dir);
    for (const d of dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (d.name.startsWith('.')) continue;
      const full = join(dir, d.name);
      if (d.isDirectory()) queue.push(full);
      else out.entries.push({ rel: relative(root, full), full, dirent: d });
    }
  }
  return out;
}
