// The records of a zone in transfer order (RFC 5936 §2.2): the SOA, every other RRset, the SOA
// again. The one source of what an AXFR (and an IXFR answered in full) carries. A signed zone
// is sent whole and signed (every RRSIG, the NSEC chain, DNSKEY, CDS, CDNSKEY), so that a plain
// secondary serves it as it is signed here.

import { RRType } from './types.js';
import type { ResourceRecord, RRset } from './records.js';
import { DeferredZone, type Zone } from './zone.js';
import { isSigned } from './dnssec/signed-zone.js';
import { signedZoneRRsets, type RRsigOf } from './dnssec/zone-records.js';

/**
 * Every RRset of the zone, SOA first and last; empty non-terminals hold none. A zone not built
 * yet (a `zones:` copy no query has asked for) is read from `records` when given, its records
 * grouped into RRsets as the built zone would hold them (one TTL per RRset, RFC 2181 §5.2): a
 * secondary pulling 100,000 zones then leaves none of them built behind it. A signed zone is
 * built (its NSEC chain needs it) and each RRset followed by its RRSIGs from `rrsigOf`.
 */
export function* transferRRsets(zone: Zone, records?: () => readonly ResourceRecord[], rrsigOf?: RRsigOf): Generator<RRset> {
  if (isSigned(zone)) {
    // The first SOA carries its RRSIG; the closing one is the marker alone (RFC 5936 §2.2).
    yield* signedZoneRRsets(zone, rrsigOf);
    yield zone.soa;
    return;
  }
  if (records && zone instanceof DeferredZone && !zone.built) {
    const sets = groupRRsets(records());
    const soa = sets.find((s) => s.type === RRType.SOA && s.owner.key === zone.origin.key);
    if (soa) {
      yield soa;
      for (const s of sets) if (s !== soa) yield s;
      yield soa;
      return;
    }
  }
  yield zone.soa;
  yield* zoneRRsets(zone);
  yield zone.soa;
}

/** Records grouped by owner and type, in the order first seen; the smallest TTL of each group. */
function groupRRsets(records: readonly ResourceRecord[]): RRset[] {
  const byKey = new Map<string, { owner: ResourceRecord['owner']; type: number; ttl: number; rdatas: ResourceRecord['rdata'][] }>();
  for (const rr of records) {
    const key = `${rr.type} ${rr.owner.key}`;
    const set = byKey.get(key);
    if (set) {
      set.ttl = Math.min(set.ttl, rr.ttl);
      set.rdatas.push(rr.rdata);
    } else byKey.set(key, { owner: rr.owner, type: rr.type, ttl: rr.ttl, rdatas: [rr.rdata] });
  }
  return [...byKey.values()];
}

/** Every RRset of the zone but the SOA, in node order. */
export function* zoneRRsets(zone: Zone): Generator<RRset> {
  for (const node of zone.nodes.values()) {
    for (const rrset of node.rrsets.values()) if (rrset.type !== RRType.SOA || node.name.key !== zone.origin.key) yield rrset;
  }
}
