// Wildcard-synthesized answers from a signed zone, DO=1 (RFC 4035 §3.1.3.3, §3.1.3.4; RFC 4592;
// RFC 4034 §3.1.3). The RRSIG is the wildcard's, made once over `*.encloser` (its labels field
// leaves the `*` out, so a validator rebuilds the wildcard owner) and presented with the name
// asked as owner; the NSEC covering the next closer name proves that no closer name exists.
// No signature is made per name asked. Compact denial zones (RFC 9824 §3.3) sign the
// synthesized RRset as if the name asked owned it, and need no NSEC.

import { describe, expect, it } from 'vitest';
import { canonicalSortKey } from '../../src/dns/dnssec/canonical.js';
import { SignedZone } from '../../src/dns/dnssec/signed-zone.js';
import { signedZoneRecords } from '../../src/dns/dnssec/zone-records.js';
import { name } from '../../src/dns/name.js';
import type { RrsigData } from '../../src/dns/rdata/rrsig.js';
import { RRType, typeFromText } from '../../src/dns/types.js';
import { buildZone } from '../../src/dns/zone.js';
import { handleMessage } from '../../src/server/handler.js';
import { handlerOptions } from '../../src/server/identity.js';
import { KeysetSigner, SignatureStores } from '../../src/server/signer.js';
import { buildSnapshot, type Snapshot } from '../../src/server/snapshot.js';
import { newStats } from '../../src/server/stats.js';
import { decodeMessage, DecodeError, type DecodedMessage, type DecodedRecord } from '../../src/wire/decode.js';
import { expectAllSigned, signedWith, TEST_KEY, verifyRrsig } from '../support/dnssec.js';
import { buildQuery } from '../support/query.js';
import { recordsFromText, zonesFromText } from '../support/zonetext.js';

const ORIGIN = 'wc.test.';
const ZONE = `
@           SOA   ns1 hostmaster 1 7200 3600 1209600 300
@           NS    ns1
ns1         A     192.0.2.53
mail        A     192.0.2.10
mail        AAAA  2001:db8::10
*.wild      A     192.0.2.30
*.wild      TXT   "wild"
host.wild   A     192.0.2.31
*.cdn       CNAME mail
*.deep      CNAME x.wild
*.MiXeD     A     192.0.2.40
srv._tcp    SRV   0 1 993 t.wild
deleg       NS    ns.other.example.
*.dl        CNAME x.deleg
`;
const KEYS = [TEST_KEY.dnskey];
const options = handlerOptions({ udpSize: 1232, nsid: '', id: '', version: '' });

/** The zone served signed by TEST_KEY through the real signature store, and the store's counts. */
function signedSnapshot(denial: 'nsec' | 'compact' = 'nsec'): { snapshot: Snapshot; stores: SignatureStores } {
  const stores = new SignatureStores();
  const signer = new KeysetSigner(stores, { keySigning: [TEST_KEY], zoneSigning: [TEST_KEY] });
  const snapshot = buildSnapshot(zonesFromText({ [ORIGIN]: ZONE }), 1000, (_input, zone) => new SignedZone(zone, { dnskeys: [TEST_KEY.dnskey], cds: [], denial }, signer));
  return { snapshot, stores };
}

function ask(snapshot: Snapshot, qname: string, qtype: string, opts: { do?: boolean; co?: boolean } = {}): { bytes: Buffer; m: DecodedMessage } {
  const q = buildQuery({ id: 11, qname, qtype: typeFromText(qtype)!, edns: opts.do === undefined ? undefined : { udpSize: 1232, do: opts.do } });
  if (opts.co) q[q.length - 4] = q[q.length - 4]! | 0x40; // the CO bit beside DO (RFC 9824 §4.1)
  const bytes = handleMessage(snapshot, q, 'udp', options, newStats())!;
  const m = decodeMessage(bytes);
  if (m instanceof DecodeError) throw m;
  return { bytes, m };
}

