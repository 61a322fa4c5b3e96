// RFC 4592: wildcards, through the served path. Synthesis from the closest encloser only; an
// existing name or an empty non-terminal blocks it; a wildcard CNAME is followed like any CNAME;
// the synthesized records carry the name asked.
import { describe, expect, it } from 'vitest';
import { expectServed, served, type ServedCase } from '../support/served.js';
import { snapshotFromText } from '../support/zonetext.js';

export const WILD_ZONE = `
@           SOA   ns1 hostmaster 1 7200 3600 1209600 300
@           NS    ns1
@           MX    10 mail
ns1         A     192.0.2.53
mail        A     192.0.2.10
mail        AAAA  2001:db8::10
*           TXT   "apex wildcard"
*           MX    10 mail
*.dev       A     192.0.2.20
host.dev    A     192.0.2.21
*.a.b.c     A     192.0.2.30
*.cn        CNAME mail
*.cnx       CNAME www.example.net.
*.cnn       CNAME nothing
ent.sub1    TXT   "below an empty non-terminal"
_imaps._tcp SRV   0 1 993 mail
*._tcp      SRV   0 0 0 .
*.srv       SRV   0 1 993 mail
existing    TXT   "exists"
*.MiXeD     A     192.0.2.40
`;

const snapshot = snapshotFromText({ 'wild.test.': WILD_ZONE });
const NEG_SOA = 'wild.test. 300 IN SOA ns1.wild.test. hostmaster.wild.test. 1 7200 3600 1209600 300';
const MAIL = ['mail.wild.test. 3600 IN A 192.0.2.10', 'mail.wild.test. 3600 IN AAAA 2001:db8::10'];

describe('RFC 4592 §3.3.1: synthesis from the closest encloser', () => {
  const cases: (ServedCase & { why: string })[] = [
    { why: 'a name below the apex takes the apex wildcard, owned by the name asked', qname: 'x.wild.test.', qtype: 'TXT', rcode: 'NOERROR', answer: ['x.wild.test. 3600 IN TXT "apex wildcard"'] },
    { why: 'at any depth where no label exists', qname: 'a.x.wild.test.', qtype: 'TXT', rcode: 'NOERROR', answer: ['a.x.wild.test. 3600 IN TXT "apex wildcard"'] },
    { why: "a synthesized MX carries its target's addresses", qname: 'x.y.wild.test.', qtype: 'MX', rcode: 'NOERROR', answer: ['x.y.wild.test. 3600 IN MX 10 mail.wild.test.'], extra: MAIL },
    { why: 'a type the wildcard lacks: NODATA', qname: 'x.wild.test.', qtype: 'A', rcode: 'NOERROR', ns: [NEG_SOA] },
    { why: 'a wildcard below an empty non-terminal', qname: 'y.dev.wild.test.', qtype: 'A', rcode: 'NOERROR', answer: ['y.dev.wild.test. 3600 IN A 192.0.2.20'] },
    { why: 'the wildcard itself, asked by name', qname: '*.dev.wild.test.', qtype: 'A', rcode: 'NOERROR', answer: ['*.dev.wild.test. 3600 IN A 192.0.2.20'] },
    { why: 'deep: three empty non-terminals above it', qname: 'q.a.b.c.wild.test.', qtype: 'A', rcode: 'NOERROR', answer: ['q.a.b.c.wild.test. 3600 IN A 192.0.2.30'] },
    { why: 'a synthesized SRV below an empty non-terminal (_tcp)', qname: '_pop3._tcp.wild.test.', qtype: 'SRV', rcode: 'NOERROR', answer: ['_pop3._tcp.wild.test. 3600 IN SRV 0 0 0 .'] },
    { why: 'a synthesized SRV carries its target addresses', qname: 'a.srv.wild.test.', qtype: 'SRV', rcode: 'NOERROR', answer: ['a.srv.wild.test. 3600 IN SRV 0 1 993 mail.wild.test.'], extra: MAIL },
    { why: 'mixed case in the zone and in the question', qname: 'Q.MIXED.wild.test.', qtype: 'A', rcode: 'NOERROR', answer: ['q.mixed.wild.test. 3600 IN A 192.0.2.40'] },
  ];
  it.each(cases)('$why', (c) => expectServed(snapshot, c));

  it('echoes the letter case asked in the synthesized owner (compressed against the question)', () => {
    const r = served(snapshot, { qname: 'Q.MiXeD.wild.test.', qtype: 'A' });
    expect(r.bytes.includes(Buffer.from('\x01Q\x05MiXeD'))).toBe(true);
  });
});

