// RRSIG records (RFC 4034 §3, RFC 4035 §2.2): the signature over one RRset in canonical form.
// Every name that enters the signed data is lowercased (RFC 4034 §6.2, RFC 6840 §5.1), so
// whatever letter case a zone is written in, or a query asks in, the signature is the same.

import { Buffer } from 'node:buffer';
import type { Name } from '../name.js';
import { canonicalRdata } from '../rdata/index.js';
import type { RrsigData } from '../rdata/rrsig.js';
import type { RRset } from '../records.js';
import { RRClass, RRType } from '../types.js';
import { signData, type SigningKey } from './key.js';

/** When a signature is valid: seconds since 1970 (written modulo 2^32, RFC 4034 §3.1.5). */
export interface ValidityWindow {
  readonly inception: number;
  readonly expiration: number;
}

/** RFC 4034 §3.1.3: the owner's labels, a leading wildcard label not counted. */
export function rrsigLabels(owner: Name): number {
  const key = owner.key;
  return owner.labelCount > 0 && key.charCodeAt(0) === 1 && key.charCodeAt(1) === 0x2a ? owner.labelCount - 1 : owner.labelCount;
}

/**
 * The RRset's records in canonical form and order (RFC 4034 §6.3), duplicates dropped: owner
 * lowercased, class IN, the original TTL, each rdata canonical. What the signature covers
 * after the RRSIG's own fields (§3.1.8.1).
 */
export function canonicalRRset(rrset: RRset, originalTtl = rrset.ttl): Buffer {
  const owner = Buffer.from(rrset.owner.key, 'latin1');
  const rdatas = rrset.rdatas.map(canonicalRdata).sort(Buffer.compare);
  const parts: Buffer[] = [];
  let previous: Buffer | undefined;
  for (const rd of rdatas) {
    if (previous && previous.equals(rd)) continue;
    previous = rd;
    const fixed = Buffer.alloc(10);
    fixed.writeUInt16BE(rrset.type, 0);
    fixed.writeUInt16BE(RRClass.IN, 2);
    fixed.writeUInt32BE(originalTtl >>> 0, 4);
    fixed.writeUInt16BE(rd.length, 8);
    parts.push(owner, fixed, rd);
  }
  return Buffer.concat(parts);
}

/** The RRSIG rdata fields before the signature, signer lowercased (RFC 4034 §3.1.8.1). */
function rrsigPrefix(rd: Omit<RrsigData, 'signature'>): Buffer {
  const fixed = Buffer.alloc(18);
  fixed.writeUInt16BE(rd.typeCovered, 0);
  fixed[2] = rd.algorithm;
  fixed[3] = rd.labels;
  fixed.writeUInt32BE(rd.originalTtl >>> 0, 4);
  fixed.writeUInt32BE(rd.expiration >>> 0, 8);
  fixed.writeUInt32BE(rd.inception >>> 0, 12);
  fixed.writeUInt16BE(rd.keyTag, 16);
  return Buffer.concat([fixed, Buffer.from(rd.signer.key, 'latin1')]);
}

/** The data an RRSIG with these fields signs over `rrset`, given in canonical form. */
export function signedData(rd: Omit<RrsigData, 'signature'>, canonical: Buffer): Buffer {
  return Buffer.concat([rrsigPrefix(rd), canonical]);
}

/**
 * The RRSIG over `rrset` by `key` for the zone `signer`, valid in `window`. `canonical` is
 * canonicalRRset(rrset) when the caller has it already.
 */
export function signRRset(rrset: RRset, key: SigningKey, signer: Name, window: ValidityWindow, canonical = canonicalRRset(rrset)): RrsigData {
  const typeCovered = rrset.type;
  const algorithm = key.algorithm;
  const labels = rrsigLabels(rrset.owner);
  const originalTtl = rrset.ttl;
  const expiration = window.expiration >>> 0;
  const inception = window.inception >>> 0;
  const keyTag = key.keyTag;
  const signature = signData(key, signedData({ kind: 'RRSIG', typeCovered, algorithm, labels, originalTtl, expiration, inception, keyTag, signer }, canonical));
  // One literal, not a spread of the fields: V8 gave each spread-and-frozen copy a hidden class
  // of its own (times above 2^30 are not small integers), 480 bytes per kept signature, not 110.
  return Object.freeze({ kind: 'RRSIG', typeCovered, algorithm, labels, originalTtl, expiration, inception, keyTag, signer, signature });
}

/** The RRSIG RRset of signatures over `rrset`: same owner (case as written) and TTL (RFC 4034 §3). */
export function rrsigRRset(rrset: RRset, rrsigs: readonly RrsigData[]): RRset {
  return Object.freeze({ owner: rrset.owner, type: RRType.RRSIG, ttl: rrset.ttl, rdatas: Object.freeze(rrsigs) });
}

/** The keys that sign a zone now, by what they sign (a CSK is in both lists). */
export interface ActiveKeys {
  /** KSKs and CSKs: they sign the DNSKEY, CDS and CDNSKEY sets (RFC 7344 §4.1). */
  readonly keySigning: readonly SigningKey[];
  /** ZSKs and CSKs: they sign every other RRset. */
  readonly zoneSigning: readonly SigningKey[];
}

const KEY_SIGNED = new Set<number>([RRType.DNSKEY, RRType.CDS, RRType.CDNSKEY]);

/** The keys whose RRSIGs an RRset of `type` carries. */
export function keysFor(type: number, keys: ActiveKeys): readonly SigningKey[] {
  return KEY_SIGNED.has(type) ? keys.keySigning : keys.zoneSigning;
}