const key = (text: string) => name(text).key;
const rrsigsOf = (rrs: readonly DecodedRecord[], covered: number): RrsigData[] => rrs.flatMap((r) => (r.rdata.kind === 'RRSIG' && r.rdata.typeCovered === covered ? [r.rdata] : []));
const nsecsOf = (rrs: readonly DecodedRecord[]) => rrs.flatMap((r) => (r.rdata.kind === 'NSEC' ? [{ owner: r.owner.key, next: r.rdata.next.key, types: r.rdata.types }] : []));
/** Whether the NSEC's interval covers the name (RFC 4035 §5.4: owner < name < next, canonically). */
const covers = (n: { owner: string; next: string }, nameKey: string): boolean => {
  const [o, x, k] = [canonicalSortKey(n.owner), canonicalSortKey(n.next), canonicalSortKey(nameKey)];
  return o < k && (k < x || x <= o);
};

describe('RFC 4035 §3.1.3.3: a positive answer synthesized from a wildcard', () => {
  const { snapshot } = signedSnapshot();
  it('carries the wildcard\'s RRSIG: labels of *.wild.wc.test. without the *, owner the name asked', () => {
    const { m } = ask(snapshot, 'x.wild.wc.test.', 'A', { do: true });
    expect(m.rcode).toBe(0);
    expect(m.answer.map((r) => r.owner.key)).toEqual([key('x.wild.wc.test.'), key('x.wild.wc.test.')]);
    const [sig] = rrsigsOf(m.answer, RRType.A);
    expect(sig!.labels).toBe(3); // wild.wc.test: RFC 4034 §3.1.3
    expect(expectAllSigned(m.answer, KEYS)).toBe(1);
    // The same signature the wildcard's own RRset carries when asked by name (§3.1.3.3, RFC 4592 §4.2).
    const own = ask(snapshot, '*.wild.wc.test.', 'A', { do: true }).m;
    expect(rrsigsOf(own.answer, RRType.A)[0]!.signature).toEqual(sig!.signature);
  });
  it('proves with the NSEC covering the next closer name that no closer name exists, signed', () => {
    for (const [qname, closer] of [['x.wild.wc.test.', 'x.wild.wc.test.'], ['a.b.wild.wc.test.', 'b.wild.wc.test.'], ['zz.y.wild.wc.test.', 'y.wild.wc.test.']] as const) {
      const { m } = ask(snapshot, qname, 'A', { do: true });
      const nsecs = nsecsOf(m.authority);
      expect(nsecs, qname).toHaveLength(1);
      expect(covers(nsecs[0]!, key(closer)), qname).toBe(true);
      expect(covers(nsecs[0]!, key(qname)), qname).toBe(true);
      expect(m.authority.some((r) => r.type === RRType.SOA)).toBe(false);
      expect(expectAllSigned(m.authority, KEYS)).toBe(1);
    }
  });
  it('a mixed-case qname gets the same signatures, valid over lowercased names (RFC 4034 §6.2)', () => {
    const lower = ask(snapshot, 'q.mixed.wc.test.', 'A', { do: true }).m;
    const mixed = ask(snapshot, 'Q.mIxEd.WC.test.', 'A', { do: true }).m;
    const sigs = (m: DecodedMessage) => m.answer.concat(m.authority).flatMap((r) => (r.rdata.kind === 'RRSIG' ? [r.rdata.signature.toString('hex')] : []));
    expect(sigs(mixed)).toEqual(sigs(lower));
    expect(rrsigsOf(mixed.answer, RRType.A)[0]!.labels).toBe(3);
    expect(expectAllSigned(mixed.answer, KEYS)).toBe(1);
    expect(expectAllSigned(mixed.authority, KEYS)).toBe(1);
    // The zone writes the wildcard *.MiXeD: its signature is over the lowercased owner all the same.
    const wild = { owner: name('*.mixed.wc.test.'), type: RRType.A, ttl: 3600, rdatas: mixed.answer.filter((r) => r.type === RRType.A).map((r) => r.rdata) };
    expect(verifyRrsig(wild, rrsigsOf(mixed.answer, RRType.A)[0]!, TEST_KEY.dnskey)).toBe(true);
  });
  it('the wildcard asked by name is an ordinary name: no NSEC (RFC 4592 §4.2)', () => {
    const { m } = ask(snapshot, '*.wild.wc.test.', 'TXT', { do: true });
    expect(m.authority).toEqual([]);
    expect(expectAllSigned(m.answer, KEYS)).toBe(1);
  });
});

