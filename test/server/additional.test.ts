// RFC 2782 / RFC 1035 §3.3.9, §3.3.11: the additional section holds the addresses of targets in
// zones served here, and nothing else; through the served path.
import { describe, it } from 'vitest';
import { expectServed, type ServedCase } from '../support/served.js';
import { EXAMPLE_ZONE, snapshotFromText } from '../support/zonetext.js';

const snapshot = snapshotFromText({ 'example.com.': EXAMPLE_ZONE });
const MAIL = ['mail.example.com. 3600 IN A 192.0.2.10', 'mail.example.com. 3600 IN AAAA 2001:db8::10'];

describe('additional records', () => {
  const cases: (ServedCase & { why: string })[] = [
    {
      why: 'SRV: A and AAAA of in-zone targets only, never out-of-zone data',
      qname: '_imaps._tcp.example.com.',
      qtype: 'SRV',
      rcode: 'NOERROR',
      answer: ['_imaps._tcp.example.com. 3600 IN SRV 0 1 993 mail.example.com.', '_imaps._tcp.example.com. 3600 IN SRV 0 5 993 imap2.example.net.'],
      extra: MAIL,
    },
    { why: 'SRV target "." adds nothing', qname: '_imap._tcp.example.com.', qtype: 'SRV', rcode: 'NOERROR', answer: ['_imap._tcp.example.com. 3600 IN SRV 0 0 0 .'] },
    { why: 'MX: the exchange addresses', qname: 'example.com.', qtype: 'MX', rcode: 'NOERROR', answer: ['example.com. 3600 IN MX 10 mail.example.com.'], extra: MAIL },
    { why: 'NS: in-zone glue only', qname: 'example.com.', qtype: 'NS', rcode: 'NOERROR', answer: ['example.com. 3600 IN NS ns1.example.com.', 'example.com. 3600 IN NS ns2.example.net.'], extra: ['ns1.example.com. 3600 IN A 192.0.2.53'] },
    { why: 'A and TXT answers get no additional records', qname: 'mail.example.com.', qtype: 'A', rcode: 'NOERROR', answer: ['mail.example.com. 3600 IN A 192.0.2.10'] },
  ];
  it.each(cases)('$why', (c) => expectServed(snapshot, c));
});
