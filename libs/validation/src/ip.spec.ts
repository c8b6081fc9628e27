// IP parsing as Go does it. Every expectation below was produced by Go itself (net/netip.ParseAddr and
// k8s.io/utils/net.ParseIPSloppy, printing net.IP.String()), not written by hand.
import { describe, expect, it } from 'vitest';
import { ipString, is4In6, isLinkLocalMulticast, isLinkLocalUnicast, isLoopback, isUnspecified, parseIP } from './ip.js';

// [input, netip.ParseAddr ok, with a zone, Is4In6, ParseIPSloppy ok, net.IP.String()]
const GO: Array<[string, boolean, boolean, boolean, boolean, string | null]> = [
  ['1.2.3.4', true, false, false, true, '1.2.3.4'],
  ['010.1.2.3', false, false, false, true, '10.1.2.3'],
  ['0000000001.2.3.4', false, false, false, true, '1.2.3.4'],
  ['256.1.1.1', false, false, false, false, null],
  ['1.2.3', false, false, false, false, null],
  ['1.2.3.4.5', false, false, false, false, null],
  [' 1.2.3.4', false, false, false, false, null],
  ['1..2.3', false, false, false, false, null],
  ['::', true, false, false, true, '::'],
  ['::1', true, false, false, true, '::1'],
  ['2001:db8::1', true, false, false, true, '2001:db8::1'],
  ['2001:0db8::1', true, false, false, true, '2001:db8::1'],
  ['2001:db8::00001', false, false, false, true, '2001:db8::1'],
  ['::ffff:1.2.3.4', true, false, true, true, '1.2.3.4'],
  ['::ffff:010.2.3.4', false, false, false, true, '10.2.3.4'],
  ['fe80::1%eth0', true, true, false, false, null],
  ['fe80::1%', false, false, false, false, null],
  ['1:2:3:4:5:6:7:8', true, false, false, true, '1:2:3:4:5:6:7:8'],
  ['1:2:3:4:5:6:7:8:9', false, false, false, false, null],
  ['1::2::3', false, false, false, false, null],
  ['1:2:3:4:5:6:7::', true, false, false, true, '1:2:3:4:5:6:7:0'],
  ['::1.2.3.4', true, false, false, true, '::102:304'],
  ['1:2:3:4:5:6:1.2.3.4', true, false, false, true, '1:2:3:4:5:6:102:304'],
  ['1:2:3:4:5:6:7:1.2.3.4', false, false, false, false, null],
  ['gggg::1', false, false, false, false, null],
  ['example.com', false, false, false, false, null],
  ['', false, false, false, false, null],
];

describe('parseIP agrees with Go', () => {
  it.each(GO)('%j', (input, strict, zone, mapped, sloppy, text) => {
    const s = parseIP(input, 'strict');
    expect(!!s).toBe(strict);
    expect(!!s?.zone).toBe(zone);
    expect(!!s && is4In6(s)).toBe(mapped);
    const l = parseIP(input, 'sloppy');
    expect(!!l).toBe(sloppy);
    expect(l ? ipString(l) : null).toBe(text);
  });

  it.each([
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['127.1.2.3', 'loopback'],
    ['::1', 'loopback'],
    ['169.254.0.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['224.0.0.1', 'link-local multicast'],
    ['ff02::1', 'link-local multicast'],
    ['10.0.0.1', 'none'],
  ])('classifies %s as %s', (input, kind) => {
    const ip = parseIP(input, 'sloppy')!;
    const found = [
      isUnspecified(ip) && 'unspecified',
      isLoopback(ip) && 'loopback',
      isLinkLocalUnicast(ip) && 'link-local',
      isLinkLocalMulticast(ip) && 'link-local multicast',
    ].filter(Boolean);
    expect(found).toEqual(kind === 'none' ? [] : [kind]);
  });
});
