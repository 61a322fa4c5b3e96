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

/** What signs an RRset of the zone: by default the zone's own signer. */
export type RRsigOf = (rrset: RRset) => RRset;

/**
 * Every RRset of the signed zone, each followed by its RRSIG set, the SOA first, then the rest
 * in canonical order with each name's NSEC after its RRsets. A generator, so that a transfer of
 * a large zone holds one RRset at a time, not the whole signed zone.
 */
export function* signedZoneRRsets(zone: SignedZone, rrsigOf: RRsigOf = (rrset) => zone.signatures.rrsig(zone, rrset)): Generator<RRset> {
  // The NS set at a cut and glue go unsigned: the child's data (RFC 4035 §2.2).
  const signed = function* (rrset: RRset): Generator<RRset> {
    yield rrset;
    if (isSignedData(zone, rrset)) yield rrsigOf(rrset);
  };
  yield* signed(zone.soa);
  const nodes = [...zone.nodes.values()].map((n) => ({ n, key: canonicalSortKey(n.name.key) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const chain = zone.chain();
  let link = 0;
  for (const { n, key } of nodes) {
    for (const rrset of n.rrsets.values()) if (rrset.type !== RRType.SOA) yield* signed(rrset);
    // Names below a cut have no link: the chain skips them, in the same order.
    if (chain.sortKeys[link] === key) yield* signed(chain.rrsets[link++]!);
  }
}

/**
 * Every record of the signed zone, signatures included, each RRset followed by its RRSIGs.
 * Signs what the zone's signer does not hold fresh yet: for a zone never asked for over DO,
 * the whole zone (about 40 signatures for a mail domain).
 */
export function signedZoneRecords(zone: SignedZone): ResourceRecord[] {
  const out: ResourceRecord[] = [];
  for (const rrset of signedZoneRRsets(zone)) out.push(...recordsOf(rrset));
  return out;
}
