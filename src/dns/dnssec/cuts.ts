// What signing makes of zone cuts (RFC 4035 §2.2, §2.3; RFC 4034 §4.1.2): the parent holds only
// the NS set and the DS set there. Its NS set and the glue or occluded data below it are not its
// authoritative data: never signed, never a link of the NSEC chain; only DS and NSEC at the cut are signed.

import { delegationOf } from '../lookup.js';
import type { RRset } from '../records.js';
import { RRType } from '../types.js';
import type { Zone, ZoneNode } from '../zone.js';

/** Whether `zone` signs `rrset`: its own data, DS and NSEC at a cut; not NS there, glue or occluded data. */
export function isSignedData(zone: Zone, rrset: RRset): boolean {
  const at = delegationOf(zone, rrset.owner.key);
  return at === undefined || (at === 'at' && (rrset.type === RRType.DS || rrset.type === RRType.NSEC));
}

/** The types present at `node` as the NSEC chain and compact denial list them: at a cut, NS and DS alone. */
export function typesPresent(zone: Zone, node: ZoneNode): number[] {
  const types = [...node.rrsets.keys()];
  return delegationOf(zone, node.name.key) === 'at' ? types.filter((t) => t === RRType.NS || t === RRType.DS) : types;
}
