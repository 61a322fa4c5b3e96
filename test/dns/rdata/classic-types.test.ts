// The types discodns served before the codec table, through the same round trips.
import { describe, expect, it } from 'vitest';
import { decodeHex, problem, roundTrip } from './roundtrip.js';

describe('RFC 1035 and friends round-trip through their codecs', () => {
  it.each([
    ['h A 192.0.2.1', '192.0.2.1'],
    ['h AAAA 2001:DB8:0:0::1', '2001:db8::1'],
    ['@ NS ns1', 'ns1.example.com.'],
    ['a CNAME Mail.Example.NET.', 'Mail.Example.NET.'],
    ['p PTR host', 'host.example.com.'],
    ['@ MX 10 mail', '10 mail.example.com.'],
    ['@ MX 0 .', '0 .'],
    ['@ SOA ns1 hostmaster 1 2 3 4 5', 'ns1.example.com. hostmaster.example.com. 1 2 3 4 5'],
    ['_imaps._tcp SRV 0 1 993 mail', '0 1 993 mail.example.com.'],
    ['_imap._tcp SRV 0 0 0 .', '0 0 0 .'],
    ['@ TXT "v=spf1 -all" second', '"v=spf1 -all" "second"'],
    ['@ TXT "caf\\195\\169"', '"caf\\195\\169"'],
    ['@ CAA 128 iodef "mailto:x@example.com"', '128 iodef "mailto:x@example.com"'],
    ['_25._tcp.mail TLSA 3 1 1 00ff', '3 1 1 00FF'],
  ])('%s', (line, canonical) => {
    roundTrip(line, canonical);
  });

  it('keeps an unknown type as RFC 3597 bytes', () => roundTrip('x TYPE65280 \\# 3 010203', '\\# 3 010203'));
  it('keeps an empty unknown type', () => roundTrip('x TYPE65280 \\# 0', '\\# 0'));
  it('reads a known type given as \\# into its own form', () => roundTrip('x A \\# 4 C0000201', '192.0.2.1'));
  it('refuses \\# data that is not that type', () => expect(problem('x MX \\# 2 000a').error).toMatch(/^\\# data is not MX data/));
  it('decodes no A of 5 bytes', () => expect(decodeHex(1, '0102030405')).toBeInstanceOf(Error));
  it('decodes no name that runs past its record', () => expect(decodeHex(2, '036e7331')).toBeInstanceOf(Error));
});
