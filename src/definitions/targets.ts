// Checks across every zone defined here: where NS, MX, SRV and alias targets lead. A target in a
// zone served here must have addresses and must not be an alias (RFC 2782, RFC 2181 §10.3); one
// outside can only be flagged as unchecked.

import { isAtOrBelow, nameToText, type Name } from '../dns/name.js';
import { sortedIndexOf } from '../dns/sorted.js';
import { isWildcardKey } from '../dns/zone.js';
import { addsTargetAddresses, rdataTarget } from '../dns/rdata/index.js';
import type { ResourceRecord } from '../dns/records.js';
import { RRType, typeToText } from '../dns/types.js';
import { error, warning, where, type At, type Diagnostic } from './diagnostics.js';
import { isExternal, NearZones } from './external.js';
import type { Definition } from './schema.js';
import type { Checked } from './validate.js';

/** What the checks need to know of a zone's names, by name key. */
export interface ZoneView {
  readonly origin: Name;
  /** The name has records. */
  has(key: string): boolean;
  /** The name has A or AAAA records. */
  hasAddress(key: string): boolean;
  /** The name is given under hosts: or aliases:, valid addresses or not. */
  declared(key: string): boolean;
  /** The name's (first) alias: its target and where it is written. */
  alias(key: string): { readonly target: Name; readonly at: At } | undefined;
  /** The name is at or below a zone cut of this zone (delegated: its data is the child zone's). */
  delegated(key: string): boolean;
}

/** A zone defined here: what its content can be asked, or nothing when its YAML did not parse. */
export interface Defined {
  readonly origin: Name;
  readonly def: Definition;
  readonly view?: ZoneView;
}

const HAS = 1;
const ADDRESS = 2;
const DECLARED = 4;

/**
 * A checked zone's names as a ZoneView: what the checks ask of each, and no more. Made as soon
 * as the zone is checked, so the zone's index and expansion need not be held until every zone
 * of the build is (10,000 zones from 10,000 files are all checked before any is cross-checked);
 * the parse cache keeps it between reloads. The names are sorted keys with their flags
 * alongside, found by binary search: a zone has a few dozen names, and a Map for each of them
 * held 1 KB per zone.
 */
export class CheckedView implements ZoneView {
  readonly origin: Name;
  readonly #keys: readonly string[];
  readonly #flags: readonly number[];
  /** The (first) alias of each name that has one; none in most zones. */
  readonly #aliases: ReadonlyMap<string, { readonly target: Name; readonly at: At }> | undefined;

  /** Keys of zone cuts (NS below the apex), when there are any. */
  readonly #cuts: readonly string[] | undefined;
  readonly #wildcards: boolean;

  constructor(content: Checked) {
    this.origin = content.origin;
    const names = new Map<string, number>();
    const aliases = new Map<string, { readonly target: Name; readonly at: At }>();
    const cuts: string[] = [];
    for (const [key, node] of content.index) {
      const types = node.types;
      names.set(key, HAS | (types.has(RRType.A) || types.has(RRType.AAAA) ? ADDRESS : 0) | (content.declared.has(key) ? DECLARED : 0));
      const cname = types.get(RRType.CNAME)?.[0];
      if (cname?.rr.rdata.kind === 'CNAME') aliases.set(key, { target: cname.rr.rdata.target, at: cname.at });
      if (types.has(RRType.NS) && key !== this.origin.key) cuts.push(key);
    }
    for (const key of content.declared) if (!names.has(key)) names.set(key, DECLARED);
    this.#keys = [...names.keys()].sort();
    this.#flags = this.#keys.map((k) => names.get(k)!);
    this.#aliases = aliases.size > 0 ? aliases : undefined;
    this.#cuts = cuts.length > 0 ? cuts : undefined;
    this.#wildcards = this.#keys.some(isWildcardKey);
  }

