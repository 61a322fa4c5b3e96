// lookup(qname, qtype): what an authoritative server answers, as a typed result (RFC 1034
// §4.3.2). The caller (server/handler) turns the kind into an rcode; lookups never throw.

import { findZone, type Catalog } from './catalog.js';
import type { Name } from './name.js';
import { rdataTarget, type RRset } from './records.js';
import { RRType } from './types.js';
import type { Zone } from './zone.js';

export type LookupResult =
  /** No zone served here encloses the name: REFUSED, never recursion. */
  | { readonly kind: 'refused' }
  | { readonly kind: 'answer'; readonly zone: Zone; readonly answer: readonly RRset[]; readonly additional: readonly RRset[] }
  /** Name exists without that type (or a CNAME chain ends at such a name): SOA in authority. */
  | { readonly kind: 'nodata'; readonly zone: Zone; readonly answer: readonly RRset[]; readonly authority: RRset }
  /** Name does not exist (or a CNAME chain ends at one: RFC 6604 keeps the chain in the answer). */
  | { readonly kind: 'nxdomain'; readonly zone: Zone; readonly answer: readonly RRset[]; readonly authority: RRset };

/** Chains longer than this are cut: a loop, or a configuration no resolver would follow. */
const MAX_CNAME_CHAIN = 12;

/** Types whose targets get their addresses in the additional section (RFC 2782, RFC 1035 §3.3.9). */
const ADDITIONAL_FOR = new Set<number>([RRType.SRV, RRType.MX, RRType.NS]);

export function lookup(catalog: Catalog, qname: Name, qtype: number): LookupResult {
  const zone = findZone(catalog, qname.key);
  if (!zone) return { kind: 'refused' };

  const answer: RRset[] = [];
  const seen = new Set<string>();
  let currentZone = zone;
  let currentKey = qname.key;
  for (;;) {
    const node = currentZone.nodes.get(currentKey);
    if (!node) return { kind: 'nxdomain', zone, answer, authority: currentZone.negativeSoa };
    const cname = node.rrsets.get(RRType.CNAME);
    if (cname && qtype !== RRType.CNAME) {
      answer.push(cname);
      seen.add(currentKey);
      const target = (cname.rdatas[0] as { target: Name }).target;
      const nextZone = findZone(catalog, target.key);
      // Out-of-zone target, or a loop: the chain so far is the whole answer.
      if (!nextZone || seen.has(target.key) || answer.length >= MAX_CNAME_CHAIN) {
        return { kind: 'answer', zone, answer, additional: [] };
      }
      currentZone = nextZone;
      currentKey = target.key;
      continue;
    }
    const rrset = qtype === RRType.ANY ? firstRRset(node.rrsets) : node.rrsets.get(qtype);
    if (!rrset) return { kind: 'nodata', zone, answer, authority: currentZone.negativeSoa };
    answer.push(rrset);
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
export function additionalFor(catalog: Catalog, rrset: RRset): RRset[] {
  if (!ADDITIONAL_FOR.has(rrset.type)) return [];
  const out: RRset[] = [];
  const done = new Set<string>();
  for (const rdata of rrset.rdatas) {
    const target = rdataTarget(rdata);
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
