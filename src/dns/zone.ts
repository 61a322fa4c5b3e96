// An immutable authoritative zone: its nodes by name key, empty non-terminals, the apex SOA/NS,
// and the SOA that negative answers carry, all worked out once when the zone is built.

import { isAtOrBelow, nameToText, parentName, type Name } from './name.js';
import { rdataNames } from './rdata/index.js';
import type { RData, ResourceRecord, RRset } from './records.js';
import { sortedIndexOf } from './sorted.js';
import { RRType } from './types.js';

export interface ZoneNode {
  readonly name: Name;
  /** RRsets by type; empty for an empty non-terminal (RFC 8020: it exists, with no data). */
  readonly rrsets: ReadonlyMap<number, RRset>;
}

export interface Zone {
  readonly origin: Name;
  readonly soa: RRset;
  readonly ns: RRset;
  /** The SOA for NODATA/NXDOMAIN authority sections: TTL = min(SOA TTL, MINIMUM) (RFC 2308 §3). */
  readonly negativeSoa: RRset;
  readonly nodes: ReadonlyMap<string, ZoneNode>;
  readonly serial: number;
  readonly recordCount: number;
  /** Whether some name's first label is '*' (RFC 4592): only then is synthesis looked for. */
  readonly wildcards: boolean;
  /** Keys of the names below the apex that own NS records: zone cuts (RFC 1034 §4.2.1), sorted. */
  readonly cuts: readonly string[];
}

/**
 * A node, which is also its own map of RRsets by type (`rrsets` is the node itself). A node
 * holds one RRset or a few, so it keeps the one as is, or a frozen array in type order, and
 * scans that: as fast as a Map at a fraction of its size, and a snapshot of 100,000 zones holds
 * some two million nodes.
 */
class Node implements ZoneNode, ReadonlyMap<number, RRset> {
  readonly name: Name;
  readonly #sets: RRset | readonly RRset[];

  constructor(name: Name, sets: RRset | readonly RRset[]) {
    this.name = name;
    this.#sets = sets;
    Object.freeze(this);
  }

  get rrsets(): ReadonlyMap<number, RRset> {
    return this;
  }

  #list(): readonly RRset[] {
    const sets = this.#sets;
    return Array.isArray(sets) ? sets : [sets as RRset];
  }

  get size(): number {
    const sets = this.#sets;
    return Array.isArray(sets) ? sets.length : 1;
  }

  get(type: number): RRset | undefined {
    const sets = this.#sets;
    if (!Array.isArray(sets)) return (sets as RRset).type === type ? (sets as RRset) : undefined;
    for (let i = 0; i < sets.length; i++) if (sets[i]!.type === type) return sets[i];
    return undefined;
  }

  has(type: number): boolean {
    return this.get(type) !== undefined;
  }

  forEach(callbackfn: (value: RRset, key: number, map: ReadonlyMap<number, RRset>) => void, thisArg?: unknown): void {
    for (const s of this.#list()) callbackfn.call(thisArg, s, s.type, this);
  }

  keys(): MapIterator<number> {
    return this.#list()
      .map((s) => s.type)
      .values();
  }

  values(): MapIterator<RRset> {
    return this.#list().values();
  }

  entries(): MapIterator<[number, RRset]> {
    return this.#list()
      .map((s): [number, RRset] => [s.type, s])
      .values();
  }

  [Symbol.iterator](): MapIterator<[number, RRset]> {
    return this.entries();
  }
}

/**
 * A zone's nodes by key: keys sorted, nodes alongside, found by binary search. A zone has a
 * few dozen names; a Map for each of 100,000 zones costs twice the memory (and its growing
 * tables are garbage while a snapshot is built). Iterates in key order.
 */
class NodeIndex implements ReadonlyMap<string, ZoneNode> {
  readonly #keys: readonly string[];
  readonly #nodes: readonly ZoneNode[];

  /** `keys` sorted (as Array#sort sorts strings), `nodes` alongside. */
  constructor(keys: readonly string[], nodes: readonly ZoneNode[]) {
    this.#keys = Object.freeze(keys);
    this.#nodes = Object.freeze(nodes);
    Object.freeze(this);
  }

  /** From nodes with distinct names, in any order (sorted here in place). */
  static fromNodes(nodes: ZoneNode[]): NodeIndex {
    nodes.sort((a, b) => (a.name.key < b.name.key ? -1 : a.name.key > b.name.key ? 1 : 0));
    return new NodeIndex(
      nodes.map((n) => n.name.key),
      nodes,
    );
  }

  get size(): number {
    return this.#keys.length;
  }

