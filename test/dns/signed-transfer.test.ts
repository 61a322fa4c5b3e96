// RFC 5936 §2.2 with RFC 4035 §2: the transfer of a signed zone is the whole signed zone — SOA
// first (with its RRSIG) and last, every RRset followed by its RRSIGs, the NSEC chain closed
// over every name with data, DNSKEY, CDS and CDNSKEY at the apex — so that a secondary that
// does not sign serves it as signed here. An IXFR of a signed zone is answered whole.
import { describe, expect, it } from 'vitest';
import { name, nameToText } from '../../src/dns/name.js';
import type { RRset } from '../../src/dns/records.js';
import { transferRRsets } from '../../src/dns/transfer.js';
import { RRType } from '../../src/dns/types.js';
import { buildZone } from '../../src/dns/zone.js';
import { decodeMessage, DecodeError, type DecodedRecord } from '../../src/wire/decode.js';
import { transferMessages } from '../../src/wire/xfr.js';
import { IxfrHistory } from '../../src/server/ixfr-history.js';
import { ixfrRRsets } from '../../src/server/xfr.js';
import { expectAllSigned, signedWith, TEST_KEY } from '../support/dnssec.js';
import { EXAMPLE_ZONE, recordsFromText } from '../support/zonetext.js';

const origin = name('example.com.');

/** The records a secondary receives: the transfer's messages decoded. */
function received(sets: Iterable<RRset>): DecodedRecord[] {
  const q = { id: 1, rd: false, qname: origin, qtype: RRType.AXFR, qclass: 1, ednsUdpSize: undefined };
  const out: DecodedRecord[] = [];
  // Small messages, so that RRsets and their RRSIGs also cross message boundaries.
  for (const m of transferMessages(q, sets, 0, 1200)) {
    const d = decodeMessage(m);
    if (d instanceof DecodeError) throw new Error(d.message);
    out.push(...d.answer);
  }
  return out;
}

const signedZone = (denial: 'nsec' | 'compact' = 'nsec') => signedWith(buildZone(origin, recordsFromText(origin, EXAMPLE_ZONE)), TEST_KEY, denial);

describe('RFC 5936 §2.2 / RFC 4035 §2: AXFR of a signed zone', () => {
  const records = received(transferRRsets(signedZone()));
  const types = (t: number) => records.filter((r) => r.type === t);

  it('starts with the SOA and its RRSIG and ends with the SOA alone', () => {
    expect(records[0]!.type).toBe(RRType.SOA);
    expect(records[1]!.rdata.kind === 'RRSIG' && records[1]!.rdata.typeCovered).toBe(RRType.SOA);
    expect(records[records.length - 1]!.type).toBe(RRType.SOA);
    expect(records[records.length - 2]!.type).toBe(RRType.RRSIG);
    expect(types(RRType.SOA)).toHaveLength(2);
  });

  it('follows every RRset with its RRSIGs', () => {
    const body = records.slice(0, -1);
    for (let i = 0; i < body.length; ) {
      const r = body[i]!;
      expect(r.type, `${nameToText(r.owner)} at ${i}`).not.toBe(RRType.RRSIG);
      let j = i;
      while (j < body.length && body[j]!.type === r.type && body[j]!.owner.key === r.owner.key) j++;
      const sig = body[j];
      expect(sig?.type, `RRSIG after ${nameToText(r.owner)} ${r.type}`).toBe(RRType.RRSIG);
      expect(sig!.owner.key).toBe(r.owner.key);
      expect(sig!.rdata.kind === 'RRSIG' && sig!.rdata.typeCovered).toBe(r.type);
      i = j + 1;
    }
  });

  it('every RRSIG verifies with the zone\'s DNSKEY, and no RRset lacks one', () => {
    expect(expectAllSigned(records.slice(0, -1), [TEST_KEY.dnskey])).toBeGreaterThan(30);
  });

  it('carries DNSKEY, CDS and CDNSKEY at the apex', () => {
    for (const t of [RRType.DNSKEY, RRType.CDS, RRType.CDNSKEY]) expect(types(t).map((r) => r.owner.key), `type ${t}`).toEqual([origin.key]);
  });

  it('closes the NSEC chain over every name with data, in canonical order', () => {
    const nsec = types(RRType.NSEC);
    const owners = new Set(records.filter((r) => r.type !== RRType.NSEC && r.type !== RRType.RRSIG).map((r) => r.owner.key));
    expect(new Set(nsec.map((r) => r.owner.key))).toEqual(owners);
    // Each NSEC points at the next one's owner; the last back to the apex.
    for (let i = 0; i < nsec.length; i++) {
      const next = nsec[(i + 1) % nsec.length]!.owner.key;
      const rd = nsec[i]!.rdata;
      expect(rd.kind === 'NSEC' && rd.next.key.toLowerCase(), nameToText(nsec[i]!.owner)).toBe(next.toLowerCase());
    }
    expect(nsec[0]!.owner.key).toBe(origin.key);
  });
});

describe('RFC 1995 §4: IXFR of a signed zone', () => {
  it('is answered whole (AXFR-style), signed, even when the history holds a difference', () => {
    const zone = signedZone();
    const history = new IxfrHistory(5);
    const older = recordsFromText(origin, EXAMPLE_ZONE.replace('2026112401', '2026112400'));
    history.record(origin, 2026112400, zone.serial, older, recordsFromText(origin, EXAMPLE_ZONE));
    const chosen = ixfrRRsets(zone, 2026112400, history);
    expect(chosen.kind).toBe('ixfr-full');
    const records = received(chosen.rrsets);
    expect(records[1]!.type).toBe(RRType.RRSIG);
    expect(records.filter((r) => r.type === RRType.NSEC).length).toBeGreaterThan(5);
    expect(ixfrRRsets(zone, zone.serial, history).kind).toBe('ixfr-current');
  });
});

describe('denial: compact', () => {
  it('is transferred with an NSEC chain, so a secondary\'s negative answers validate', () => {
    const records = received(transferRRsets(signedZone('compact')));
    expect(records.filter((r) => r.type === RRType.NSEC).length).toBeGreaterThan(5);
    expectAllSigned(records.slice(0, -1), [TEST_KEY.dnskey]);
  });
});
