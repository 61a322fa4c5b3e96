// RFC 4035 §3.1.4: referrals from a signed zone, DO=1. The cut's NS set in authority unsigned,
// with the DS set and its RRSIG when the cut has DS, else the cut's NSEC (no DS: an insecure
// delegation) and its RRSIG; glue unsigned in additional; no AA. One body per cut, kept apart
// from the DO=0 ones, which stay byte for byte as they were. DS at the cut is the parent's.

import { describe, expect, it } from 'vitest';
import { name } from '../../src/dns/name.js';
import { RRType, typeFromText } from '../../src/dns/types.js';
import { handleMessage } from '../../src/server/handler.js';
import { handlerOptions } from '../../src/server/identity.js';
import type { Snapshot } from '../../src/server/snapshot.js';
import { newStats } from '../../src/server/stats.js';
import { decodeMessage, DecodeError, type DecodedMessage, type DecodedRecord } from '../../src/wire/decode.js';
import { expectAllSigned, TEST_KEY } from '../support/dnssec.js';
import { buildQuery } from '../support/query.js';
import { signedCutsSnapshot, unsignedCutsSnapshot } from '../support/signed-cuts.js';

const options = handlerOptions({ udpSize: 1232, nsid: '', id: '', version: '' });
const KEYS = [TEST_KEY.dnskey];

function ask(snapshot: Snapshot, qname: string, qtype: string, dnssecOk?: boolean): { bytes: Buffer; m: DecodedMessage } {
  const q = buildQuery({ id: 9, qname, qtype: typeFromText(qtype)!, edns: dnssecOk === undefined ? undefined : { udpSize: 1232, do: dnssecOk } });
  const bytes = handleMessage(snapshot, q, 'udp', options, newStats())!;
  const m = decodeMessage(bytes);
  if (m instanceof DecodeError) throw m;
  return { bytes, m };
}

const key = (text: string) => name(text).key;
/** `owner TYPE` of each record of a section, in order. */
const shape = (rrs: readonly DecodedRecord[]) => rrs.map((r) => `${r.owner.key === r.owner.key.toLowerCase() ? '' : '!'}${r.type === RRType.RRSIG && r.rdata.kind === 'RRSIG' ? `RRSIG/${r.rdata.typeCovered}` : r.type}@${r.owner.key}`);
const nsecTypes = (rrs: readonly DecodedRecord[]) => rrs.flatMap((r) => (r.rdata.kind === 'NSEC' ? [r.rdata.types] : []));

describe('RFC 4035 §3.1.4: a referral to a delegation with DS', () => {
  const { snapshot } = signedCutsSnapshot();
  for (const qname of ['signed.cuts.test.', 'host.signed.cuts.test.', 'ns1.signed.cuts.test.', 'a.b.signed.cuts.test.']) {
    it(`${qname} A: NS unsigned, DS and its RRSIG in authority, glue unsigned, no AA`, () => {
      const { m } = ask(snapshot, qname, 'A', true);
      expect(m.rcode).toBe(0);
      expect(m.aa).toBe(false);
      expect(m.answer).toEqual([]);
      expect(shape(m.authority).sort()).toEqual([`${RRType.NS}@${key('signed.cuts.test.')}`, `${RRType.DS}@${key('signed.cuts.test.')}`, `RRSIG/${RRType.DS}@${key('signed.cuts.test.')}`].sort());
      expect(m.authority.filter((r) => r.type === RRType.NS)).toHaveLength(1);
      expect(expectAllSigned(m.authority.filter((r) => r.type !== RRType.NS), KEYS)).toBe(1);
      expect(m.additional.map((r) => r.type).sort()).toEqual([RRType.A, RRType.AAAA]);
    });
  }
});

describe('RFC 4035 §3.1.4.1: a referral to a delegation without DS proves it with the cut\'s NSEC', () => {
  const { snapshot } = signedCutsSnapshot();
  it('NS unsigned; the NSEC at the cut, listing NS, RRSIG and NSEC only, signed; glue unsigned', () => {
    const { m } = ask(snapshot, 'www.unsigned.cuts.test.', 'A', true);
    expect(m.aa).toBe(false);
    expect(m.authority.filter((r) => r.type === RRType.NS)).toHaveLength(2);
    const nsec = m.authority.filter((r) => r.type === RRType.NSEC);
    expect(nsec.map((r) => r.owner.key)).toEqual([key('unsigned.cuts.test.')]);
    expect(nsecTypes(nsec)).toEqual([[RRType.NS, RRType.RRSIG, RRType.NSEC]]);
    expect(expectAllSigned(m.authority.filter((r) => r.type !== RRType.NS), KEYS)).toBe(1);
    expect(m.authority.some((r) => r.rdata.kind === 'RRSIG' && r.rdata.typeCovered === RRType.NS)).toBe(false);
    expect(m.additional.map((r) => r.type)).toEqual([RRType.A]);
  });
  it('occluded data at a cut stays out of the NSEC bitmap', () => {
    const { m } = ask(snapshot, 'occluded.cuts.test.', 'TXT', true);
    expect(nsecTypes(m.authority)).toEqual([[RRType.NS, RRType.RRSIG, RRType.NSEC]]);
  });
  it('the cut\'s NS question gets the referral too', () => {
    const { m } = ask(snapshot, 'unsigned.cuts.test.', 'NS', true);
    expect(m.aa).toBe(false);
    expect(m.answer).toEqual([]);
    expect(nsecTypes(m.authority)).toHaveLength(1);
  });
});

