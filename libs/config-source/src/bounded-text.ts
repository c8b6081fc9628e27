// User input quoted in a message is a bounded prefix: a 1 MB `kind` must not become a 1 MB log line.

/** How many characters of one user string a message quotes. */
export const MAX_QUOTED = 100;

/** `s` when it is short; otherwise its first `max` characters and how many were left out. */
export function bounded(s: string, max = MAX_QUOTED): string {
  return s.length <= max ? s : `${s.slice(0, max)}…(${s.length - max} more characters)`;
}

/** A list of messages joined with `; `, at most `max` of them (then how many more there were). */
export function boundedList(items: readonly string[], max = 5): string {
  const shown = items.slice(0, max).join('; ');
  return items.length > max ? `${shown}; and ${items.length - max} more` : shown;
}

/** A byte count as people read it: `4 MiB`, `210 MB`-style, one decimal below 10. */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  const digits = u === 0 || v >= 10 || Number.isInteger(v) ? 0 : 1;
  return `${v.toFixed(digits)} ${units[u]}`;
}
