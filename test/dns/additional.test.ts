import { describe, expect, it } from 'vitest';
import { catalogFromText, EXAMPLE_ZONE, runLookup } from '../support/zonetext.js';

const catalog = catalogFromText({ 'example.com.': EXAMPLE_ZONE });

describe('RFC 2782 / RFC 1035 §3.3.9: additional section holds in-zone target addresses', () => {
  it('SRV: A and AAAA of in-zone targets only, never out-of-zone data', () => {
    const r = runLookup(catalog, { qname: '_imaps._tcp.example.com.', qtype: 'SRV', kind: 'answer' });
    expect(r.additional).toEqual(['mail.example.com. 3600 IN A 192.0.2.10', 'mail.example.com. 3600 IN AAAA 2001:db8::10']);
  });
  it('SRV target "." adds nothing', () => {
    expect(runLookup(catalog, { qname: '_imap._tcp.example.com.', qtype: 'SRV', kind: 'answer' }).additional).toEqual([]);
  });
  it('MX: the exchange addresses', () => {
    const r = runLookup(catalog, { qname: 'example.com.', qtype: 'MX', kind: 'answer' });
    expect(r.additional).toEqual(['mail.example.com. 3600 IN A 192.0.2.10', 'mail.example.com. 3600 IN AAAA 2001:db8::10']);
  });
  it('NS: in-zone glue only', () => {
    const r = runLookup(catalog, { qname: 'example.com.', qtype: 'NS', kind: 'answer' });
    expect(r.additional).toEqual(['ns1.example.com. 3600 IN A 192.0.2.53']);
  });
  it('A and TXT answers get no additional records', () => {
    expect(runLookup(catalog, { qname: 'mail.example.com.', qtype: 'A', kind: 'answer' }).additional).toEqual([]);
  });
});