describe('RFC 4592 §4.3, RFC 4035 §3.1.3.3: a wildcard CNAME in a chain', () => {
  const { snapshot } = signedSnapshot();
  it('the CNAME carries the wildcard\'s RRSIG, the target its own; the NSEC covers the next closer name', () => {
    const { m } = ask(snapshot, 'foo.cdn.wc.test.', 'A', { do: true });
    expect(m.answer.filter((r) => r.type !== RRType.RRSIG).map((r) => r.type)).toEqual([RRType.CNAME, RRType.A]);
    expect(rrsigsOf(m.answer, RRType.CNAME)[0]!.labels).toBe(3); // cdn.wc.test, not foo.cdn.wc.test
    expect(rrsigsOf(m.answer, RRType.A)[0]!.labels).toBe(3); // mail.wc.test, an ordinary name
    expect(expectAllSigned(m.answer, KEYS)).toBe(2);
    const nsecs = nsecsOf(m.authority);
    expect(nsecs).toHaveLength(1);
    expect(covers(nsecs[0]!, key('foo.cdn.wc.test.'))).toBe(true);
    expect(expectAllSigned(m.authority, KEYS)).toBe(1);
  });
  it('a wildcard CNAME to a name another wildcard answers: both proved', () => {
    const { m } = ask(snapshot, 'q.deep.wc.test.', 'A', { do: true });
    expect(m.answer.filter((r) => r.type !== RRType.RRSIG).map((r) => `${r.type}@${r.owner.key}`)).toEqual([`${RRType.CNAME}@${key('q.deep.wc.test.')}`, `${RRType.A}@${key('x.wild.wc.test.')}`]);
    expect(expectAllSigned(m.answer, KEYS)).toBe(2);
    const nsecs = nsecsOf(m.authority);
    expect(nsecs.some((n) => covers(n, key('q.deep.wc.test.')))).toBe(true);
    expect(nsecs.some((n) => covers(n, key('x.wild.wc.test.')))).toBe(true);
    expect(expectAllSigned(m.authority, KEYS)).toBe(nsecs.length);
  });
});

describe('RFC 4035 §3.1.4 after a wildcard CNAME: a referral', () => {
  const { snapshot } = signedSnapshot();
  it('the CNAME with the wildcard\'s RRSIG, the NSEC covering its next closer name beside the cut\'s', () => {
    const { m } = ask(snapshot, 'q.dl.wc.test.', 'A', { do: true });
    expect(m.authority.filter((r) => r.type === RRType.NS)).toHaveLength(1);
    expect(rrsigsOf(m.answer, RRType.CNAME)[0]!.labels).toBe(3);
    expect(expectAllSigned(m.answer, KEYS)).toBe(1);
    const nsecs = nsecsOf(m.authority);
    expect(nsecs.some((n) => n.owner === key('deleg.wc.test.'))).toBe(true);
    expect(nsecs.some((n) => covers(n, key('q.dl.wc.test.')))).toBe(true);
    expect(expectAllSigned(m.authority.filter((r) => r.type !== RRType.NS), KEYS)).toBe(nsecs.length);
  });
});

