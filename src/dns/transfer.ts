// The records of a zone in transfer order (RFC 5936 §2.2): the SOA, every other RRset, the SOA
// again. The one source of what an AXFR (and an IXFR answered in full) carries, so that a signed
// zone can plug its signatures in here.

import { RRType } from './types.js';
import type { RRset } from './records.js';
import type { Zone } from './zone.js';

/** Every RRset of the zone, SOA first and last; empty non-terminals hold none. */
export function* transferRRsets(zone: Zone): Generator<RRset> {
  yield zone.soa;
  yield* zoneRRsets(zone);
  yield zone.soa;
}

/** Every RRset of the zone but the SOA, in node order. */
export function* zoneRRsets(zone: Zone): Generator<RRset> {
  for (const node of zone.nodes.values()) {
    for (const rrset of node.rrsets.values()) if (rrset.type !== RRType.SOA || node.name.key !== zone.origin.key) yield rrset;
  }
}
