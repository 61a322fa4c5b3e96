// A Snapshot is everything one generation of the served data needs to answer: the zones and
// caches of compiled responses. The zone data is immutable once built; reload builds the next
// snapshot aside and swaps one reference.

import { LRUCache } from 'lru-cache';
import { buildCatalog, findZone, type Catalog } from '../dns/catalog.js';
import type { Name } from '../dns/name.js';
import type { ResourceRecord } from '../dns/records.js';
import { buildZone, type Zone } from '../dns/zone.js';
import { compileNode, compileNxdomain, REFUSED_TEMPLATE, type NodeTemplates, type Template } from '../wire/compile.js';
import { MessageWriter } from '../wire/writer.js';

export interface ZoneInput {
  readonly origin: Name;
  readonly records: readonly ResourceRecord[];
}

export interface Snapshot {
  readonly catalog: Catalog;
  /**
   * Templates of existing names, by lowercased wire key, compiled the first time a name is
   * asked for and kept in a bounded LRU: a reload of 100,000 domains need not compile millions
   * of responses before it can swap, and memory stays bounded however many names exist.
   */
  readonly templates: LRUCache<string, NodeTemplates>;
  /** NXDOMAIN body per zone (by origin key): the same for every name that does not exist. */
  readonly nxdomain: Map<string, Template>;
  readonly zoneCount: number;
  readonly recordCount: number;
}

// Compiling is synchronous, so one writer serves every snapshot.
const writer = new MessageWriter();

/** The template for (qkey, qtype): compiled templates of the name, or NXDOMAIN/REFUSED. */
export function templateFor(snapshot: Snapshot, qkey: string, qtype: number): Template {
  const node = snapshot.templates.get(qkey);
  if (node) return node.byType.get(qtype) ?? node.otherTypes;
  // With nested zones served, a name belongs to the deepest zone that encloses it: findZone.
  const zone = findZone(snapshot.catalog, qkey);
  if (!zone) return REFUSED_TEMPLATE;
  const zoneNode = zone.nodes.get(qkey);
  if (zoneNode) {
    const compiled = compileNode(snapshot.catalog, zoneNode, writer);
    snapshot.templates.set(qkey, compiled);
    return compiled.byType.get(qtype) ?? compiled.otherTypes;
  }
  let nx = snapshot.nxdomain.get(zone.origin.key);
  if (!nx) {
    nx = compileNxdomain(writer, zone);
    snapshot.nxdomain.set(zone.origin.key, nx);
  }
  return nx;
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

/**
 * Zones already built, by the input they were built from: a reload that gets the same input
 * object back (an unchanged definition) reuses the immutable Zone instead of rebuilding it.
 */
const builtZones = new WeakMap<ZoneInput, Zone>();

/** The build as a generator: one step per zone built. */
function* snapshotSteps(inputs: readonly ZoneInput[], cacheSize: number): Generator<void, Snapshot> {
  const zones: Zone[] = [];
  for (const z of inputs) {
    let zone = builtZones.get(z);
    if (!zone) {
      zone = buildZone(z.origin, z.records);
      builtZones.set(z, zone);
      yield;
    }
    zones.push(zone);
  }
  return Object.freeze({
    catalog: buildCatalog(zones),
    templates: new LRUCache<string, NodeTemplates>({ max: Math.max(1, cacheSize) }),
    nxdomain: new Map<string, Template>(),
    zoneCount: zones.length,
    recordCount: zones.reduce((n, z) => n + z.recordCount, 0),
  });
}