describe('RFC 4035 §3.1.3.4: wildcard NODATA', () => {
  const { snapshot } = signedSnapshot();
  it('SOA, the wildcard\'s NSEC without the type, and the NSEC covering the next closer name, all signed', () => {
    const { m } = ask(snapshot, 'x.wild.wc.test.', 'MX', { do: true });
    expect(m.rcode).toBe(0);
    expect(m.answer).toEqual([]);
    const nsecs = nsecsOf(m.authority);
    const own = nsecs.find((n) => n.owner === key('*.wild.wc.test.'));
    expect(own?.types).toEqual([RRType.A, RRType.TXT, RRType.RRSIG, RRType.NSEC]);
    expect(nsecs.some((n) => covers(n, key('x.wild.wc.test.')))).toBe(true);
    expect(nsecs).toHaveLength(2);
    expect(m.authority.filter((r) => r.type === RRType.SOA)).toHaveLength(1);
    expect(expectAllSigned(m.authority, KEYS)).toBe(3);
  });
  it('one NSEC when the wildcard\'s own covers the next closer name too', () => {
    // *.wild → host.wild covers b.wild: the same record is not repeated.
    const { m } = ask(snapshot, 'a.b.wild.wc.test.', 'MX', { do: true });
    const nsecs = nsecsOf(m.authority);
    expect(nsecs.map((n) => n.owner)).toEqual([key('*.wild.wc.test.')]);
    expect(covers(nsecs[0]!, key('b.wild.wc.test.'))).toBe(true);
    expect(expectAllSigned(m.authority, KEYS)).toBe(2);
  });
});

describe('RFC 4592 additional processing: addresses a wildcard synthesizes for an SRV target', () => {
  it('are left out of a DO=1 answer of an NSEC zone (they would need an NSEC about another name); DO=0 keeps them', () => {
    const { snapshot } = signedSnapshot();
    const signed = ask(snapshot, 'srv._tcp.wc.test.', 'SRV', { do: true }).m;
    expect(expectAllSigned(signed.answer, KEYS)).toBe(1);
    expect(signed.additional.filter((r) => r.owner.key === key('t.wild.wc.test.'))).toEqual([]);
    expect(ask(snapshot, 'srv._tcp.wc.test.', 'SRV', { do: false }).m.additional.map((r) => r.owner.key)).toEqual([key('t.wild.wc.test.')]);
  });
  it('are signed as the target\'s own in a compact denial zone (RFC 9824 §3.3)', () => {
    const { snapshot } = signedSnapshot('compact');
    const { m } = ask(snapshot, 'srv._tcp.wc.test.', 'SRV', { do: true });
    expect(rrsigsOf(m.additional, RRType.A)[0]!.labels).toBe(4); // t.wild.wc.test
    expect(expectAllSigned(m.additional, KEYS)).toBe(1);
  });
});

describe('no signature per name asked under a wildcard', () => {
  it('500 random names under *.wild with DO=1: the signatures made stay constant, each answer valid', () => {
    const { snapshot, stores } = signedSnapshot();
    ask(snapshot, 'warm.wild.wc.test.', 'A', { do: true });
    ask(snapshot, 'a.wild.wc.test.', 'A', { do: true });
    const made = stores.stats.made;
    const kept = stores.size;
    for (let i = 0; i < 500; i++) {
      const label = `${i % 2 ? 'a' : 'z'}${i}${Math.random().toString(36).slice(2, 8)}`;
      const { m } = ask(snapshot, `${i % 3 ? '' : 'sub.'}${label}.wild.wc.test.`, i % 5 ? 'A' : 'TXT', { do: true });
      expect(m.rcode).toBe(0);
      if (i % 50 === 0) expect(expectAllSigned(m.answer.concat(m.authority), KEYS)).toBe(2);
    }
    // The TXT RRset of *.wild is signed once; the NSECs of the two intervals below *.wild were already.
    expect(stores.stats.made - made).toBeLessThanOrEqual(2);
    expect(stores.size - kept).toBeLessThanOrEqual(2);
  });
  it('and wildcard NODATA bodies are one per NSEC pair, not per name', () => {
    const { snapshot } = signedSnapshot();
    for (let i = 0; i < 100; i++) ask(snapshot, `n${i}.wild.wc.test.`, 'MX', { do: true });
    expect(snapshot.signedNegatives.size).toBeLessThanOrEqual(2);
  });
});

