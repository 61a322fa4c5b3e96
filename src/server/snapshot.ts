// A Snapshot is everything one generation of the served data needs to answer: the zones and
// caches of compiled responses. The zone data is immutable once built; reload builds the next
// snapshot aside and swaps one reference.

import { LRUCache } from 'lru-cache';
import { buildCatalog, type Catalog } from '../dns/catalog.js';
import type { Name } from '../dns/name.js';
import type { ResourceRecord } from '../dns/records.js';
import { buildZone, type Zone } from '../dns/zone.js';
import { isCutReferral, isZoneNegative, lookup } from '../dns/lookup.js';
import { compileAnswer, compileNegatives, REFUSED_ANSWER, type CompiledAnswer, type ZoneNegatives } from '../wire/compile.js';
import { nameKeyOf, queryKey, type Query } from '../wire/query.js';
import { MessageWriter } from '../wire/writer.js';
import { AnswerCache } from './answer-cache.js';
import type { AutoconfigZone } from './http/publish.js';
import type { ReplicationSpec } from '../definitions/index.js';

export interface ZoneInput {
  readonly origin: Name;
  readonly records: readonly ResourceRecord[];
  /** The Zone itself, when the input can make it faster than buildZone can (a zones: copy). */
  buildZone?(): Zone;
  /** Set when the zone's definition has `autoconfig:` on (server/http/publish.ts). */
  readonly autoconfigZone?: AutoconfigZone;
  /** The definition's `transfer:`, `notify:` and `group:`, when written. */
  readonly replication?: ReplicationSpec | undefined;
}

export interface Snapshot {
  readonly catalog: Catalog;
  /**
   * Compiled answers by query hash (Query.hash; each carries its query key, which a hit is
   * checked against): answers at existing names, compiled the first time they are asked for,
   * and copies of the zones' negative answers for names and types asked twice, each kind in a
   * bounded lane of its own (AnswerCache). A reload of 100,000 domains need not compile
   * millions of responses before it can swap, memory stays bounded however many names exist,
   * and a query that hits reads one table slot and one entry, with no string or object made.
   */
  readonly answers: AnswerCache;
  /**
   * NXDOMAIN and NODATA per zone (by origin key): the same for every name, so never per name.
   * Kept for at most as many zones as the answer cache holds answers, so that a flood of names
   * that do not exist, spread over every zone served, stays within the configured bound too.
   */
  readonly negatives: LRUCache<string, ZoneNegatives>;
  /** Referrals by zone cut (the NS owner's key), bounded as `negatives` is. */
  readonly referrals: LRUCache<string, CompiledAnswer>;
  readonly zoneCount: number;
  readonly recordCount: number;
  /** The zones the HTTP autoconfig responder serves, by origin key. */
  readonly autoconfig?: ReadonlyMap<string, AutoconfigZone>;
  /**
   * What each zone was built from, by origin key: the records of a version, for the IXFR
   * history, and the definition's replication keys (transfer ACL, NOTIFY targets).
   */
  readonly sources?: ReadonlyMap<string, ZoneInput>;
}

// Compiling is synchronous, so one writer serves every snapshot.
const writer = new MessageWriter();

/** The compiled answer for a query (in `msg`): from the answer cache, or looked up and compiled. */
export function answerFor(snapshot: Snapshot, msg: Buffer, query: Query): CompiledAnswer {
  const at = snapshot.answers.find(msg, query);
  return at >= 0 ? { bytes: snapshot.answers.bytes, at } : answerUncached(snapshot, msg, query);
}

/**
 * The answer for a query the answer cache does not hold (the UDP and TCP paths call
 * AnswerCache.find first, so that a hit makes no object): looked up, compiled and cached.
 */
export function answerUncached(snapshot: Snapshot, msg: Buffer, query: Query): CompiledAnswer {
  const key = queryKey(msg, query);
  const result = lookup(snapshot.catalog, nameKeyOf(key), query.qtype);
  if (result.kind === 'refused') return REFUSED_ANSWER;
  // A zone's negative answers are one pair per zone; from a key's second ask they are copied
  // for it into the cache's negative lane, so a flood of names or types never turns the answers.
  if (isZoneNegative(result)) return snapshot.answers.addNegative(query.hash, negativesOf(snapshot, result.zone)[result.kind], key);
  // Likewise a referral is one body per zone cut, whatever name below the cut was asked.
  if (isCutReferral(result)) return snapshot.answers.addNegative(query.hash, referralOf(snapshot, result), key);
  return snapshot.answers.add(query.hash, compileAnswer(writer, result, key));
}

function negativesOf(snapshot: Snapshot, zone: Zone): ZoneNegatives {
  let negatives = snapshot.negatives.get(zone.origin.key);
  if (!negatives) {
    negatives = compileNegatives(writer, zone);
    snapshot.negatives.set(zone.origin.key, negatives);
  }
  return negatives;
}

function referralOf(snapshot: Snapshot, result: Parameters<typeof compileAnswer>[1] & { kind: 'referral' }): CompiledAnswer {
  const cut = result.ns.owner.key;
  let referral = snapshot.referrals.get(cut);
  if (!referral) {
    referral = compileAnswer(writer, result);
    snapshot.referrals.set(cut, referral);
  }
  return referral;
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
  const autoconfig = new Map<string, AutoconfigZone>();
  const sources = new Map<string, ZoneInput>();
  for (const z of inputs) {
    sources.set(z.origin.key, z);
    if (z.autoconfigZone) autoconfig.set(z.origin.key, z.autoconfigZone);
    let zone = builtZones.get(z);
    if (!zone) {
      zone = z.buildZone ? z.buildZone() : buildZone(z.origin, z.records);
      builtZones.set(z, zone);
      yield;
    }
    zones.push(zone);
  }
  return Object.freeze({
    catalog: buildCatalog(zones),
    answers: new AnswerCache(cacheSize),
    negatives: new LRUCache<string, ZoneNegatives>({ max: Math.max(1, cacheSize) }),
    referrals: new LRUCache<string, CompiledAnswer>({ max: Math.max(1, cacheSize) }),
    zoneCount: zones.length,
    recordCount: zones.reduce((n, z) => n + z.recordCount, 0),
    autoconfig,
    sources,
  });
}
