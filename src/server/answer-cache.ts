// The answer cache: compiled answers by query hash, in one buffer of entries under an
// open-addressing table. A hit reads one table slot and one entry in place: no Map, no recency
// list, no object per answer. Why not lru-cache: docs/performance.md, "The answer cache".

import { Buffer } from 'node:buffer';
import { ANSWER_KEY, answerKeyLength, answerSize, copyWithKey, retireAnswer, sizeWithKey, type CompiledAnswer } from '../wire/compile.js';
import { sameKey, type Query } from '../wire/query.js';

// Each entry: u32 its size, i32 the hash it is indexed under, then the compiled answer.
const ENTRY_SIZE = 0;
const ENTRY_HASH = 4;
/** Where an entry's compiled answer starts. */
export const ENTRY_ANSWER = 8;

/**
 * Bytes per answer a lane may hold: discovery answers (an SRV RRset with the targets'
 * addresses) are 150 to 400 bytes, negative ones about 150. When answers run larger, a lane
 * evicts before its count does; either way memory is bounded.
 */
export const BYTES_PER_ANSWER = 256;
const MIN_LANE_BYTES = 64 * 1024;
const MAX_LANE_BYTES = 1024 * 1024 * 1024;

/** The bytes of a lane that holds at most `answers` answers. */
export function laneBytes(answers: number): number {
  return Math.min(MAX_LANE_BYTES, Math.max(MIN_LANE_BYTES, answers * BYTES_PER_ANSWER));
}

/**
 * One ring of entries, first in first out: the oldest entry makes room. A hot answer that is
 * evicted is compiled again at its next ask, once per turn of the ring.
 */
class Lane {
  readonly start: number;
  readonly end: number;
  count = 0;
  /** Next entry goes here. */
  head: number;
  /** Oldest entry. The live entries are [tail, head), or [tail, wrapEnd) then [start, head). */
  tail: number;
  /** Where the entries before a wrap end; -1 when not wrapped. */
  wrapEnd = -1;

  constructor(start: number, bytes: number, readonly maxAnswers: number) {
    this.start = this.head = this.tail = start;
    this.end = start + bytes;
  }

  empty(): void {
    this.head = this.tail = this.start;
    this.wrapEnd = -1;
  }
}

/** At most this many negative answers beside `maxAnswers` answers. */
export function negativeLimit(maxAnswers: number): number {
  return Math.max(1, maxAnswers >> 2);
}

/**
 * Two lanes in one buffer, under one table:
 * - answers at existing names: at most `maxAnswers`;
 * - NXDOMAIN and NODATA, each a copy of its zone's one negative answer carrying the query key:
 *   at most a quarter as many. Names that do not exist, or types a name lacks, are what floods
 *   ask for; in a lane of their own they turn only that lane, never the answers.
 * Each lane holds at most BYTES_PER_ANSWER bytes per answer (at least 64 KiB, at most 1 GiB),
 * allocated untouched, so that resident memory grows only as the lanes fill.
 */
export class AnswerCache {
  readonly bytes: Buffer;
  private readonly answers: Lane;
  private readonly negatives: Lane;
  /**
   * Pairs of (hash, offset + 1) by linear probing from hash & mask; offset + 1 is 0 in an empty
   * slot. The hash beside the offset lets a probe skip other answers without reading them.
   */
  private readonly slots: Int32Array;
  private readonly mask: number;
  /**
   * The doorkeeper of the negative lane: hash + 1 of the last negative answer asked for, per
   * slot (hash & onceMask). A negative answer is cached at its second ask, so a flood of names
   * each asked once costs one word written per query, not an entry copied and one evicted.
   */
  private readonly askedOnce: Int32Array;
  private readonly onceMask: number;

  constructor(maxAnswers: number) {
    const answers = Math.max(1, maxAnswers);
    const negatives = negativeLimit(answers);
    this.answers = new Lane(0, laneBytes(answers), answers);
    this.negatives = new Lane(this.answers.end, laneBytes(negatives), negatives);
    this.bytes = Buffer.allocUnsafeSlow(this.negatives.end);
    let slots = 16;
    while (slots < 2 * (answers + negatives)) slots *= 2; // at most half full: short probes
    this.slots = new Int32Array(2 * slots);
    this.mask = slots - 1;
    let once = 16;
    while (once < 4 * negatives) once *= 2;
    this.askedOnce = new Int32Array(once);
    this.onceMask = once - 1;
  }

  /** Answers at existing names cached now. */
  get size(): number {
    return this.answers.count;
  }

  /** Negative answers cached now. */
  get negativeSize(): number {
    return this.negatives.count;
  }

  /**
   * Offset in `bytes` of the compiled answer to the query in `msg`, or -1. The answer stays
   * there until the next add or addNegative, which may evict it: read it before either.
   */
  find(msg: Buffer, query: Query): number {
    const hash = query.hash;
    const slots = this.slots;
    for (let i = hash & this.mask; ; i = (i + 1) & this.mask) {
      const ref = slots[2 * i + 1]!;
      if (ref === 0) return -1;
      if (slots[2 * i] === hash) {
        const at = ref - 1 + ENTRY_ANSWER;
        // Two keys can share a hash (30 bits, seeded): both are kept, told apart by their key.
        if (sameKey(this.bytes, at + ANSWER_KEY, answerKeyLength(this.bytes, at), msg, query)) return at;
      }
    }
  }

