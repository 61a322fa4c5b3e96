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
  const steps = snapshotSteps(inputs, cacheSize);
  for (let r = steps.next(); ; r = steps.next()) if (r.done) return r.value;
}

/** Longest stretch the build runs before letting queued queries through. */
const SLICE_MS = 10;

/**
 * Builds the snapshot in slices of about SLICE_MS, yielding to the event loop between them, so
 * queries keep being answered from the current snapshot while a large one is built.
 */
export async function buildSnapshotSliced(inputs: readonly ZoneInput[], cacheSize: number): Promise<Snapshot> {
  const steps = snapshotSteps(inputs, cacheSize);
  let sliceStart = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - sliceStart >= SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
}

/** The build as a generator: one step per zone built or compiled. */
function* snapshotSteps(inputs: readonly ZoneInput[], cacheSize: number): Generator<void, Snapshot> {
  const zones: Zone[] = [];
  for (const z of inputs) {
    zones.push(buildZone(z.origin, z.records));
    yield;
  }
  const catalog = buildCatalog(zones);
  const templates = new Map<string, NodeTemplates>();
  const writer = new MessageWriter();
  for (const zone of zones) {
    for (const [key, t] of compileZone(catalog, zone, writer)) {
      // With nested zones served, a name belongs to the deepest zone that encloses it.
      if (findZone(catalog, key) === zone) templates.set(key, t);
    }
    yield;
  }
  return Object.freeze({
    catalog,
    templates,
    negativeCache: new LRUCache<string, Template>({ max: Math.max(1, cacheSize) }),
    zoneCount: zones.length,
    recordCount: zones.reduce((n, z) => n + z.recordCount, 0),
  });
}
