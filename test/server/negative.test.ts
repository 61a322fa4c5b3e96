// RFC 2308 negative answers, RFC 8020 empty non-terminals and REFUSED, through the served path.
import { describe, it } from 'vitest';
import { expectServed, type ServedCase } from '../support/served.js';
import { EXAMPLE_ZONE, snapshotFromText } from '../support/zonetext.js';

const snapshot = snapshotFromText({ 'example.com.': EXAMPLE_ZONE });
// RFC 2308 §3: the SOA in a negative answer has TTL min(SOA TTL 3600, MINIMUM 300) = 300.
const NEG_SOA = 'example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. 2026112401 7200 3600 1209600 300';

describe('RFC 2308 NODATA: name exists, type does not', () => {
  const cases: ServedCase[] = [
    { qname: 'mail.example.com.', qtype: 'TXT', rcode: 'NOERROR', ns: [NEG_SOA] },
    { qname: 'example.com.', qtype: 'SRV', rcode: 'NOERROR', ns: [NEG_SOA] },
    { qname: 'dav.example.com.', qtype: 'AAAA', rcode: 'NOERROR', ns: [NEG_SOA] },
    { qname: 'mail.example.com.', qtype: 'TYPE65280', rcode: 'NOERROR', ns: [NEG_SOA] },
    { qname: 'mail.example.com.', qtype: 'CNAME', rcode: 'NOERROR', ns: [NEG_SOA] },
    { qname: 'Mail.EXAMPLE.com.', qtype: 'TXT', rcode: 'NOERROR', ns: [NEG_SOA] },
  ];
  it.each(cases)('$qname $qtype', (c) => expectServed(snapshot, c));
  // The second ask comes from the answer cache's negative lane: the same answer.
  it.each(cases)('$qname $qtype, asked again', (c) => expectServed(snapshot, c));
});

describe('RFC 1034 §4.3.2 NXDOMAIN: name does not exist', () => {
  const cases: ServedCase[] = [
    { qname: 'nope.example.com.', qtype: 'A', rcode: 'NXDOMAIN', ns: [NEG_SOA] },
    { qname: '_pop3s._tcp.example.com.', qtype: 'SRV', rcode: 'NXDOMAIN', ns: [NEG_SOA] },
    // A name below an existing leaf that has no data of its own.
    { qname: 'x.mail.example.com.', qtype: 'A', rcode: 'NXDOMAIN', ns: [NEG_SOA] },
    { qname: 'a.b._imaps._tcp.example.com.', qtype: 'SRV', rcode: 'NXDOMAIN', ns: [NEG_SOA] },
  ];
  it.each(cases)('$qname $qtype', (c) => expectServed(snapshot, c));
  it.each(cases)('$qname $qtype, asked again', (c) => expectServed(snapshot, c));
  it.each(cases)('$qname $qtype over TCP', (c) => expectServed(snapshot, { ...c, transport: 'tcp' }));
});

describe('RFC 8020: empty non-terminals exist (NODATA, never NXDOMAIN)', () => {
  const cases: ServedCase[] = ['_tcp.example.com.', '_TCP.example.com.'].flatMap((qname) =>
    ['SRV', 'A', 'TXT', 'ANY'].map((qtype): ServedCase => ({ qname, qtype, rcode: 'NOERROR', ns: [NEG_SOA] })),
  );
  it.each(cases)('$qname $qtype', (c) => expectServed(snapshot, c));
});

describe('REFUSED: names outside every zone served, no AA, nothing recursed', () => {
  it.each(['example.org.', 'com.', '.', 'xexample.com.', 'example.com.evil.'])('%s', (qname) => expectServed(snapshot, { qname, qtype: 'A', rcode: 'REFUSED' }));
});
