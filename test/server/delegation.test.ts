// RFC 1034 §4.2.1, §4.3.2 step 3b: NS below the apex is a zone cut. Names at or below it get a
// referral (no AA, the NS set in authority, glue in additional); DS at the cut is the parent's
// (RFC 4035 §2.4); a CNAME into a delegation ends in the referral. Behaviour as Knot's.
import { describe, expect, it } from 'vitest';
import { expectServed, served, type ServedCase } from '../support/served.js';
import { snapshotFromText } from '../support/zonetext.js';

const ZONE = `
@           SOA   ns1 hostmaster 1 7200 3600 1209600 300
@           NS    ns1
ns1         A     192.0.2.53
mail        A     192.0.2.10
*           TXT   "apex wildcard"
deleg       NS    ns1.deleg
deleg       NS    ns.other.example.
deleg       DS    12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF
ns1.deleg   A     192.0.2.60
ns1.deleg   AAAA  2001:db8::60
mail.deleg  A     192.0.2.61
other       NS    ns1
other       NS    ns1.deleg
deep.sub3   NS    ns.sub3-ns.example.
cname-deleg CNAME host.deleg
mx-deleg    MX    10 mail.deleg
`;

const snapshot = snapshotFromText({ 'deleg.test.': ZONE });
const NEG_SOA = 'deleg.test. 300 IN SOA ns1.deleg.test. hostmaster.deleg.test. 1 7200 3600 1209600 300';
const CUT = ['deleg.deleg.test. 3600 IN NS ns.other.example.', 'deleg.deleg.test. 3600 IN NS ns1.deleg.deleg.test.'];
const GLUE = ['ns1.deleg.deleg.test. 3600 IN A 192.0.2.60', 'ns1.deleg.deleg.test. 3600 IN AAAA 2001:db8::60'];
const referral = (qname: string, qtype: string): ServedCase & { why: string } => ({ why: `${qname} ${qtype}`, qname, qtype, rcode: 'NOERROR', aa: false, ns: CUT, extra: GLUE });

describe('RFC 1034 §4.3.2 step 3b: referrals', () => {
  it.each([
    referral('deleg.deleg.test.', 'A'),
    referral('deleg.deleg.test.', 'NS'), // the parent side answers for the cut's NS: a referral
    referral('deleg.deleg.test.', 'ANY'),
    referral('x.deleg.deleg.test.', 'A'),
    referral('x.deleg.deleg.test.', 'DS'), // DS below the cut is the child's business
    referral('ns1.deleg.deleg.test.', 'A'), // glue is not authoritative data: a referral too
    referral('a.b.c.deleg.deleg.test.', 'TXT'), // no wildcard synthesis below a cut
    referral('DELEG.Deleg.TEST.', 'A'),
  ])('$why', (c) => expectServed(snapshot, c));

  it('adds the zone\'s own addresses of NS targets elsewhere in it, as Knot does', () => {
    expectServed(snapshot, {
      qname: 'other.deleg.test.',
      qtype: 'A',
      rcode: 'NOERROR',
      aa: false,
      ns: ['other.deleg.test. 3600 IN NS ns1.deleg.test.', 'other.deleg.test. 3600 IN NS ns1.deleg.deleg.test.'],
      extra: ['ns1.deleg.test. 3600 IN A 192.0.2.53', ...GLUE],
    });
  });

  it('a cut below an empty non-terminal: the non-terminal stays the parent\'s (NODATA)', () => {
    expectServed(snapshot, { qname: 'deep.sub3.deleg.test.', qtype: 'A', rcode: 'NOERROR', aa: false, ns: ['deep.sub3.deleg.test. 3600 IN NS ns.sub3-ns.example.'] });
    expectServed(snapshot, { qname: 'sub3.deleg.test.', qtype: 'A', rcode: 'NOERROR', ns: [NEG_SOA] });
  });

  it('one referral body per cut, whatever name below it is asked (no memory per name)', () => {
    const a = served(snapshot, { qname: 'one.deleg.deleg.test.', qtype: 'A' });
    const b = served(snapshot, { qname: 'another-and-longer.deleg.deleg.test.', qtype: 'A' });
    expect(a.ns).toEqual(b.ns);
    expect(a.extra).toEqual(b.extra);
  });
});

describe('RFC 4035 §2.4: DS at the cut is the parent\'s data', () => {
  it('answered with AA', () => {
    expectServed(snapshot, {
      qname: 'deleg.deleg.test.',
      qtype: 'DS',
      rcode: 'NOERROR',
      answer: ['deleg.deleg.test. 3600 IN DS 12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF'],
    });
  });
  it('NODATA at a cut without DS', () => {
    expectServed(snapshot, { qname: 'other.deleg.test.', qtype: 'DS', rcode: 'NOERROR', ns: [NEG_SOA] });
  });
});

describe('CNAMEs and additional data that lead below a cut', () => {
  it('a CNAME into a delegation: the CNAME with AA, then the referral', () => {
    expectServed(snapshot, { qname: 'cname-deleg.deleg.test.', qtype: 'A', rcode: 'NOERROR', answer: ['cname-deleg.deleg.test. 3600 IN CNAME host.deleg.deleg.test.'], ns: CUT, extra: GLUE });
  });
  it('an MX whose target is below a cut carries the glue address, as Knot does', () => {
    expectServed(snapshot, { qname: 'mx-deleg.deleg.test.', qtype: 'MX', rcode: 'NOERROR', answer: ['mx-deleg.deleg.test. 3600 IN MX 10 mail.deleg.deleg.test.'], extra: ['mail.deleg.deleg.test. 3600 IN A 192.0.2.61'] });
  });
  it('names beside the cut still synthesize from the apex wildcard', () => {
    expectServed(snapshot, { qname: 'delegx.deleg.test.', qtype: 'TXT', rcode: 'NOERROR', answer: ['delegx.deleg.test. 3600 IN TXT "apex wildcard"'] });
  });
});
