// All definitions → the zones to serve. A zone with any error is left out (the caller keeps
// serving the rest, or the zone's previous version), and so is a zone defined twice.

import { nameToText, type Name } from '../dns/name.js';
import type { ResourceRecord } from '../dns/records.js';
import { error, hasErrors, tidy, type At, type Diagnostic } from './diagnostics.js';
import { expandZone } from './expand.js';
import type { Definition } from './schema.js';
import { checkTargets } from './targets.js';
import { checkZone, type Checked } from './validate.js';

export interface ZoneContent {
  /** The zone apex. */
  readonly origin: Name;
  /** Definition file it came from. */
  readonly file: string;
  /** The definition's default TTL. */
  readonly ttl: number;
  /** Everything the zone serves, SOA first, then in the order the definition writes it. */
  readonly records: ResourceRecord[];
}

export interface BuiltZones {
  readonly zones: ZoneContent[];
  readonly diagnostics: Diagnostic[];
  /** Zones defined somewhere but not in `zones` because of errors, in definition order. */
  readonly failed: Name[];
}

export function buildZones(definitions: readonly Definition[]): BuiltZones {
  const diagnostics: Diagnostic[] = [];
  const failed = new Map<string, Name>();
  const first = new Map<string, { zone: Name; at: At }>();
  const checked: Checked[] = [];
  for (const def of definitions) {
    def.zones.forEach((zone, i) => {
      const at = def.zoneAt[i]!;
      const earlier = first.get(zone.key);
      if (earlier) {
        const place = `${earlier.at.file}:${earlier.at.line}:${earlier.at.col}`;
        diagnostics.push(error(at, `zone ${nameToText(zone)} is already defined at ${place}: define each zone once`));
        failed.set(zone.key, earlier.zone);
        return;
      }
      first.set(zone.key, { zone, at });
      if (def.broken) failed.set(zone.key, zone);
      if (def.hasContent) checked.push(checkZone(expandZone(def, zone)));
    });
  }
  const targetProblems = checkTargets(checked);
  for (const z of checked) {
    const mine = [...z.diagnostics, ...(targetProblems.get(z.origin.key) ?? [])];
    diagnostics.push(...mine);
    if (hasErrors(mine)) failed.set(z.origin.key, z.origin);
  }
  const zones = checked
    .filter((z) => !failed.has(z.origin.key))
    .map((z) => ({ origin: z.origin, file: z.def.file, ttl: z.def.ttl, records: z.served.map((s) => s.rr) }));
  return { zones, diagnostics: tidy(diagnostics), failed: [...failed.values()] };
}
