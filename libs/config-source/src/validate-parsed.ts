// Each parsed object is validated as the apiserver would validate it; invalid ones become problems on their
// resource (with every field error, bounded), valid ones are replaced by their defaulted form. Validation yields to
// the event loop every few milliseconds, so a file of thousands of objects never stalls the control plane.
import { describeRef, isClusterScoped, resourceKey, type KubeObject, type ResourceRef } from '@gatehouse/api';
import { describeErrors, validateObject } from '@gatehouse/validation';
import { bounded } from './bounded-text.js';
import type { ParsedFile } from './parse-documents.js';
import { timeSlicer } from './time-slice.js';

/** Most field errors one problem lists, and the longest message it may be. */
const MAX_ERRORS = 20;
const MAX_MESSAGE = 2000;
/** The longest part of a reference kept whole (the longest valid name). */
const MAX_REF_PART = 253;

export async function validateParsed(parsed: ParsedFile): Promise<ParsedFile> {
  const out: ParsedFile = { objects: [], problems: [...parsed.problems], syntaxError: parsed.syntaxError };
  const slice = timeSlicer();
  for (const { object, line } of parsed.objects) {
    await slice();
    const ref = boundedRef(refOfParsed(object));
    const withNs: KubeObject =
      isClusterScoped(object.kind) || object.metadata.namespace ? object : { ...object, metadata: { ...object.metadata, namespace: 'default' } };
    let result: ReturnType<typeof validateObject>;
    try {
      result = validateObject(withNs);
    } catch (err) {
      out.problems.push({
        line,
        ref,
        message: `${describeRef(ref)} could not be validated: ${bounded(err instanceof Error ? err.message : String(err), 300)}`,
      });
      continue;
    }
    if (result.errors.length === 0) {
      out.objects.push({ object: result.object, line });
      continue;
    }
    const more = result.errors.length - MAX_ERRORS;
    const described = describeErrors(result.errors.slice(0, MAX_ERRORS)) + (more > 0 ? `; and ${more} more errors` : '');
    out.problems.push({ line, ref, message: bounded(`${describeRef(ref)} is invalid: ${described}`, MAX_MESSAGE) });
  }
  return out;
}

/** The reference of a parsed object: cluster-scoped kinds have no namespace, the others default to `default`. */
export function refOfParsed(object: KubeObject): ResourceRef {
  return { kind: object.kind, namespace: isClusterScoped(object.kind) ? '' : (object.metadata.namespace ?? 'default'), name: object.metadata.name };
}

/** The resource key of a parsed object. */
export function keyOfParsed(object: KubeObject): string {
  return resourceKey(refOfParsed(object));
}

/** A reference safe to show and to key status by: no part longer than the longest valid name (and a marker). */
function boundedRef(ref: ResourceRef): ResourceRef {
  return { kind: bounded(ref.kind, MAX_REF_PART), namespace: bounded(ref.namespace, MAX_REF_PART), name: bounded(ref.name, MAX_REF_PART) };
}
