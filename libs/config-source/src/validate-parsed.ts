// Each parsed object is validated as the apiserver would validate it; invalid ones become problems on their
// resource (with every field error), valid ones are replaced by their defaulted form.
import { isClusterScoped, type KubeObject } from '@gatehouse/api';
import { describeErrors, validateObject } from '@gatehouse/validation';
import type { ParsedFile } from './parse-documents.js';

export function validateParsed(parsed: ParsedFile): ParsedFile {
  const out: ParsedFile = { objects: [], problems: [...parsed.problems], syntaxError: parsed.syntaxError };
  for (const { object, line } of parsed.objects) {
    const withNs: KubeObject = isClusterScoped(object.kind) || object.metadata.namespace ? object : { ...object, metadata: { ...object.metadata, namespace: 'default' } };
    const result = validateObject(withNs);
    if (result.errors.length === 0) {
      out.objects.push({ object: result.object, line });
      continue;
    }
    const ref = { kind: object.kind, namespace: isClusterScoped(object.kind) ? '' : (withNs.metadata.namespace ?? 'default'), name: object.metadata.name };
    out.problems.push({ line, ref, message: `${object.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name} is invalid: ${describeErrors(result.errors)}` });
  }
  return out;
}
