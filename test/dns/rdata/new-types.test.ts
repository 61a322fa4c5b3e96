// The record types added with the codec table: each round-trips presentation → wire →
// presentation, reads its `\#` form, and reports bad input at its column.
import { describe, expect, it } from 'vitest';
import { decodeHex, problem, roundTrip } from './roundtrip.js';

const HEX32 = 'A'.repeat(64);
const KEY64 = Buffer.alloc(64, 7).toString('base64');

describe('SSHFP (RFC 4255)', () => {
  it('round-trips', () => {
    const wire = roundTrip(`host SSHFP 4 2 ${HEX32.toLowerCase()}`, `4 2 ${HEX32}`);
    expect(wire.subarray(0, 2)).toEqual(Buffer.from([4, 2]));
  });
  it('joins a fingerprint split over fields', () => roundTrip('host SSHFP 1 1 0123 4567', '1 1 01234567'));
  it('refuses odd hex at its column', () => expect(problem('host SSHFP 1 1 abc')).toEqual({ error: 'fingerprint must be hexadecimal digits in pairs', at: 'abc' }));
});

describe('NAPTR (RFC 3403)', () => {
  it('round-trips, replacement uncompressed', () => {
    const wire = roundTrip('@ NAPTR 100 10 "S" "SIP+D2U" "" _sip._udp', '100 10 "S" "SIP+D2U" "" _sip._udp.example.com.');
    expect(wire.includes(Buffer.from([0xc0]))).toBe(false);
  });
  it('keeps a regexp with escapes', () => roundTrip('@ NAPTR 10 0 "U" "E2U+sip" "!^.*$!sip:info@example.com!" .', '10 0 "U" "E2U+sip" "!^.*$!sip:info@example.com!" .'));
  it('wants six fields', () => expect(problem('@ NAPTR 100 10 "S"').error).toMatch(/^too few fields/));
});

describe('URI (RFC 7553)', () => {
  it('round-trips', () => roundTrip('_imaps._tcp URI 10 1 "imaps://mail.example.com:993/"', '10 1 "imaps://mail.example.com:993/"'));
  it('wants the target quoted', () => expect(problem('x URI 10 1 https://x/')).toEqual({ error: 'the target is a URI in double quotes, e.g. "https://mail.example.com/"', at: 'https://x/' }));
  it('decodes no empty target', () => expect(decodeHex(256, '000a0001')).toBeInstanceOf(Error));
});

describe('OPENPGPKEY (RFC 7929) and SMIMEA (RFC 8162)', () => {
  it('OPENPGPKEY round-trips a key split over fields', () => roundTrip(`x._openpgpkey OPENPGPKEY ${KEY64.slice(0, 40)} ${KEY64.slice(40)}`, KEY64));
  it('OPENPGPKEY refuses what is not base64', () => expect(problem('x OPENPGPKEY not*base64').at).toBe('not*base64'));
  it('SMIMEA round-trips', () => roundTrip(`x._smimecert SMIMEA 3 0 1 ${HEX32}`, `3 0 1 ${HEX32}`));
});

describe('SVCB and HTTPS (RFC 9460)', () => {
  it('writes params in key order, whatever order they are read in', () => {
    const wire = roundTrip('@ HTTPS 1 . port=8443 alpn=h2,h3 ipv4hint=192.0.2.1,192.0.2.2', '1 . alpn=h2,h3 port=8443 ipv4hint=192.0.2.1,192.0.2.2');
    // priority, root target, then key 1 (alpn) first
    expect(wire.subarray(0, 5)).toEqual(Buffer.from([0, 1, 0, 0, 1]));
  });
  it('reads quoted values and lists every key kind', () =>
    roundTrip(
      '_dns SVCB 2 dns.example.net. mandatory=alpn,port alpn="dot,h2" port=853 no-default-alpn ech=AEX+ ipv6hint=2001:db8::1 dohpath=/q{?dns} key65000=abc',
      '2 dns.example.net. mandatory=alpn,port alpn=dot,h2 no-default-alpn port=853 ech=AEX+ ipv6hint=2001:db8::1 dohpath=/q{?dns} key65000=abc',
    ));
  it('AliasMode keeps only a target', () => roundTrip('www HTTPS 0 svc.example.net.', '0 svc.example.net.'));
  it('refuses params in AliasMode', () => expect(problem('www HTTPS 0 svc.example.net. alpn=h2').error).toMatch(/^AliasMode/));
  it('refuses a mandatory key that is missing', () => expect(problem('@ HTTPS 1 . mandatory=port alpn=h2').error).toMatch(/mandatory lists port, which is not given/));
  it('refuses a key given twice, at its column', () => expect(problem('@ HTTPS 1 . alpn=h2 alpn=h3')).toEqual({ error: 'alpn is given twice (RFC 9460 §2.2)', at: 'alpn=h3' }));
  it('refuses an unknown key', () => expect(problem('@ HTTPS 1 . color=red').at).toBe('color=red'));
  it('decodes no keys out of order', () => expect(decodeHex(65, '0001' + '00' + '0003000201bb' + '00010003026832')).toBeInstanceOf(Error));
});

