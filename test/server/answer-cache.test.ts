// The answer cache's ring and table: whatever is found is what was cached for that key, eviction
// is oldest first under both bounds, and keys sharing a hash stay apart.
import { describe, expect, it } from 'vitest';
import { AnswerCache, BYTES_PER_ANSWER, ENTRY_ANSWER, laneBytes, negativeLimit } from '../../src/server/answer-cache.js';
import { ANSWER_KEY, answerSize, compiledAnswer, type CompiledAnswer } from '../../src/wire/compile.js';
import { parseQuery, queryKey, type Query } from '../../src/wire/query.js';
import { buildQuery } from '../support/query.js';

interface Asked {
  readonly msg: Buffer;
  readonly query: Query;
  /** The answer as the cache should hold it: with the query key. */
  readonly stored: CompiledAnswer;
  /** The same answer without a key, as a zone's shared negative answer is. */
  readonly shared: CompiledAnswer;
}

/** A query for n<i>.example.com and a record of `bodyLength` bytes keyed by it, hash forced to `hash`. */
function asked(i: number, hash: number, bodyLength: number): Asked {
  const msg = buildQuery({ id: i, qname: `n${i}.example.com`, qtype: 1 });
  const parsed = parseQuery(msg);
  if (parsed.kind !== 'query') throw new Error('did not parse');
  const query = { ...parsed, hash };
  const body = Buffer.alloc(bodyLength, i & 0xff);
  return {
    msg,
    query,
    stored: compiledAnswer(0, true, 1, 0, 0, bodyLength, queryKey(msg, query), body),
    shared: compiledAnswer(0, true, 1, 0, 0, bodyLength, '', body),
  };
}

const bytesOf = (bytes: Buffer, at: number): Buffer => bytes.subarray(at, at + answerSize(bytes, at));
/** Bytes an answer takes in its lane: its entry's header and the answer. */
const entrySize = (t: CompiledAnswer): number => ENTRY_ANSWER + answerSize(t.bytes, t.at);
const sameRecord = (cache: AnswerCache, at: number, t: CompiledAnswer): boolean => bytesOf(cache.bytes, at).equals(bytesOf(t.bytes, t.at));

/** What one lane should hold: the newest of what was added to it that fit its two bounds. */
interface LaneModel {
  readonly cached: Asked[]; // in the order added
  readonly maxAnswers: number;
  readonly bytes: number;
}

function checkLane(cache: AnswerCache, lane: LaneModel, count: number, maxRecord: number): void {
  const { cached } = lane;
  let present = 0;
  for (let k = cached.length - 1; k >= 0; k--) {
    const at = cache.find(cached[k]!.msg, cached[k]!.query);
    if (at < 0) break;
    expect(sameRecord(cache, at, cached[k]!.stored)).toBe(true);
    present++;
  }
  // Oldest first: nothing older than the first one missing is still found.
  for (let k = cached.length - 1 - present; k >= 0; k--) expect(cache.find(cached[k]!.msg, cached[k]!.query)).toBe(-1);
  expect(count).toBe(present);
  expect(present).toBeLessThanOrEqual(lane.maxAnswers);
  const bytes = cached.slice(cached.length - present).reduce((n, x) => n + entrySize(x.stored), 0);
  expect(bytes).toBeLessThanOrEqual(lane.bytes);
  // And it keeps as many as it fits: once the lane has had to evict, what is free is at most
  // the gap an eviction left (under one record) and the end the last wrap skipped (under one).
  if (present < cached.length && present < lane.maxAnswers) expect(bytes).toBeGreaterThan(lane.bytes - 2 * maxRecord);
}

/**
 * Random adds to both lanes against a model: in each lane, the answers found are exactly the
 * newest ones that fit its bounds, whatever the other lane does.
 */
function checkAgainstModel(seed: number, maxAnswers: number, maxBody: number, hashes: number, adds: number): void {
  let state = seed;
  const random = (n: number): number => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state % n;
  };
  const cache = new AnswerCache(maxAnswers);
  const answers: LaneModel = { cached: [], maxAnswers, bytes: laneBytes(maxAnswers) };
  const negatives: LaneModel = { cached: [], maxAnswers: negativeLimit(maxAnswers), bytes: laneBytes(negativeLimit(maxAnswers)) };
  const maxRecord = ENTRY_ANSWER + ANSWER_KEY + 32 + maxBody;
  for (let i = 0; i < adds; i++) {
    // Hashes at both ends of the table, so that probe chains also run past its last slot.
    const h = random(hashes);
    const a = asked(i, random(2) ? h : 0x3fffffff - h, random(maxBody));
    expect(cache.find(a.msg, a.query)).toBe(-1); // a new key is never found
    const negative = random(2) === 0;
    const lane = negative ? negatives : answers;
    const addNegative = (): CompiledAnswer => cache.addNegative(a.query.hash, a.shared, queryKey(a.msg, a.query));
    let copy = negative ? addNegative() : cache.add(a.query.hash, a.stored);
    // A negative answer is cached at its second ask (or the first, if its hash was asked before).
    if (copy === a.shared) copy = addNegative();
    if (copy === a.stored || copy === a.shared) {
      expect(entrySize(a.stored)).toBeGreaterThan(lane.bytes / 4);
      continue;
    }
    lane.cached.push(a);
    checkLane(cache, answers, cache.size, maxRecord);
    checkLane(cache, negatives, cache.negativeSize, maxRecord);
  }
}

