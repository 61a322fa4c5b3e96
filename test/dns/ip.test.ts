// Address text ↔ bytes without node:net (dns/ does no I/O): what isIP accepts, RFC 5952 output.
import { describe, expect, it } from 'vitest';
import { ipv4Bytes, ipv6Bytes, ipv6Text, isIP } from '../../src/dns/ip.js';

describe('isIP', () => {
  it.each([
    ['192.0.2.1', 4],
    ['0.0.0.0', 4],
    ['255.255.255.255', 4],
    ['2001:db8::1', 6],
    ['::', 6],
    ['::ffff:192.0.2.1', 6],
    ['1:2:3:4:5:6:7:8', 6],
    ['256.0.0.1', 0],
    ['01.2.3.4', 0],
    ['1.2.3', 0],
    ['mail', 0],
    ['1:2:3:4:5:6:7:8:9', 0],
    ['1::2::3', 0],
    ['fe80::1%eth0', 0],
    ['1:2:3:4:5:6:7::8', 0],
  ])('%s → %i', (text, family) => expect(isIP(text)).toBe(family));
});

describe('bytes and text', () => {
  it('ipv4Bytes', () => expect([...ipv4Bytes('192.0.2.10')]).toEqual([192, 0, 2, 10]));
  it('ipv6Bytes', () => expect(ipv6Bytes('2001:db8::a').toString('hex')).toBe('20010db800000000000000000000000a'));
  it.each([
    ['2001:0DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['0:0:0:0:0:0:0:0', '::'],
  ])('RFC 5952: %s → %s', (text, want) => expect(ipv6Text(ipv6Bytes(text))).toBe(want));
  it('throws for text that is not an address (a bug in the caller)', () => expect(() => ipv4Bytes('x')).toThrow(/bug/));
});
