// DO=1 answers from a signed zone (RFC 4035 §3.1), through the served path: every RRset with a
// valid RRSIG, the NSEC proofs of NODATA, NXDOMAIN and empty non-terminals, compact denial
// (RFC 9824), TC with signatures, and DO=0 answers byte for byte as before (RFC 3225).

import { describe, expect, it } from 'vitest';
import { nsecFor } from '../../src/dns/dnssec/nsec.js';
import { canonicalSortKey } from '../../src/dns/dnssec/canonical.js';
import { SignedZone } from '../../src/dns/dnssec/signed-zone.js';
import { name } from '../../src/dns/name.js';
import { RRType, typeFromText } from '../../src/dns/types.js';
import { handleMessage } from '../../src/server/handler.js';
import { handlerOptions } from '../../src/server/identity.js';
import { buildSnapshot, type Snapshot } from '../../src/server/snapshot.js';
import { newStats } from '../../src/server/stats.js';
import { decodeMessage, DecodeError, type DecodedMessage } from '../../src/wire/decode.js';
import { expectAllSigned, FixedSignatures, TEST_KEY } from '../support/dnssec.js';
import { buildQuery } from '../support/query.js';
import { EXAMPLE_ZONE, zonesFromText } from '../support/zonetext.js';

const now = Math.floor(Date.now() / 1000);
const WINDOW = { inception: now - 5400, expiration: now + 14 * 86400 };

/** Larger answers, for the size rules: three in-zone SRV targets, and a long TXT. */
const SIZES = `
_jmap._tcp SRV 0 1 443 h1
_jmap._tcp SRV 0 1 443 h2
_jmap._tcp SRV 0 1 443 h3
h1 A 192.0.2.1
h1 AAAA 2001:db8::1
h2 A 192.0.2.2
h2 AAAA 2001:db8::2
h3 A 192.0.2.3
h3 AAAA 2001:db8::3
long TXT "${'x'.repeat(200)}" "${'y'.repeat(200)}"
`;

function signedSnapshot(denial: 'nsec' | 'compact' = 'nsec'): { snapshot: Snapshot; signatures: FixedSignatures } {
  const signatures = new FixedSignatures({ keySigning: [TEST_KEY], zoneSigning: [TEST_KEY] }, WINDOW);
  const snapshot = buildSnapshot(zonesFromText({ 'example.com.': EXAMPLE_ZONE + SIZES }), 1000, (_input, zone) => new SignedZone(zone, { dnskeys: [TEST_KEY.dnskey], cds: [TEST_KEY.dnskey], denial }, signatures));
  return { snapshot, signatures };
}

const options = handlerOptions({ udpSize: 1232, nsid: '', id: '', version: '' });

function ask(snapshot: Snapshot, qname: string, qtype: string, opts: { do?: boolean; co?: boolean; udpSize?: number } = {}): { bytes: Buffer; m: DecodedMessage } {
  const edns = opts.do === undefined && opts.udpSize === undefined ? undefined : { udpSize: opts.udpSize ?? 1232, do: opts.do ?? false };
  const q = buildQuery({ id: 7, qname, qtype: typeFromText(qtype)!, edns });
  if (opts.co) q[q.length - 4] = q[q.length - 4]! | 0x40; // the CO bit beside DO
  const bytes = handleMessage(snapshot, q, 'udp', options, newStats())!;
  const m = decodeMessage(bytes);
  if (m instanceof DecodeError) throw m;
  return { bytes, m };
}

const KEYS = [TEST_KEY.dnskey];

