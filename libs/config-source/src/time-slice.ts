// Long loops on the event loop give it a turn every few milliseconds: a file of thousands of objects must not hold up
// xDS, the admin API or health checks while it is validated and indexed.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

/** Longest run between two turns of the event loop. */
export const SLICE_MS = 10;

/** Returns a function to await inside a loop: it yields to the event loop once `sliceMs` have passed since the last. */
export function timeSlicer(sliceMs = SLICE_MS): () => Promise<void> | undefined {
  let start = performance.now();
  return () => {
    if (performance.now() - start < sliceMs) return undefined;
    return yieldToEventLoop().then(() => {
      start = performance.now();
    });
  };
}
