import { describeRef, type ResourceRef } from '@gatehouse/api';

/**
 * The message for a resource whose translation threw: it names the resource and what went wrong (a bounded
 * prefix), and says that everything else is still served. Thrown values are never trusted to be Errors.
 */
export function internalError(ref: ResourceRef, err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  const what = raw.length > 300 ? `${raw.slice(0, 300)}…` : raw;
  return `${describeRef(ref)} could not be translated (${what}); it is left out and everything else is served. This is an input Gatehouse did not foresee: please report it with the resource.`;
}
