// lookup(nameKey, qtype): what an authoritative server answers, as a typed result (RFC 1034
// §4.3.2). The one producer of an answer's content: the served path compiles whatever kind it
// returns (wire/compile.ts maps the kind to an rcode). Lookups never throw.

import { findZone, type Catalog } from './catalog.js';
import type { Name } from './name.js';
import { addsTargetAddresses, rdataTarget } from './rdata/index.js';
import type { RRset } from './records.js';
import { RRType } from './types.js';
import type { Zone } from './zone.js';

export type LookupResult =
  /** No zone served here encloses the name: REFUSED, never recursion. */
  | { readonly kind: 'refused' }
  /** The RRset asked for (after the CNAMEs leading to it, if any) and its targets' addresses. */
  | { readonly kind: 'answer'; readonly zone: Zone; readonly answer: readonly RRset[]; readonly additional: readonly RRset[] }
  /** The name exists without that type (or a CNAME chain ends at such a name): SOA in authority. */
  | { readonly kind: 'nodata'; readonly zone: Zone; readonly answer: readonly RRset[]; readonly authority: RRset }
  /** The name does not exist (or a CNAME chain ends at one: RFC 6604 keeps the chain). */
  | { readonly kind: 'nxdomain'; readonly zone: Zone; readonly answer: readonly RRset[]; readonly authority: RRset };

export type LookupKind = LookupResult['kind'];

/**
 * A negative answer with no CNAME before it: the same for every name of its zone (RFC 2308
 * §2.1, §2.2), so the served path keeps one per zone, never one per name asked.
 */
export function isZoneNegative(r: LookupResult): r is Extract<LookupResult, { kind: 'nodata' | 'nxdomain' }> {
  return (r.kind === 'nxdomain' || r.kind === 'nodata') && r.answer.length === 0;
}

/** Chains longer than this are cut: a loop, or a configuration no resolver would follow. */
const MAX_CNAME_CHAIN = 12;

const NOTHING: readonly RRset[] = Object.freeze([]);

/**
 * The answer for the name whose key (lowercased wire form, as latin1: Name.key, or what the
 * query parser makes of the question) is `nameKey`, and type `qtype`.
 */
export function lookup(catalog: Catalog, nameKey: string, qtype: number): LookupResult {
  const zone = findZone(catalog, nameKey);
  if (!zone) return { kind: 'refused' };

  let answer: RRset[] | undefined;
  let seen: Set<string> | undefined;
  let currentZone = zone;
  let currentKey = nameKey;
  for (;;) {
    const node = currentZone.nodes.get(currentKey);
    if (!node) return { kind: 'nxdomain', zone, answer: answer ?? NOTHING, authority: currentZone.negativeSoa };
    const cname = qtype === RRType.CNAME ? undefined : node.rrsets.get(RRType.CNAME);
    if (cname) {
      (answer ??= []).push(cname);
      (seen ??= new Set()).add(currentKey);
      const target = rdataTarget(cname.rdatas[0]!)!;
      const nextZone = findZone(catalog, target.key);
      // Out-of-zone target, or a loop: the chain so far is the whole answer.
      if (!nextZone || seen.has(target.key) || answer.length >= MAX_CNAME_CHAIN) return { kind: 'answer', zone, answer, additional: NOTHING };
      currentZone = nextZone;
      currentKey = target.key;
      continue;
    }
    const rrset = qtype === RRType.ANY ? firstRRset(node.rrsets) : node.rrsets.get(qtype);
    if (!rrset) return { kind: 'nodata', zone, answer: answer ?? NOTHING, authority: currentZone.negativeSoa };
    (answer ??= []).push(rrset);
    return { kind: 'answer', zone, answer, additional: additionalFor(catalog, rrset) };
  }
}

/** RFC 8482: ANY gets one RRset, not the node's whole contents. */
function firstRRset(rrsets: ReadonlyMap<number, RRset>): RRset | undefined {
  for (const rrset of rrsets.values()) return rrset;
  return undefined;
}

/**
 * A and AAAA of the targets of an SRV, MX or NS set, from zones served here only: anything
 * else would not be authoritative data.
 */
export function additionalFor(catalog: Catalog, rrset: RRset): readonly RRset[] {
  if (!addsTargetAddresses(rrset.type)) return NOTHING;
  const out: RRset[] = [];
  const done = new Set<string>();
  for (const rdata of rrset.rdatas) {
    const target: Name | undefined = rdataTarget(rdata);
    if (!target || target.labelCount === 0 || done.has(target.key)) continue;
    done.add(target.key);
    const node = findZone(catalog, target.key)?.nodes.get(target.key);
    if (!node) continue;
    const a = node.rrsets.get(RRType.A);
    const aaaa = node.rrsets.get(RRType.AAAA);
    if (a) out.push(a);
    if (aaaa) out.push(aaaa);
  }
  return out;
}
