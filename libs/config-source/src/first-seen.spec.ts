import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { FileFirstSeen } from './first-seen.js';

it('keeps first-seen times across restarts, so adding a file never reorders existing routes', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'gatehouse-fs-')), 'data', 'first-seen.json');
  const a = new FileFirstSeen(path);
  a.set('HTTPRoute/default/a', '2026-01-01T00:00:00.000Z');
  a.flush();
  const b = new FileFirstSeen(path);
  expect(b.get('HTTPRoute/default/a')).toBe('2026-01-01T00:00:00.000Z');
  expect(b.get('HTTPRoute/default/b')).toBeUndefined();
});