describe('RFC 4592 §2.2.2, §3.3.1: what blocks synthesis', () => {
  const cases: (ServedCase & { why: string })[] = [
    { why: 'an empty non-terminal exists: NODATA, not the apex wildcard', qname: 'dev.wild.test.', qtype: 'TXT', rcode: 'NOERROR', ns: [NEG_SOA] },
    { why: 'an empty non-terminal is the closest encloser and has no wildcard: NXDOMAIN', qname: 'y.sub1.wild.test.', qtype: 'TXT', rcode: 'NXDOMAIN', ns: [NEG_SOA] },
    { why: 'an existing name is the closest encloser: no synthesis past it', qname: 'x.existing.wild.test.', qtype: 'TXT', rcode: 'NXDOMAIN', ns: [NEG_SOA] },
    { why: 'below an existing host whose parent has a wildcard', qname: 'z.host.dev.wild.test.', qtype: 'A', rcode: 'NXDOMAIN', ns: [NEG_SOA] },
    { why: 'beside a deep wildcard, in a non-terminal without one', qname: 'x.b.c.wild.test.', qtype: 'A', rcode: 'NXDOMAIN', ns: [NEG_SOA] },
    { why: 'an existing name answers for itself', qname: 'existing.wild.test.', qtype: 'TXT', rcode: 'NOERROR', answer: ['existing.wild.test. 3600 IN TXT "exists"'] },
    { why: "below the wildcard's own name: '*' is an ordinary label there", qname: 'x.*.wild.test.', qtype: 'TXT', rcode: 'NXDOMAIN', ns: [NEG_SOA] },
  ];
  it.each(cases)('$why', (c) => expectServed(snapshot, c));
});

describe('RFC 4592 §4.3: wildcard CNAMEs are followed like any CNAME', () => {
  const cases: (ServedCase & { why: string })[] = [
    { why: 'to an address in the zone', qname: 'x.cn.wild.test.', qtype: 'A', rcode: 'NOERROR', answer: ['x.cn.wild.test. 3600 IN CNAME mail.wild.test.', 'mail.wild.test. 3600 IN A 192.0.2.10'] },
    { why: 'asked for CNAME itself', qname: 'x.cn.wild.test.', qtype: 'CNAME', rcode: 'NOERROR', answer: ['x.cn.wild.test. 3600 IN CNAME mail.wild.test.'] },
    { why: 'to a name outside every zone', qname: 'x.cnx.wild.test.', qtype: 'A', rcode: 'NOERROR', answer: ['x.cnx.wild.test. 3600 IN CNAME www.example.net.'] },
    // nothing.wild.test does not exist, but the apex wildcard synthesizes it: NODATA for A.
    { why: 'to a name the apex wildcard synthesizes, without the type', qname: 'x.cnn.wild.test.', qtype: 'A', rcode: 'NOERROR', answer: ['x.cnn.wild.test. 3600 IN CNAME nothing.wild.test.'], ns: [NEG_SOA] },
    { why: 'to a name the apex wildcard synthesizes, with the type', qname: 'x.cnn.wild.test.', qtype: 'TXT', rcode: 'NOERROR', answer: ['x.cnn.wild.test. 3600 IN CNAME nothing.wild.test.', 'nothing.wild.test. 3600 IN TXT "apex wildcard"'] },
  ];
  it.each(cases)('$why', (c) => expectServed(snapshot, c));
});

// Additional-section processing looks names up as an answer would (RFC 1034 §4.3.2 step 6): a
// target that only a wildcard covers gets the synthesized addresses, owned by the target, as
// Knot adds them (MX and SRV targets, and glue of a referral).
describe('RFC 4592: targets that a wildcard covers get their addresses in additional', () => {
  const zone = snapshotFromText({
    'wt.test.': `
@        SOA   ns1 hostmaster 1 7200 3600 1209600 300
@        NS    ns1
ns1      A     192.0.2.53
*.wild   A     192.0.2.3
*.wild   AAAA  2001:db8::3
mxw      MX    10 foo.wild
srvw._tcp SRV  0 1 25 bar.wild
deleg    NS    ns.wild
`,
  });
  const FOO = ['foo.wild.wt.test. 3600 IN A 192.0.2.3', 'foo.wild.wt.test. 3600 IN AAAA 2001:db8::3'];
  const cases: (ServedCase & { why: string })[] = [
    { why: 'an MX target', qname: 'mxw.wt.test.', qtype: 'MX', rcode: 'NOERROR', answer: ['mxw.wt.test. 3600 IN MX 10 foo.wild.wt.test.'], extra: FOO },
    { why: 'an SRV target', qname: 'srvw._tcp.wt.test.', qtype: 'SRV', rcode: 'NOERROR', answer: ['srvw._tcp.wt.test. 3600 IN SRV 0 1 25 bar.wild.wt.test.'], extra: FOO.map((l) => l.replace('foo', 'bar')) },
    { why: 'a delegation NS target (glue)', qname: 'x.deleg.wt.test.', qtype: 'A', rcode: 'NOERROR', aa: false, ns: ['deleg.wt.test. 3600 IN NS ns.wild.wt.test.'], extra: FOO.map((l) => l.replace('foo', 'ns')) },
  ];
  it.each(cases)('$why', (c) => expectServed(zone, c));
});