  get(key: string): ZoneNode | undefined {
    const i = sortedIndexOf(this.#keys, key);
    return i < 0 ? undefined : this.#nodes[i];
  }

  has(key: string): boolean {
    return sortedIndexOf(this.#keys, key) >= 0;
  }

  forEach(callbackfn: (value: ZoneNode, key: string, map: ReadonlyMap<string, ZoneNode>) => void, thisArg?: unknown): void {
    this.#keys.forEach((k, i) => callbackfn.call(thisArg, this.#nodes[i]!, k, this));
  }

  keys(): MapIterator<string> {
    return this.#keys.values();
  }

  values(): MapIterator<ZoneNode> {
    return this.#nodes.values();
  }

  entries(): MapIterator<[string, ZoneNode]> {
    return this.#keys.map((k, i): [string, ZoneNode] => [k, this.#nodes[i]!]).values();
  }

  [Symbol.iterator](): MapIterator<[string, ZoneNode]> {
    return this.entries();
  }
}

/**
 * A Zone built at its first use: what a server needs of a zone before its first query is its
 * origin, serial and record count; the rest is built (from a `zones:` recipe) at the first read
 * of `soa`, `ns`, `negativeSoa` or `nodes`, and kept. 100,000 such zones start in seconds, not
 * tens of them (docs/performance.md, "Zones built at their first use").
 */
export class DeferredZone implements Zone {
  readonly origin: Name;
  readonly serial: number;
  readonly recordCount: number;
  #build: (() => Zone) | undefined;
  #zone: Zone | undefined;

  /** `build` must make the zone at `origin` with this serial and record count. */
  constructor(origin: Name, serial: number, recordCount: number, build: () => Zone) {
    this.origin = origin;
    this.serial = serial;
    this.recordCount = recordCount;
    this.#build = build;
  }

  /** Whether the nodes exist yet (a transfer reads an unbuilt zone from its records instead). */
  get built(): boolean {
    return this.#zone !== undefined;
  }

  #built(): Zone {
    if (this.#zone === undefined) {
      this.#zone = this.#build!();
      this.#build = undefined; // the recipe and names it holds are no longer needed here
    }
    return this.#zone;
  }

  get soa(): RRset {
    return this.#built().soa;
  }

  get ns(): RRset {
    return this.#built().ns;
  }

  get negativeSoa(): RRset {
    return this.#built().negativeSoa;
  }

  get nodes(): ReadonlyMap<string, ZoneNode> {
    return this.#built().nodes;
  }

  get wildcards(): boolean {
    return this.#built().wildcards;
  }

  get cuts(): readonly string[] {
    return this.#built().cuts;
  }
}

const NO_CUTS: readonly string[] = Object.freeze([]);

/** Whether the key's first label is '*' (the key of `*.example.` starts 0x01 '*'). */
export function isWildcardKey(key: string): boolean {
  return key.charCodeAt(0) === 1 && key.charCodeAt(1) === 0x2a;
}

/** The RRsets of every empty non-terminal. */
const NO_RRSETS: readonly RRset[] = Object.freeze([]);

/**
 * The rdatas array of an RRset of one record, shared by every RRset of that same rdata object:
 * a `zones:` definition gives its 100,000 zones the same address and text rdata objects.
 */
const single = new WeakMap<RData, readonly RData[]>();

/** `rdatas` is made for the set, sized exactly (a map, not pushes). */
function rdatasOf(rdatas: RData[]): readonly RData[] {
  if (rdatas.length > 1) return Object.freeze(rdatas);
  const rd = rdatas[0]!;
  // Rdata naming a host of the zone is the zone's own: nothing to share, and no entry to make.
  if (rdataNames(rd).some((n) => n.labelCount > 0)) return Object.freeze(rdatas);
  let shared = single.get(rd);
  if (!shared) single.set(rd, (shared = Object.freeze([rd])));
  return shared;
}

/** A zone that cannot be built from its records: a bug in the caller's validation. */
export class ZoneBuildError extends Error {}

/**
 * Groups records into RRsets and nodes, adds the empty non-terminals between each owner and the
 * apex, and precomputes the negative-answer SOA. Records must already be validated (definitions/);
 * what is checked here are the invariants lookups rely on.
 */
export function buildZone(origin: Name, records: readonly ResourceRecord[]): Zone {
  return buildShapedZone(
    origin,
    zoneShape(origin, records),
    (i) => records[i]!.owner,
    (i) => records[i]!.rdata,
  );
}

/**
 * How the records of zones that differ only in their names group into nodes and RRsets, worked
 * out once and reused for each such zone of a `zones:` recipe (buildZone is this and
 * buildShapedZone, for one zone). Records are numbered as in the list it is made from.
 */
export interface ZoneShape {
  /** Per owner, in the order first written: one of its records, and its RRsets in type order. */
  readonly owners: readonly {
    readonly record: number;
    readonly sets: readonly { readonly type: number; readonly ttl: number; readonly records: readonly number[] }[];
  }[];
  /** Empty non-terminals (RFC 8020): an owner below each (index into owners), and how many labels up. */
  readonly empty: readonly { readonly owner: number; readonly up: number }[];
  /** The apex: index into owners. */
  readonly apex: number;
  readonly recordCount: number;
}

/** The shape of a zone with these records; throws ZoneBuildError for records no zone can be built from. */
export function zoneShape(origin: Name, records: readonly ResourceRecord[]): ZoneShape {
  const byKey = new Map<string, { record: number; name: Name; sets: { type: number; ttl: number; records: number[] }[] }>();
  records.forEach((rr, i) => {
    if (!isAtOrBelow(rr.owner, origin)) throw new ZoneBuildError(`${nameToText(rr.owner)} is outside zone ${nameToText(origin)}`);
    let owner = byKey.get(rr.owner.key);
    if (!owner) byKey.set(rr.owner.key, (owner = { record: i, name: rr.owner, sets: [] }));
    const set = owner.sets.find((s) => s.type === rr.type);
    if (set) {
      set.ttl = Math.min(set.ttl, rr.ttl); // RFC 2181 §5.2: one TTL per RRset
      set.records.push(i);
    } else {
      owner.sets.push({ type: rr.type, ttl: rr.ttl, records: [i] });
    }
  });
  const owners = [...byKey.values()];
  for (const o of owners) o.sets.sort((a, b) => a.type - b.type);
  const known = new Set(byKey.keys());
  const empty: { owner: number; up: number }[] = [];
  owners.forEach((o, i) => {
    let n = o.name;
    for (let up = 1; n.labelCount - 1 > origin.labelCount; up++) {
      if (known.has(n.key.slice(n.key.charCodeAt(0) + 1))) break;
      n = parentName(n)!;
      known.add(n.key);
      empty.push({ owner: i, up });
    }
  });
  const apex = owners.findIndex((o) => o.name.key === origin.key);
  const soa = owners[apex]?.sets.find((s) => s.type === RRType.SOA);
  if (!soa || soa.records.length !== 1 || !owners[apex]!.sets.some((s) => s.type === RRType.NS)) {
    throw new ZoneBuildError(`zone ${nameToText(origin)} needs exactly one SOA and an NS set at its apex`);
  }
  return {
    owners: owners.map((o) => ({ record: o.record, sets: o.sets })),
    empty,
    apex,
    recordCount: records.length,
  };
}

/**
 * The zone of `shape` at `origin`, for records numbered as in the shape's:
 * record i's owner is `ownerOf(i)` (asked for the first record of each owner and of each RRset)
 * and its rdata `rdataOf(i)`.
 */
export function buildShapedZone(origin: Name, shape: ZoneShape, ownerOf: (record: number) => Name, rdataOf: (record: number) => RData): Zone {
  const names = shape.owners.map((o) => ownerOf(o.record));
  // Sized once: the index keeps this array, and pushes would leave it room to spare.
  const nodes = new Array<ZoneNode>(shape.owners.length + shape.empty.length);
  shape.owners.forEach((o, i) => {
    const name = names[i]!;
    // Each RRset's owner is its first record's: the node's name, though maybe not in the same case.
    const rrsets = o.sets.map((s): RRset => Object.freeze({ owner: ownerOf(s.records[0]!), type: s.type, ttl: s.ttl, rdatas: rdatasOf(s.records.map(rdataOf)) }));
    nodes[i] = new Node(name, rrsets.length === 1 ? rrsets[0]! : Object.freeze(rrsets));
  });
  shape.empty.forEach((e, i) => {
    let n = names[e.owner]!;
    for (let k = 0; k < e.up; k++) n = parentName(n)!;
    nodes[shape.owners.length + i] = new Node(n, NO_RRSETS);
  });
  const apex = nodes[shape.apex]!;
  let wildcards = false;
  let cuts: string[] | undefined;
  for (const n of nodes) {
    if (isWildcardKey(n.name.key)) wildcards = true;
    if (n !== apex && n.rrsets.has(RRType.NS)) (cuts ??= []).push(n.name.key);
  }
  const soa = apex.rrsets.get(RRType.SOA)!;
  const soaData = soa.rdatas[0]!;
  if (soaData.kind !== 'SOA') throw new ZoneBuildError('SOA rdata of the wrong kind');
  return Object.freeze({
    origin,
    soa,
    ns: apex.rrsets.get(RRType.NS)!,
    negativeSoa: Object.freeze({ ...soa, ttl: Math.min(soa.ttl, soaData.minimum) }),
    nodes: NodeIndex.fromNodes(nodes),
    serial: soaData.serial,
    recordCount: shape.recordCount,
    wildcards,
    cuts: cuts ? Object.freeze(cuts.sort()) : NO_CUTS,
  });
}
