// IP parsing exactly as the apiserver's Go code does it, since node:net disagrees at the edges (leading zeros,
// zones, IPv4-mapped addresses):
// - `strict`: Go's net/netip.ParseAddr (net.ParseIP since Go 1.22): no leading zeros in IPv4 octets; a zone is
//   parsed (callers decide whether to allow it).
// - `sloppy`: k8s.io/utils/net.ParseIPSloppy (Go 1.16's net.ParseIP): IPv4 octets may have leading zeros; no zones.

export interface ParsedIP {
  /** The address as 16 bytes (IPv4 as ::ffff:a.b.c.d, like Go's net.IP). */
  bytes: Uint8Array;
  /** Parsed from dotted-quad form (not from IPv6 text). */
  dotted: boolean;
  zone: string;
}

function parseV4Fields(s: string, strict: boolean): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^[0-9]+$/.test(p)) return undefined;
    if (strict && (p.length > 3 || (p.length > 1 && p[0] === '0'))) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

function v4(fields: number[]): Uint8Array {
  const b = new Uint8Array(16);
  b[10] = 0xff;
  b[11] = 0xff;
  b.set(fields, 12);
  return b;
}

function parseV6(input: string, strict: boolean): ParsedIP | undefined {
  let s = input;
  let zone = '';
  const pct = s.indexOf('%');
  if (pct >= 0) {
    if (!strict) return undefined;
    zone = s.slice(pct + 1);
    s = s.slice(0, pct);
    if (!zone) return undefined;
  }
  const ip = new Uint8Array(16);
  let ellipsis = -1;
  if (s.startsWith('::')) {
    ellipsis = 0;
    s = s.slice(2);
    if (!s) return { bytes: ip, dotted: false, zone };
  }
  let i = 0;
  while (i < 16) {
    const m = /^[0-9a-fA-F]+/.exec(s);
    if (!m) return undefined;
    const digits = m[0];
    if (strict && digits.length > 4) return undefined;
    const n = parseInt(digits, 16);
    if (n > 0xffff) return undefined;
    if (s[digits.length] === '.') {
      if ((ellipsis < 0 && i !== 12) || i + 4 > 16) return undefined;
      const f = parseV4Fields(s, strict);
      if (!f) return undefined;
      ip.set(f, i);
      s = '';
      i += 4;
      break;
    }
    ip[i] = n >> 8;
    ip[i + 1] = n & 0xff;
    i += 2;
    s = s.slice(digits.length);
    if (!s) break;
    if (s[0] !== ':' || s.length === 1) return undefined;
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) return undefined;
      ellipsis = i;
      s = s.slice(1);
      if (!s) break;
    }
  }
  if (s) return undefined;
  if (i < 16) {
    if (ellipsis < 0) return undefined;
    const n = 16 - i;
    for (let j = i - 1; j >= ellipsis; j--) ip[j + n] = ip[j]!;
    ip.fill(0, ellipsis, ellipsis + n);
  } else if (ellipsis >= 0) {
    return undefined;
  }
  return { bytes: ip, dotted: false, zone };
}

/** Parses like Go; the first of '.' or ':' in the text decides the family, as in Go. */
export function parseIP(s: string, mode: 'strict' | 'sloppy'): ParsedIP | undefined {
  if (s.length > 256) return undefined; // no address is this long; bounds the work
  const strict = mode === 'strict';
  for (const c of s) {
    if (c === '.') {
      const f = parseV4Fields(s, strict);
      return f ? { bytes: v4(f), dotted: true, zone: '' } : undefined;
    }
    if (c === ':') return parseV6(s, strict);
    if (c === '%') return undefined;
  }
  return undefined;
}

export function isV4(ip: ParsedIP): boolean {
  const b = ip.bytes;
  return b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
}

/** IPv6 text that carries an IPv4 address (`::ffff:1.2.3.4`): netip's Is4In6. */
export function is4In6(ip: ParsedIP): boolean {
  return !ip.dotted && isV4(ip);
}

export function isUnspecified(ip: ParsedIP): boolean {
  return isV4(ip) ? ip.bytes.slice(12).every((x) => x === 0) : ip.bytes.every((x) => x === 0);
}

export function isLoopback(ip: ParsedIP): boolean {
  return isV4(ip) ? ip.bytes[12] === 127 : ip.bytes.slice(0, 15).every((x) => x === 0) && ip.bytes[15] === 1;
}

export function isLinkLocalUnicast(ip: ParsedIP): boolean {
  const b = ip.bytes;
  return isV4(ip) ? b[12] === 169 && b[13] === 254 : b[0] === 0xfe && (b[1]! & 0xc0) === 0x80;
}

export function isLinkLocalMulticast(ip: ParsedIP): boolean {
  const b = ip.bytes;
  return isV4(ip) ? b[12] === 224 && b[13] === 0 && b[14] === 0 : b[0] === 0xff && (b[1]! & 0x0f) === 0x02;
}

/** Go's net.IP.String(): dotted quad for IPv4 (and IPv4-mapped), RFC 5952 for IPv6. */
export function ipString(ip: ParsedIP): string {
  const b = ip.bytes;
  if (isV4(ip)) return `${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i]! << 8) | b[i + 1]!);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return groups.map((g) => g.toString(16)).join(':');
  const head = groups
    .slice(0, bestStart)
    .map((g) => g.toString(16))
    .join(':');
  const tail = groups
    .slice(bestStart + bestLen)
    .map((g) => g.toString(16))
    .join(':');
  return `${head}::${tail}`;
}

/** Go 1.16's net.ParseCIDR (k8s.io/utils/net.ParseCIDRSloppy). */
export function isCIDRSloppy(s: string): boolean {
  const slash = s.indexOf('/');
  if (slash < 0) return false;
  const addr = s.slice(0, slash);
  const mask = s.slice(slash + 1);
  const ip = parseV4Fields(addr, false) ? 4 : parseV6(addr, false) ? 16 : 0;
  if (!ip || !/^[0-9]+$/.test(mask) || mask.length > 8) return false;
  return Number(mask) <= 8 * ip;
}
