// A Snapshot is everything one generation of the served data needs to answer: the zones, their
// compiled templates and a cache for the rest. Immutable once built; reload swaps the reference.

import { LRUCache } from 'lru-cache';
import { buildCatalog, findZone, type Catalog } from '../dns/catalog.js';
import type { Name } from '../dns/name.js';
import type { ResourceRecord } from '../dns/records.js';
import { buildZone, type Zone } from '../dns/zone.js';
import { compileZone, type NodeTemplates, type Template } from '../wire/compile.js';
import { MessageWriter } from '../wire/writer.js';

export interface ZoneInput {
  readonly origin: Name;
  readonly records: readonly ResourceRecord[];
}

export interface Snapshot {
  readonly catalog: Catalog;
  /** Templates for every existing name, by lowercased wire key. */
  readonly templates: ReadonlyMap<string, NodeTemplates>;
  /**
   * Bodies for names that exist nowhere (NXDOMAIN) or in no zone (REFUSED), keyed by qtype and
   * name: bounded, so a flood of random names costs CPU, never unbounded memory.
   */
  readonly negativeCache: LRUCache<string, Template>;
  readonly zoneCount: number;
  readonly recordCount: number;
}

export function buildSnapshot(inputs: readonly ZoneInput[], cacheSize: number): Snapshot {
  const zones: Zone[] = inputs.map((z) => buildZone(z.origin, z.records));
  const catalog = buildCatalog(zones);
  const templates = new Map<string, NodeTemplates>();
  const writer = new MessageWriter();
  for (const zone of zones) {
    for (const [key, t] of compileZone(catalog, zone, writer)) {
      // With nested zones served, a name belongs to the deepest zone that encloses it.
      if (findZone(catalog, key) === zone) templates.set(key, t);
    }
  }
  return Object.freeze({
    catalog,
    templates,
    negativeCache: new LRUCache<string, Template>({ max: Math.max(1, cacheSize) }),
    zoneCount: zones.length,
    recordCount: zones.reduce((n, z) => n + z.recordCount, 0),
  });
}