describe('RFC 3225: DO=0 answers are exactly what an unsigned zone gives', () => {
  const unsigned = buildSnapshot(zonesFromText({ 'example.com.': EXAMPLE_ZONE + SIZES }), 1000);
  const { snapshot } = signedSnapshot();
  const cases: [string, string][] = [
    ['_imaps._tcp.example.com.', 'SRV'],
    ['autoconfig.example.com.', 'A'],
    ['nope.example.com.', 'A'],
    ['mail.example.com.', 'TXT'],
    ['_tcp.example.com.', 'SRV'],
    ['example.com.', 'MX'],
    ['Mail.Example.COM.', 'AAAA'],
  ];
  it.each(cases)('%s %s, with and without EDNS', (qname, qtype) => {
    expect(ask(snapshot, qname, qtype).bytes).toEqual(ask(unsigned, qname, qtype).bytes);
    expect(ask(snapshot, qname, qtype, { do: false }).bytes).toEqual(ask(unsigned, qname, qtype, { do: false }).bytes);
    expect(ask(snapshot, qname, qtype, { do: false }).m.answer.some((r) => r.type === RRType.RRSIG)).toBe(false);
  });
  it('the signed zone answers DNSKEY without signatures to DO=0', () => {
    const { m } = ask(snapshot, 'example.com.', 'DNSKEY', { do: false });
    expect(m.answer.map((r) => r.type)).toEqual([RRType.DNSKEY]);
  });
});

describe('RFC 4035 §3.1.1: DO=1 answers carry valid RRSIGs', () => {
  const { snapshot } = signedSnapshot();
  it('SRV with its targets in additional, each signed', () => {
    const { m } = ask(snapshot, '_imaps._tcp.example.com.', 'SRV', { do: true });
    expect(m.rcode).toBe(0);
    expect(m.edns?.dnssecOk).toBe(true);
    expect(expectAllSigned(m.answer, KEYS)).toBe(1);
    expect(expectAllSigned(m.additional, KEYS)).toBe(2); // mail A and AAAA
  });
  it('CNAME then A: both signed', () => {
    const { m } = ask(snapshot, 'autoconfig.example.com.', 'A', { do: true });
    expect(m.answer.map((r) => r.type).sort()).toEqual([RRType.CNAME, RRType.A, RRType.RRSIG, RRType.RRSIG].sort());
    expect(expectAllSigned(m.answer, KEYS)).toBe(2);
  });
  it('DNSKEY, CDS and CDNSKEY at the apex, signed by the key', () => {
    for (const t of ['DNSKEY', 'CDS', 'CDNSKEY']) expect(expectAllSigned(ask(snapshot, 'example.com.', t, { do: true }).m.answer, KEYS)).toBe(1);
  });
  it('a mixed-case qname gets the same signatures, over lowercased names', () => {
    const lower = ask(snapshot, '_imaps._tcp.example.com.', 'SRV', { do: true }).m;
    const mixed = ask(snapshot, '_IMAPS._Tcp.ExAmPlE.com.', 'SRV', { do: true }).m;
    const sigs = (m: DecodedMessage) => m.answer.filter((r) => r.rdata.kind === 'RRSIG').map((r) => r.rdata.kind === 'RRSIG' && r.rdata.signature.toString('hex'));
    expect(sigs(mixed)).toEqual(sigs(lower));
    expect(expectAllSigned(mixed.answer, KEYS)).toBe(1);
  });
  it('an RRSIG query gets the RRSIGs at the name', () => {
    const { m } = ask(snapshot, 'mail.example.com.', 'RRSIG', { do: true });
    expect(m.answer.map((r) => (r.rdata.kind === 'RRSIG' ? r.rdata.typeCovered : 0)).sort()).toEqual([RRType.A, RRType.AAAA]);
  });
});

/** The NSEC records of a section: owner key, next key, types. */
function nsecs(m: DecodedMessage) {
  return m.authority.flatMap((r) => (r.rdata.kind === 'NSEC' ? [{ owner: r.owner.key, next: r.rdata.next.key, types: r.rdata.types }] : []));
}
const covers = (n: { owner: string; next: string }, key: string): boolean => {
  const [o, x, k] = [canonicalSortKey(n.owner), canonicalSortKey(n.next), canonicalSortKey(key)];
  return o < k && (k < x || x <= o);
};

