// The signature store (server/signer.ts): an RRset is signed once and found again by identity
// or by content; a reload that changes one record re-signs only what changed; signatures are
// made again when their window says; a compiled DO=1 answer past its refresh time is compiled
// again, and an evicted one is compiled again without signing again.

import { describe, expect, it } from 'vitest';
import { SignedZone } from '../../src/dns/dnssec/signed-zone.js';
import { signedZoneRecords } from '../../src/dns/dnssec/zone-records.js';
import { LIFETIME, REFRESH_BEFORE } from '../../src/dns/dnssec/window.js';
import { name } from '../../src/dns/name.js';
import { typeFromText } from '../../src/dns/types.js';
import { buildZone, type Zone } from '../../src/dns/zone.js';
import { handleMessage } from '../../src/server/handler.js';
import { handlerOptions } from '../../src/server/identity.js';
import { KeysetSigner, SignatureStores } from '../../src/server/signer.js';
import { buildSnapshot, type Snapshot } from '../../src/server/snapshot.js';
import { newStats } from '../../src/server/stats.js';
import { FixedSignatures, TEST_KEY } from '../support/dnssec.js';
import { buildQuery } from '../support/query.js';
import { EXAMPLE_ZONE, recordsFromText, zonesFromText } from '../support/zonetext.js';

const origin = name('example.com.');
const KEYS = { keySigning: [TEST_KEY], zoneSigning: [TEST_KEY] };
const ZONE_KEYS = { dnskeys: [TEST_KEY.dnskey], cds: [], denial: 'nsec' as const };

function setup(start = 1_800_000_000) {
  let now = start;
  const stores = new SignatureStores(() => now);
  const signer = new KeysetSigner(stores, KEYS);
  const zoneOf = (text: string): SignedZone => new SignedZone(buildZone(origin, recordsFromText(origin, text)), ZONE_KEYS, signer);
  return { stores, signer, zoneOf, advance: (s: number) => (now += s), at: () => now };
}

describe('the signature store', () => {
  it('signs an RRset once; a second ask, or a second object with the same content, makes none', () => {
    const { stores, zoneOf } = setup();
    const zone = zoneOf(EXAMPLE_ZONE);
    signedZoneRecords(zone);
    const whole = stores.stats.made;
    expect(whole).toBeGreaterThan(20);
    signedZoneRecords(zone);
    expect(stores.stats.made).toBe(whole);
    expect(stores.peek(origin.key)!.size).toBe(whole);
  });

  it('a reload that changes one record re-signs that RRset, the SOA and the NSECs that changed, nothing else', () => {
    const { stores, zoneOf } = setup();
    const before = zoneOf(EXAMPLE_ZONE);
    stores.of(before).turnOver(before.base);
    signedZoneRecords(before);
    const whole = stores.stats.made;
    const after = zoneOf(EXAMPLE_ZONE.replace('2026112401', '2026112402').replace('dav A 192.0.2.30', 'dav A 192.0.2.31'));
    stores.of(after).turnOver(after.base);
    signedZoneRecords(after);
    expect(stores.stats.made - whole).toBe(2); // the SOA and dav's A
    // One turn later the last version's signatures are gone.
    const again = zoneOf(EXAMPLE_ZONE.replace('2026112401', '2026112403').replace('dav A 192.0.2.30', 'dav A 192.0.2.31'));
    stores.of(again).turnOver(again.base);
    expect(stores.peek(origin.key)!.size).toBeLessThanOrEqual(whole + 2);
  });

  it('makes a signature again once its refresh time has come, valid 14 days on, and keeps signing lowercased', () => {
    const { stores, zoneOf, advance, at } = setup();
    const zone = zoneOf(EXAMPLE_ZONE);
    const first = zone.signatures.rrsig(zone, zone.soa).rdatas[0]!;
    if (first.kind !== 'RRSIG') throw new Error('not an RRSIG');
    expect(first.expiration - at()).toBeGreaterThanOrEqual(LIFETIME - 3600);
    expect(at() - first.inception).toBeGreaterThanOrEqual(5400);
    expect(first.signer.key).toBe(origin.key);
    advance(first.expiration - REFRESH_BEFORE - at() - 1);
    expect(zone.signatures.rrsig(zone, zone.soa).rdatas[0]).toBe(first);
    advance(2);
    const second = zone.signatures.rrsig(zone, zone.soa).rdatas[0]!;
    expect(second).not.toBe(first);
    expect(second.kind === 'RRSIG' && second.expiration).toBeGreaterThan(first.expiration);
    expect(stores.stats.made).toBe(2);
  });

  it('spreads expirations of different zones over a day; signatures made in the same hour share their window', () => {
    const { signer } = setup();
    const expirations = ['a.test.', 'b.test.', 'c.test.', 'd.test.'].map((o) => {
      const zoneOrigin = name(o);
      const z = new SignedZone(buildZone(zoneOrigin, recordsFromText(zoneOrigin, '@ SOA ns1 h 1 2 3 4 5\n@ NS ns1.example.net.')), ZONE_KEYS, signer);
      const rd = z.signatures.rrsig(z, z.soa).rdatas[0]!;
      const ns = z.signatures.rrsig(z, z.ns).rdatas[0]!;
      expect(rd.kind === 'RRSIG' && ns.kind === 'RRSIG' && rd.expiration === ns.expiration).toBe(true);
      return rd.kind === 'RRSIG' ? rd.expiration : 0;
    });
    expect(new Set(expirations).size).toBe(4);
    expect(Math.max(...expirations) - Math.min(...expirations)).toBeLessThan(86400);
  });

  it('signs again with new keys: a rollover replaces every kept signature at its next use', () => {
    const { stores, signer, zoneOf } = setup();
    const zone = zoneOf(EXAMPLE_ZONE);
    zone.signatures.rrsig(zone, zone.soa);
    signer.keys = { keySigning: [TEST_KEY], zoneSigning: [TEST_KEY] };
    zone.signatures.rrsig(zone, zone.soa);
    expect(stores.stats.made).toBe(2);
  });
});

