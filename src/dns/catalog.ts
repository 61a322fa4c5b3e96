// The set of zones served: finds the zone that is authoritative for a name (closest enclosing).

import type { Zone } from './zone.js';

export interface Catalog {
  readonly zones: ReadonlyMap<string, Zone>;
}

export function buildCatalog(zones: Iterable<Zone>): Catalog {
  const map = new Map<string, Zone>();
  for (const z of zones) map.set(z.origin.key, z);
  return Object.freeze({ zones: map });
}

/**
 * The deepest zone at or above the name with key `key` (a lowercased wire name as latin1), or
 * undefined when no zone served here encloses it. Walks label boundaries of the key itself, so
 * no Name objects are made per query.
 */
export function findZone(catalog: Catalog, key: string): Zone | undefined {
  const zones = catalog.zones;
  let at = 0;
  while (at < key.length) {
    const zone = zones.get(at === 0 ? key : key.slice(at));
    if (zone) return zone;
    const len = key.charCodeAt(at);
    if (len === 0) return undefined;
    at += len + 1;
  }
  return undefined;
}