describe('RFC 4035 §3.1.3: denial of existence with NSEC', () => {
  const { snapshot } = signedSnapshot();
  it('NODATA: the name\'s own NSEC, without the type', () => {
    const { m } = ask(snapshot, 'mail.example.com.', 'TXT', { do: true });
    expect(m.rcode).toBe(0);
    expect(m.answer).toEqual([]);
    const [n] = nsecs(m);
    expect(n!.owner).toBe(name('mail.example.com.').key);
    expect(n!.types).toEqual([RRType.A, RRType.AAAA, RRType.RRSIG, RRType.NSEC]);
    expect(expectAllSigned(m.authority, KEYS)).toBe(2);
  });
  it('NXDOMAIN: an NSEC covering the name and one covering the wildcard at its closest encloser', () => {
    const { m } = ask(snapshot, 'nope.example.com.', 'A', { do: true });
    expect(m.rcode).toBe(3);
    const found = nsecs(m);
    expect(found.some((n) => covers(n, name('nope.example.com.').key))).toBe(true);
    expect(found.some((n) => covers(n, name('*.example.com.').key))).toBe(true);
    expect(expectAllSigned(m.authority, KEYS)).toBe(1 + found.length);
  });
  it('the SOA of a negative answer: TTL min(SOA TTL, MINIMUM) (RFC 9077 §3), its RRSIG the zone\'s own over the SOA, Original TTL 3600 (RFC 4034 §3.1.4)', () => {
    const { snapshot: s } = signedSnapshot();
    // Ed25519 signatures are deterministic: the same bytes mean the same data signed.
    const soaAnswer = ask(s, 'example.com.', 'SOA', { do: true }).m.answer.find((r) => r.rdata.kind === 'RRSIG')!;
    expect(soaAnswer.rdata.kind === 'RRSIG' && soaAnswer.rdata.originalTtl).toBe(3600);
    for (const [q, t] of [['nope.example.com.', 'A'], ['mail.example.com.', 'TXT']] as const) {
      const { m } = ask(s, q, t, { do: true });
      const soa = m.authority.find((r) => r.type === RRType.SOA)!;
      const rrsig = m.authority.find((r) => r.rdata.kind === 'RRSIG' && r.rdata.typeCovered === RRType.SOA)!;
      expect(soa.ttl).toBe(300);
      expect(rrsig.ttl).toBe(300);
      expect(rrsig.rdata).toEqual(soaAnswer.rdata);
      expect(expectAllSigned(m.authority, KEYS)).toBeGreaterThanOrEqual(2);
    }
  });
  it('NXDOMAIN below an existing name: the wildcard under it is denied', () => {
    const { m } = ask(snapshot, 'x.mail.example.com.', 'A', { do: true });
    expect(nsecs(m).some((n) => covers(n, name('*.mail.example.com.').key))).toBe(true);
  });
  it('the empty non-terminal _tcp: NODATA with the NSEC covering it, whose next name is below it', () => {
    for (const qname of ['_tcp.example.com.', '_TCP.Example.com.']) {
      const { m } = ask(snapshot, qname, 'SRV', { do: true });
      expect(m.rcode).toBe(0);
      const [n] = nsecs(m);
      expect(covers(n!, name('_tcp.example.com.').key)).toBe(true);
      expect(n!.next.endsWith(name('_tcp.example.com.').key)).toBe(true);
    }
  });
  it('NSEC owners and next names are lowercase whatever the qname', () => {
    const { bytes } = ask(snapshot, 'NOPE.EXAMPLE.COM.', 'A', { do: true });
    expect(bytes.toString('latin1')).not.toMatch(/MAIL|DMARC/);
    expect(nsecs(ask(snapshot, 'NOPE.EXAMPLE.COM.', 'A', { do: true }).m).every((n) => n.owner === n.owner.toLowerCase())).toBe(true);
  });
  it('a random-subdomain flood makes no signature per name', () => {
    const { snapshot: s, signatures } = signedSnapshot();
    ask(s, 'first.example.com.', 'A', { do: true });
    const before = signatures.made;
    for (let i = 0; i < 500; i++) ask(s, `r${i}x${Math.random().toString(36).slice(2)}.example.com.`, 'A', { do: true });
    // Names in other NSEC intervals need their interval's NSEC signed once; never one per name.
    expect(signatures.made - before).toBeLessThan(40);
    const after = signatures.made;
    for (let i = 0; i < 500; i++) ask(s, `q${i}.${Math.random().toString(36).slice(2)}.example.com.`, 'A', { do: true });
    expect(signatures.made - after).toBeLessThan(40);
    expect(s.signedNegatives.size).toBeLessThan(40);
  });
  it('an NSEC query at a name of the chain answers its NSEC', () => {
    const { m } = ask(snapshot, 'mail.example.com.', 'NSEC', { do: true });
    expect(m.answer.filter((r) => r.type === RRType.NSEC)).toHaveLength(1);
  });
  it('finds a covering link for names before, among and after the chain', () => {
    const zone = [...snapshot.catalog.zones.values()][0] as SignedZone;
    const chain = zone.chain();
    expect(nsecFor(chain, name('example.com.').key)).toEqual({ index: 0, match: true });
    expect(nsecFor(chain, name('zzz.example.com.').key).index).toBe(chain.sortKeys.length - 1);
  });
});

