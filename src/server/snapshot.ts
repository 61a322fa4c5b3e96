// A Snapshot is everything one generation of the served data needs to answer: the zones and
// caches of compiled responses. The zone data is immutable once built; reload builds the next
// snapshot aside and swaps one reference.

import { LRUCache } from 'lru-cache';
import { buildCatalog, type Catalog } from '../dns/catalog.js';
import type { Name } from '../dns/name.js';
import type { ResourceRecord } from '../dns/records.js';
import { buildZone, type Zone } from '../dns/zone.js';
import { dnssecProof, signProof } from '../dns/dnssec/answer.js';
import { isSigned, type Denial } from '../dns/dnssec/signed-zone.js';
import { REFRESH_BEFORE } from '../dns/dnssec/window.js';
import { isCutReferral, isZoneNegative, lookup, type LookupResult } from '../dns/lookup.js';
import { answerRefreshAt, compileAnswer, compileNegatives, compileSigned, NEVER, REFUSED_ANSWER, zoneTag, type CompiledAnswer, type ZoneNegatives } from '../wire/compile.js';
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
  /** Whether the definition says `dnssec: on` or `off` (undefined: the configuration's dnssec.enabled). */
  readonly dnssec?: boolean | undefined;
  /** The definition's `denial:` (undefined: the configuration's dnssec.denial). */
  readonly denial?: Denial | undefined;
  /** For the zones of a `zones:` definition: the name of the key set they share. */
  readonly keyset?: string | undefined;
  /** The definition's TTL, the SOA's: how long its DNSKEY set may be cached. */
  readonly ttl?: number;
}

/** Turns a zone as built into the zone as served (server/dnssec.ts signs the zones that say so). */
export type ZoneWrapper = (input: ZoneInput, zone: Zone) => Zone;

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
  /**
   * DNSSEC negative answers and referrals of signed zones with no CNAME before them, by zone
   * origin key and what proves them (Proof.shared: an NSEC interval, a name without the type
   * asked, a zone cut): one per interval or cut, never one per name asked, bounded like `negatives`.
   */
  readonly signedNegatives: LRUCache<string, CompiledAnswer>;
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
  if (at >= 0 && (!query.dnssecOk || answerRefreshAt(snapshot.answers.bytes, at) > nowSeconds())) return { bytes: snapshot.answers.bytes, at };
  if (at >= 0) snapshot.answers.retire(at);
  return answerUncached(snapshot, msg, query);
}

const nowSeconds = (): number => Date.now() / 1000;

/**
 * The answer for a query the answer cache does not hold (the UDP and TCP paths call
 * AnswerCache.find first, so that a hit makes no object): looked up, compiled and cached.
 */
export function answerUncached(snapshot: Snapshot, msg: Buffer, query: Query): CompiledAnswer {
  const key = queryKey(msg, query);
  const nameKey = nameKeyOf(key);
  const result = lookup(snapshot.catalog, nameKey, query.qtype);
  if (result.kind === 'refused') return REFUSED_ANSWER;
  // DO=1 at a signed zone (or a CNAME chain that reaches one): the answer with its proof; a
  // referral with the DS or the NSEC of its cut (RFC 4035 §3.1.4). An unsigned zone's negative
  // answers and referrals are the same bytes as for DO=0.
  if (query.dnssecOk && !((isZoneNegative(result) || isCutReferral(result)) && !isSigned(result.zone))) return signedUncached(snapshot, result, nameKey, key, query);
  // A zone's negative answers are one pair per zone; from a key's second ask they are copied
  // for it into the cache's negative lane, so a flood of names or types never turns the answers.
  if (isZoneNegative(result)) return snapshot.answers.addNegative(query.hash, negativesOf(snapshot, result.zone)[result.kind], key);
  // Likewise a referral is one body per zone cut, whatever name below the cut was asked.
  if (isCutReferral(result)) return snapshot.answers.addNegative(query.hash, referralOf(snapshot, result), key);
  return snapshot.answers.add(query.hash, compileAnswer(writer, result, key));
}

/** REFRESH_AT of an answer whose earliest signature expires at `expiration`. */
function refreshAt(expiration: number): number {
  return expiration === Infinity ? NEVER : expiration - REFRESH_BEFORE;
}

/**
 * A DO=1 answer: looked up, proved (dns/dnssec/answer.ts), signed and compiled. A negative
 * answer with no CNAME before it is one body per NSEC interval of its zone, and a referral one
 * per zone cut (kept apart from the DO=0 referrals), copied per key at a key's second ask as
 * the zone negatives are: a flood of names that do not exist, or of names below a delegation,
 * makes no signature and no body per name.
 */
function signedUncached(snapshot: Snapshot, result: Exclude<LookupResult, { kind: 'refused' }>, nameKey: string, key: string, query: Query): CompiledAnswer {
  const proof = dnssecProof(snapshot.catalog, result, nameKey, query.qtype, query.compactOk);
  if (proof.shared !== undefined) {
    const bodyKey = `${proof.zone.origin.key}\0${proof.shared}`;
    let body = snapshot.signedNegatives.get(bodyKey);
    if (!body || answerRefreshAt(body.bytes, body.at) <= nowSeconds()) {
      const signed = signProof(proof);
      body = compileSigned(writer, signed, '', refreshAt(signed.expiration), zoneTag(proof.zone.origin.key));
      snapshot.signedNegatives.set(bodyKey, body);
    }
    return snapshot.answers.addNegative(query.hash, body, key);
  }
  const signed = signProof(proof);
  // Without answer records (a compact denial) the body is compiled keyless and copied per key.
  if (signed.answer.length === 0) return snapshot.answers.addNegative(query.hash, compileSigned(writer, signed, '', refreshAt(signed.expiration), zoneTag(proof.zone.origin.key)), key);
  return snapshot.answers.add(query.hash, compileSigned(writer, signed, key, refreshAt(signed.expiration), zoneTag(result.zone.origin.key)));
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

export function buildSnapshot(inputs: readonly ZoneInput[], cacheSize: number, wrap?: ZoneWrapper): Snapshot {
  const steps = snapshotSteps(inputs, cacheSize, wrap);
  for (let r = steps.next(); ; r = steps.next()) if (r.done) return r.value;
}

/** Longest stretch the build runs before letting queued queries through. */
const SLICE_MS = 10;

/**
 * Builds the snapshot in slices of about SLICE_MS, yielding to the event loop between them, so
 * queries keep being answered from the current snapshot while a large one is built.
 */
export async function buildSnapshotSliced(inputs: readonly ZoneInput[], cacheSize: number, wrap?: ZoneWrapper): Promise<Snapshot> {
  const steps = snapshotSteps(inputs, cacheSize, wrap);
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
function* snapshotSteps(inputs: readonly ZoneInput[], cacheSize: number, wrap?: ZoneWrapper): Generator<void, Snapshot> {
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
    zones.push(wrap ? wrap(z, zone) : zone);
  }
  return Object.freeze({
    catalog: buildCatalog(zones),
    answers: new AnswerCache(cacheSize),
    negatives: new LRUCache<string, ZoneNegatives>({ max: Math.max(1, cacheSize) }),
    referrals: new LRUCache<string, CompiledAnswer>({ max: Math.max(1, cacheSize) }),
    signedNegatives: new LRUCache<string, CompiledAnswer>({ max: Math.max(1, cacheSize) }),
    zoneCount: zones.length,
    recordCount: zones.reduce((n, z) => n + z.recordCount, 0),
    autoconfig,
    sources,
  });
}
