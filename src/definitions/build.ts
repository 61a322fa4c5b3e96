// All definitions → the zones to serve. A zone with any error is left out (the caller keeps
// serving the rest, or the zone's previous version), and so is a zone defined twice.

import { nameToText, type Name } from '../dns/name.js';
import type { ResourceRecord } from '../dns/records.js';
import type { Zone } from '../dns/zone.js';
import type { AutoconfigSpec } from './autoconfig.js';
import type { ReplicationSpec } from './replication.js';
import { error, hasErrors, tidy, warning, type At, type Diagnostic } from './diagnostics.js';
import { expandZone } from './expand.js';
import { StoredRecords } from './stored.js';
import { resolveName } from './names.js';
import type { Definition, SerialPolicy } from './schema.js';
import { Shared } from './shared.js';
import { CheckedView, DefinedZones, TargetCheck, type Defined } from './targets.js';
import { buildCopy, fits, instantiate, CopyView, makeRecipe, someRecords, watchingResolver, type ZoneRecipe } from './recipe.js';
import { checkZone, type Checked } from './validate.js';

export interface ZoneContent {
  /** The zone apex. */
  readonly origin: Name;
  /** Definition file it came from. */
  readonly file: string;
  /** The line of that file that names the zone. */
  readonly line: number;
  /** The definition's default TTL. */
  readonly ttl: number;
  /**
   * Everything the zone serves, SOA first, then in the order the definition writes it. For a
   * zone copied from its `zones:` definition's recipe this is made on each read (the zone
   * holds its origin and the recipe, not 27 records): read it once per use.
   */
  readonly records: ResourceRecord[];
  /** The served Zone, when the content can make it faster than buildZone(origin, records) can. */
  buildZone?(): Zone;
  /** The definition's `autoconfig:`, when on (the HTTP responder serves the zone). */
  readonly autoconfig?: AutoconfigSpec | undefined;
  /** The definition's `transfer:`, `notify:` and `group:`, when written. */
  readonly replication?: ReplicationSpec | undefined;
  /** The definition's `dnssec:` (undefined: the configuration decides). */
  readonly dnssec?: boolean | undefined;
  /** The definition's `denial:` (undefined: the configuration decides). */
  readonly denial?: 'nsec' | 'compact' | undefined;
  /** The key set a `zones:` definition's zones share; undefined: the zone's own. */
  readonly keyset?: string | undefined;
  /** The SOA serial in `records`. */
  readonly serial: number;
  /** How the server picks the serial it serves (schema.ts), and where that is written. */
  readonly serialPolicy: SerialPolicy;
  readonly serialAt: At;
  /**
   * Zones with the same key have the same content apart from their origin (copies of one
   * `zones:` recipe): whatever depends on the content alone is worked out once for them all.
   */
  readonly contentKey: object;
  /**
   * The same zone with another SOA serial: itself for its own serial; else a new object, which
   * the next build hands out in its place (so an unchanged zone keeps one object).
   */
  withSerial(serial: number): ZoneContent;
}

/** Records with the SOA's serial replaced. */
function reserialed(records: ResourceRecord[], serial: number): ResourceRecord[] {
  return records.map((rr) => (rr.rdata.kind === 'SOA' && rr.rdata.serial !== serial ? { ...rr, rdata: { ...rr.rdata, serial } } : rr));
}

/** What the zones of one definition share: where it is, and its serial policy. */
interface Source {
  readonly file: string;
  readonly ttl: number;
  readonly serial: number;
  readonly serialPolicy: SerialPolicy;
  readonly serialAt: At;
  readonly autoconfig: AutoconfigSpec | undefined;
  readonly replication: ReplicationSpec | undefined;
  readonly dnssec: boolean | undefined;
  readonly denial: 'nsec' | 'compact' | undefined;
  readonly keyset: string | undefined;
}

const sources = new WeakMap<Definition, Source>();

function sourceOf(def: Definition): Source {
  let source = sources.get(def);
  if (!source) {
    source = {
      file: def.file,
      ttl: def.ttl,
      serial: def.soa.serial,
      serialPolicy: def.soa.serialPolicy,
      serialAt: def.soa.serialAt,
      autoconfig: def.autoconfig,
      replication: def.replication,
      dnssec: def.dnssec,
      denial: def.denial,
      keyset: def.keyset,
    };
    sources.set(def, source);
  }
  return source;
}

