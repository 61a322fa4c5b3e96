import { describe, expect, it } from 'vitest';
import { catalogFromText, EXAMPLE_ZONE, runLookup } from '../support/zonetext.js';

const OTHER = `
@ SOA ns1 hostmaster 7 7200 3600 1209600 60
@ NS ns1
ns1 A 192.0.2.1
www CNAME nowhere
`;
const catalog = catalogFromText({ 'example.com.': EXAMPLE_ZONE + 'cross CNAME www.other.test.\n', 'other.test.': OTHER });

describe('RFC 1034 §4.3.2: CNAME processing', () => {
  it('a query for CNAME itself gets only the CNAME', () => {
    const r = runLookup(catalog, { qname: 'autoconfig.example.com.', qtype: 'CNAME', kind: 'answer' });
    expect(r.kind).toBe('answer');
    expect(r.answer).toEqual(['autoconfig.example.com. 3600 IN CNAME mail.example.com.']);
  });
  it('another type gets the CNAME and the target RRset', () => {
    const r = runLookup(catalog, { qname: 'autodiscover.example.com.', qtype: 'AAAA', kind: 'answer' });
    expect(r.answer).toEqual(['autodiscover.example.com. 3600 IN CNAME mail.example.com.', 'mail.example.com. 3600 IN AAAA 2001:db8::10']);
  });
  it('target without the type: CNAME and the SOA, as NODATA (RFC 2308 §2.2)', () => {
    const r = runLookup(catalog, { qname: 'autoconfig.example.com.', qtype: 'TXT', kind: 'nodata' });
    expect(r.kind).toBe('nodata');
    expect(r.answer).toEqual(['autoconfig.example.com. 3600 IN CNAME mail.example.com.']);
    expect(r.authority[0]).toMatch(/^example\.com\. 300 IN SOA /);
  });
  it('target that does not exist: NXDOMAIN with the chain kept (RFC 6604)', () => {
    const r = runLookup(catalog, { qname: 'dangling.example.com.', qtype: 'A', kind: 'nxdomain' });
    expect(r.kind).toBe('nxdomain');
    expect(r.answer).toEqual(['dangling.example.com. 3600 IN CNAME nothere.example.com.']);
  });
  it('target outside every zone: the CNAME alone, NOERROR', () => {
    const r = runLookup(catalog, { qname: 'outside.example.com.', qtype: 'A', kind: 'answer' });
    expect(r.kind).toBe('answer');
    expect(r.answer).toEqual(['outside.example.com. 3600 IN CNAME mail.example.net.']);
  });
  it('chains cross into another zone served here, with that zone\'s SOA at the end', () => {
    const r = runLookup(catalog, { qname: 'cross.example.com.', qtype: 'A', kind: 'nxdomain' });
    expect(r.kind).toBe('nxdomain');
    expect(r.answer).toEqual(['cross.example.com. 3600 IN CNAME www.other.test.', 'www.other.test. 3600 IN CNAME nowhere.other.test.']);
    expect(r.authority).toEqual(['other.test. 60 IN SOA ns1.other.test. hostmaster.other.test. 7 7200 3600 1209600 60']);
  });
  it('loops stop', () => {
    const r = runLookup(catalog, { qname: 'loop1.example.com.', qtype: 'A', kind: 'answer' });
    expect(r.answer).toEqual(['loop1.example.com. 3600 IN CNAME loop2.example.com.', 'loop2.example.com. 3600 IN CNAME loop1.example.com.']);
  });
});
