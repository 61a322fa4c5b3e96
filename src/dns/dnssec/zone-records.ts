// The whole signed zone as records, for zone transfers and `discodns export --signed`: every
// RRset with its RRSIGs, the NSEC chain with its RRSIGs, the apex DNSKEY, CDS and CDNSKEY.
// SOA first (AXFR ends with it again, RFC 5936 §2.2), the rest in canonical order. The NS set at
// a zone cut and the glue below it go unsigned (RFC 4035 §2.2): they are the child's data.

import type { RData, ResourceRecord, RRset } from '../records.js';
import { RRType } from '../types.js';
import { canonicalSortKey } from './canonical.js';
import { isSignedData } from './cuts.js';
import type { SignedZone } from './signed-zone.js';

function recordsOf(rrset: RRset): ResourceRecord[] {
  return rrset.rdatas.map((rdata: RData) => ({ owner: rrset.owner, type: rrset.type, ttl: rrset.ttl, rdata }));
}

/**
 * Every record of the signed zone, signatures included, each RRset followed by its RRSIGs.
 * Signs what the zone's signer does not hold fresh yet: for a zone never asked for over DO,
 * the whole zone (about 40 signatures for a mail domain).
 */
export function signedZoneRecords(zone: SignedZone): ResourceRecord[] {
  const out: ResourceRecord[] = [];
  const add = (rrset: RRset): void => {
    out.push(...recordsOf(rrset));
    if (isSignedData(zone, rrset)) out.push(...recordsOf(zone.signatures.rrsig(zone, rrset)));
  };
  add(zone.soa);
  const nodes = [...zone.nodes.values()].map((n) => ({ n, key: canonicalSortKey(n.name.key) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const chain = zone.chain();
  let link = 0;
  for (const { n, key } of nodes) {
    for (const rrset of n.rrsets.values()) if (rrset.type !== RRType.SOA) add(rrset);
    // Names below a cut have no link: the chain skips them, in the same order.
    if (chain.sortKeys[link] === key) add(chain.rrsets[link++]!);
  }
  return out;
}