describe('RFC 9824 compact denial', () => {
  const { snapshot } = signedSnapshot('compact');
  it('a name that does not exist: NOERROR, an NSEC at it to \\000.name with NXNAME', () => {
    const { m } = ask(snapshot, 'nope.example.com.', 'A', { do: true });
    expect(m.rcode).toBe(0);
    const [n] = nsecs(m);
    expect(n!.owner).toBe(name('nope.example.com.').key);
    expect(n!.next).toBe(name('\\000.nope.example.com.').key);
    expect(n!.types).toEqual([RRType.RRSIG, RRType.NSEC, 128]);
    expect(expectAllSigned(m.authority, KEYS)).toBe(2);
  });
  it('with CO: NXDOMAIN, and CO echoed', () => {
    const { m } = ask(snapshot, 'nope.example.com.', 'A', { do: true, co: true });
    expect(m.rcode).toBe(3);
    expect(m.edns!.otherFlags & 0x4000).toBe(0x4000);
  });
  it('NODATA lists the types the name has', () => {
    const [n] = nsecs(ask(snapshot, 'mail.example.com.', 'TXT', { do: true }).m);
    expect(n!.types).toEqual([RRType.A, RRType.AAAA, RRType.RRSIG, RRType.NSEC]);
  });
  it('an explicit NXNAME query is FORMERR (§3.5)', () => {
    expect(ask(snapshot, 'nope.example.com.', 'TYPE128', { do: true }).m.rcode).toBe(1);
  });
});

describe('RFC 4035 §3.1.1: sizes and TC', () => {
  const { snapshot } = signedSnapshot();
  it('a signed SRV answer with additional fits 1232; at 512 the additional records leave with their RRSIGs', () => {
    const big = ask(snapshot, '_jmap._tcp.example.com.', 'SRV', { do: true });
    expect(big.bytes.length).toBeLessThanOrEqual(1232);
    expect(big.bytes.length).toBeGreaterThan(512);
    expect(expectAllSigned(big.m.additional, KEYS)).toBe(6);
    const small = ask(snapshot, '_jmap._tcp.example.com.', 'SRV', { do: true, udpSize: 512 });
    expect(small.m.additional).toEqual([]);
    expect(small.m.tc).toBe(false);
    expect(expectAllSigned(small.m.answer, KEYS)).toBe(1);
  });
  it('TC when the answer with its signatures does not fit', () => {
    const small = ask(snapshot, 'long.example.com.', 'TXT', { do: true, udpSize: 512 });
    expect(small.m.tc).toBe(true);
    expect(small.m.answer).toEqual([]);
    // Without DO the same answer fits: the signature is what does not.
    expect(ask(snapshot, 'long.example.com.', 'TXT', { do: false, udpSize: 512 }).m.tc).toBe(false);
  });
  it('DNSKEY answers fit 1232', () => {
    expect(ask(snapshot, 'example.com.', 'DNSKEY', { do: true }).bytes.length).toBeLessThan(1232);
  });
});
