// The answer cache's ring and table: whatever is found is what was cached for that key, eviction
// is oldest first under both bounds, and keys sharing a hash stay apart.
import { describe, expect, it } from 'vitest';
import { AnswerCache, RING_BYTES_PER_ANSWER } from '../../src/server/answer-cache.js';
import { answerRecord, RECORD_KEY, recordSize, type Template } from '../../src/wire/compile.js';
import { parseQuery, queryKey, type Query } from '../../src/wire/query.js';
import { buildQuery } from '../support/query.js';

interface Asked {
  readonly msg: Buffer;
  readonly query: Query;
  readonly template: Template;
}

/** A query for n<i>.example.com and a record of `bodyLength` bytes keyed by it, hash forced to `hash`. */
function asked(i: number, hash: number, bodyLength: number): Asked {
  const msg = buildQuery({ id: i, qname: `n${i}.example.com`, qtype: 1 });
  const parsed = parseQuery(msg);
  if (parsed.kind !== 'query') throw new Error('did not parse');
  const query = { ...parsed, hash };
  const body = Buffer.alloc(bodyLength, i & 0xff);
  return { msg, query, template: answerRecord(0, true, 1, 0, 0, bodyLength, queryKey(msg, query), body) };
}

const bytesOf = (bytes: Buffer, at: number): Buffer => bytes.subarray(at + 4 + 4, at + recordSize(bytes, at)); // past size and hash
const sameRecord = (cache: AnswerCache, at: number, t: Template): boolean => bytesOf(cache.bytes, at).equals(bytesOf(t.bytes, t.at));

/** Random adds against a model: the answers found are exactly the newest ones that fit both bounds. */
function checkAgainstModel(seed: number, maxAnswers: number, maxBody: number, hashes: number, adds: number): void {
  let state = seed;
  const random = (n: number): number => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state % n;
  };
  const cache = new AnswerCache(maxAnswers);
  const ring = cache.bytes.length;
  const cached: Asked[] = []; // in the order added
  for (let i = 0; i < adds; i++) {
    // Hashes at both ends of the table, so that probe chains also run past its last slot.
    const h = random(hashes);
    const a = asked(i, random(2) ? h : 0x3fffffff - h, random(maxBody));
    expect(cache.find(a.msg, a.query)).toBe(-1); // a new key is never found
    const copy = cache.add(a.query.hash, a.template);
    if (copy === a.template) {
      expect(recordSize(a.template.bytes, 0)).toBeGreaterThan(ring / 4);
      continue;
    }
    cached.push(a);
    // The newest answers that fit: at most maxAnswers of them, and they fit in the ring.
    let present = 0;
    for (let k = cached.length - 1; k >= 0; k--) {
      const at = cache.find(cached[k]!.msg, cached[k]!.query);
      if (at < 0) break;
      expect(sameRecord(cache, at, cached[k]!.template)).toBe(true);
      present++;
    }
    // Oldest first: nothing older than the first one missing is still found.
    for (let k = cached.length - 1 - present; k >= 0; k--) expect(cache.find(cached[k]!.msg, cached[k]!.query)).toBe(-1);
    expect(cache.size).toBe(present);
    expect(present).toBeLessThanOrEqual(maxAnswers);
    const newest = cached.slice(cached.length - present);
    const bytes = newest.reduce((n, x) => n + recordSize(x.template.bytes, 0), 0);
    expect(bytes).toBeLessThanOrEqual(ring);
    // And it keeps as many as it fits: once the ring has had to evict, what is free is at most
    // the gap an eviction left (under one record) and the end the last wrap skipped (under one).
    if (present < cached.length && present < maxAnswers) expect(bytes).toBeGreaterThan(ring - 2 * (RECORD_KEY + 32 + maxBody));
  }
}

describe('answer cache', () => {
  it('finds what was added, in the ring, and nothing for a key never added', () => {
    const cache = new AnswerCache(10);
    const a = asked(1, 5, 100);
    const b = asked(2, 6, 100);
    const copy = cache.add(a.query.hash, a.template);
    expect(copy.bytes).toBe(cache.bytes);
    expect(cache.find(a.msg, a.query)).toBe(copy.at);
    expect(cache.find(b.msg, b.query)).toBe(-1);
    expect(cache.size).toBe(1);
  });

  it('keeps two keys that share a hash, each found with its own answer', () => {
    const cache = new AnswerCache(10);
    const a = asked(1, 7, 10);
    const b = asked(2, 7, 20);
    cache.add(7, a.template);
    cache.add(7, b.template);
    expect(sameRecord(cache, cache.find(a.msg, a.query), a.template)).toBe(true);
    expect(sameRecord(cache, cache.find(b.msg, b.query), b.template)).toBe(true);
    expect(cache.size).toBe(2);
  });

  it('evicts the oldest answer when full by count', () => {
    const cache = new AnswerCache(3);
    const all = [0, 1, 2, 3].map((i) => asked(i, i, 10));
    for (const a of all) cache.add(a.query.hash, a.template);
    expect(all.map((a) => cache.find(a.msg, a.query) >= 0)).toEqual([false, true, true, true]);
  });

  it('does not cache an answer larger than a quarter of the ring', () => {
    const cache = new AnswerCache(1);
    const big = asked(1, 1, cache.bytes.length / 4);
    expect(cache.add(1, big.template)).toBe(big.template);
    expect(cache.size).toBe(0);
  });

  it('sizes the ring by the answers it may hold', () => {
    expect(new AnswerCache(100_000).bytes.length).toBe(100_000 * RING_BYTES_PER_ANSWER);
    expect(new AnswerCache(1).bytes.length).toBe(256 * 1024);
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
