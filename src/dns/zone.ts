// An immutable authoritative zone: its nodes by name key, empty non-terminals, the apex SOA/NS,
// and the SOA that negative answers carry, all worked out once when the zone is built.

import { isAtOrBelow, nameToText, parentName, type Name } from './name.js';
import { rdataTarget, type RData, type ResourceRecord, type RRset } from './records.js';
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

  constructor(byKey: Map<string, ZoneNode>) {
    const keys = [...byKey.keys()].sort();
    this.#keys = Object.freeze(keys);
    this.#nodes = Object.freeze(keys.map((k) => byKey.get(k)!));
    Object.freeze(this);
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

/** The RRsets of every empty non-terminal. */
const NO_RRSETS: readonly RRset[] = Object.freeze([]);

/**
 * The rdatas array of an RRset of one record, shared by every RRset of that same rdata object:
 * a `zones:` definition gives its 100,000 zones the same address and text rdata objects.
 */
const single = new WeakMap<RData, readonly RData[]>();

function rdatasOf(rdatas: RData[]): readonly RData[] {
  if (rdatas.length > 1) return Object.freeze(rdatas.slice()); // sized exactly: push leaves room for 17
  const rd = rdatas[0]!;
  // Rdata naming a host of the zone is the zone's own: nothing to share, and no entry to make.
  if (rd.kind === 'SOA' || (rdataTarget(rd)?.labelCount ?? 0) > 0) return Object.freeze(rdatas);
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
  // Owners in the order first written, each with its sets in the order first written.
  const owners = new Map<string, { name: Name; sets: { owner: Name; type: number; ttl: number; rdatas: RData[] }[] }>();
  for (const rr of records) {
    if (!isAtOrBelow(rr.owner, origin)) {
      throw new ZoneBuildError(`${nameToText(rr.owner)} is outside zone ${nameToText(origin)}`);
    }
    let owner = owners.get(rr.owner.key);
    if (!owner) owners.set(rr.owner.key, (owner = { name: rr.owner, sets: [] }));
    const set = owner.sets.find((s) => s.type === rr.type);
    if (set) {
      set.ttl = Math.min(set.ttl, rr.ttl); // RFC 2181 §5.2: one TTL per RRset
      set.rdatas.push(rr.rdata);
    } else {
      owner.sets.push({ owner: rr.owner, type: rr.type, ttl: rr.ttl, rdatas: [rr.rdata] });
    }
  }

  const nodes = new Map<string, ZoneNode>();
  for (const [key, { name, sets }] of owners) {
    const rrsets = sets
      .sort((a, b) => a.type - b.type)
      .map((s): RRset => Object.freeze({ owner: s.owner, type: s.type, ttl: s.ttl, rdatas: rdatasOf(s.rdatas) }));
    nodes.set(key, new Node(name, rrsets.length === 1 ? rrsets[0]! : Object.freeze(rrsets)));
  }
  // Empty non-terminals: every name between an owner and the apex exists (RFC 8020). Parents
  // are looked up by key; a Name is made only for one that is missing.
  for (const node of [...nodes.values()]) {
    for (let n = node.name; n.labelCount - 1 > origin.labelCount; ) {
      if (nodes.has(n.key.slice(n.key.charCodeAt(0) + 1))) break;
      n = parentName(n)!;
      nodes.set(n.key, new Node(n, NO_RRSETS));
    }
  }

  const apex = nodes.get(origin.key);
  const soa = apex?.rrsets.get(RRType.SOA);
  const ns = apex?.rrsets.get(RRType.NS);
  if (!soa || soa.rdatas.length !== 1 || !ns) {
    throw new ZoneBuildError(`zone ${nameToText(origin)} needs exactly one SOA and an NS set at its apex`);
  }
  const soaData = soa.rdatas[0]!;
  if (soaData.kind !== 'SOA') throw new ZoneBuildError('SOA rdata of the wrong kind');
  const negativeSoa: RRset = Object.freeze({ ...soa, ttl: Math.min(soa.ttl, soaData.minimum) });
  return Object.freeze({
    origin,
    soa,
    ns,
    negativeSoa,
    nodes: new NodeIndex(nodes),
    serial: soaData.serial,
    recordCount: records.length,
  });
}
