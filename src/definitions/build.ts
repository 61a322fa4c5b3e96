// All definitions → the zones to serve. A zone with any error is left out (the caller keeps
// serving the rest, or the zone's previous version), and so is a zone defined twice.

import { nameToText, type Name } from '../dns/name.js';
import type { ResourceRecord } from '../dns/records.js';
import { error, hasErrors, tidy, type At, type Diagnostic } from './diagnostics.js';
import { expandZone } from './expand.js';
import type { Definition } from './schema.js';
import { checkTargets, type Defined } from './targets.js';
import { checkZone } from './validate.js';

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
  /** Sorted by file, line and column. */
  readonly diagnostics: Diagnostic[];
  /** Zones defined somewhere but left out of `zones` because of errors, each once. */
  readonly failed: Name[];
}

export function buildZones(definitions: readonly Definition[]): BuiltZones {
  const diagnostics: Diagnostic[] = [];
  const failed = new Map<string, Name>();
  const defined = new Map<string, Defined & { readonly at: At }>();
  for (const def of definitions) {
    def.zones.forEach((origin, i) => {
      const at = def.zoneAt[i]!;
      const earlier = defined.get(origin.key);
      if (earlier) {
        const place = `${earlier.at.file}:${earlier.at.line}:${earlier.at.col}`;
        diagnostics.push(error(at, `zone ${nameToText(origin)} is already defined at ${place}: define each zone once`));
        failed.set(origin.key, earlier.origin);
        return;
      }
      if (def.broken) failed.set(origin.key, origin);
      const content = def.hasContent ? checkZone(expandZone(def, origin)) : undefined;
      defined.set(origin.key, content ? { origin, def, at, content } : { origin, def, at });
    });
  }
  const targetProblems = checkTargets(defined);
  const zones: ZoneContent[] = [];
  for (const { content: z } of defined.values()) {
    if (!z) continue;
    const mine = [...z.diagnostics, ...(targetProblems.get(z.origin.key) ?? [])];
    diagnostics.push(...mine);
    if (hasErrors(mine)) failed.set(z.origin.key, z.origin);
    if (!failed.has(z.origin.key)) zones.push({ origin: z.origin, file: z.def.file, ttl: z.def.ttl, records: z.served.map((s) => s.rr) });
  }
  return { zones, diagnostics: tidy(diagnostics), failed: [...failed.values()] };
}
