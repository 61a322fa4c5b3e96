// Denial of existence with NSEC (RFC 4034 §4, RFC 4035 §3.1.3): one NSEC per name that holds
// data, in canonical order, each naming the next and the types present. Built once per zone,
// at its first negative DNSSEC answer; every name that does not exist falls in one of its
// intervals, so answers for nonexistent names cost no memory or signature per name asked.
// Compact denial (RFC 9824) is the alternative: one NSEC made per name asked, never walkable.

import { Buffer } from 'node:buffer';
import { joinName, MAX_NAME_WIRE, nameFromWire, wireText, type Name } from '../name.js';
import type { NsecData } from '../rdata/nsec.js';
import type { RRset } from '../records.js';
import { RRType } from '../types.js';
import { delegationOf } from '../lookup.js';
import type { Zone } from '../zone.js';
import { canonicalSortKey } from './canonical.js';
import { typesPresent } from './cuts.js';

/** RFC 9824 §2: the type compact denial puts in the bitmap of a name that does not exist. */
export const NXNAME = 128;

export interface NsecChain {
  /** canonicalSortKey of each owner, ascending: the order of the chain. */
  readonly sortKeys: readonly string[];
  /** The NSEC RRset of each owner, alongside; owner and next name lowercased. */
  readonly rrsets: readonly RRset[];
}

/** The name with this key, lowercased (keys are lowercased wire forms). */
export function lowercased(nameKey: string): Name {
  return nameFromWire(Buffer.from(nameKey, 'latin1'));
}

/** The name itself when it is written in lower case already (most are): one object fewer per link. */
function lowercaseName(n: Name): Name {
  return wireText(n) === n.key ? n : lowercased(n.key);
}

/** Type lists, one object each: most links of most zones list one of a few. */
const typeLists = new Map<string, readonly number[]>();

/** The types an NSEC lists: those present at its owner, RRSIG and NSEC (RFC 4034 §4.1.2). */
function typesAt(present: readonly number[], extra: readonly number[]): readonly number[] {
  const types = [...new Set([...present, ...extra])].sort((a, b) => a - b);
  const key = types.join(',');
  let shared = typeLists.get(key);
  if (!shared) {
    shared = Object.freeze(types);
    if (typeLists.size < 1000) typeLists.set(key, shared);
  }
  return shared;
}

/**
 * The chain over the nodes of `zone` (apex included): a link for every node with data; empty
 * non-terminals get none (RFC 4035 §2.3), the link before them covers them; nor do names below
 * a zone cut (glue, occluded data), and the link at a cut lists NS and DS alone (§2.3, RFC 4034
 * §4.1.2). `ttl` is the negative TTL, min(SOA TTL, MINIMUM) (RFC 9077).
 */
export function buildNsecChain(zone: Zone, ttl: number): NsecChain {
  const links = [...zone.nodes.values()]
    .filter((n) => n.rrsets.size > 0 && delegationOf(zone, n.name.key) !== 'below')
    .map((node) => ({ node, sortKey: canonicalSortKey(node.name.key) }));
  links.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
  const owners = links.map((l) => lowercaseName(l.node.name));
  const rrsets = links.map((l, i): RRset => {
    const rdata: NsecData = Object.freeze({ kind: 'NSEC', next: owners[(i + 1) % owners.length]!, types: typesAt(typesPresent(zone, l.node), [RRType.RRSIG, RRType.NSEC]) });
    return Object.freeze({ owner: owners[i]!, type: RRType.NSEC, ttl, rdatas: Object.freeze([rdata]) });
  });
  return Object.freeze({ sortKeys: Object.freeze(links.map((l) => l.sortKey)), rrsets: Object.freeze(rrsets) });
}

/**
 * The link whose owner is the name with key `nameKey` (`match`), or whose interval covers it
 * (the last owner before it; wrapping to the last link, which no name of the zone needs: the
 * apex comes first).
 */
export function nsecFor(chain: NsecChain, nameKey: string): { readonly index: number; readonly match: boolean } {
  const key = canonicalSortKey(nameKey);
  const keys = chain.sortKeys;
  let lo = 0;
  let hi = keys.length - 1;
  let found = keys.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]! <= key) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return { index: found, match: keys[found] === key };
}

/** The key of `*.` + the name with key `nameKey`: the wildcard a nonexistent name could have matched. */
export function wildcardKey(nameKey: string): string {
  return '\x01*' + nameKey;
}

/**
 * RFC 9824 §3: the NSEC compact denial makes for one name, proving only that name: its next
 * name is the name's immediate successor `\000.name`, and its types are `types` (RRSIG and
 * NSEC added).
 */
export function compactNsec(nameKey: string, types: readonly number[], ttl: number): RRset {
  const owner = lowercased(nameKey);
  // The immediate successor; a name too long for another label gets its first label's last octet raised.
  let next: Name;
  if (nameKey.length + 2 <= MAX_NAME_WIRE) {
    next = joinName('\x01\x00', '\x01\x00', 1, owner);
  } else {
    const len = nameKey.charCodeAt(0);
    const last = nameKey.charCodeAt(len);
    next = lowercased(nameKey.slice(0, len) + String.fromCharCode(Math.min(last + 1, 0xff)) + nameKey.slice(len + 1));
  }
  const rdata: NsecData = Object.freeze({ kind: 'NSEC', next, types: Object.freeze([...new Set([...types, RRType.RRSIG, RRType.NSEC])].sort((a, b) => a - b)) });
  return Object.freeze({ owner, type: RRType.NSEC, ttl, rdatas: Object.freeze([rdata]) });
}
