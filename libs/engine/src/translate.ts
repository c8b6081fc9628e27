// translate(snapshot) → { ir, gateways (xDS per node group), reports }. Pure and deterministic.
import { resourceKey, type ResourceSnapshot } from '@gatehouse/api';
import type { IR } from '@gatehouse/ir';
import type { ResourceReport, TranslationMemo, TranslatorPlugin } from '@gatehouse/plugin-sdk';
import { translateResources } from '@gatehouse/translator';
import { translateXds, type GatewayXds } from '@gatehouse/xds-translator';

export interface TranslateOptions {
  plugins: readonly TranslatorPlugin[];
  defaultBindAddress?: string;
  /**
   * A plugin hook that runs longer than this rejects the resource it was processing. Off by default, which keeps
   * translation a pure function; the control plane turns it on.
   */
  hookBudgetMs?: number;
  /** Results reused between translations; see TranslationMemo. */
  memo?: TranslationMemo;
}

export interface Translation {
  ir: IR;
  /** xDS resources and provenance per Gateway (`namespace/name`), the unit the xDS cache serves. */
  gateways: Record<string, GatewayXds>;
  reports: ResourceReport[];
  /** Problems not tied to any resource (a document that does not parse). */
  problems: Array<{ file?: string; line?: number; message: string }>;
}

export function translate(snapshot: ResourceSnapshot, options: TranslateOptions): Translation {
  const { ir, book, pluginCtx } = translateResources(snapshot, {
    plugins: options.plugins,
    ...(options.defaultBindAddress ? { defaultBindAddress: options.defaultBindAddress } : {}),
    ...(options.memo ? { memo: options.memo } : {}),
  });
  const gateways = translateXds(ir, options.plugins, pluginCtx, options.hookBudgetMs);
  const problems: Translation['problems'] = [];
  for (const p of snapshot.problems) {
    const where = p.origin.file ? `${p.origin.file}${p.origin.line ? `:${p.origin.line}` : ''}: ` : '';
    if (!p.ref) {
      problems.push({ ...(p.origin.file ? { file: p.origin.file } : {}), ...(p.origin.line ? { line: p.origin.line } : {}), message: p.message });
      continue;
    }
    if (p.severity === 'error') book.reject(p.ref, 'Invalid', where + p.message);
    else book.warn(p.ref, 'SourceWarning', where + p.message);
  }
  const reports = book.finish();
  // Keep only reports about resources that exist (or were refused at the source).
  const known = new Set([...snapshot.resources.keys(), ...snapshot.problems.flatMap((p) => (p.ref ? [resourceKey(p.ref)] : []))]);
  return { ir, gateways, reports: reports.filter((r) => known.has(resourceKey(r.ref))), problems };
}
