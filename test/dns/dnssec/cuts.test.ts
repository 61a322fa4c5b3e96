// RFC 4035 §2.2, §2.3 and RFC 4034 §4.1.2 at zone cuts: the NSEC chain has no link below a cut
// (glue, occluded data) and the link at a cut lists NS, DS (when present), RRSIG and NSEC only;
// the NS set at a cut and the glue are never signed, the DS is; in the chain and in the records
// of the whole signed zone (export --signed, transfers) alike.

import { describe, expect, it } from 'vitest';
import { name } from '../../../src/dns/name.js';
import { RRType } from '../../../src/dns/types.js';
import { signedZoneRecords } from '../../../src/dns/dnssec/zone-records.js';
import { signedWith } from '../../support/dnssec.js';
import { cutsZone } from '../../support/signed-cuts.js';

const key = (text: string) => name(text).key;

describe('RFC 4035 §2.3: the NSEC chain at zone cuts', () => {
  const zone = signedWith(cutsZone());
  const chain = zone.chain();
  const owners = chain.rrsets.map((r) => r.owner.key);
  const typesAt = (owner: string) => {
    const rd = chain.rrsets.find((r) => r.owner.key === key(owner))!.rdatas[0]!;
    return rd.kind === 'NSEC' ? rd.types : [];
  };
  it('has no link for glue or occluded names below a cut', () => {
    for (const below of ['ns1.signed.cuts.test.', 'ns1.unsigned.cuts.test.', 'deep.occluded.cuts.test.']) expect(owners).not.toContain(key(below));
  });
  it('links the cuts themselves, the next names skipping what lies below them', () => {
    for (const cut of ['signed.cuts.test.', 'unsigned.cuts.test.', 'occluded.cuts.test.']) expect(owners).toContain(key(cut));
    for (const r of chain.rrsets) {
      const rd = r.rdatas[0]!;
      if (rd.kind === 'NSEC') expect(rd.next.key).not.toMatch(/ns1\x06signed|ns1\x08unsigned|deep\x08occluded/);
    }
  });
  it('lists NS, DS, RRSIG and NSEC at a cut with DS; NS, RRSIG, NSEC without; occluded types never', () => {
    expect(typesAt('signed.cuts.test.')).toEqual([RRType.NS, RRType.DS, RRType.RRSIG, RRType.NSEC]);
    expect(typesAt('unsigned.cuts.test.')).toEqual([RRType.NS, RRType.RRSIG, RRType.NSEC]);
    expect(typesAt('occluded.cuts.test.')).toEqual([RRType.NS, RRType.RRSIG, RRType.NSEC]);
  });
  it('keeps the apex NS in the apex link (the apex is no cut)', () => {
    expect(typesAt('cuts.test.')).toContain(RRType.NS);
    expect(typesAt('cuts.test.')).toContain(RRType.SOA);
  });
});

describe('RFC 4035 §2.2: what the whole signed zone signs (export --signed, transfers)', () => {
  const records = signedZoneRecords(signedWith(cutsZone()));
  const covered = (owner: string) =>
    records.filter((r) => r.owner.key === key(owner) && r.rdata.kind === 'RRSIG').map((r) => (r.rdata.kind === 'RRSIG' ? r.rdata.typeCovered : 0)).sort((a, b) => a - b);
  it('signs the DS at a cut and its NSEC, never the NS set there', () => {
    expect(covered('signed.cuts.test.')).toEqual([RRType.DS, RRType.NSEC]);
    expect(covered('unsigned.cuts.test.')).toEqual([RRType.NSEC]);
    expect(covered('occluded.cuts.test.')).toEqual([RRType.NSEC]);
  });
  it('carries glue and occluded data unsigned and without NSEC', () => {
    for (const below of ['ns1.signed.cuts.test.', 'ns1.unsigned.cuts.test.', 'deep.occluded.cuts.test.']) {
      expect(records.some((r) => r.owner.key === key(below) && r.type === RRType.A)).toBe(true);
      expect(records.filter((r) => r.owner.key === key(below) && (r.type === RRType.RRSIG || r.type === RRType.NSEC))).toEqual([]);
    }
    expect(records.some((r) => r.owner.key === key('occluded.cuts.test.') && r.type === RRType.TXT)).toBe(true);
  });
  it('still signs every RRset of the zone\'s own data, apex NS included', () => {
    expect(covered('cuts.test.')).toEqual(expect.arrayContaining([RRType.SOA, RRType.NS, RRType.DNSKEY, RRType.NSEC]));
    expect(covered('mx-deleg.cuts.test.')).toEqual([RRType.MX, RRType.NSEC]);
    expect(covered('*.wild.cuts.test.')).toEqual([RRType.A, RRType.TXT, RRType.NSEC]);
  });
});