describe('answer cache', () => {
  it('finds what was added, in the ring, and nothing for a key never added', () => {
    const cache = new AnswerCache(10);
    const a = asked(1, 5, 100);
    const b = asked(2, 6, 100);
    const copy = cache.add(a.query.hash, a.stored);
    expect(copy.bytes).toBe(cache.bytes);
    expect(cache.find(a.msg, a.query)).toBe(copy.at);
    expect(cache.find(b.msg, b.query)).toBe(-1);
    expect(cache.size).toBe(1);
  });

  it('keeps two keys that share a hash, each found with its own answer', () => {
    const cache = new AnswerCache(10);
    const a = asked(1, 7, 10);
    const b = asked(2, 7, 20);
    cache.add(7, a.stored);
    cache.add(7, b.stored);
    expect(sameRecord(cache, cache.find(a.msg, a.query), a.stored)).toBe(true);
    expect(sameRecord(cache, cache.find(b.msg, b.query), b.stored)).toBe(true);
    expect(cache.size).toBe(2);
  });

  it('evicts the oldest answer when full by count', () => {
    const cache = new AnswerCache(3);
    const all = [0, 1, 2, 3].map((i) => asked(i, i, 10));
    for (const a of all) cache.add(a.query.hash, a.stored);
    expect(all.map((a) => cache.find(a.msg, a.query) >= 0)).toEqual([false, true, true, true]);
  });

  it('does not cache an answer larger than a quarter of its lane', () => {
    const cache = new AnswerCache(1);
    const big = asked(1, 1, laneBytes(1) / 4);
    expect(cache.add(1, big.stored)).toBe(big.stored);
    expect(cache.size).toBe(0);
  });

  it('writes nothing to the negative lane for names asked once each', () => {
    const cache = new AnswerCache(8);
    for (let i = 0; i < 3000; i++) {
      const n = asked(i, i, 60);
      expect(cache.addNegative(n.query.hash, n.shared, queryKey(n.msg, n.query))).toBe(n.shared);
    }
    expect(cache.negativeSize).toBe(0);
  });

  it('sizes each lane by the answers it may hold', () => {
    expect(laneBytes(100_000)).toBe(100_000 * BYTES_PER_ANSWER);
    expect(new AnswerCache(100_000).bytes.length).toBe(laneBytes(100_000) + laneBytes(25_000));
    expect(new AnswerCache(1).bytes.length).toBe(2 * 64 * 1024);
  });

  it('copies a shared negative answer with the query key at its second ask, found by that key only', () => {
    const cache = new AnswerCache(10);
    const a = asked(1, 5, 40);
    const b = asked(2, 5, 40);
    expect(cache.addNegative(5, a.shared, queryKey(a.msg, a.query))).toBe(a.shared);
    expect(cache.find(a.msg, a.query)).toBe(-1);
    const copy = cache.addNegative(5, a.shared, queryKey(a.msg, a.query));
    expect(cache.find(a.msg, a.query)).toBe(copy.at);
    expect(sameRecord(cache, copy.at, a.stored)).toBe(true);
    expect(cache.find(b.msg, b.query)).toBe(-1);
    expect([cache.size, cache.negativeSize]).toEqual([0, 1]);
  });

  it('keeps answers while negative answers turn over their own lane', () => {
    const cache = new AnswerCache(8);
    const kept = [0, 1, 2].map((i) => asked(i, i, 300));
    for (const a of kept) cache.add(a.query.hash, a.stored);
    for (let i = 3; i < 3000; i++) {
      const n = asked(i, i, 60);
      cache.addNegative(n.query.hash, n.shared, queryKey(n.msg, n.query));
      cache.addNegative(n.query.hash, n.shared, queryKey(n.msg, n.query));
    }
    expect(kept.every((a) => cache.find(a.msg, a.query) >= 0)).toBe(true);
    expect([cache.size, cache.negativeSize]).toEqual([3, negativeLimit(8)]);
  });

  // The two bounds, the wrap, and removal from the table (linear probing: later probes shift
  // back into the hole) against a model, with few hashes so that probe chains are long.
  it.each([
    [1, 5, 2000, 3, 300], // count bound, long collision chains
    [2, 1000, 40_000, 64, 400], // byte bound: the ring wraps every few dozen answers
    [3, 200, 9000, 1 << 30, 600], // both bounds in turn, few collisions
    [4, 50, 30_000, 8, 600],
  ])('seed %i: at most %i answers, bodies under %i bytes, %i hashes, %i adds', (seed, maxAnswers, maxBody, hashes, adds) => {
    checkAgainstModel(seed, maxAnswers, maxBody, hashes, adds);
  });
});
