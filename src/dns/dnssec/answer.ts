// A lookup result as a DNSSEC-aware resolver gets it (DO=1, RFC 4035 §3.1): every RRset from
// a signed zone with its RRSIGs, and negative answers with the NSEC records that prove them.
// lookup() decides what the answer is; this only adds the proof, so DO=0 answers stay exactly
// what they were (RFC 3225). In two steps: which records prove the answer (cheap, no
// signature), then the signatures, so that a negative answer already compiled for its NSEC
// interval costs no signing work at all.

import { findZone, type Catalog } from '../catalog.js';
import { answeringZone, type LookupResult } from '../lookup.js';
import { rdataTarget } from '../rdata/index.js';
import type { RRset } from '../records.js';
import { RRType } from '../types.js';
import type { Zone } from '../zone.js';
import { isSignedData, typesPresent } from './cuts.js';
import { compactNsec, nsecFor, NXNAME, wildcardKey } from './nsec.js';
import { isSigned, type SignedZone } from './signed-zone.js';

/** An RRset of an answer, and how it is signed. */
interface Part {
  readonly rrset: RRset;
  /** The signed zone it belongs to; undefined: unsigned data. */
  readonly zone: SignedZone | undefined;
  /** 'kept': signed through the zone's store; 'once': made for this answer only; 'only': its RRSIGs alone. */
  readonly how: 'kept' | 'once' | 'only';
  /**
   * The RRset whose kept signature this one carries: the wildcard it was synthesized from
   * (RFC 4035 §3.1.3.3). Its RRSIGs are presented with the name asked as owner; their labels
   * field counts the wildcard's labels (RFC 4034 §3.1.3), which tells a validator to check it
   * against `*.` and the closest encloser.
   */
  readonly signedAs?: RRset;
  /**
   * The RRset as the zone holds it, when `rrset` is served with a lower TTL: the negative SOA
   * (RFC 9077) carries the zone's own RRSIGs over the SOA, whose Original TTL is the zone's
   * (RFC 4034 §3.1.4), at the TTL served. One signature for both, as secondaries serve it.
   */
  readonly heldAs?: RRset;
}

export interface Proof {
  readonly kind: 'answer' | 'nodata' | 'nxdomain' | 'referral';
  readonly answer: readonly Part[];
  readonly authority: readonly Part[];
  readonly additional: readonly Part[];
  /** The zone a negative answer is about (where its NSEC records come from). */
  readonly zone: Zone;
  /**
   * For a negative answer or a referral with no CNAME before it: what tells its body apart from
   * the zone's other such bodies (its NSEC interval, the name without that type, the zone cut).
   * Every name with the same one gets the same bytes: compiled once, never per name asked.
   */
  readonly shared: string | undefined;
}

export interface SignedAnswer {
  readonly kind: Proof['kind'];
  readonly answer: readonly RRset[];
  readonly authority: readonly RRset[];
  readonly additional: readonly RRset[];
  /** The earliest expiration (seconds) of the signatures carried; Infinity when none. */
  readonly expiration: number;
}

/**
 * An RRset as its zone signs it: glue and the NS set at a cut go unsigned (RFC 4035 §2.2). One
 * synthesized from a wildcard carries the wildcard's signature, kept once for every name it
 * answers; in a compact denial zone it is signed as if the name asked owned it, for this answer
 * only (RFC 9824 §3.3: no proof that a closer name does not exist is then needed).
 */
function part(catalog: Catalog, rrset: RRset, zone?: Zone): Part {
  const z = zone ?? answeringZone(catalog, rrset.owner.key, rrset.type);
  const signed = z && isSigned(z) && isSignedData(z, rrset) ? z : undefined;
  if (signed && rrset.wildcard) return signed.keys.denial === 'compact' ? { rrset, zone: signed, how: 'once' } : { rrset, zone: signed, how: 'kept', signedAs: rrset.wildcard };
  return { rrset, zone: signed, how: 'kept' };
}

/**
 * An address RRset of the additional section. One synthesized from a wildcard is left out of
 * an NSEC zone's DO=1 answer: its signature would validate only beside an NSEC proving that the
 * target does not exist (RFC 4035 §5.3.4), which has no place in an answer about another name;
 * a resolver that wants the addresses asks for them and gets the proof then. Undefined: left out.
 */
function additionalPart(catalog: Catalog, rrset: RRset, zone?: Zone): Part | undefined {
  const p = part(catalog, rrset, zone);
  return p.signedAs ? undefined : p;
}

/** `parts` with each part whose RRset is in it already left out (one NSEC may prove two things). */
function distinct(parts: readonly Part[]): readonly Part[] {
  const first = (p: Part, i: number): boolean => parts.findIndex((q) => q.rrset === p.rrset) === i;
  return parts.every(first) ? parts : parts.filter(first);
}

