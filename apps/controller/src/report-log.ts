// Logs each rejection or warning once, when it appears, and when it clears.
import { describeRef } from '@gatehouse/api';
import type { Translation } from '@gatehouse/engine';
import type { ResourceReport } from '@gatehouse/plugin-sdk';
import type { Log } from './log.js';

export function logReports(log: Log, translation: Translation, previous: Map<string, string>): Map<string, string> {
  const now = new Map<string, string>();
  for (const p of translation.problems) {
    const key = `problem:${p.file}:${p.line}:${p.message}`;
    now.set(key, key);
    if (!previous.has(key)) log.error(`${p.file ?? ''}${p.line ? `:${p.line}` : ''}: ${p.message}`);
  }
  for (const r of translation.reports) {
    if (r.state === 'accepted') continue;
    const text = r.messages.join('; ') || summarize(r);
    const key = describeRef(r.ref);
    now.set(key, text);
    if (previous.get(key) !== text) (r.state === 'rejected' ? log.error : log.warn)(`${r.state}: ${text}`);
  }
  for (const [key] of previous) if (!now.has(key) && !key.startsWith('problem:')) log.info(`${key}: accepted`);
  return now;
}

function summarize(r: ResourceReport): string {
  const failing = [...r.conditions, ...(r.parents ?? []).flatMap((p) => p.conditions)].filter((c) => c.status === 'False');
  return `${describeRef(r.ref)}: ${failing.map((c) => `${c.type}=${c.reason} ${c.message}`).join('; ')}`;
}
