// An immutable authoritative zone: its nodes by name key, empty non-terminals, the apex SOA/NS,
// and the SOA that negative answers carry, all worked out once when the zone is built.

import { isAtOrBelow, nameToText, parentName, type Name } from './name.js';
import type { RData, ResourceRecord, RRset } from './records.js';
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

/** A zone that cannot be built from its records: a bug in the caller's validation. */
export class ZoneBuildError extends Error {}

/**
 * Groups records into RRsets and nodes, adds the empty non-terminals between each owner and the
 * apex, and precomputes the negative-answer SOA. Records must already be validated (definitions/);
 * what is checked here are the invariants lookups rely on.
 */
export function buildZone(origin: Name, records: readonly ResourceRecord[]): Zone {
  const sets = new Map<string, Map<number, { owner: Name; ttl: number; rdatas: RData[] }>>();
  const names = new Map<string, Name>();
  for (const rr of records) {
    if (!isAtOrBelow(rr.owner, origin)) {
      throw new ZoneBuildError(`${nameToText(rr.owner)} is outside zone ${nameToText(origin)}`);
    }
    let byType = sets.get(rr.owner.key);
    if (!byType) {
      byType = new Map();
      sets.set(rr.owner.key, byType);
      names.set(rr.owner.key, rr.owner);
    }
    const set = byType.get(rr.type);
    if (set) {
      set.ttl = Math.min(set.ttl, rr.ttl); // RFC 2181 §5.2: one TTL per RRset
      set.rdatas.push(rr.rdata);
    } else {
      byType.set(rr.type, { owner: rr.owner, ttl: rr.ttl, rdatas: [rr.rdata] });
    }
  }

  const nodes = new Map<string, ZoneNode>();
  for (const [key, byType] of sets) {
    const rrsets = new Map<number, RRset>();
    for (const [type, s] of [...byType].sort((a, b) => a[0] - b[0])) {
      rrsets.set(type, Object.freeze({ owner: s.owner, type, ttl: s.ttl, rdatas: Object.freeze(s.rdatas) }));
    }
    nodes.set(key, Object.freeze({ name: names.get(key)!, rrsets }));
  }
  // Empty non-terminals: every name between an owner and the apex exists (RFC 8020).
  for (const node of [...nodes.values()]) {
    for (let up = parentName(node.name); up && up.labelCount > origin.labelCount; up = parentName(up)) {
      if (nodes.has(up.key)) break;
      nodes.set(up.key, Object.freeze({ name: up, rrsets: new Map() }));
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
    nodes,
    serial: soaData.serial,
    recordCount: records.length,
  });
}