/** Where a build keeps the ZoneContent it handed out for a zone (CachedExpansion). */
interface Slot {
  content?: ZoneContent;
}

/** The fields every ZoneContent reads from its definition's Source, and the serial override. */
abstract class SourcedZone implements ZoneContent {
  readonly #source: Source;
  /** The serial served instead of the definition's; undefined: the definition's. */
  readonly #serial: number | undefined;
  readonly #slot: Slot | undefined;

  constructor(
    readonly origin: Name,
    readonly line: number,
    source: Source,
    serial: number | undefined,
    slot: Slot | undefined,
  ) {
    this.#source = source;
    this.#serial = serial;
    this.#slot = slot;
  }

  get file(): string {
    return this.#source.file;
  }
  get ttl(): number {
    return this.#source.ttl;
  }
  get serial(): number {
    return this.#serial ?? this.#source.serial;
  }
  get serialPolicy(): SerialPolicy {
    return this.#source.serialPolicy;
  }
  get serialAt(): At {
    return this.#source.serialAt;
  }
  get autoconfig(): AutoconfigSpec | undefined {
    return this.#source.autoconfig;
  }
  get replication(): ReplicationSpec | undefined {
    return this.#source.replication;
  }
  get dnssec(): boolean | undefined {
    return this.#source.dnssec;
  }
  get denial(): 'nsec' | 'compact' | undefined {
    return this.#source.denial;
  }
  get keyset(): string | undefined {
    return this.#source.keyset;
  }
  protected get source(): Source {
    return this.#source;
  }
  protected get slot(): Slot | undefined {
    return this.#slot;
  }
  /** Undefined when the records carry the definition's serial as they are. */
  protected get override(): number | undefined {
    return this.#serial === undefined || this.#serial === this.#source.serial ? undefined : this.#serial;
  }

  abstract get records(): ResourceRecord[];
  abstract get contentKey(): object;
  protected abstract copy(serial: number): ZoneContent;

  withSerial(serial: number): ZoneContent {
    if (serial === this.serial) return this;
    const other = this.copy(serial);
    // The next build hands out this one: a reload that serves the same serial gets the same
    // object back (and the server its built Zone), and the one replaced is not kept.
    if (this.#slot?.content === this) this.#slot.content = other;
    return other;
  }
}

export interface BuiltZones {
  readonly zones: ZoneContent[];
  /** Sorted by file, line and column. */
  readonly diagnostics: Diagnostic[];
  /** Zones defined somewhere but left out of `zones` because of errors, each once. */
  readonly failed: Name[];
  /** The file each failed zone is defined in (by origin key). */
  readonly failedIn: ReadonlyMap<string, string>;
}

export interface BuildOptions {
  /**
   * Expand a `zones:` definition once and copy the result to its other zones (recipe.ts),
   * rather than expanding it for each. On by default; the result is the same either way.
   */
  readonly share?: boolean;
}

/**
 * A zone copied from its definition's recipe. It keeps the recipe, not the records: those
 * are made again each time `records` is read, so 100,000 such zones held between reloads cost
 * a few bytes each, and their records live only in the snapshot built from them.
 */
class CopiedZone extends SourcedZone {
  readonly #recipe: ZoneRecipe;

  constructor(origin: Name, line: number, source: Source, recipe: ZoneRecipe, serial?: number, slot?: Slot) {
    super(origin, line, source, serial, slot);
    this.#recipe = recipe;
  }

