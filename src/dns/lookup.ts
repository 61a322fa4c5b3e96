// lookup(nameKey, qtype): what an authoritative server answers, as a typed result (RFC 1034
// §4.3.2). The one producer of an answer's content: the served path compiles whatever kind it
// returns (wire/compile.ts maps the kind to an rcode). Lookups never throw.

import { findZone, type Catalog } from './catalog.js';
import { nameFromKey, type Name } from './name.js';
import { addsTargetAddresses, rdataTarget } from './rdata/index.js';
import type { RRset } from './records.js';
import { sortedIndexOf } from './sorted.js';
import { RRType } from './types.js';
import type { Zone, ZoneNode } from './zone.js';

export type LookupResult =
  /** No zone served here encloses the name: REFUSED, never recursion. */
  | { readonly kind: 'refused' }
  /** The RRset asked for (after the CNAMEs leading to it, if any) and its targets' addresses. */
  | { readonly kind: 'answer'; readonly zone: Zone; readonly answer: readonly RRset[]; readonly additional: readonly RRset[] }
  /** The name exists without that type (or a CNAME chain ends at such a name): SOA in authority. */
  | { readonly kind: 'nodata'; readonly zone: Zone; readonly answer: readonly RRset[]; readonly authority: RRset }
  /** The name does not exist (or a CNAME chain ends at one: RFC 6604 keeps the chain). */
  | { readonly kind: 'nxdomain'; readonly zone: Zone; readonly answer: readonly RRset[]; readonly authority: RRset }
  /**
   * The name is at or below a zone cut (RFC 1034 §4.3.2 step 3b): not authoritative here. The
   * cut's NS set goes in authority and the addresses of its targets at or below the cut (glue)
   * in additional, without AA; `answer` holds the CNAMEs that led there, if any.
   */
  | { readonly kind: 'referral'; readonly zone: Zone; readonly answer: readonly RRset[]; readonly ns: RRset; readonly additional: readonly RRset[] };

export type LookupKind = LookupResult['kind'];

/**
 * A negative answer with no CNAME before it: the same for every name of its zone (RFC 2308
 * §2.1, §2.2), so the served path keeps one per zone, never one per name asked.
 */
export function isZoneNegative(r: LookupResult): r is Extract<LookupResult, { kind: 'nodata' | 'nxdomain' }> {
  return (r.kind === 'nxdomain' || r.kind === 'nodata') && r.answer.length === 0;
}

/**
 * A referral with no CNAME before it: the same for every name at or below its cut, so the
 * served path keeps one per cut, never one per name asked (a flood of names under a
 * delegation costs no memory per name).
 */
export function isCutReferral(r: LookupResult): r is Extract<LookupResult, { kind: 'referral' }> {
  return r.kind === 'referral' && r.answer.length === 0;
}

/** Chains longer than this are cut: a loop, or a configuration no resolver would follow. */
const MAX_CNAME_CHAIN = 12;

const NOTHING: readonly RRset[] = Object.freeze([]);

/**
 * The answer for the name whose key (lowercased wire form, as latin1: Name.key, or what the
 * query parser makes of the question) is `nameKey`, and type `qtype`.
 */
export function lookup(catalog: Catalog, nameKey: string, qtype: number): LookupResult {
  const zone = answeringZone(catalog, nameKey, qtype);
  if (!zone) return { kind: 'refused' };

  let answer: RRset[] | undefined;
  let seen: Set<string> | undefined;
  let currentZone = zone;
  let currentKey = nameKey;
  /** The name being looked at, when known as written (a CNAME's target); else made from the key. */
  let currentName: Name | undefined;
  for (;;) {
    // Zone cuts first: below one, nothing here is authoritative, not even a name that exists.
    // DS at the cut itself is the parent's data (RFC 4035 §2.4), answered here.
    if (currentZone.cuts.length > 0) {
      const cut = cutAbove(currentZone, currentKey);
      if (cut && !(qtype === RRType.DS && cut.name.key === currentKey)) {
        const ns = cut.rrsets.get(RRType.NS)!;
        return { kind: 'referral', zone, answer: answer ?? NOTHING, ns, additional: glueFor(currentZone, ns) };
      }
    }
    let node = currentZone.nodes.get(currentKey);
    /** Set when the data comes from a wildcard (RFC 4592): its records take the name asked. */
    let synthesizedOwner: Name | undefined;
    if (!node) {
      node = currentZone.wildcards ? wildcardSource(currentZone, currentKey) : undefined;
      if (!node) return { kind: 'nxdomain', zone, answer: answer ?? NOTHING, authority: currentZone.negativeSoa };
      synthesizedOwner = currentName ?? nameFromKey(currentKey);
    }
    let cname = qtype === RRType.CNAME ? undefined : node.rrsets.get(RRType.CNAME);
    if (cname) {
      if (synthesizedOwner) cname = withOwner(cname, synthesizedOwner);
      (answer ??= []).push(cname);
      (seen ??= new Set()).add(currentKey);
      const target = rdataTarget(cname.rdatas[0]!)!;
      const nextZone = answeringZone(catalog, target.key, qtype);
      // Out-of-zone target, or a loop: the chain so far is the whole answer.
      if (!nextZone || seen.has(target.key) || answer.length >= MAX_CNAME_CHAIN) return { kind: 'answer', zone, answer, additional: NOTHING };
      currentZone = nextZone;
      currentKey = target.key;
      currentName = target;
      continue;
    }
    let rrset = qtype === RRType.ANY ? firstRRset(node.rrsets) : node.rrsets.get(qtype);
    if (!rrset) return { kind: 'nodata', zone, answer: answer ?? NOTHING, authority: currentZone.negativeSoa };
    if (synthesizedOwner) rrset = withOwner(rrset, synthesizedOwner);
    (answer ??= []).push(rrset);
    return { kind: 'answer', zone, answer, additional: additionalFor(catalog, rrset) };
  }
}