/**
 * RFC 4035 §3.1.3.3: for every RRset of `parts` synthesized from a wildcard in an NSEC zone,
 * the NSEC covering the next closer name (the name asked cut to one label below the closest
 * encloser): no name closer to the one asked exists, so the wildcard answers. One per NSEC
 * interval, kept and signed once, whatever name was asked.
 */
function wildcardProofs(parts: readonly Part[]): readonly Part[] {
  let out: Part[] | undefined;
  for (const p of parts) {
    if (!p.signedAs || !p.zone) continue;
    const chain = p.zone.chain();
    const encloser = p.signedAs.owner.key.slice(2); // after the `*` label
    (out ??= []).push({ rrset: chain.rrsets[nsecFor(chain, nextCloser(p.rrset.owner.key, encloser)).index]!, zone: p.zone, how: 'kept' });
  }
  return out ?? NO_PARTS;
}

const NO_PARTS: readonly Part[] = Object.freeze([]);

/** The ancestor of the name with key `nameKey` (or the name itself) one label below `encloserKey`. */
export function nextCloser(nameKey: string, encloserKey: string): string {
  let key = nameKey;
  for (let parent = key.slice(key.charCodeAt(0) + 1); parent !== encloserKey && parent.length > 0; parent = key.slice(key.charCodeAt(0) + 1)) key = parent;
  return key;
}

/**
 * What proves `result`, the lookup of the name with key `nameKey` (lowercased wire) and type
 * `qtype`, to a validating resolver. `compactOk`: the query set the CO flag (RFC 9824 §5), so
 * a compact denial of a name that does not exist may say NXDOMAIN.
 */
export function dnssecProof(catalog: Catalog, result: Exclude<LookupResult, { kind: 'refused' }>, nameKey: string, qtype: number, compactOk = false): Proof {
  const answer = result.answer.map((r) => part(catalog, r));
  // Synthesized RRsets in the answer (a wildcard answer, or a wildcard CNAME on the way).
  const proofs = wildcardProofs(answer);
  if (result.kind === 'referral') return referralProof(catalog, result, answer, proofs);
  if (result.kind === 'answer') {
    const additional = result.additional.flatMap((r) => additionalPart(catalog, r) ?? []);
    return { kind: 'answer', answer, authority: distinct(proofs), additional, zone: result.zone, shared: undefined };
  }
  // The name the negative is about: the qname, or the end of the CNAME chain before it.
  const last = result.answer[result.answer.length - 1];
  const finalKey = last ? rdataTarget(last.rdatas[0]!)!.key : nameKey;
  const zone = last ? answeringZone(catalog, finalKey, qtype)! : result.zone;
  const negative = (authority: Part[], kind: Proof['kind'] = result.kind, shared?: string): Proof => ({
    kind,
    answer,
    authority: distinct([...authority, ...proofs]),
    additional: [],
    zone,
    shared: last ? undefined : shared,
  });
  if (!isSigned(zone)) return negative([part(catalog, result.authority, zone)]);
  const node = zone.nodes.get(finalKey);
  const soa: Part = { rrset: result.authority, zone, how: 'kept', heldAs: zone.soa };
  // NODATA at a name that does not exist: a wildcard matched it without the type (RFC 4592).
  const wildcard = !node && result.kind === 'nodata' ? zone.nodes.get(wildcardKey(closestEncloser(zone, finalKey))) : undefined;

  // An RRSIG query at a name with data: its RRSIGs are the answer (RFC 4035 §3.1.5 leaves it open; Knot does so).
  if (!last && node && node.rrsets.size > 0 && qtype === RRType.RRSIG) {
    return { kind: 'answer', answer: [...node.rrsets.values()].map((rrset) => ({ rrset, zone, how: 'only' })), authority: [], additional: [], zone, shared: undefined };
  }
  if (zone.keys.denial === 'compact') {
    // RFC 9824 §3: the name exists, with no type but RRSIG and NSEC (and NXNAME when it does not);
    // §3.3: a name a wildcard matches exists, with the wildcard's types.
    const at = node ?? wildcard;
    const nsec = compactNsec(finalKey, at ? typesPresent(zone, at) : [NXNAME], zone.negativeSoa.ttl);
    return negative([soa, { rrset: nsec, zone, how: 'once' }], at || !compactOk ? 'nodata' : 'nxdomain');
  }
  const chain = zone.chain();
  const link = (i: number): Part => ({ rrset: chain.rrsets[i]!, zone, how: 'kept' });
  const at = nsecFor(chain, finalKey);
  // An NSEC query at a name of the chain: its NSEC is data there.
  if (!last && node && at.match && qtype === RRType.NSEC) return { kind: 'answer', answer: [link(at.index)], authority: [], additional: [], zone, shared: undefined };
  if (wildcard) {
    // §3.1.3.4: the wildcard's NSEC shows the type absent there, and the NSEC covering the next
    // closer name that no closer name exists; often one NSEC does both.
    const own = nsecFor(chain, wildcard.name.key).index;
    const cover = nsecFor(chain, nextCloser(finalKey, wildcard.name.key.slice(2))).index;
    return negative([soa, link(own), link(cover)], 'nodata', `w${own},${cover}`);
  }
  if (result.kind === 'nodata') {
    // §3.1.3.1: the name's own NSEC shows the type is not there. An empty non-terminal has
    // none; the NSEC covering it shows that nothing but its descendants exists (RFC 4035 §3.1.3.2, RFC 8020).
    return negative([soa, link(at.index)], 'nodata', at.match ? `n${at.index}` : `e${at.index}`);
  }
  // §3.1.3.2: an NSEC covering the name, and one showing no wildcard at its closest encloser.
  const wildcardDenial = nsecFor(chain, wildcardKey(closestEncloser(zone, finalKey))).index;
  return negative([soa, link(at.index), link(wildcardDenial)], 'nxdomain', `x${at.index},${wildcardDenial}`);
}

