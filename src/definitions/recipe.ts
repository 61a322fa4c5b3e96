// One definition, many zones (`zones:`): the content is expanded and checked once, for one of
// them, and every other zone gets a copy with its own origin in place of that one. Only the
// names change between zones; records, places and check results are shared.
//
// The copy is exact only where the zones read every name alike. A name written without a final
// dot is relative in every zone except one its own text ends in (DESIGN.md), so a zone that some
// written name ends in is expanded on its own, as is any zone whose names would grow past 255
// bytes, and a definition whose first expansion has any problem at all is never copied.

import { isAtOrBelow, isNameError, joinName, parseName, wireText, type Name, type NameError } from '../dns/name.js';
import { addsTargetAddresses, rdataNames, rdataTarget, rdataWithNames } from '../dns/rdata/index.js';
import type { RData, ResourceRecord } from '../dns/records.js';
import { buildShapedZone, buildZone, DeferredZone, zoneShape, type Zone, type ZoneShape } from '../dns/zone.js';
import type { At } from './diagnostics.js';
import type { Sourced } from './expand.js';
import { resolveName, type Resolver } from './names.js';
import type { Definition } from './schema.js';
import { CheckedView, DefinedZones, TargetCheck, type ZoneView } from './targets.js';
import type { Checked } from './validate.js';

const MAX_WIRE = 255;

/** A name of the recipe's records: an index into its relative names, or a name shared as is. */
type Ref = number | Name;

/** A zone's relative name i (a Head joined to its origin). */
type NameOf = (i: number) => Name;

/** One served record, with its names as Refs. */
interface RecordRecipe {
  readonly owner: Ref;
  readonly type: number;
  readonly ttl: number;
  /** Shared when it holds no relative name; otherwise made per zone from the zone's names. */
  readonly rdata: RData | ((name: NameOf) => RData);
  readonly at: At;
  readonly targetAt?: At;
}

/** The labels of a name above the recipe's origin: the part that stays when the origin changes. */
interface Head {
  /** Wire form as latin1 text, letter case kept. */
  readonly text: string;
  readonly key: string;
  readonly labels: number;
}

export interface ZoneRecipe {
  /** The zone the content was expanded for. */
  readonly checked: Checked;
  /** Origin keys a written name ends in: those zones read it differently, and get expanded. */
  readonly exceptional: ReadonlySet<string>;
  /** The longest origin (wire bytes, as its key's length) that keeps every name within 255 bytes. */
  readonly room: number;
  readonly heads: readonly Head[];
  readonly records: readonly RecordRecipe[];
  /**
   * The recipes whose checks across zones a copy must run itself (targets outside the zone, or
   * with problems); for the others a copy's result is the recipe's own, which was clean,
   * as long as no other zone is defined inside the copy's.
   */
  readonly undecided: readonly number[];
}

/** A resolver that also notes every text it reads and every name it makes. */
export function watchingResolver(): { resolve: Resolver; texts: string[]; names: Name[] } {
  const texts: string[] = [];
  const names: Name[] = [];
  const resolve = (text: string, origin: Name): Name | NameError => {
    texts.push(text);
    const n = resolveName(text, origin);
    if (!isNameError(n)) names.push(n);
    return n;
  };
  return { resolve, texts, names };
}

/** Every key the name has at or below its first label, the root left out. */
function addSuffixes(keys: Set<string>, n: Name): void {
  const key = n.key;
  for (let at = 0; key.charCodeAt(at) !== 0; at += key.charCodeAt(at) + 1) keys.add(at === 0 ? key : key.slice(at));
}

/**
 * A recipe from the first zone's expansion, given what the resolver read and made while
 * expanding it; undefined when that expansion cannot stand for the other zones.
 */
