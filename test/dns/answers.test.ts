import { describe, expect, it } from 'vitest';
import { catalogFromText, EXAMPLE_ZONE, runLookup, type LookupCase } from '../support/zonetext.js';

const catalog = catalogFromText({ 'example.com.': EXAMPLE_ZONE });

describe('RFC 1034 §4.3.2: in-zone answers carry the RRset, authority empty', () => {
  const cases: LookupCase[] = [
    { qname: '_imaps._tcp.example.com.', qtype: 'SRV', kind: 'answer', answer: ['_imaps._tcp.example.com. 3600 IN SRV 0 1 993 mail.example.com.', '_imaps._tcp.example.com. 3600 IN SRV 0 5 993 imap2.example.net.'] },
    { qname: 'mail.example.com.', qtype: 'AAAA', kind: 'answer', answer: ['mail.example.com. 3600 IN AAAA 2001:db8::10'] },
    { qname: 'MAIL.Example.COM.', qtype: 'A', kind: 'answer', answer: ['mail.example.com. 3600 IN A 192.0.2.10'] },
    { qname: 'example.com.', qtype: 'NS', kind: 'answer', answer: ['example.com. 3600 IN NS ns1.example.com.', 'example.com. 3600 IN NS ns2.example.net.'] },
    { qname: '_dmarc.example.com.', qtype: 'TXT', kind: 'answer', answer: ['_dmarc.example.com. 300 IN TXT "v=DMARC1; p=reject"'] },
    { qname: '_caldavs._tcp.example.com.', qtype: 'TXT', kind: 'answer', answer: ['_caldavs._tcp.example.com. 3600 IN TXT "path=/dav/calendars/"'] },
    { qname: '_imap._tcp.example.com.', qtype: 'SRV', kind: 'answer', answer: ['_imap._tcp.example.com. 3600 IN SRV 0 0 0 .'] },
  ];
  it.each(cases)('$qname $qtype', (c) => {
    const r = runLookup(catalog, c);
    expect(r.kind).toBe(c.kind);
    expect(r.answer).toEqual([...(c.answer ?? [])].sort());
    expect(r.authority).toEqual([]);
  });
});

describe('RFC 8482: ANY gets one RRset', () => {
  it('returns a single RRset at the apex', () => {
    const r = runLookup(catalog, { qname: 'example.com.', qtype: 'ANY', kind: 'answer' });
    expect(r.kind).toBe('answer');
    const types = new Set(r.answer.map((l) => l.split(' ')[3]));
    expect(types.size).toBe(1);
  });
});