/**
 * RFC 4035 §3.1.4: a referral from a signed zone carries the cut's NS set unsigned, and the DS
 * set with its RRSIGs, or else the NSEC at the cut proving there is no DS (an insecure
 * delegation). Glue unsigned in additional; no AA. One body per cut, whatever name was asked.
 * `proofs`: the NSECs behind a wildcard CNAME on the way there.
 */
function referralProof(catalog: Catalog, result: Extract<LookupResult, { kind: 'referral' }>, answer: Part[], proofs: readonly Part[]): Proof {
  const cutKey = result.ns.owner.key;
  const zone = findZone(catalog, cutKey) ?? result.zone;
  const authority: Part[] = [{ rrset: result.ns, zone: undefined, how: 'kept' }];
  const cut = zone.nodes.get(cutKey);
  if (isSigned(zone) && cut) {
    const ds = cut.rrsets.get(RRType.DS);
    if (ds) authority.push({ rrset: ds, zone, how: 'kept' });
    // Compact denial (RFC 9824) has no chain: the NSEC it makes at the cut is the same at every
    // ask (owner, next name and types are the cut's), so the store keeps its signature once.
    else if (zone.keys.denial === 'compact') authority.push({ rrset: compactNsec(cutKey, typesPresent(zone, cut), zone.negativeSoa.ttl), zone, how: 'kept' });
    else {
      const chain = zone.chain();
      authority.push({ rrset: chain.rrsets[nsecFor(chain, cutKey).index]!, zone, how: 'kept' });
    }
  }
  const additional = result.additional.flatMap((r) => additionalPart(catalog, r, zone) ?? []);
  return { kind: 'referral', answer, authority: distinct([...authority, ...proofs]), additional, zone, shared: answer.length === 0 ? `r${cutKey}` : undefined };
}

/** The proof with its signatures: each RRset followed by its RRSIGs, made or kept by its zone's signer. */
export function signProof(proof: Proof): SignedAnswer {
  let expiration = Infinity;
  const sign = (parts: readonly Part[]): RRset[] => {
    const out: RRset[] = [];
    for (const p of parts) {
      if (p.how !== 'only') out.push(p.rrset);
      if (!p.zone) continue;
      const keptAs = p.signedAs ?? p.heldAs;
      const rrsigs =
        p.how === 'once' ? p.zone.signatures.rrsigOnce(p.zone, p.rrset) : keptAs ? servedAs(p.zone.signatures.rrsig(p.zone, keptAs), p.rrset) : p.zone.signatures.rrsig(p.zone, p.rrset);
      out.push(rrsigs);
      for (const rd of rrsigs.rdatas) if (rd.kind === 'RRSIG' && rd.expiration < expiration) expiration = rd.expiration;
    }
    return out;
  };
  return { kind: proof.kind, answer: sign(proof.answer), authority: sign(proof.authority), additional: sign(proof.additional), expiration };
}

/**
 * The RRSIGs kept for another RRset as `rrset` is served: owned by the name asked (a wildcard's,
 * RFC 4035 §3.1.3.3) and at the TTL served (the negative SOA, RFC 9077); their data, the labels
 * field and Original TTL included, stay as signed.
 */
function servedAs(rrsigs: RRset, rrset: RRset): RRset {
  return rrsigs.owner === rrset.owner && rrsigs.ttl === rrset.ttl ? rrsigs : Object.freeze({ owner: rrset.owner, type: rrsigs.type, ttl: rrset.ttl, rdatas: rrsigs.rdatas });
}

/** The key of the longest existing ancestor of a name that does not exist (RFC 4592 §3.3.1); the apex at worst. */
export function closestEncloser(zone: Zone, nameKey: string): string {
  const nodes = zone.nodes;
  for (let at = nameKey.charCodeAt(0) + 1; at < nameKey.length; at += nameKey.charCodeAt(at) + 1) {
    const suffix = nameKey.slice(at);
    if (suffix === zone.origin.key || nodes.has(suffix)) return suffix;
  }
  return zone.origin.key;
}