export function makeRecipe(def: Definition, checked: Checked, texts: readonly string[], made: readonly Name[]): ZoneRecipe | undefined {
  if (checked.diagnostics.length > 0) return undefined;
  const origin = checked.origin;
  const exceptional = new Set<string>();
  for (const text of texts) {
    if (text === '@') continue;
    const absolute = parseName(text);
    if (!isNameError(absolute)) addSuffixes(exceptional, absolute);
  }
  if (def.soa.rname) addSuffixes(exceptional, def.soa.rname);
  if (exceptional.has(origin.key)) return undefined;

  // The longest part above the origin of any name the expansion makes, recorded or not.
  let longest = 0;
  const above = (n: Name): void => {
    if (isAtOrBelow(n, origin)) longest = Math.max(longest, n.key.length - origin.key.length);
  };
  made.forEach(above);
  for (const s of def.services) {
    const label = parseName(s.service.label, origin);
    if (!isNameError(label)) above(label);
  }
  if (!def.soa.rname) {
    const hostmaster = parseName('hostmaster', origin);
    if (!isNameError(hostmaster)) above(hostmaster);
  }
  for (const key of checked.declared) longest = Math.max(longest, key.length - origin.key.length);

  const heads: Head[] = [];
  const headIndex = new Map<string, number>();
  const ref = (n: Name): Ref => {
    if (!isAtOrBelow(n, origin)) return n;
    above(n);
    // By the name as written, case and all: 'Mail' and 'mail' are one node but two spellings.
    const text = wireText(n);
    let i = headIndex.get(text);
    if (i === undefined) {
      const size = n.key.length - origin.key.length;
      i = heads.length;
      const key = n.key.slice(0, size);
      // One string for both when the name has no capitals: joinName then makes one too.
      heads.push({ text: text === n.key ? key : text.slice(0, size), key, labels: n.labelCount - origin.labelCount });
      headIndex.set(text, i);
    }
    return i;
  };
  const recipes = checked.served.map((s) => recordRecipe(s, ref));
  return { checked, exceptional, room: MAX_WIRE - longest, heads, records: recipes, undecided: undecided(def, checked) };
}

/**
 * The indexes of the served records whose target checks depend on more than the zone's own
 * content: a target outside the zone, an alias chain that leaves it, or any problem (a copy
 * must word it with its own names). Checked here against a world of this zone alone.
 */
function undecided(def: Definition, checked: Checked): number[] {
  const origin = checked.origin;
  const self = { origin, def, view: new CheckedView(checked) };
  const world = new DefinedZones(new Map([[origin.key, self]]));
  const out: number[] = [];
  checked.served.forEach((s, j) => {
    const rd = s.rr.rdata;
    const target = addsTargetAddresses(s.rr.type) || rd.kind === 'CNAME' ? rdataTarget(rd) : undefined;
    if (!target || target.labelCount === 0) return;
    const check = new TargetCheck(world, self);
    check.check(s.rr, s.at, s.targetAt);
    let inside = isAtOrBelow(target, origin);
    if (rd.kind === 'CNAME') {
      const seen = new Set<string>([s.rr.owner.key]);
      for (let next: Name | undefined = target; next && inside && !seen.has(next.key); next = self.view.alias(next.key)?.target) {
        seen.add(next.key);
        inside = isAtOrBelow(next, origin);
      }
    }
    if (!inside || check.diagnostics.length > 0) out.push(j);
  });
  return out;
}

function recordRecipe(s: Sourced, ref: (n: Name) => Ref): RecordRecipe {
  const { rr, at, targetAt } = s;
  const owner = ref(rr.owner);
  const rdata = rdataRecipe(rr.rdata, ref);
  return targetAt ? { owner, type: rr.type, ttl: rr.ttl, rdata, at, targetAt } : { owner, type: rr.type, ttl: rr.ttl, rdata, at };
}

const pick = (r: Ref, name: NameOf): Name => (typeof r === 'number' ? name(r) : r);

/** The rdata itself when it holds no name to move; else how to make it for a zone. */
function rdataRecipe(rd: RData, ref: (n: Name) => Ref): RecordRecipe['rdata'] {
  const refs = rdataNames(rd).map(ref);
  if (refs.every((r) => typeof r !== 'number')) return rd;
  return (name) => rdataWithNames(rd, refs.map((r) => pick(r, name)));
}

/** Whether zone `origin` of the definition reads every name as the recipe's zone does. */
export function fits(t: ZoneRecipe, origin: Name): boolean {
  // A zone named _tcp.… writes its services one label shorter (expand.ts): a copy of another zone would not.
  return origin.key.length <= t.room && !t.exceptional.has(origin.key) && isTcpZone(origin) === isTcpZone(t.checked.origin);
}

const isTcpZone = (n: Name): boolean => n.key.startsWith('\x04_tcp');

/** Zone `origin`'s records from the recipe: in the recipe's order, each made anew. */
export function instantiate(t: ZoneRecipe, origin: Name): ResourceRecord[] {
  const names = t.heads.map((h) => headName(h, origin));
  const name = (i: number): Name => names[i]!;
  return t.records.map((r) => record(r, name));
}

/** How the recipe's records group into nodes and RRsets; null when some owner is not relative. */
const shapes = new WeakMap<ZoneRecipe, { readonly shape: ZoneShape; readonly serial: number } | null>();

/**
 * Zone `origin`'s served Zone from the recipe, grouped by the recipe's shape (worked out
 * once) instead of from records made and grouped anew: the same Zone buildZone makes from
 * instantiate(t, origin). `serial`, when given, is the SOA serial instead of the recipe's
 * (the server's, from the zone's history).
 */
