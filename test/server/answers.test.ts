// RFC 1034 §4.3.2 positive answers, through the served path: AA, the RRset, nothing in
// authority (minimal responses), additional as RFC 2782 asks.
import { describe, it } from 'vitest';
import { expectServed, type ServedCase } from '../support/served.js';
import { EXAMPLE_ZONE, snapshotFromText } from '../support/zonetext.js';

const snapshot = snapshotFromText({ 'example.com.': EXAMPLE_ZONE });
const MAIL_ADDRESSES = ['mail.example.com. 3600 IN A 192.0.2.10', 'mail.example.com. 3600 IN AAAA 2001:db8::10'];

describe('RFC 1034 §4.3.2: in-zone answers carry the RRset, authority empty', () => {
  const cases: ServedCase[] = [
    {
      qname: '_imaps._tcp.example.com.',
      qtype: 'SRV',
      rcode: 'NOERROR',
      answer: ['_imaps._tcp.example.com. 3600 IN SRV 0 1 993 mail.example.com.', '_imaps._tcp.example.com. 3600 IN SRV 0 5 993 imap2.example.net.'],
      extra: MAIL_ADDRESSES,
    },
    { qname: 'mail.example.com.', qtype: 'AAAA', rcode: 'NOERROR', answer: ['mail.example.com. 3600 IN AAAA 2001:db8::10'] },
    { qname: 'MAIL.Example.COM.', qtype: 'A', rcode: 'NOERROR', answer: ['mail.example.com. 3600 IN A 192.0.2.10'] },
    { qname: 'example.com.', qtype: 'NS', rcode: 'NOERROR', answer: ['example.com. 3600 IN NS ns1.example.com.', 'example.com. 3600 IN NS ns2.example.net.'], extra: ['ns1.example.com. 3600 IN A 192.0.2.53'] },
    { qname: '_dmarc.example.com.', qtype: 'TXT', rcode: 'NOERROR', answer: ['_dmarc.example.com. 300 IN TXT "v=DMARC1; p=reject"'] },
    { qname: '_caldavs._tcp.example.com.', qtype: 'TXT', rcode: 'NOERROR', answer: ['_caldavs._tcp.example.com. 3600 IN TXT "path=/dav/calendars/"'] },
    { qname: '_imap._tcp.example.com.', qtype: 'SRV', rcode: 'NOERROR', answer: ['_imap._tcp.example.com. 3600 IN SRV 0 0 0 .'] },
    { qname: 'example.com.', qtype: 'MX', rcode: 'NOERROR', answer: ['example.com. 3600 IN MX 10 mail.example.com.'], extra: MAIL_ADDRESSES },
  ];
  it.each(cases)('$qname $qtype', (c) => expectServed(snapshot, c));
  it.each(cases)('$qname $qtype over TCP', (c) => expectServed(snapshot, { ...c, transport: 'tcp' }));
});

describe('RFC 8482: ANY gets one RRset', () => {
  it('at the apex, the first RRset in type order: NS, with its glue', () =>
    expectServed(snapshot, {
      qname: 'example.com.',
      qtype: 'ANY',
      rcode: 'NOERROR',
      answer: ['example.com. 3600 IN NS ns1.example.com.', 'example.com. 3600 IN NS ns2.example.net.'],
      extra: ['ns1.example.com. 3600 IN A 192.0.2.53'],
    }));
});

describe('RFC 1035 §2.3.4: a QNAME of 255 octets is a name; 256 is FORMERR', () => {
  const l63 = 'a'.repeat(63);
  it('255 octets: answered (a name outside every zone: REFUSED)', () => expectServed(snapshot, { qname: `${l63}.${l63}.${l63}.${'a'.repeat(61)}`, qtype: 'A', rcode: 'REFUSED' }));
  it('255 octets inside the zone: NXDOMAIN with the SOA', () =>
    expectServed(snapshot, {
      qname: `${l63}.${l63}.${l63}.${'a'.repeat(61 - 12)}.example.com`,
      qtype: 'A',
      rcode: 'NXDOMAIN',
      ns: ['example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. 2026112401 7200 3600 1209600 300'],
    }));
  it('256 octets: FORMERR', () => expectServed(snapshot, { qname: `${l63}.${l63}.${l63}.${'a'.repeat(62)}`, qtype: 'A', rcode: 'FORMERR' }));
});