describe('RFC 3225: DO=0 answers under a wildcard are byte for byte the unsigned zone\'s', () => {
  const { snapshot } = signedSnapshot();
  const unsigned = buildSnapshot(zonesFromText({ [ORIGIN]: ZONE }), 1000);
  it.each([
    ['x.wild.wc.test.', 'A'],
    ['X.Wild.WC.test.', 'TXT'],
    ['x.wild.wc.test.', 'MX'],
    ['foo.cdn.wc.test.', 'A'],
    ['q.deep.wc.test.', 'A'],
    ['srv._tcp.wc.test.', 'SRV'],
  ])('%s %s', (qname, qtype) => {
    ask(snapshot, qname, qtype, { do: true }); // a DO=1 answer first must not leak into DO=0
    expect(ask(snapshot, qname, qtype, { do: false }).bytes).toEqual(ask(unsigned, qname, qtype, { do: false }).bytes);
    expect(ask(snapshot, qname, qtype).bytes).toEqual(ask(unsigned, qname, qtype).bytes);
  });
});

describe('RFC 9824 §3.3: compact denial signs a wildcard match as the name asked', () => {
  it('an answer: the RRSIG counts every label of the name asked, no NSEC; made for the answer, not kept', () => {
    const { snapshot, stores } = signedSnapshot('compact');
    const { m } = ask(snapshot, 'x.wild.wc.test.', 'A', { do: true });
    expect(rrsigsOf(m.answer, RRType.A)[0]!.labels).toBe(4);
    expect(expectAllSigned(m.answer, KEYS)).toBe(1);
    expect(m.authority).toEqual([]);
    const kept = stores.size;
    for (let i = 0; i < 100; i++) ask(snapshot, `r${i}.wild.wc.test.`, 'A', { do: true });
    // Like compact NXDOMAIN (one signature per name, §8), but the store keeps none of them.
    expect(stores.size).toBe(kept);
  });
  it('wildcard NODATA: one NSEC at the name with the wildcard\'s types, NOERROR even with CO', () => {
    const { snapshot } = signedSnapshot('compact');
    const { m } = ask(snapshot, 'x.wild.wc.test.', 'MX', { do: true, co: true });
    expect(m.rcode).toBe(0);
    const nsecs = nsecsOf(m.authority);
    expect(nsecs).toHaveLength(1);
    expect(nsecs[0]!.owner).toBe(key('x.wild.wc.test.'));
    expect(nsecs[0]!.types).toEqual([RRType.A, RRType.TXT, RRType.RRSIG, RRType.NSEC]);
    expect(expectAllSigned(m.authority, KEYS)).toBe(2);
  });
  it('a wildcard CNAME: signed as the name asked, not kept per name', () => {
    const { snapshot, stores } = signedSnapshot('compact');
    const { m } = ask(snapshot, 'foo.cdn.wc.test.', 'A', { do: true });
    expect(rrsigsOf(m.answer, RRType.CNAME)[0]!.labels).toBe(4);
    expect(expectAllSigned(m.answer, KEYS)).toBe(2);
    const kept = stores.size;
    for (let i = 0; i < 50; i++) ask(snapshot, `c${i}.cdn.wc.test.`, 'A', { do: true });
    expect(stores.size).toBe(kept);
  });
});

describe('RFC 4034 §3.1.3: the whole signed zone (export --signed, AXFR) signs the wildcard as *.wild', () => {
  it('its RRSIGs count the labels without the *, and verify over the wildcard owner', () => {
    const records = signedZoneRecords(signedWith(buildZone(name(ORIGIN), recordsFromText(name(ORIGIN), ZONE))));
    const sigs = records.filter((r) => r.owner.key === key('*.wild.wc.test.') && r.rdata.kind === 'RRSIG');
    expect(sigs.map((r) => (r.rdata.kind === 'RRSIG' ? r.rdata.typeCovered : 0)).sort((a, b) => a - b)).toEqual([RRType.A, RRType.TXT, RRType.NSEC]);
    for (const s of sigs) if (s.rdata.kind === 'RRSIG') expect(s.rdata.labels).toBe(3);
    const a = { owner: name('*.wild.wc.test.'), type: RRType.A, ttl: 3600, rdatas: records.filter((r) => r.owner.key === key('*.wild.wc.test.') && r.type === RRType.A).map((r) => r.rdata) };
    const sig = sigs.find((s) => s.rdata.kind === 'RRSIG' && s.rdata.typeCovered === RRType.A)!.rdata as RrsigData;
    expect(verifyRrsig(a, sig, TEST_KEY.dnskey)).toBe(true);
  });
});
