// RFC 1034 §4.3.2 step 3: CNAMEs followed within the zones served here, through the served path.
import { describe, it } from 'vitest';
import { expectServed, type ServedCase } from '../support/served.js';
import { EXAMPLE_ZONE, snapshotFromText } from '../support/zonetext.js';

const OTHER = `
@ SOA ns1 hostmaster 7 7200 3600 1209600 60
@ NS ns1
ns1 A 192.0.2.1
www CNAME nowhere
`;
const snapshot = snapshotFromText({ 'example.com.': EXAMPLE_ZONE + 'cross CNAME www.other.test.\n', 'other.test.': OTHER });
const NEG_SOA = 'example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. 2026112401 7200 3600 1209600 300';

describe('RFC 1034 §4.3.2: CNAME processing', () => {
  const cases: (ServedCase & { why: string })[] = [
    { why: 'a query for CNAME itself gets only the CNAME', qname: 'autoconfig.example.com.', qtype: 'CNAME', rcode: 'NOERROR', answer: ['autoconfig.example.com. 3600 IN CNAME mail.example.com.'] },
    {
      why: 'another type gets the CNAME and the target RRset',
      qname: 'autodiscover.example.com.',
      qtype: 'AAAA',
      rcode: 'NOERROR',
      answer: ['autodiscover.example.com. 3600 IN CNAME mail.example.com.', 'mail.example.com. 3600 IN AAAA 2001:db8::10'],
    },
    { why: 'target without the type: the CNAME and the SOA, as NODATA (RFC 2308 §2.2)', qname: 'autoconfig.example.com.', qtype: 'TXT', rcode: 'NOERROR', answer: ['autoconfig.example.com. 3600 IN CNAME mail.example.com.'], ns: [NEG_SOA] },
    { why: 'target that does not exist: NXDOMAIN with the chain kept (RFC 6604)', qname: 'dangling.example.com.', qtype: 'A', rcode: 'NXDOMAIN', answer: ['dangling.example.com. 3600 IN CNAME nothere.example.com.'], ns: [NEG_SOA] },
    { why: 'target outside every zone: the CNAME alone, NOERROR', qname: 'outside.example.com.', qtype: 'A', rcode: 'NOERROR', answer: ['outside.example.com. 3600 IN CNAME mail.example.net.'] },
    {
      why: "chains cross into another zone served here, with that zone's SOA at the end",
      qname: 'cross.example.com.',
      qtype: 'A',
      rcode: 'NXDOMAIN',
      answer: ['cross.example.com. 3600 IN CNAME www.other.test.', 'www.other.test. 3600 IN CNAME nowhere.other.test.'],
      ns: ['other.test. 60 IN SOA ns1.other.test. hostmaster.other.test. 7 7200 3600 1209600 60'],
    },
    { why: 'loops stop', qname: 'loop1.example.com.', qtype: 'A', rcode: 'NOERROR', answer: ['loop1.example.com. 3600 IN CNAME loop2.example.com.', 'loop2.example.com. 3600 IN CNAME loop1.example.com.'] },
    // Names compressed against the question read back in the question's case (RFC 4343: equal).
    {
      why: 'the same, asked in another letter case',
      qname: 'AutoDiscover.Example.COM.',
      qtype: 'A',
      rcode: 'NOERROR',
      answer: ['autodiscover.example.com. 3600 IN CNAME mail.Example.COM.', 'mail.example.com. 3600 IN A 192.0.2.10'],
    },
  ];
  it.each(cases)('$why', (c) => expectServed(snapshot, c));
});
