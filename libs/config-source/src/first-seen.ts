// When Gatehouse first saw each resource: its creation time for precedence when the file gives none.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface FirstSeenStore {
  get(key: string): string | undefined;
  set(key: string, time: string): void;
  flush(): void;
}

export class MemoryFirstSeen implements FirstSeenStore {
  protected readonly times = new Map<string, string>();
  get(key: string) {
    return this.times.get(key);
  }
  set(key: string, time: string) {
    this.times.set(key, time);
  }
  flush() {}
}

/** Persisted as JSON in the data dir, so adding a file after a restart never reorders existing routes. */
export class FileFirstSeen extends MemoryFirstSeen {
  private dirty = false;
  constructor(private readonly path: string) {
    super();
    try {
      for (const [k, v] of Object.entries(JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>)) if (typeof v === 'string') this.times.set(k, v);
    } catch {
      // first run, or an unreadable file: start afresh
    }
  }
  override set(key: string, time: string) {
    super.set(key, time);
    this.dirty = true;
  }
  override flush() {
    if (!this.dirty) return;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      const tmp = `${this.path}.tmp`;
      writeFileSync(tmp, JSON.stringify(Object.fromEntries([...this.times].sort()), null, 1));
      renameSync(tmp, this.path);
      this.dirty = false;
    } catch {
      // A full or read-only disk must not stop snapshots: the times stay in memory and are written next time.
    }
  }
}
