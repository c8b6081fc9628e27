// Human tables by default, JSON or YAML for scripts.
import { stringify } from 'yaml';

export type Format = 'table' | 'json' | 'yaml';

export function emit(data: unknown, format: Format, table: () => string): void {
  if (format === 'json') process.stdout.write(JSON.stringify(data, null, 2) + '\n');
  else if (format === 'yaml') process.stdout.write(stringify(data, { aliasDuplicateObjects: false, lineWidth: 0 }));
  else process.stdout.write(table());
}

/** A plain aligned table. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}
