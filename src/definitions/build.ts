// All definitions → the zones to serve. A zone with any error is left out (the caller keeps
// serving the rest, or the zone's previous version), and so is a zone defined twice.

import { nameToText, type Name } from '../dns/name.js';
import type { ResourceRecord } from '../dns/records.js';
import type { Zone } from '../dns/zone.js';
import type { AutoconfigSpec } from './autoconfig.js';
import { error, hasErrors, tidy, type At, type Diagnostic } from './diagnostics.js';
import { expandZone } from './expand.js';
import { StoredRecords } from './stored.js';
import { resolveName } from './names.js';
import type { Definition } from './schema.js';
import { Shared } from './shared.js';
import { CheckedView, DefinedZones, TargetCheck, type Defined } from './targets.js';
import { buildCopy, fits, instantiate, CopyView, makeRecipe, someRecords, watchingResolver, type ZoneRecipe } from './recipe.js';
import { checkZone, type Checked } from './validate.js';

export interface ZoneContent {
  /** The zone apex. */
  readonly origin: Name;
  /** Definition file it came from. */
  readonly file: string;
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
  /** The definition's `dnssec:` (undefined: the configuration decides). */
  readonly dnssec?: boolean | undefined;
  /** The definition's `denial:` (undefined: the configuration decides). */
  readonly denial?: 'nsec' | 'compact' | undefined;
  /** The key set a `zones:` definition's zones share; undefined: the zone's own. */
  readonly keyset?: string | undefined;
}

/** What a definition says about signing, for each zone it makes. */
function signingOf(def: Definition): Pick<ZoneContent, 'dnssec' | 'denial' | 'keyset'> {
  return { dnssec: def.dnssec, denial: def.denial, keyset: def.keyset };
}

export interface BuiltZones {
  readonly zones: ZoneContent[];
  /** Sorted by file, line and column. */
  readonly diagnostics: Diagnostic[];
  /** Zones defined somewhere but left out of `zones` because of errors, each once. */
  readonly failed: Name[];
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
class CopiedZone implements ZoneContent {
  readonly #recipe: ZoneRecipe;
  readonly #def: Definition;

  constructor(
    readonly origin: Name,
    def: Definition,
    recipe: ZoneRecipe,
  ) {
    this.#recipe = recipe;
    this.#def = def;
  }

  get file(): string {
    return this.#def.file;
  }
  get ttl(): number {
    return this.#def.ttl;
  }
  get autoconfig(): AutoconfigSpec | undefined {
    return this.#def.autoconfig;
  }
  get dnssec(): boolean | undefined {
    return this.#def.dnssec;
  }
  get denial(): 'nsec' | 'compact' | undefined {
    return this.#def.denial;
  }
  get keyset(): string | undefined {
    return this.#def.keyset;
  }

  get records(): ResourceRecord[] {
    return instantiate(this.#recipe, this.origin);
  }

  buildZone(): Zone {
    return buildCopy(this.#recipe, this.origin);
  }
}

/** A zone checked on its own. Its records are made on each read of `records`, as CopiedZone's. */
class OwnZone implements ZoneContent {
  readonly #records: StoredRecords;
  readonly dnssec: boolean | undefined;
  readonly denial: 'nsec' | 'compact' | undefined;
  readonly keyset: string | undefined;

  constructor(
    readonly origin: Name,
    readonly file: string,
    readonly ttl: number,
    records: StoredRecords,
    readonly autoconfig: AutoconfigSpec | undefined,
    signing: Pick<ZoneContent, 'dnssec' | 'denial' | 'keyset'>,
  ) {
    this.#records = records;
    this.dnssec = signing.dnssec;
    this.denial = signing.denial;
    this.keyset = signing.keyset;
  }

  get records(): ResourceRecord[] {
    return this.#records.toArray();
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
  const failed = new Map<string, Name>();
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
      if (earlier) {
        const place = `${earlier.at.file}:${earlier.at.line}:${earlier.at.col}`;
        diagnostics.push(error(at, `zone ${nameToText(origin)} is already defined at ${place}: define each zone once`));
        failed.set(origin.key, earlier.origin);
        return;
      }
      if (def.broken) failed.set(origin.key, origin);
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
    if (hasErrors(mine)) failed.set(z.origin.key, z.origin);
    if (failed.has(z.origin.key)) continue;
    let content = z.cache?.content;
    if (!content) {
      content = z.own ? new OwnZone(z.origin, z.def.file, z.def.ttl, z.own.records, z.def.autoconfig, signingOf(z.def)) : new CopiedZone(z.origin, z.def, z.recipe!);
      if (z.cache) z.cache.content = content;
    }
    zones.push(content);
  }
  return { zones, diagnostics: tidy(diagnostics), failed: [...failed.values()] };
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
