import { describe, expect, it } from 'vitest';
import { catalogFromText, EXAMPLE_ZONE, runLookup, type LookupCase } from '../support/zonetext.js';

const catalog = catalogFromText({ 'example.com.': EXAMPLE_ZONE });
// RFC 2308 §3: the SOA in a negative answer has TTL min(SOA TTL 3600, MINIMUM 300) = 300.
const NEG_SOA = 'example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. 2026112401 7200 3600 1209600 300';

describe('RFC 2308 NODATA: name exists, type does not', () => {
  const cases: LookupCase[] = [
    { qname: 'mail.example.com.', qtype: 'TXT', kind: 'nodata' },
    { qname: 'example.com.', qtype: 'SRV', kind: 'nodata' },
    { qname: 'dav.example.com.', qtype: 'AAAA', kind: 'nodata' },
    { qname: 'mail.example.com.', qtype: 'TYPE65280', kind: 'nodata' },
    { qname: 'mail.example.com.', qtype: 'CNAME', kind: 'nodata' },
  ];
  it.each(cases)('$qname $qtype', (c) => {
    const r = runLookup(catalog, c);
    expect(r.kind).toBe('nodata');
    expect(r.answer).toEqual([]);
    expect(r.authority).toEqual([NEG_SOA]);
  });
});

describe('RFC 1034 §4.3.2 NXDOMAIN: name does not exist', () => {
  const cases: LookupCase[] = [
    { qname: 'nope.example.com.', qtype: 'A', kind: 'nxdomain' },
    { qname: '_pop3s._tcp.example.com.', qtype: 'SRV', kind: 'nxdomain' },
    // A name below an existing leaf that has no data of its own.
    { qname: 'x.mail.example.com.', qtype: 'A', kind: 'nxdomain' },
    { qname: 'a.b._imaps._tcp.example.com.', qtype: 'SRV', kind: 'nxdomain' },
  ];
  it.each(cases)('$qname $qtype', (c) => {
    const r = runLookup(catalog, c);
    expect(r.kind).toBe('nxdomain');
    expect(r.answer).toEqual([]);
    expect(r.authority).toEqual([NEG_SOA]);
  });
});

describe('RFC 8020: empty non-terminals exist (NODATA, never NXDOMAIN)', () => {
  it.each(['_tcp.example.com.', '_TCP.example.com.'])('%s', (qname) => {
    for (const qtype of ['SRV', 'A', 'TXT']) {
      const r = runLookup(catalog, { qname, qtype, kind: 'nodata' });
      expect(r.kind).toBe('nodata');
      expect(r.authority).toEqual([NEG_SOA]);
    }
  });
});

describe('REFUSED: names outside every zone served', () => {
  it.each(['example.org.', 'com.', '.', 'xexample.com.', 'example.com.evil.'])('%s', (qname) => {
    expect(runLookup(catalog, { qname, qtype: 'A', kind: 'refused' }).kind).toBe('refused');
  });
});