describe('DS and CDS (RFC 4034 §5, RFC 7344)', () => {
  it('DS round-trips a digest split over fields', () => roundTrip('sub DS 60485 5 1 2BB183AF5F22588179A5 3B0A98631FAD1A292118', '60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118'));
  it('CDS delete (RFC 8078)', () => roundTrip('@ CDS 0 0 0 00', '0 0 0 00'));
  it('refuses a key tag above 65535', () => expect(problem('sub DS 65536 13 2 00').at).toBe('65536 13 2 00'));
});

describe('DNSKEY and CDNSKEY (RFC 4034 §2, RFC 7344)', () => {
  it('DNSKEY round-trips', () => roundTrip(`@ DNSKEY 257 3 13 ${KEY64}`, `257 3 13 ${KEY64}`));
  it('CDNSKEY delete (RFC 8078)', () => roundTrip('@ CDNSKEY 0 3 0 AA==', '0 3 0 AA=='));
});

describe('RRSIG (RFC 4034 §3)', () => {
  it('round-trips with times as YYYYMMDDHHmmSS, signer uncompressed', () =>
    roundTrip(`@ RRSIG SOA 13 2 3600 20261220000000 20261201000000 12345 example.com. ${KEY64}`, `SOA 13 2 3600 20261220000000 20261201000000 12345 example.com. ${KEY64}`));
  it('reads times given as seconds', () => roundTrip(`@ RRSIG A 13 2 300 1797724800 1796083200 1 @ ${KEY64}`, `A 13 2 300 20261220000000 20261201000000 1 example.com. ${KEY64}`));
  it('refuses a date that does not exist', () => expect(problem(`@ RRSIG A 13 2 300 20260231000000 20261201000000 1 @ ${KEY64}`).at).toMatch(/^20260231000000/));
  it('refuses an unknown covered type', () => expect(problem(`@ RRSIG NOPE 13 2 300 20261220000000 20261201000000 1 @ ${KEY64}`).at).toMatch(/^NOPE/));
});

describe('NSEC (RFC 4034 §4) and NSEC3PARAM (RFC 5155 §4)', () => {
  it('NSEC round-trips its type bitmap, windows in order', () => {
    const wire = roundTrip('@ NSEC mail.example.com. A NS SOA MX TXT AAAA RRSIG NSEC DNSKEY CAA', 'mail.example.com. A NS SOA MX TXT AAAA RRSIG NSEC DNSKEY CAA');
    // RFC 4034 §4.3's example shape: window 0 first, window 1 (CAA, type 257) after it.
    const bitmaps = wire.subarray(wire.indexOf(0, 1) + 1);
    expect(bitmaps[0]).toBe(0);
    expect(bitmaps[bitmaps[1]! + 2]).toBe(1);
  });
  it('NSEC with TYPEnnn', () => roundTrip('x NSEC y.example.com. TYPE1234', 'y.example.com. TYPE1234'));
  it('NSEC decodes no empty window', () => expect(decodeHex(47, '00' + '0000')).toBeInstanceOf(Error));
  it('NSEC3PARAM round-trips without and with salt', () => {
    roundTrip('@ NSEC3PARAM 1 0 0 -', '1 0 0 -');
    roundTrip('@ NSEC3PARAM 1 0 10 aabbccdd', '1 0 10 AABBCCDD');
  });
});
