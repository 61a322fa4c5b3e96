// A lookup result as a DNSSEC-aware resolver gets it (DO=1, RFC 4035 §3.1): every RRset from
// a signed zone with its RRSIGs, and negative answers with the NSEC records that prove them.
// lookup() decides what the answer is; this only adds the proof, so DO=0 answers stay exactly
// what they were (RFC 3225).

import { findZone, type Catalog } from '../catalog.js';
import type { LookupResult } from '../lookup.js';
import { rdataTarget } from '../rdata/index.js';
import type { RRset } from '../records.js';
import { RRType } from '../types.js';
import type { Zone } from '../zone.js';
import { compactNsec, nsecFor, NXNAME, wildcardKey } from './nsec.js';
import { isSigned, type SignedZone } from './signed-zone.js';

export interface SignedAnswer {
  readonly kind: 'answer' | 'nodata' | 'nxdomain';
  readonly answer: readonly RRset[];
  readonly authority: readonly RRset[];
  readonly additional: readonly RRset[];
  /** The earliest expiration (seconds) of the signatures carried; Infinity when none. */
  readonly expiration: number;
  /**
   * For a negative answer without a CNAME before it: what tells its body apart from the zone's
   * other negative bodies (its NSEC interval, or the name that has no such type). Every name
   * with the same one gets the same bytes, so they are compiled once, never per name asked.
   */
  readonly shared: string | undefined;
}

/** Sections being filled: RRsets with their signatures, and the earliest expiration. */
class Signing {
  expiration = Infinity;
  constructor(private readonly catalog: Catalog) {}

  /** `rrset` (of zone `zone`, or of the zone served here that holds its owner), then its RRSIGs when that zone is signed. */
  add(out: RRset[], rrset: RRset, zone?: Zone): void {
    out.push(rrset);
    const z = zone ?? findZone(this.catalog, rrset.owner.key);
    if (z && isSigned(z)) this.signatures(out, z.signatures.rrsig(z, rrset));
  }

  /** An RRset made for this answer alone (compact denial), signed but not kept. */
  addOnce(out: RRset[], rrset: RRset, zone: SignedZone): void {
    out.push(rrset);
    this.signatures(out, zone.signatures.rrsigOnce(zone, rrset));
  }

  private signatures(out: RRset[], rrsigs: RRset): void {
    out.push(rrsigs);
    for (const rd of rrsigs.rdatas) if (rd.kind === 'RRSIG' && rd.expiration < this.expiration) this.expiration = rd.expiration;
  }
}

/**
 * The DO=1 form of `result`, the lookup of the name with key `nameKey` (lowercased wire) and
 * type `qtype`. `compactOk`: the query set the CO flag (RFC 9824 §4), so a compact denial of a
 * name that does not exist may say NXDOMAIN.
 */
export function signedAnswer(catalog: Catalog, result: Exclude<LookupResult, { kind: 'refused' }>, nameKey: string, qtype: number, compactOk = false): SignedAnswer {
  const s = new Signing(catalog);
  const answer: RRset[] = [];
  for (const rrset of result.answer) s.add(answer, rrset);
  if (result.kind === 'answer') {
    const additional: RRset[] = [];
    for (const rrset of result.additional) s.add(additional, rrset);
    return { kind: 'answer', answer, authority: [], additional, expiration: s.expiration, shared: undefined };
  }
  // The name the negative is about: the qname, or the end of the CNAME chain before it.
  const last = result.answer[result.answer.length - 1];
  const finalKey = last ? rdataTarget(last.rdatas[0]!)!.key : nameKey;
  const zone = last ? findZone(catalog, finalKey)! : result.zone;
  const authority: RRset[] = [];
  const plain = (): SignedAnswer => ({ kind: result.kind, answer, authority: [result.authority], additional: [], expiration: s.expiration, shared: undefined });
  if (!isSigned(zone)) return plain();
  const chained = last !== undefined;
  const node = zone.nodes.get(finalKey);

  // RFC 4035 §3.1.3.1 would have the RRSIGs at a name answer an RRSIG query; they are its data here.
  if (!chained && node && node.rrsets.size > 0 && qtype === RRType.RRSIG) {
    for (const rrset of node.rrsets.values()) answer.push(zone.signatures.rrsig(zone, rrset));
    for (const rd of answer.flatMap((a) => a.rdatas)) if (rd.kind === 'RRSIG' && rd.expiration < s.expiration) s.expiration = rd.expiration;
    return { kind: 'answer', answer, authority: [], additional: [], expiration: s.expiration, shared: undefined };
  }

  s.add(authority, result.authority, zone);
  if (zone.keys.denial === 'compact') {
    // RFC 9824 §3: the name exists, with only RRSIG and NSEC (and NXNAME when it does not).
    const types = node ? [...node.rrsets.keys()] : [NXNAME];
    s.addOnce(authority, compactNsec(finalKey, types, zone.negativeSoa.ttl), zone);
    const kind = node || !compactOk ? 'nodata' : 'nxdomain';
    return { kind, answer, authority, additional: [], expiration: s.expiration, shared: undefined };
  }

  const chain = zone.chain();
  // An NSEC RRset is asked for by type: it is data at every name of the chain.
  if (!chained && node && qtype === RRType.NSEC) {
    const at = nsecFor(chain, finalKey);
    if (at.match) {
      const out: RRset[] = [];
      s.add(out, chain.rrsets[at.index]!, zone);
      return { kind: 'answer', answer: out, authority: [], additional: [], expiration: s.expiration, shared: undefined };
    }
  }
  let shared: string;
  if (result.kind === 'nodata') {
    // The name's own NSEC shows the type is not there (§3.1.3.1); an empty non-terminal has
    // none, and the NSEC covering it shows only that nothing but its descendants exists.
    const at = nsecFor(chain, finalKey);
    s.add(authority, chain.rrsets[at.index]!, zone);
    shared = at.match ? `n${at.index}` : `e${at.index}`;
  } else {
    // §3.1.3.2: an NSEC covering the name, and one showing no wildcard at its closest encloser.
    const cover = nsecFor(chain, finalKey).index;
    const wildcard = nsecFor(chain, wildcardKey(closestEncloser(zone, finalKey))).index;
    s.add(authority, chain.rrsets[cover]!, zone);
    if (wildcard !== cover) s.add(authority, chain.rrsets[wildcard]!, zone);
    shared = `x${cover},${wildcard}`;
  }
  return { kind: result.kind, answer, authority, additional: [], expiration: s.expiration, shared: chained ? undefined : shared };
}

/** The key of the longest existing ancestor of a name that does not exist (RFC 4592 §3.3.1); the apex at worst. */
export function closestEncloser(zone: Zone, nameKey: string): string {
  const nodes = zone.nodes;
  for (let at = nameKey.charCodeAt(0) + 1; at < nameKey.length; at += nameKey.charCodeAt(at) + 1) {
    const suffix = nameKey.slice(at);
    if (nodes.has(suffix) || suffix === zone.origin.key) return suffix;
  }
  return zone.origin.key;
}