export function buildCopy(t: ZoneRecipe, origin: Name, serial?: number): Zone {
  let shaped = shapes.get(t);
  if (shaped === undefined) {
    // Every copy groups alike only when every owner is relative to the origin (it always is:
    // owners are in the zone; anything else takes the general path).
    if (t.records.every((r) => typeof r.owner === 'number')) {
      const records = instantiate(t, t.checked.origin);
      const shape = zoneShape(t.checked.origin, records); // throws unless there is exactly one SOA
      const soa = records.find((rr) => rr.rdata.kind === 'SOA')!.rdata;
      // Every copy has the recipe's serial: the SOA recipe moves names, never numbers.
      shaped = { shape, serial: soa.kind === 'SOA' ? soa.serial : NaN };
    } else {
      shaped = null;
    }
    shapes.set(t, shaped);
  }
  if (shaped === null) return buildZone(origin, instantiate(t, origin).map((rr) => ({ ...rr, rdata: withSerial(rr.rdata, serial) })));
  const { shape } = shaped;
  return new DeferredZone(origin, serial ?? shaped.serial, shape.recordCount, () => {
    const names: Name[] = [];
    const name = (i: number): Name => (names[i] ??= headName(t.heads[i]!, origin));
    return buildShapedZone(
      origin,
      shape,
      (j) => pick(t.records[j]!.owner, name),
      (j) => withSerial(rdataOf(t.records[j]!, name), serial),
    );
  });
}

/** The rdata, an SOA with `serial` in place of its own (when given). */
function withSerial(rd: RData, serial: number | undefined): RData {
  return serial !== undefined && rd.kind === 'SOA' && rd.serial !== serial ? { ...rd, serial } : rd;
}

/** Zone `origin`'s records number `which` (indexes into the recipe's), making only their names. */
export function someRecords(t: ZoneRecipe, origin: Name, which: readonly number[]): ResourceRecord[] {
  const names: Name[] = [];
  const name = (i: number): Name => (names[i] ??= headName(t.heads[i]!, origin));
  return which.map((j) => record(t.records[j]!, name));
}

function headName(h: Head, origin: Name): Name {
  return h.labels === 0 ? origin : joinName(h.text, h.key, h.labels, origin);
}

function record(r: RecordRecipe, name: NameOf): ResourceRecord {
  return { owner: pick(r.owner, name), type: r.type, ttl: r.ttl, rdata: rdataOf(r, name) };
}

/** A recipe's rdata in the zone whose names `name` gives: shared, or made for that zone. */
function rdataOf(r: RecordRecipe, name: NameOf): RData {
  return typeof r.rdata === 'function' ? r.rdata(name) : r.rdata;
}

/** The recipe's own zone as checks see it: made once per recipe, shared by its copies' views. */
const recipeViews = new WeakMap<ZoneRecipe, CheckedView>();

/** The ZoneView of an instance: its names are the recipe's with the origin swapped. */
export class CopyView implements ZoneView {
  private readonly base: CheckedView;
  private readonly baseOrigin: Name;

  constructor(readonly origin: Name, recipe: ZoneRecipe) {
    let base = recipeViews.get(recipe);
    if (!base) recipeViews.set(recipe, (base = new CheckedView(recipe.checked)));
    this.base = base;
    this.baseOrigin = recipe.checked.origin;
  }

  /** The recipe's key for a key at or below this zone's origin. */
  private there(key: string): string {
    return key.slice(0, key.length - this.origin.key.length) + this.baseOrigin.key;
  }

  /** A recipe name in this zone. */
  private moved(n: Name): Name {
    const from = this.baseOrigin;
    if (!isAtOrBelow(n, from)) return n;
    const size = n.key.length - from.key.length;
    if (size === 0) return this.origin;
    const key = n.key.slice(0, size);
    const text = wireText(n);
    return joinName(text === n.key ? key : text.slice(0, size), key, n.labelCount - from.labelCount, this.origin);
  }

  has(key: string): boolean {
    return this.base.has(this.there(key));
  }

  hasAddress(key: string): boolean {
    return this.base.hasAddress(this.there(key));
  }

  declared(key: string): boolean {
    return this.base.declared(this.there(key));
  }

  alias(key: string): { readonly target: Name; readonly at: At } | undefined {
    const alias = this.base.alias(this.there(key));
    return alias && { target: this.moved(alias.target), at: alias.at };
  }

  delegated(key: string): boolean {
    return this.base.delegated(this.there(key));
  }
}
