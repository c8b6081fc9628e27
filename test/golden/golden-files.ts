// Expected files of the golden tests. A test compares; it never writes unless asked: UPDATE_GOLDEN=1 (`make golden`
// or `make golden-update`) rewrites the expected files, and a missing expected file fails the test — a case that
// has never been reviewed is not a passing case. Review a golden diff like code.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { stringify } from 'yaml';
import type { IR } from '@gatehouse/ir';

export const UPDATE_GOLDEN = process.env['UPDATE_GOLDEN'] === '1';

/** Compares `actual` with `dir/file` (or, with UPDATE_GOLDEN=1, writes it). */
export function checkGolden(dir: string, file: string, actual: string): void {
  const path = join(dir, file);
  if (UPDATE_GOLDEN) writeFileSync(path, actual);
  expect(existsSync(path), `${file} is missing: run "make golden-update" (UPDATE_GOLDEN=1) to write it, then review it`).toBe(true);
  expect(actual, `${file} differs (run "make golden-update" if the change is intended)`).toBe(readFileSync(path, 'utf8'));
}

/** Deterministic YAML: keys in the order the code builds them, no anchors, no line wrapping. */
export function render(obj: unknown): string {
  return stringify(obj, { aliasDuplicateObjects: false, lineWidth: 0, sortMapEntries: false });
}

/** The IR by Gateway key, with certificate material redacted (only the secrets' names and sources stay). */
export function redactedIr(ir: IR): unknown {
  return {
    gateways: Object.fromEntries(ir.gateways.map((g) => [g.key, g])),
    upstreams: ir.upstreams,
    secrets: Object.fromEntries(Object.entries(ir.secrets).map(([name, s]) => [name, { name: s.name, source: s.source, certificateChain: '<redacted>', privateKey: '<redacted>' }])),
  };
}