describe('RFC 4035 §3.1.4: DS at the cut is answered by the parent', () => {
  const { snapshot } = signedCutsSnapshot();
  it('the DS with its RRSIG, AA', () => {
    const { m } = ask(snapshot, 'signed.cuts.test.', 'DS', true);
    expect(m.aa).toBe(true);
    expect(m.answer.map((r) => r.type).sort()).toEqual([RRType.DS, RRType.RRSIG]);
    expect(expectAllSigned(m.answer, KEYS)).toBe(1);
  });
  it('no DS: NODATA with the cut\'s NSEC, AA', () => {
    const { m } = ask(snapshot, 'unsigned.cuts.test.', 'DS', true);
    expect(m.rcode).toBe(0);
    expect(m.aa).toBe(true);
    expect(m.answer).toEqual([]);
    const nsec = m.authority.filter((r) => r.type === RRType.NSEC);
    expect(nsec.map((r) => r.owner.key)).toEqual([key('unsigned.cuts.test.')]);
    expect(nsecTypes(nsec)).toEqual([[RRType.NS, RRType.RRSIG, RRType.NSEC]]);
    expect(expectAllSigned(m.authority, KEYS)).toBe(2); // SOA and NSEC
  });
});

describe('RFC 4035 §3.1.4 after RFC 1034 §4.3.2: a CNAME chain that ends in a referral', () => {
  const { snapshot } = signedCutsSnapshot();
  it('the CNAME signed in answer, then the referral with the cut\'s NSEC', () => {
    const { m } = ask(snapshot, 'cname-deleg.cuts.test.', 'A', true);
    expect(m.answer.map((r) => r.type)).toEqual([RRType.CNAME, RRType.RRSIG]);
    expect(expectAllSigned(m.answer, KEYS)).toBe(1);
    expect(m.authority.filter((r) => r.type === RRType.NS)).toHaveLength(2);
    expect(m.authority.filter((r) => r.type === RRType.NSEC).map((r) => r.owner.key)).toEqual([key('unsigned.cuts.test.')]);
  });
});

describe('RFC 4035 §2.2: glue in the additional section of an answer goes unsigned', () => {
  const { snapshot } = signedCutsSnapshot();
  it('MX to a name below a cut: the MX signed, the glue not', () => {
    const { m } = ask(snapshot, 'mx-deleg.cuts.test.', 'MX', true);
    expect(expectAllSigned(m.answer, KEYS)).toBe(1);
    expect(m.additional.map((r) => r.type).sort()).toEqual([RRType.A, RRType.AAAA]);
  });
});

describe('referrals cost one body per cut, apart from DO=0', () => {
  it('a flood of names below a cut makes one signed body and no signature per name', () => {
    const { snapshot, signatures } = signedCutsSnapshot();
    ask(snapshot, 'first.unsigned.cuts.test.', 'A', true);
    ask(snapshot, 'first.signed.cuts.test.', 'A', true);
    const made = signatures.made;
    const bodies = snapshot.signedNegatives.size;
    for (let i = 0; i < 200; i++) {
      ask(snapshot, `n${i}.unsigned.cuts.test.`, 'A', true);
      ask(snapshot, `n${i}.x.signed.cuts.test.`, 'AAAA', true);
    }
    expect(signatures.made).toBe(made);
    expect(snapshot.signedNegatives.size).toBe(bodies);
    expect(snapshot.referrals.size).toBe(0); // the DO=0 bodies are not these
  });
  it('DO=0 and no EDNS: byte for byte what the unsigned zone answers', () => {
    const { snapshot } = signedCutsSnapshot();
    const unsigned = unsignedCutsSnapshot();
    for (const [q, t] of [['x.signed.cuts.test.', 'A'], ['unsigned.cuts.test.', 'NS'], ['cname-deleg.cuts.test.', 'A'], ['signed.cuts.test.', 'DS'], ['unsigned.cuts.test.', 'DS']] as const) {
      ask(snapshot, q, t, true); // a DO=1 body first must not leak into DO=0
      expect(ask(snapshot, q, t, false).bytes).toEqual(ask(unsigned, q, t, false).bytes);
      expect(ask(snapshot, q, t).bytes).toEqual(ask(unsigned, q, t).bytes);
    }
  });
});

describe('RFC 9824 compact denial: a referral still proves its delegation', () => {
  const { snapshot, signatures } = signedCutsSnapshot('compact');
  it('without DS: an NSEC at the cut listing NS, RRSIG and NSEC, signed once', () => {
    const { m } = ask(snapshot, 'a.unsigned.cuts.test.', 'A', true);
    expect(m.aa).toBe(false);
    const nsec = m.authority.filter((r) => r.type === RRType.NSEC);
    expect(nsec.map((r) => r.owner.key)).toEqual([key('unsigned.cuts.test.')]);
    expect(nsecTypes(nsec)).toEqual([[RRType.NS, RRType.RRSIG, RRType.NSEC]]);
    expect(expectAllSigned(m.authority.filter((r) => r.type !== RRType.NS), KEYS)).toBe(1);
    const made = signatures.made;
    for (let i = 0; i < 50; i++) ask(snapshot, `n${i}.unsigned.cuts.test.`, 'A', true);
    expect(signatures.made).toBe(made);
  });
  it('with DS: the DS and its RRSIG', () => {
    const { m } = ask(snapshot, 'a.signed.cuts.test.', 'A', true);
    expect(m.authority.filter((r) => r.type === RRType.DS)).toHaveLength(1);
    expect(m.authority.filter((r) => r.type === RRType.NSEC)).toHaveLength(0);
  });
  it('DS at a cut without: NODATA whose NSEC lists NS alone of the cut\'s types', () => {
    const { m } = ask(snapshot, 'occluded.cuts.test.', 'DS', true);
    expect(nsecTypes(m.authority)).toEqual([[RRType.NS, RRType.RRSIG, RRType.NSEC]]);
  });
});
