// String formats, as the apiserver checks them.
// - CRD formats: the ones kube-apiserver 1.34 validates for custom resources (apiextensions-apiserver's
//   supportedVersionedFormats at compatibility version 1.33), with kube-openapi's strfmt semantics. Any other
//   format (int32, int64, double, k8s-short-name...) is ignored, as the apiserver ignores it.
// - `gatehouse:*` formats: what Go's JSON decoder checks for built-in kinds (int32 range, base64 []byte, metav1.Time),
//   used only by the generated core schemas.
import { isCIDRSloppy, parseIP } from './ip.js';
import { re2 } from './patterns.js';

type Check = (s: string) => boolean;

const HOSTNAME = re2(
  String.raw`^([a-zA-Z0-9\p{S}\p{L}]((-?[a-zA-Z0-9\p{S}\p{L}]{0,62})?)|([a-zA-Z0-9\p{S}\p{L}](([a-zA-Z0-9-\p{S}\p{L}]{0,61}[a-zA-Z0-9\p{S}\p{L}])?)(\.)){1,}([a-zA-Z\p{L}]){2,63})$`,
);
const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

function isHostname(s: string): boolean {
  if (utf8(s) > 255 || !HOSTNAME(s)) return false;
  return s.split('.').every((p) => utf8(p) <= 63);
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function daysIn(month: number, year: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (DAYS[month - 1] ?? 0);
}

/** Go's time.Parse("2006-01-02", s). */
export function isDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(mo, y);
}

/** kube-openapi's IsDateTime: a lenient RFC 3339 date-time (lowercase t/z allowed, seconds fraction optional). */
function isDateTime(str: string): boolean {
  if (str.length < 4) return false;
  const s = str.toLowerCase().split('t');
  if (s.length < 2 || !isDate(s[0]!)) return false;
  const m = /^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$/.exec(s[1]!);
  return !!m && m[1]! <= '23' && m[2]! <= '59' && m[3]! <= '59';
}

/** metav1.Time: Go's time.Parse(time.RFC3339, s) (an optional fraction of seconds is accepted when parsing). */
export function isRFC3339(s: string, fractionDigits?: number): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/.exec(s);
  if (!m) return false;
  if (fractionDigits !== undefined && (m[7]?.length ?? 0) !== fractionDigits + 1) return false;
  const [y, mo, d, h, mi, se] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(mo, y) || h > 23 || mi > 59 || se > 59) return false;
  return m[8] === 'Z' || (Number(m[9]) <= 23 && Number(m[10]) <= 59);
}