  /**
   * Makes the answer `find` returned at `at` unreachable (a DNSSEC answer whose signatures are
   * due to be made again): the next `add` for its key caches the new one. Its bytes stay
   * until the ring turns past them.
   */
  retire(at: number): void {
    retireAnswer(this.bytes, at);
  }

  /**
   * Caches a compiled answer at an existing name under `hash` (the caller found none for its
   * key) and returns the cached copy, or `answer` itself when it is too large to cache: more
   * than a quarter of its lane. A cached copy is valid until the next add or addNegative.
   */
  add(hash: number, answer: CompiledAnswer): CompiledAnswer {
    const size = answerSize(answer.bytes, answer.at);
    const at = this.place(this.answers, hash, ENTRY_ANSWER + size);
    if (at < 0) return answer;
    answer.bytes.copy(this.bytes, at + ENTRY_ANSWER, answer.at, answer.at + size);
    return { bytes: this.bytes, at: at + ENTRY_ANSWER };
  }

  /**
   * Caches a zone's negative answer (`shared`, which has no key) for one query key, if that key
   * (or one with its hash) was asked for before; returns the cached copy (valid until the next
   * add or addNegative), or `shared`.
   */
  addNegative(hash: number, shared: CompiledAnswer, key: string): CompiledAnswer {
    const seen = hash & this.onceMask;
    if (this.askedOnce[seen] !== hash + 1) {
      this.askedOnce[seen] = hash + 1;
      return shared;
    }
    const at = this.place(this.negatives, hash, ENTRY_ANSWER + sizeWithKey(shared, key));
    if (at < 0) return shared;
    copyWithKey(shared, key, this.bytes, at + ENTRY_ANSWER);
    return { bytes: this.bytes, at: at + ENTRY_ANSWER };
  }

  /** Room for an entry of `size` bytes in `lane`, its header written and indexed under `hash`; -1 when too large. */
  private place(lane: Lane, hash: number, size: number): number {
    if (size > (lane.end - lane.start) / 4) return -1;
    while (lane.count >= lane.maxAnswers) this.evictOldest(lane);
    const at = this.makeRoom(lane, size);
    lane.head = at + size;
    lane.count++;
    let i = hash & this.mask;
    while (this.slots[2 * i + 1] !== 0) i = (i + 1) & this.mask;
    this.slots[2 * i] = hash;
    this.slots[2 * i + 1] = at + 1;
    this.bytes.writeUInt32LE(size, at + ENTRY_SIZE);
    this.bytes.writeInt32LE(hash, at + ENTRY_HASH);
    return at;
  }

  /** Evicts the oldest entries of `lane` until `size` bytes are free at its head; returns where. */
  private makeRoom(lane: Lane, size: number): number {
    for (;;) {
      if (lane.wrapEnd < 0) {
        if (lane.head + size <= lane.end) return lane.head;
        // No room before the end: wrap, and free from the start.
        lane.wrapEnd = lane.head;
        lane.head = lane.start;
        if (lane.count === 0) lane.empty();
      } else if (lane.head + size <= lane.tail) {
        return lane.head;
      } else {
        this.evictOldest(lane);
      }
    }
  }

  private evictOldest(lane: Lane): void {
    const at = lane.tail;
    this.unindex(this.bytes.readInt32LE(at + ENTRY_HASH), at + 1);
    lane.count--;
    lane.tail = at + this.bytes.readUInt32LE(at + ENTRY_SIZE);
    if (lane.tail === lane.wrapEnd) {
      lane.tail = lane.start;
      lane.wrapEnd = -1;
    }
    if (lane.count === 0) lane.empty();
  }

  /** Removes the slot holding `ref`, shifting back the probes that passed over it. */
  private unindex(hash: number, ref: number): void {
    const slots = this.slots;
    const mask = this.mask;
    let hole = hash & mask;
    for (let probes = 0; slots[2 * hole + 1] !== ref; probes++) {
      if (probes > mask) throw new Error(`bug: answer cache entry at ${ref - 1} is not in its table`);
      hole = (hole + 1) & mask;
    }
    for (let j = (hole + 1) & mask; slots[2 * j + 1] !== 0; j = (j + 1) & mask) {
      const home = slots[2 * j]! & mask;
      // The entry at j stays if its home is cyclically within (hole, j]: probing from its home
      // still reaches it without crossing the hole. Otherwise it moves into the hole.
      const stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (stays) continue;
      slots[2 * hole] = slots[2 * j]!;
      slots[2 * hole + 1] = slots[2 * j + 1]!;
      hole = j;
    }
    slots[2 * hole] = 0;
    slots[2 * hole + 1] = 0;
  }
}