  /** The key whose data answers for `key`: itself, or the wildcard that synthesizes it (RFC 4592). */
  #source(key: string): string {
    if (!this.#wildcards || sortedIndexOf(this.#keys, key) >= 0) return key;
    const origin = this.origin.key;
    for (let at = key.charCodeAt(0) + 1; key.length - at >= origin.length; at += key.charCodeAt(at) + 1) {
      const encloser = key.slice(at);
      // The closest encloser exists: it has data, or names below it (an empty non-terminal).
      if (encloser.length === origin.length || this.#keys.some((k) => k.endsWith(encloser) && isAtOrBelowKey(k, encloser))) return '\x01*' + encloser;
    }
    return key;
  }

  #flagsOf(key: string): number {
    const i = sortedIndexOf(this.#keys, this.#source(key));
    return i < 0 ? 0 : this.#flags[i]!;
  }

  has(key: string): boolean {
    return (this.#flagsOf(key) & HAS) !== 0;
  }

  hasAddress(key: string): boolean {
    return (this.#flagsOf(key) & ADDRESS) !== 0;
  }

  declared(key: string): boolean {
    return (this.#flagsOf(key) & DECLARED) !== 0;
  }

  alias(key: string): { readonly target: Name; readonly at: At } | undefined {
    return this.#aliases?.get(this.#source(key));
  }

  delegated(key: string): boolean {
    return this.#cuts?.some((cut) => key.endsWith(cut) && isAtOrBelowKey(key, cut)) ?? false;
  }
}

/** Whether the name with key `key` is at or below the one with key `other` (which `key` ends with). */
function isAtOrBelowKey(key: string, other: string): boolean {
  let at = 0;
  while (at < key.length - other.length) at += key.charCodeAt(at) + 1;
  return at === key.length - other.length;
}

const WHY: Record<number, string> = {
  [RRType.SRV]: 'SRV targets must be names with addresses, never aliases (RFC 2782)',
  [RRType.MX]: 'MX targets must be names with addresses, never aliases (RFC 2181 §10.3)',
  [RRType.NS]: 'NS targets must be names with addresses, never aliases (RFC 2181 §10.3)',
};

/**
 * Every zone defined here, by origin key, and which of them have other zones below them: a name
 * at or below an origin with none is in that zone, found without walking the name's labels.
 */
export class DefinedZones {
  private readonly enclosing = new Set<string>();
  #near: NearZones | undefined;

  /** The zones by name, for "did you mean" (made at the first outside target). */
  get near(): NearZones {
    return (this.#near ??= new NearZones([...this.byKey.values()].map((z) => z.origin)));
  }

  constructor(readonly byKey: ReadonlyMap<string, Defined>) {
    for (const key of byKey.keys()) {
      for (let at = key.charCodeAt(0) + 1; at < key.length; at += key.charCodeAt(at) + 1) this.enclosing.add(key.slice(at));
    }
  }

  /** Whether another zone defined here is below `origin`. */
  hasInner(origin: Name): boolean {
    return this.enclosing.has(origin.key);
  }

  /** The deepest zone defined here that holds `n`; `near` is tried first. */
  zoneOf(n: Name, near?: Defined): Defined | undefined {
    if (near && !this.enclosing.has(near.origin.key) && isAtOrBelow(n, near.origin)) return near;
    const key = n.key;
    for (let at = 0; ; ) {
      const z = this.byKey.get(at === 0 ? key : key.slice(at));
      if (z) return z;
      const len = key.charCodeAt(at);
      if (len === 0 || at >= key.length) return undefined;
      at += len + 1;
    }
  }
}

/**
 * The cross-zone problems of the records of zone `zone` (one of `zones`), in record order.
 * Each record comes with where it was written and where its target is (`targetAt`, if apart).
 */
export class TargetCheck {
  constructor(
    private readonly zones: DefinedZones,
    private readonly zone: Defined,
    readonly diagnostics: Diagnostic[] = [],
  ) {}

  check(rr: ResourceRecord, recordAt: At, targetAt?: At): void {
    const home = this.zones.zoneOf(rr.owner, this.zone);
    // The delegation of a zone also served here is the parent's own data (the deeper zone answers).
    const delegation = (rr.type === RRType.NS || rr.type === RRType.DS) && home?.origin.key === rr.owner.key;
    if (home && home.origin.key !== this.zone.origin.key && !delegation) {
      const msg = `${nameToText(rr.owner)} is in zone ${nameToText(home.origin)}, also served here (${home.def.file}): move it to that zone's definition`;
      this.diagnostics.push(error(recordAt, msg));
      return;
    }
    const rd = rr.rdata;
    const at = targetAt ?? recordAt;
    if (rd.kind === 'CNAME') return this.alias(rr.owner, rd.target, recordAt, at);
    const target = addsTargetAddresses(rr.type) ? rdataTarget(rd) : undefined;
    // '.' is "not offered" for SRV (RFC 2782) and "no mail" for MX (RFC 7505).
    if (!target || target.labelCount === 0) return;
    const there = this.zones.zoneOf(target, this.zone);
    if (!there) return this.outside(target, at);
    const view = there.view;
    if (!view) return; // that zone's file did not parse: nothing to check against
    // Below a zone cut the data is the child zone's: only a cut's own NS targets there need glue.
    if (view.delegated(target.key) && !(rr.type === RRType.NS && view.delegated(rr.owner.key))) {
      this.diagnostics.push(warning(at, `${nameToText(target)} is delegated away from zone ${nameToText(there.origin)}, so its addresses cannot be checked here: make sure the child zone has A or AAAA records for it`));
      return;
    }
    const cname = view.alias(target.key);
    if (cname) {
      const msg = `${nameToText(target)} is an alias (${where(cname.at, at)}): ${WHY[rr.type]}; point at ${nameToText(cname.target)} instead`;
      this.diagnostics.push(error(at, msg));
      return;
    }
    if (view.hasAddress(target.key) || view.declared(target.key)) return;
    const hint = there === this.zone ? 'add it under hosts:' : `add it under hosts: of zone ${nameToText(there.origin)} (${there.def.file})`;
    this.diagnostics.push(error(at, `${typeToText(rr.type)} target ${nameToText(target)} has no A or AAAA record: ${hint}`));
  }

  /** A target outside every zone served here: trusted (external:), a typo of one, or unchecked. */
  private outside(target: Name, at: At): void {
    if (isExternal(target, this.zone.def.external)) return;
    const near = this.zones.near.near(target);
    if (near) {
      const meant = nameToText(target).slice(0, -near.suffix.length) + nameToText(near.zone);
      const msg = `${nameToText(target)} is not in a zone served here, but ${near.suffix} is one or two letters from ${nameToText(near.zone)}, which is: did you mean ${meant}? If ${near.suffix} is right, list it under external:`;
      this.diagnostics.push(error(at, msg));
      return;
    }
    this.diagnostics.push(warning(at, `${nameToText(target)} is not in a zone served here, so its addresses cannot be checked: make sure it has A or AAAA records, and list its domain under external: to say it is trusted`));
  }

  /** An alias's target must exist when it is in a zone served here, and chains must end. */
  private alias(owner: Name, target: Name, recordAt: At, at: At): void {
    const there = this.zones.zoneOf(target, this.zone)?.view;
    if (!there || there.delegated(target.key)) return;
    if (!there.has(target.key) && !there.declared(target.key)) {
      const msg = `alias target ${nameToText(target)} does not exist in zone ${nameToText(there.origin)}: add it under hosts:, or end the name with '.' if it is elsewhere`;
      this.diagnostics.push(error(at, msg));
      return;
    }
    const chain = [owner];
    for (let next: Name | undefined = target; next; next = this.aliasOf(next)) {
      const loops = chain.some((n) => n.key === next!.key);
      chain.push(next);
      if (loops) {
        this.diagnostics.push(error(recordAt, `aliases loop: ${chain.map(nameToText).join(' → ')}: end the chain at a name with addresses`));
        return;
      }
    }
  }

  private aliasOf(n: Name): Name | undefined {
    return this.zones.zoneOf(n, this.zone)?.view?.alias(n.key)?.target;
  }
}
