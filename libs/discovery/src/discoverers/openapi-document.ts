// An OpenAPI 3.0/3.1 or Swagger 2.0 document → functions: parsed (JSON or YAML, an error with its line), validated
// and dereferenced by @apidevtools/swagger-parser with external references off (a document never makes Gatehouse
// read files or fetch URLs), then one function per operation, named by operationId, else `METHOD /path`.
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPI, OpenAPIV2, OpenAPIV3 } from 'openapi-types';
import { parseDocument } from 'yaml';
import { DiscoveryError, type UpstreamFunction } from '@gatehouse/plugin-sdk';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** The line (1-based) of a character offset. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** JSON or YAML text → a plain object; an unparseable document is an `InvalidDocument` error with its line. */
export function parseText(text: string, source: string): unknown {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(text);
    } catch (err) {
      const msg = (err as Error).message;
      const pos = /position (\d+)/.exec(msg);
      const line = /line (\d+)/.exec(msg);
      const at = line ? Number(line[1]) : pos ? lineAt(text, Number(pos[1])) : undefined;
      throw new DiscoveryError('InvalidDocument', `not valid JSON: ${msg.slice(0, 300)}`, at, source);
    }
  }
  const doc = parseDocument(text, { prettyErrors: false });
  const first = doc.errors[0];
  if (first)
    throw new DiscoveryError(
      'InvalidDocument',
      `not valid YAML: ${first.message.split('\n')[0]!.slice(0, 300)}`,
      first.linePos?.[0]?.line ?? lineAt(text, first.pos[0]),
      source,
    );
  return doc.toJS({ maxAliasCount: 1000 });
}

/** The path prefix operations live under: Swagger's basePath, or the path of OpenAPI 3's first server URL. */
function basePath(api: OpenAPI.Document): string {
  let base = '';
  if ('swagger' in api) base = (api as OpenAPIV2.Document).basePath ?? '';
  else {
    const url = (api as OpenAPIV3.Document).servers?.[0]?.url;
    if (url) {
      try {
        base = new URL(url, 'http://relative.invalid').pathname;
      } catch {
        base = '';
      }
    }
  }
  return base.replace(/\/+$/, '');
}

/** A parsed document → its operations as functions, sorted by name. */
export async function documentFunctions(object: unknown, source: string): Promise<UpstreamFunction[]> {
  if (!object || typeof object !== 'object' || Array.isArray(object))
    throw new DiscoveryError('InvalidDocument', 'the document is not an object', undefined, source);
  const o = object as Record<string, unknown>;
  if (!('openapi' in o) && !('swagger' in o))
    throw new DiscoveryError(
      'InvalidDocument',
      'neither an OpenAPI document (no "openapi" field) nor a Swagger 2.0 one (no "swagger" field)',
      undefined,
      source,
    );
  let api: OpenAPI.Document;
  try {
    api = await SwaggerParser.validate(structuredClone(object) as OpenAPI.Document, { resolve: { external: false }, dereference: { circular: 'ignore' } });
  } catch (err) {
    throw new DiscoveryError(
      'InvalidDocument',
      `not a valid OpenAPI/Swagger document: ${(err as Error).message.split('\n').slice(0, 3).join(' ').slice(0, 500)}`,
      undefined,
      source,
    );
  }
  const base = basePath(api);
  const out: UpstreamFunction[] = [];
  for (const [path, item] of Object.entries(api.paths ?? {})) {
    if (!item || typeof item !== 'object') continue;
    for (const method of METHODS) {
      const op = (item as Record<string, { operationId?: string } | undefined>)[method];
      if (!op) continue;
      const full = `${base}${path}`;
      const upper = method.toUpperCase();
      out.push({ name: op.operationId || `${upper} ${full}`, http: { method: upper, path: full, ...(op.operationId ? { operationId: op.operationId } : {}) } });
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
