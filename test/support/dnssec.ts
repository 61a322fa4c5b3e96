// DNSSEC test helpers: a fixed Ed25519 key (RFC 8080 signatures are deterministic, so the
// same key and times give the same bytes as ldns-signzone and dnssec-signzone), a signer with
// fixed times, and the example zone signed with them.

import { createHash, createPublicKey, verify } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { privateKeyFromBytes, SEP_KEY, signingKey, type Algorithm, type SigningKey } from '../../src/dns/dnssec/key.js';
import { keyTag } from '../../src/dns/dnssec/keytag.js';
import { canonicalRRset, keysFor, rrsigRRset, signedData, signRRset, type ActiveKeys, type ValidityWindow } from '../../src/dns/dnssec/sign.js';
import { SignedZone, type Denial, type ZoneSignatures } from '../../src/dns/dnssec/signed-zone.js';
import { nameFromKey, nameToText, type Name } from '../../src/dns/name.js';
import type { DnskeyData } from '../../src/dns/rdata/dnskey.js';
import { rdataBytes } from '../../src/dns/rdata/index.js';
import type { RrsigData } from '../../src/dns/rdata/rrsig.js';
import type { RData, RRset } from '../../src/dns/records.js';
import type { DecodedRecord } from '../../src/wire/decode.js';
import type { Zone } from '../../src/dns/zone.js';

/** A key from a fixed seed: the same key in every run. */
export function fixedKey(seedText: string, algorithm: Algorithm = 15, flags = SEP_KEY): SigningKey {
  const seed = createHash('sha256').update(seedText).digest();
  const key = privateKeyFromBytes(algorithm, seed);
  if ('error' in key) throw new Error(key.error);
  return signingKey(algorithm, flags, key);
}

export const TEST_KEY = fixedKey('discodns test key');

/** 2025-01-01 to 2025-01-15, 00:00 UTC. */
export const FIXED_WINDOW: ValidityWindow = { inception: Date.UTC(2025, 0, 1) / 1000, expiration: Date.UTC(2025, 0, 15) / 1000 };

/** Signs every RRset it is asked for, with fixed times, and counts the signatures. */
export class FixedSignatures implements ZoneSignatures {
  made = 0;
  constructor(
    private readonly keys: ActiveKeys,
    private readonly window: ValidityWindow = FIXED_WINDOW,
  ) {}
  rrsig(zone: SignedZone, rrset: RRset): RRset {
    const rrsigs = keysFor(rrset.type, this.keys).map((k) => signRRset(rrset, k, zone.origin, this.window));
    this.made += rrsigs.length;
    return rrsigRRset(rrset, rrsigs);
  }
  rrsigOnce(zone: SignedZone, rrset: RRset): RRset {
    return this.rrsig(zone, rrset);
  }
}

/** `zone` signed by one CSK with fixed times. */
export function signedWith(zone: Zone, key: SigningKey = TEST_KEY, denial: Denial = 'nsec', window?: ValidityWindow): SignedZone {
  const keys = { keySigning: [key], zoneSigning: [key] };
  return new SignedZone(zone, { dnskeys: [key.dnskey], cds: [key.dnskey], denial }, new FixedSignatures(keys, window));
}

/** Whether a command is on the PATH. */
export function installed(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

/**
 * The owner a signature was made over (RFC 4035 §5.3.2): the RRset's own, or, when the RRSIG's
 * labels field counts fewer labels than the owner has (a leading `*` not counted, RFC 4034
 * §3.1.3), the wildcard `*.` + the owner's rightmost `labels` labels it was synthesized from.
 */
export function signedOwner(owner: Name, labels: number): Name {
  let key = owner.key;
  let count = owner.labelCount;
  if (key.charCodeAt(0) === 1 && key.charCodeAt(1) === 0x2a) count--;
  if (labels >= count) return owner;
  for (let n = owner.labelCount; n > labels; n--) key = key.slice(key.charCodeAt(0) + 1);
  return nameFromKey('\x01*' + key);
}

/** Whether `rrsig` is a valid signature by `dnskey` over `rrset` (RFC 4035 §5.3), times not checked; a wildcard's too. */
export function verifyRrsig(rrset: RRset, rrsig: RrsigData, dnskey: DnskeyData): boolean {
  const { signature, ...fields } = rrsig;
  const data = signedData(fields, canonicalRRset({ ...rrset, owner: signedOwner(rrset.owner, rrsig.labels) }, rrsig.originalTtl));
  const k = dnskey.publicKey;
  const key =
    dnskey.algorithm === 13
      ? createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: k.subarray(0, 32).toString('base64url'), y: k.subarray(32).toString('base64url') }, format: 'jwk' })
      : createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: k.toString('base64url') }, format: 'jwk' });
  return dnskey.algorithm === 13 ? verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature) : verify(null, data, key, signature);
}

/** The records of a section grouped into RRsets by owner and type, and the RRSIGs by what they cover. */
export function rrsetsOf(records: readonly DecodedRecord[]): { sets: RRset[]; rrsigs: Map<string, RrsigData[]> } {
  const sets = new Map<string, RRset & { rdatas: RData[] }>();
  const rrsigs = new Map<string, RrsigData[]>();
  for (const r of records) {
    if (r.rdata.kind === 'RRSIG') {
      const k = `${r.owner.key}/${r.rdata.typeCovered}`;
      rrsigs.set(k, [...(rrsigs.get(k) ?? []), r.rdata]);
      continue;
    }
    const k = `${r.owner.key}/${r.type}`;
    const s = sets.get(k);
    if (s) s.rdatas.push(r.rdata);
    else sets.set(k, { owner: r.owner, type: r.type, ttl: r.ttl, rdatas: [r.rdata] });
  }
  return { sets: [...sets.values()], rrsigs };
}

/**
 * Checks that every RRset of `records` carries a valid RRSIG by one of `dnskeys` and that no
 * RRSIG is left without its RRset; returns how many RRsets were verified.
 */
export function expectAllSigned(records: readonly DecodedRecord[], dnskeys: readonly DnskeyData[]): number {
  const { sets, rrsigs } = rrsetsOf(records);
  for (const set of sets) {
    const sigs = rrsigs.get(`${set.owner.key}/${set.type}`) ?? [];
    const ok = sigs.some((sig) => dnskeys.some((k) => keyTag(rdataBytes(k)) === sig.keyTag && verifyRrsig(set, sig, k)));
    if (!ok) throw new Error(`${nameToText(set.owner)} ${set.type}: no valid RRSIG among ${sigs.length}`);
  }
  for (const k of rrsigs.keys()) if (!sets.some((s) => `${s.owner.key}/${s.type}` === k)) throw new Error(`RRSIG ${k} without its RRset`);
  return sets.length;
}