const options = handlerOptions({ udpSize: 1232, nsid: '', id: '', version: '' });
const askDo = (snapshot: Snapshot, qname: string, qtype: string): Buffer => handleMessage(snapshot, buildQuery({ id: 1, qname, qtype: typeFromText(qtype)!, edns: { udpSize: 1232, do: true } }), 'udp', options, newStats())!;

describe('compiled DO=1 answers and their signatures', () => {
  const snapshotWith = (signatures: FixedSignatures, cacheSize = 1000): Snapshot =>
    buildSnapshot(zonesFromText({ 'example.com.': EXAMPLE_ZONE }), cacheSize, (_i, z: Zone) => new SignedZone(z, ZONE_KEYS, signatures));
  const now = Math.floor(Date.now() / 1000);

  it('are served from the answer cache while their signatures are fresh', () => {
    const signatures = new FixedSignatures(KEYS, { inception: now - 3600, expiration: now + 10 * 86400 });
    const s = snapshotWith(signatures);
    askDo(s, '_imaps._tcp.example.com.', 'SRV');
    const made = signatures.made;
    for (let i = 0; i < 5; i++) askDo(s, '_imaps._tcp.example.com.', 'SRV');
    expect(signatures.made).toBe(made);
  });

  it('are compiled again once their refresh time has passed', () => {
    // Expiring within the refresh margin: due now.
    const signatures = new FixedSignatures(KEYS, { inception: now - 3600, expiration: now + 86400 });
    const s = snapshotWith(signatures);
    askDo(s, '_imaps._tcp.example.com.', 'SRV');
    const made = signatures.made;
    askDo(s, '_imaps._tcp.example.com.', 'SRV');
    expect(signatures.made).toBeGreaterThan(made);
  });

  it('evicted from the cache, are compiled again from the store without signing again', () => {
    const stores = new SignatureStores();
    const signer = new KeysetSigner(stores, KEYS);
    const s = buildSnapshot(zonesFromText({ 'example.com.': EXAMPLE_ZONE }), 1, (_i, z: Zone) => new SignedZone(z, ZONE_KEYS, signer));
    const names = ['_imaps._tcp.example.com.', 'mail.example.com.', 'dav.example.com.', 'autoconfig.example.com.'];
    for (const n of names) askDo(s, n, 'A');
    const made = stores.stats.made;
    for (let round = 0; round < 3; round++) for (const n of names) askDo(s, n, 'A');
    expect(stores.stats.made).toBe(made);
  });
});
