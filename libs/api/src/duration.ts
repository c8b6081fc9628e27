/** Parses a Gateway API / Go duration (`1h2m3s`, `500ms`, `1.5s`) into milliseconds; undefined when invalid. */
export function parseDurationMs(text: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(h|ms|m|s)/gy;
  if (!text) return undefined;
  let total = 0;
  let end = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const n = Number(m[1]);
    total += m[2] === 'h' ? n * 3_600_000 : m[2] === 'm' ? n * 60_000 : m[2] === 's' ? n * 1000 : n;
    end = re.lastIndex;
  }
  return end === text.length && end > 0 ? total : undefined;
}

/** Milliseconds → protobuf JSON duration string (`1.5s`). */
export function msToProtoDuration(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}s`;
}