  get records(): ResourceRecord[] {
    const records = instantiate(this.#recipe, this.origin);
    const serial = this.override;
    return serial === undefined ? records : reserialed(records, serial);
  }

  get contentKey(): object {
    return this.#recipe;
  }

  buildZone(): Zone {
    return buildCopy(this.#recipe, this.origin, this.override);
  }

  protected copy(serial: number): ZoneContent {
    return new CopiedZone(this.origin, this.line, this.source, this.#recipe, serial, this.slot);
  }
}

/** A zone checked on its own. Its records are made on each read of `records`, as CopiedZone's. */
class OwnZone extends SourcedZone {
  readonly #records: StoredRecords;

  constructor(origin: Name, line: number, source: Source, records: StoredRecords, serial?: number, slot?: Slot) {
    super(origin, line, source, serial, slot);
    this.#records = records;
  }

  get records(): ResourceRecord[] {
    const records = this.#records.toArray();
    const serial = this.override;
    return serial === undefined ? records : reserialed(records, serial);
  }

  get contentKey(): object {
    return this.#records;
  }

  protected copy(serial: number): ZoneContent {
    return new OwnZone(this.origin, this.line, this.source, this.#records, serial, this.slot);
  }
}

/** What a build keeps of a zone checked on its own: its records, where each is written, and its own problems. */
interface Own {
  readonly records: StoredRecords;
  readonly diagnostics: readonly Diagnostic[];
}

/** A zone defined here with where it is named, and its content: checked on its own, or copied. */
type ZoneToBuild = Defined & { readonly at: At; readonly own?: Own; readonly recipe?: ZoneRecipe };

export function buildZones(definitions: readonly Definition[], options: BuildOptions = {}): BuiltZones {
  const steps = buildZonesSteps(definitions, options);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** What one definition expanded to, per zone origin key: reused while the Definition object is. */
interface CachedExpansion {
  readonly view: Defined['view'];
  readonly own?: Own;
  readonly recipe?: ZoneRecipe;
  /** The ZoneContent last handed out for this zone: the same object, so the server can reuse its Zone. */
  content?: ZoneContent;
}

/**
 * Expansions by definition. A reload hands back the same Definition objects for files that did
 * not change (the caller's parse cache), so their zones are not expanded or checked on their
 * own again: a one-file reload among 10,000 costs that file plus the checks across zones.
 */
const expansions = { shared: new WeakMap<Definition, Map<string, CachedExpansion>>(), own: new WeakMap<Definition, Map<string, CachedExpansion>>() };

/**
 * buildZones as steps: it yields after each definition and after each zone's checks across
 * zones, so a caller can spread a large build over several turns of the event loop.
 */
export function* buildZonesSteps(definitions: readonly Definition[], options: BuildOptions = {}): Generator<void, BuiltZones> {
  const diagnostics: Diagnostic[] = [];
  const failed = new Map<string, { readonly origin: Name; readonly file: string }>();
  const defined = new Map<string, ZoneToBuild & { readonly cache?: CachedExpansion }>();
  const shared = new Shared();
  const cacheFor = options.share === false ? expansions.own : expansions.shared;
  for (const def of definitions) {
    let cache = cacheFor.get(def);
    if (!cache) {
      cache = new Map();
      cacheFor.set(def, cache);
    }
    const byOrigin = cache;
    const sharing = options.share !== false && def.hasContent && def.zones.length > 1 ? new Sharing(def, shared) : undefined;
    yield;
    def.zones.forEach((origin, i) => {
      const at = def.zoneAt[i]!;
      const earlier = defined.get(origin.key);
      if (earlier && earlier.def.listed !== def.listed) {
        // A zone in a file of its own and in a zones: list: the file of its own is how a
        // provider gives one customer of the list something else, so it wins.
        const [listAt, ownAt] = def.listed ? [at, earlier.at] : [earlier.at, at];
        const message = `zone ${nameToText(origin)} is also defined in a file of its own (${ownAt.file}:${ownAt.line}): that definition is served, not this entry`;
        diagnostics.push(warning(listAt, message));
        if (def.listed) return;
        failed.delete(origin.key);
      } else if (earlier) {
        const place = `${earlier.at.file}:${earlier.at.line}:${earlier.at.col}`;
        diagnostics.push(error(at, `zone ${nameToText(origin)} is already defined at ${place}: define each zone once`));
        failed.set(origin.key, { origin: earlier.origin, file: earlier.def.file });
        return;
      }
      if (def.broken) failed.set(origin.key, { origin, file: def.file });
      if (!def.hasContent) {
        defined.set(origin.key, { origin, def, at });
        return;
      }
      const cached = byOrigin.get(origin.key) ?? expand(def, origin, byOrigin, sharing, shared);
      defined.set(origin.key, { origin, def, at, view: cached.view, cache: cached, ...(cached.own ? { own: cached.own } : {}), ...(cached.recipe ? { recipe: cached.recipe } : {}) });
    });
  }
  const all = new DefinedZones(defined);
  const zones: ZoneContent[] = [];
  for (const z of defined.values()) {
    if (!z.view) continue;
    const targets = new TargetCheck(all, z);
    let mine: Diagnostic[];
    if (z.own) {
      const records = z.own.records;
      for (let i = 0; i < records.length; i++) targets.check(records.record(i), records.at(i), records.targetAt(i));
      mine = [...z.own.diagnostics, ...targets.diagnostics];
    } else {
      // A copy: its own checks found nothing, as the recipe's did; those across zones remain,
      // and with no zone inside this one, only for the records the recipe could not decide.
      const recipe = z.recipe!;
      const which = all.hasInner(z.origin) ? recipe.records.map((_, j) => j) : recipe.undecided;
      if (which.length > 0) {
        const records = someRecords(recipe, z.origin, which);
        which.forEach((j, k) => targets.check(records[k]!, recipe.records[j]!.at, recipe.records[j]!.targetAt));
      }
      mine = targets.diagnostics;
    }
    diagnostics.push(...mine);
    yield;
    if (hasErrors(mine)) failed.set(z.origin.key, { origin: z.origin, file: z.def.file });
    if (failed.has(z.origin.key)) continue;
    let content = z.cache?.content;
    if (!content) {
      const source = sourceOf(z.def);
      content = z.own ? new OwnZone(z.origin, z.at.line, source, z.own.records, undefined, z.cache) : new CopiedZone(z.origin, z.at.line, source, z.recipe!, undefined, z.cache);
      if (z.cache) z.cache.content = content;
    }
    zones.push(content);
  }
  const failedIn = new Map([...failed].map(([key, f]) => [key, f.file]));
  return { zones, diagnostics: tidy(diagnostics), failed: [...failed.values()].map((f) => f.origin), failedIn };
}

/** Expands one zone of `def` and caches the result under its origin. */
function expand(def: Definition, origin: Name, byOrigin: Map<string, CachedExpansion>, sharing: Sharing | undefined, shared: Shared): CachedExpansion {
  const content = sharing ? sharing.zone(origin) : checkZone(expandZone(def, origin, resolveName, shared));
  const expanded: CachedExpansion =
    'undecided' in content
      ? { recipe: content, view: new CopyView(origin, content) }
      : {
          own: { records: new StoredRecords(content.served, (p) => shared.path(p)), diagnostics: content.diagnostics },
          view: new CheckedView(content),
        };
  byOrigin.set(origin.key, expanded);
  return expanded;
}

/**
 * Expands every zone of `def` now, as the next build (shared, the default) would, and returns a
 * slim copy that shares those expansions: without nameservers, hosts, mx, services, aliases and
 * records, and the places they were written, which only expansion reads. A caller that keeps
 * definitions between builds (the server's parse cache) can so drop each file's full definition
 * as soon as it is read: about 4 KB per file. A zone that the build finds defined twice was
 * expanded for nothing, which is harmless, and the other file can still serve it alone.
 * Build the slim copy in the default (shared) mode only: it has nothing left to expand.
 */
export function expandAhead(def: Definition, shared: Shared): Definition {
  if (!def.hasContent) return def;
  const byOrigin = expansions.shared.get(def) ?? new Map<string, CachedExpansion>();
  const sharing = def.zones.length > 1 ? new Sharing(def, shared) : undefined;
  for (const origin of def.zones) if (!byOrigin.has(origin.key)) expand(def, origin, byOrigin, sharing, shared);
  const slim: Definition = Object.freeze({ ...def, nameservers: [], hosts: [], mx: [], services: [], aliases: [], records: [] });
  expansions.shared.set(slim, byOrigin);
  return slim;
}

/** Expansions after which a definition stops trying to make a recipe of one of its zones. */
const RECIPE_TRIES = 2;

/** The zones of one `zones:` definition: the first expanded in full, the rest copied where they can be. */
class Sharing {
  private recipe: ZoneRecipe | undefined;
  private tries = 0;

  constructor(
    private readonly def: Definition,
    private readonly shared: Shared,
  ) {}

  /** The zone's content checked on its own, or the recipe it is a copy of. */
  zone(origin: Name): Checked | ZoneRecipe {
    if (this.recipe && fits(this.recipe, origin)) return this.recipe;
    if (this.recipe || this.tries >= RECIPE_TRIES) return checkZone(expandZone(this.def, origin, resolveName, this.shared));
    this.tries++;
    const watch = watchingResolver();
    const checked = checkZone(expandZone(this.def, origin, watch.resolve, this.shared));
    this.recipe = makeRecipe(this.def, checked, watch.texts, watch.names);
    return checked;
  }
}
