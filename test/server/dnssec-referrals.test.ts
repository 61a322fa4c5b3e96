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
import type { SigningKey } from '../../src/dns/dnssec/key.js';
import { SignedZone } from '../../src/dns/dnssec/signed-zone.js';
import type { Zone } from '../../src/dns/zone.js';
import { buildSnapshot } from '../../src/server/snapshot.js';
import { expectAllSigned, FixedSignatures, fixedKey, TEST_KEY } from '../support/dnssec.js';
import { buildQuery } from '../support/query.js';
import { CUTS_ZONE, signedCutsSnapshot, unsignedCutsSnapshot } from '../support/signed-cuts.js';
import { zonesFromText } from '../support/zonetext.js';

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

describe('RFC 4035 §3.1.4.1: serving the parent and the child, DS at the child\'s apex is the parent\'s', () => {
  const CHILD_KEY = fixedKey('discodns child key');
  const child = (ns: string) => `@ SOA ns1 hostmaster 7 7200 3600 1209600 300\n@ NS ${ns}\n${ns} A 192.0.2.60\nwww A 192.0.2.80\n`;
  // An unsigned zone of CNAMEs to the children's apexes: a DS question that gets there by a chain.
  const ALIASES = `@ SOA ns1 hostmaster 7 7200 3600 1209600 300\n@ NS ns1\nns1 A 192.0.2.61\nto-secure CNAME signed.cuts.test.\nto-insecure CNAME unsigned.cuts.test.\n`;
  const now = Math.floor(Date.now() / 1000);
  const window = { inception: now - 5400, expiration: now + 14 * 86400 };
  const signedAs = (zoneKey: SigningKey) => (_input: unknown, zone: Zone) =>
    new SignedZone(zone, { dnskeys: [zoneKey.dnskey], cds: [], denial: 'nsec' }, new FixedSignatures({ keySigning: [zoneKey], zoneSigning: [zoneKey] }, window));
  const snapshot = buildSnapshot(
    zonesFromText({ 'cuts.test.': CUTS_ZONE, 'signed.cuts.test.': child('ns1'), 'unsigned.cuts.test.': child('ns1'), 'mail.cuts.test.': child('ns1'), 'alias.test.': ALIASES }),
    1000,
    (input, zone) => (zone.origin.key === key('unsigned.cuts.test.') || zone.origin.key === key('alias.test.') ? zone : signedAs(zone.origin.key === key('cuts.test.') ? TEST_KEY : CHILD_KEY)(input, zone)),
  );
  it('DS at a secure child: the parent\'s DS, signed by the parent\'s key, AA', () => {
    for (const dnssecOk of [true, false]) {
      const { m } = ask(snapshot, 'signed.cuts.test.', 'DS', dnssecOk);
      expect(m.aa).toBe(true);
      expect(m.answer.filter((r) => r.type === RRType.DS).map((r) => r.rdata.kind === 'DS' && r.rdata.keyTag)).toEqual([12345]);
      if (dnssecOk) expect(expectAllSigned(m.answer, KEYS)).toBe(1);
    }
  });
  it('DS at an unsigned child: NODATA from the parent, its SOA and the cut\'s NSEC signed by the parent\'s key', () => {
    const { m } = ask(snapshot, 'unsigned.cuts.test.', 'DS', true);
    expect(m.rcode).toBe(0);
    expect(m.aa).toBe(true);
    expect(m.authority.filter((r) => r.type === RRType.SOA).map((r) => r.owner.key)).toEqual([key('cuts.test.')]);
    const nsec = m.authority.filter((r) => r.type === RRType.NSEC);
    expect(nsec.map((r) => r.owner.key)).toEqual([key('unsigned.cuts.test.')]);
    expect(nsecTypes(nsec)).toEqual([[RRType.NS, RRType.RRSIG, RRType.NSEC]]);
    expect(expectAllSigned(m.authority, KEYS)).toBe(2);
  });
  it('a DS question that reaches a child\'s apex by a CNAME gets the parent\'s answer too', () => {
    for (const dnssecOk of [true, false]) {
      const { m } = ask(snapshot, 'to-secure.alias.test.', 'DS', dnssecOk);
      expect(m.answer.filter((r) => r.type === RRType.DS).map((r) => r.rdata.kind === 'DS' && r.rdata.keyTag)).toEqual([12345]);
      if (dnssecOk) expect(expectAllSigned(m.answer.filter((r) => r.type === RRType.DS || (r.rdata.kind === 'RRSIG' && r.rdata.typeCovered === RRType.DS)), KEYS)).toBe(1);
    }
    const { m } = ask(snapshot, 'to-insecure.alias.test.', 'DS', true);
    expect(m.authority.filter((r) => r.type === RRType.SOA).map((r) => r.owner.key)).toEqual([key('cuts.test.')]);
    const nsec = m.authority.filter((r) => r.type === RRType.NSEC);
    expect(nsec.map((r) => r.owner.key)).toEqual([key('unsigned.cuts.test.')]);
    expect(expectAllSigned(m.authority, KEYS)).toBe(2);
  });
  it('every other type at the child\'s apex, and DS below it, stay the child\'s', () => {
    const soa = ask(snapshot, 'signed.cuts.test.', 'SOA', true).m;
    expect(soa.aa).toBe(true);
    expect(expectAllSigned(soa.answer, [CHILD_KEY.dnskey])).toBe(1);
    const below = ask(snapshot, 'www.signed.cuts.test.', 'DS', true).m;
    expect(below.authority.filter((r) => r.type === RRType.SOA).map((r) => r.owner.key)).toEqual([key('signed.cuts.test.')]);
  });
  it('a zone whose parent served here does not delegate to it answers its own DS question', () => {
    // mail.cuts.test is a name with data in cuts.test, not a cut: the child alone is authoritative.
    const { m } = ask(snapshot, 'mail.cuts.test.', 'DS', true);
    expect(m.authority.filter((r) => r.type === RRType.SOA).map((r) => r.owner.key)).toEqual([key('mail.cuts.test.')]);
    expect(expectAllSigned(m.authority, [CHILD_KEY.dnskey])).toBe(2);
  });
});