const DURATION_UNITS = new Map<string, bigint>([
  ['ns', 1n],
  ['us', 1000n],
  ['µs', 1000n], // U+00B5
  ['μs', 1000n], // U+03BC
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);
const MAX_DURATION = 1n << 63n;

/** Go's time.ParseDuration. */
function isGoDuration(orig: string): boolean {
  let s = orig;
  if (s[0] === '-' || s[0] === '+') s = s.slice(1);
  if (s === '0') return true;
  if (!s) return false;
  let total = 0n;
  while (s) {
    const m = /^([0-9]*)(?:\.([0-9]*))?/.exec(s)!;
    const [whole, int, frac] = [m[0], m[1] ?? '', m[2]];
    if (!int && !frac) return false;
    if (int.length > 19 || BigInt(int || '0') > MAX_DURATION) return false;
    s = s.slice(whole.length);
    const unit = /^[^.0-9]+/.exec(s)?.[0];
    if (!unit) return false;
    const scale = DURATION_UNITS.get(unit);
    if (scale === undefined) return false;
    s = s.slice(unit.length);
    let v = BigInt(int || '0');
    if (v > MAX_DURATION / scale) return false;
    v *= scale;
    if (frac) v += BigInt(Math.floor(Number(`0.${frac.slice(0, 18)}`) * Number(scale)));
    total += v;
    if (total > MAX_DURATION) return false;
  }
  return total < MAX_DURATION || orig[0] === '-';
}

const FALLBACK_UNITS = [
  ['ns', 'nano'],
  ['us', 'µs', 'micro'],
  ['ms', 'milli'],
  ['s', 'sec'],
  ['m', 'min'],
  ['h', 'hr', 'hour'],
  ['d', 'day'],
  ['w', 'wk', 'week'],
];

/** kube-openapi's ParseDuration: Go's, else any `<digits> <unit>` it can find (e.g. "3 days"). */
function isDuration(s: string): boolean {
  if (isGoDuration(s)) return true;
  let ok = false;
  for (const m of s.matchAll(/(\d+)\s*([A-Za-zµ]+)/g)) {
    if (m[1]!.length > 18 && BigInt(m[1]!) >= MAX_DURATION) return false; // strconv.Atoi overflow (int64)
    const unit = m[2]!.toLowerCase();
    for (const variants of FALLBACK_UNITS) {
      variants.forEach((v, i) => {
        if ((i === variants.length - 1 && unit.startsWith(v)) || v === unit) ok = true;
      });
    }
  }
  return ok;
}

/** net/url.ParseRequestURI: an absolute URI or an absolute path, with valid escapes and host. */
function isRequestURI(s: string): boolean {
  if (!s || [...s].some((c) => c < ' ' || c === '\x7f')) return false; // control bytes
  if (s === '*') return true;
  let rest = s;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(s);
  if (scheme) rest = s.slice(scheme[0].length);
  else if (s[0] === ':') return false; // "missing protocol scheme"
  const q = rest.indexOf('?');
  if (q >= 0) rest = rest.slice(0, q);
  if (!rest.startsWith('/')) return !!scheme; // opaque form needs a scheme
  if (scheme && rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    const authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    rest = slash < 0 ? '' : rest.slice(slash);
    const at = authority.lastIndexOf('@');
    const host = at < 0 ? authority : authority.slice(at + 1);
    if (at >= 0 && !/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(authority.slice(0, at))) return false;
    if (host.startsWith('[')) {
      const close = host.indexOf(']');
      if (close < 0 || !/^(:[0-9]*)?$/.test(host.slice(close + 1))) return false;
    } else {
      const colon = host.lastIndexOf(':');
      if (colon >= 0 && !/^:[0-9]*$/.test(host.slice(colon))) return false;
      if (!/^[A-Za-z0-9\-._~!$&'()*+,;=:%<>"[\]\u0080-\uffff]*$/.test(host)) return false;
    }
    if (/%(?![0-9a-fA-F]{2})/.test(host)) return false;
  }
  return !/%(?![0-9a-fA-F]{2})/.test(rest);
}

/** net/mail.ParseAddress for the common forms: `local@domain` or `Name <local@domain>`. */
function isEmail(s: string): boolean {
  const angle = /^[^<>]*<([^<>]+)>\s*$/.exec(s);
  const addr = (angle ? angle[1]! : s).trim();
  const atom = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
  const local = `(?:${atom}(?:\\.${atom})*|"(?:[^"\\\\]|\\\\.)*")`;
  return new RegExp(`^${local}@${atom}(?:\\.${atom})*$`).test(addr);
}

/** net.ParseMAC as of Go 1.24 (which kube-apiserver 1.34 is built with): 6, 8 or 20 octets as xx:xx.., xx-xx.. or xxxx.xxxx... */
function isMAC(s: string): boolean {
  const sep = /^[0-9a-fA-F]{2}([:-])/.exec(s)?.[1];
  if (sep) {
    const parts = s.split(sep);
    return [6, 8, 20].includes(parts.length) && parts.every((p) => /^[0-9a-fA-F]{2}$/.test(p));
  }
  const parts = s.split('.');
  return [3, 4, 10].includes(parts.length) && parts.every((p) => /^[0-9a-fA-F]{4}$/.test(p));
}

function isISBN10(str: string): boolean {
  const s = str.replace(/[\s-]+/g, '');
  if (!/^(?:[0-9]{9}X|[0-9]{10})$/.test(s)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (i + 1) * Number(s[i]);
  sum += s[9] === 'X' ? 100 : 10 * Number(s[9]);
  return sum % 11 === 0;
}

function isISBN13(str: string): boolean {
  const s = str.replace(/[\s-]+/g, '');
  if (!/^[0-9]{13}$/.test(s)) return false;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += (i % 2 ? 3 : 1) * Number(s[i]);
  return Number(s[12]) - ((10 - (sum % 10)) % 10) === 0;
}

function isCreditCard(str: string): boolean {
  const s = str.replace(/[^0-9]+/g, '');
  if (
    !/^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35\d{3})\d{11})$/.test(
      s,
    )
  )
    return false;
  let sum = 0;
  let double = false;
  for (let i = s.length - 1; i >= 0; i--) {
    let n = Number(s[i]);
    if (double) n = n * 2 >= 10 ? ((n * 2) % 10) + 1 : n * 2;
    sum += n;
    double = !double;
  }
  return sum % 10 === 0;
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const UUID3 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const UUID4 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const UUID5 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;

/** Keyed by kube-openapi's normalized name (dashes removed). */
const CRD_FORMATS: ReadonlyMap<string, Check> = new Map<string, Check>([
  ['bsonobjectid', (s) => /^[0-9a-fA-F]{24}$/.test(s)],
  ['uri', isRequestURI],
  ['email', isEmail],
  ['hostname', isHostname],
  ['ipv4', (s) => parseIP(s, 'sloppy') !== undefined && s.includes('.')],
  [
    'ipv6',
    (s) => {
      const ip = parseIP(s, 'strict');
      return ip !== undefined && !ip.zone && s.includes(':');
    },
  ],
  ['cidr', isCIDRSloppy],
  ['mac', isMAC],
  ['uuid', (s) => UUID.test(s)],
  ['uuid3', (s) => UUID3.test(s)],
  ['uuid4', (s) => UUID4.test(s)],
  ['uuid5', (s) => UUID5.test(s)],
  ['isbn', (s) => isISBN10(s) || isISBN13(s)],
  ['isbn10', isISBN10],
  ['isbn13', isISBN13],
  ['creditcard', isCreditCard],
  ['ssn', (s) => s.length === 11 && /^\d{3}[- ]?\d{2}[- ]?\d{4}$/.test(s)],
  ['hexcolor', (s) => /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(s)],
  [
    'rgbcolor',
    (s) => /^rgb\(\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*\)$/.test(s),
  ],
  ['byte', (s) => /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/.test(s)],
  ['password', () => true],
  ['date', isDate],
  ['duration', isDuration],
  ['datetime', isDateTime],
]);

/** The check for a CRD schema's `format`, or undefined when the apiserver ignores that format. */
export function crdFormat(format: string): Check | undefined {
  return CRD_FORMATS.get(format.replaceAll('-', ''));
}

/** Go's base64.StdEncoding as encoding/json decodes []byte (newlines ignored, padding required). */
export function isGoBase64(s: string): boolean {
  const t = s.replace(/[\r\n]/g, '');
  return t.length % 4 === 0 && /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(t);
}

/** Bytes a Go base64 string decodes to (valid input only). */
export function base64Size(s: string): number {
  const t = s.replace(/[\r\n]/g, '');
  return (t.length / 4) * 3 - (t.endsWith('==') ? 2 : t.endsWith('=') ? 1 : 0);
}
