// A signed zone: the zone as its definition made it, with what signing adds at the apex (the
// DNSKEY set and, for the parent, CDS and CDNSKEY), the signer that makes RRSIGs for its
// RRsets, and its NSEC chain, built at the first negative answer that needs it.
// Wrapping, not copying: the zone may be a DeferredZone not built yet, and 100,000 of them
// are served from one `zones:` definition.

import type { Name } from '../name.js';
import type { CdnskeyData, DnskeyData } from '../rdata/dnskey.js';
import type { CdsData } from '../rdata/ds.js';
import type { RRset } from '../records.js';
import { RRType } from '../types.js';
import type { Zone, ZoneNode } from '../zone.js';
import { dsOf } from './ds.js';
import { buildNsecChain, type NsecChain } from './nsec.js';

export type Denial = 'nsec' | 'compact';

/** What the keys of a zone put in it: the same for every zone sharing the keys. */
export interface ZoneKeys {
  /** The DNSKEY set: every key published now, in the order written. */
  readonly dnskeys: readonly DnskeyData[];
  /** The keys whose CDS and CDNSKEY the apex carries for the parent (RFC 7344); none: no CDS. */
  readonly cds: readonly DnskeyData[];
  readonly denial: Denial;
}

/** Where a signed zone gets its signatures (server/signer.ts: the store, the keys, the clock). */
export interface ZoneSignatures {
  /** The RRSIG set over `rrset` of `zone`: kept from before while fresh, else made now and kept. */
  rrsig(zone: SignedZone, rrset: RRset): RRset;
  /** The RRSIG set over an RRset made for one answer only (compact denial): made now, not kept. */
  rrsigOnce(zone: SignedZone, rrset: RRset): RRset;
}

/** The apex node with the signer's RRsets added, in type order. */
class ApexNode implements ZoneNode {
  readonly rrsets: ReadonlyMap<number, RRset>;
  constructor(
    readonly name: Name,
    sets: readonly RRset[],
  ) {
    this.rrsets = new Map([...sets].sort((a, b) => a.type - b.type).map((s): [number, RRset] => [s.type, s]));
  }
}

/** The base zone's nodes, with the apex replaced. */
class SignedNodes implements ReadonlyMap<string, ZoneNode> {
  constructor(
    private readonly base: ReadonlyMap<string, ZoneNode>,
    private readonly apexKey: string,
    private readonly apex: ZoneNode,
  ) {}

  get size(): number {
    return this.base.size;
  }
  get(key: string): ZoneNode | undefined {
    return key === this.apexKey ? this.apex : this.base.get(key);
  }
  has(key: string): boolean {
    return this.base.has(key);
  }
  forEach(callbackfn: (value: ZoneNode, key: string, map: ReadonlyMap<string, ZoneNode>) => void, thisArg?: unknown): void {
    for (const [k, v] of this) callbackfn.call(thisArg, v, k, this);
  }
  *entries(): MapIterator<[string, ZoneNode]> {
    for (const [k, v] of this.base) yield [k, k === this.apexKey ? this.apex : v];
  }
  keys(): MapIterator<string> {
    return this.base.keys();
  }
  *values(): MapIterator<ZoneNode> {
    for (const [, v] of this.entries()) yield v;
  }
  [Symbol.iterator](): MapIterator<[string, ZoneNode]> {
    return this.entries();
  }
}

export class SignedZone implements Zone {
  readonly origin: Name;
  readonly serial: number;
  readonly recordCount: number;
  #nodes: SignedNodes | undefined;
  #chain: NsecChain | undefined;

  constructor(
    readonly base: Zone,
    readonly keys: ZoneKeys,
    readonly signatures: ZoneSignatures,
  ) {
    this.origin = base.origin;
    this.serial = base.serial;
    this.recordCount = base.recordCount + keys.dnskeys.length + 2 * keys.cds.length;
  }

  get soa(): RRset {
    return this.base.soa;
  }
  get ns(): RRset {
    return this.base.ns;
  }
  get negativeSoa(): RRset {
    return this.base.negativeSoa;
  }
  get wildcards(): boolean {
    return this.base.wildcards;
  }
  get cuts(): readonly string[] {
    return this.base.cuts;
  }

  get nodes(): ReadonlyMap<string, ZoneNode> {
    if (!this.#nodes) {
      const base = this.base.nodes;
      const apex = base.get(this.origin.key)!;
      this.#nodes = new SignedNodes(base, this.origin.key, new ApexNode(apex.name, [...apex.rrsets.values(), ...this.#apexRRsets()]));
    }
    return this.#nodes;
  }

  /** The RRsets signing adds at the apex, with the SOA's TTL (as Knot's dnskey-ttl defaults). */
  #apexRRsets(): RRset[] {
    const owner = this.base.soa.owner;
    const ttl = this.base.soa.ttl;
    const sets: RRset[] = [{ owner, type: RRType.DNSKEY, ttl, rdatas: this.keys.dnskeys }];
    if (this.keys.cds.length > 0) {
      const cds = this.keys.cds.map((k): CdsData => ({ ...dsOf(this.origin, k), kind: 'CDS' }));
      const cdnskey = this.keys.cds.map((k): CdnskeyData => ({ ...k, kind: 'CDNSKEY' }));
      sets.push({ owner, type: RRType.CDS, ttl, rdatas: cds }, { owner, type: RRType.CDNSKEY, ttl, rdatas: cdnskey });
    }
    return sets.map((s) => Object.freeze({ ...s, rdatas: Object.freeze(s.rdatas) }));
  }

  /** The NSEC chain, built at the first call and kept with the zone. */
  chain(): NsecChain {
    return (this.#chain ??= buildNsecChain(this, this.negativeSoa.ttl));
  }

  /** Whether the chain has been built (status and memory figures). */
  get chainBuilt(): boolean {
    return this.#chain !== undefined;
  }
}

export function isSigned(zone: Zone): zone is SignedZone {
  return zone instanceof SignedZone;
}