/**
 * The zone that answers type `qtype` at the name with key `key`: the one enclosing the name, but
 * for DS at the apex of a zone whose parent is served here too and delegates to it, the parent
 * (RFC 4035 §2.4, §3.1.4.1: the child answers DS only where it alone is served; a validator
 * asking the parent's server for the DS must get the parent's, signed by the parent's key).
 */
export function answeringZone(catalog: Catalog, key: string, qtype: number): Zone | undefined {
  const zone = findZone(catalog, key);
  if (qtype !== RRType.DS || !zone || zone.origin.key !== key || key.length <= 1) return zone;
  const parent = findZone(catalog, key.slice(key.charCodeAt(0) + 1));
  return parent && delegationOf(parent, key) === 'at' ? parent : zone;
}

/** RFC 8482: ANY gets one RRset, not the node's whole contents. */
function firstRRset(rrsets: ReadonlyMap<number, RRset>): RRset | undefined {
  for (const rrset of rrsets.values()) return rrset;
  return undefined;
}

/**
 * The RRset as synthesized from a wildcard: the same data, owned by the name asked, and the
 * wildcard's RRset beside it, whose RRSIG a DO=1 answer carries (one signature for every name).
 */
function withOwner(rrset: RRset, owner: Name): RRset {
  return { owner, type: rrset.type, ttl: rrset.ttl, rdatas: rrset.rdatas, wildcard: rrset };
}

/**
 * Where the name with key `key` stands against the zone cuts of `zone`: 'at' a cut (its NS set
 * and DS are all the parent holds there), 'below' one (glue, occluded data: not the zone's own,
 * never signed nor in the NSEC chain, RFC 4035 §2.2, §2.3), or undefined: the zone's own data.
 */
export function delegationOf(zone: Zone, key: string): 'at' | 'below' | undefined {
  if (zone.cuts.length === 0) return undefined;
  const cut = cutAbove(zone, key);
  return cut === undefined ? undefined : cut.name.key === key ? 'at' : 'below';
}

/**
 * The highest zone cut of `zone` at or above the name with key `key` (below the apex), if any:
 * RFC 1034 §4.3.2 step 3b stops at the first NS set met on the way down from the apex.
 */
function cutAbove(zone: Zone, key: string): ZoneNode | undefined {
  const cuts = zone.cuts;
  const apexLength = zone.origin.key.length;
  let found: string | undefined;
  for (let at = 0; key.length - at > apexLength; at += key.charCodeAt(at) + 1) {
    const suffix = at === 0 ? key : key.slice(at);
    if (sortedIndexOf(cuts, suffix) >= 0) found = suffix;
  }
  return found === undefined ? undefined : zone.nodes.get(found);
}

/**
 * RFC 4592 §3.3.1: the wildcard that answers for a name that does not exist: `*.` and its
 * closest encloser (the nearest ancestor that exists, empty non-terminals included). None when
 * the closest encloser has no wildcard child: an existing name, empty or not, blocks synthesis
 * from wildcards above it.
 */
function wildcardSource(zone: Zone, key: string): ZoneNode | undefined {
  const nodes = zone.nodes;
  const apexLength = zone.origin.key.length;
  for (let at = key.charCodeAt(0) + 1; key.length - at >= apexLength; at += key.charCodeAt(at) + 1) {
    const encloser = key.slice(at);
    if (encloser.length === apexLength || nodes.has(encloser)) return nodes.get('\x01*' + encloser);
  }
  return undefined;
}

/**
 * The A and AAAA that the zone holds for the cut's NS targets: glue at or below the cut, and
 * the zone's own data for targets elsewhere in it (as Knot adds them).
 */
function glueFor(zone: Zone, ns: RRset): readonly RRset[] {
  const out: RRset[] = [];
  for (const rdata of ns.rdatas) {
    const target = rdataTarget(rdata);
    if (target) addressesOf(zone, target, out);
  }
  return out.length ? out : NOTHING;
}

/**
 * Push the A and AAAA that `zone` holds for `target`: its own, or else those a wildcard
 * synthesizes for it (RFC 4592), owned by the target, as Knot adds them.
 */
function addressesOf(zone: Zone, target: Name, out: RRset[]): void {
  let node = zone.nodes.get(target.key);
  const synthesized = !node;
  if (!node && zone.wildcards) node = wildcardSource(zone, target.key);
  if (!node) return;
  const a = node.rrsets.get(RRType.A);
  const aaaa = node.rrsets.get(RRType.AAAA);
  if (a) out.push(synthesized ? withOwner(a, target) : a);
  if (aaaa) out.push(synthesized ? withOwner(aaaa, target) : aaaa);
}

/**
 * A and AAAA of the targets of an SRV, MX or NS set, from zones served here only: anything else
 * would not be data of ours. Glue below a zone cut counts, as Knot counts it.
 */
export function additionalFor(catalog: Catalog, rrset: RRset): readonly RRset[] {
  if (!addsTargetAddresses(rrset.type)) return NOTHING;
  const out: RRset[] = [];
  const done = new Set<string>();
  for (const rdata of rrset.rdatas) {
    const target: Name | undefined = rdataTarget(rdata);
    if (!target || target.labelCount === 0 || done.has(target.key)) continue;
    done.add(target.key);
    const zone = findZone(catalog, target.key);
    if (zone) addressesOf(zone, target, out);
  }
  return out;
}
