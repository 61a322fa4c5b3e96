// Response rate limiting over UDP, in the manner of NSD's rrl-* and Knot's mod-rrl: a spoofed
// stream of queries must not turn the server into an amplifier aimed at the spoofed address.
//
// Responses are counted in token buckets, one per (client prefix, response class, zone): the
// prefix is /24 for IPv4 and /56 for IPv6 by default, the class says what kind of response it
// is (RrlClass), and answers, NODATA, NXDOMAIN and referrals count per zone, so a flood of
// random names in one zone shares one bucket. A bucket allows `rate` responses a second with a
// burst of one second's worth; past that, responses are dropped, except every `slip`-th, which
// goes out as an empty reply with TC set, so that a real client behind the prefix retries over
// TCP (where RRL does not apply). Each bucket is one number, its theoretical arrival time (the
// generic cell rate algorithm): a bucket whose time has passed is the same as an empty one.
//
// The table has a fixed number of slots, chosen by a hash of the key: a flood from random
// sources replaces buckets, never adds memory. Each key may sit in either of two neighbouring
// slots, and a new key takes the one whose bucket is further from being limited, so a flood of
// one-query sources cannot reset the bucket of a prefix that is being limited.

import { randomInt } from 'node:crypto';
import { Buffer } from 'node:buffer';
import type { Logger } from 'pino';
import { ipv6Text } from '../dns/ip.js';
import { Rcode, RRType } from '../dns/types.js';
import { answerAa, answerAncount, answerBodyLength, answerRcode } from '../wire/compile.js';
import { parsePrefix, type ClientAddress } from './client-address.js';

export interface RrlConfig {
  /** Responses a second per bucket. */
  readonly rate: number;
  /** Every slip-th limited response is sent truncated; 0: none (all dropped); 1: all truncated. */
  readonly slip: number;
  /** Prefixes never limited ("192.0.2.0/24", "2001:db8::/32"): loopback by default. */
  readonly exempt: readonly string[];
  /** Buckets in the table (rounded up to a power of two). */
  readonly tableSize: number;
  readonly ipv4PrefixLength: number;
  readonly ipv6PrefixLength: number;
}

/** What a response is, for counting (NSD's and Knot's classes, with large responses apart). */
export const RrlClass = { Answer: 0, Nodata: 1, Nxdomain: 2, Referral: 3, Error: 4, Large: 5 } as const;
export type RrlClass = (typeof RrlClass)[keyof typeof RrlClass];
export const RRL_CLASS_NAMES = ['answer', 'nodata', 'nxdomain', 'referral', 'error', 'large'] as const;

/** What to do with a response. */
export const Admit = { Send: 0, Drop: 1, Slip: 2 } as const;
export type Admit = (typeof Admit)[keyof typeof Admit];

/**
 * Bodies larger than this (answer, authority and additional records) count as large: one
 * bucket per prefix, whatever the zone. Discovery answers are 150 to 400 bytes; what is larger
 * amplifies ten times or more.
 */
export const LARGE_BODY = 512;

/** The class of the compiled answer at `at` (wire/compile.ts) for a query of `qtype`. */
export function classOf(bytes: Uint8Array, at: number, qtype: number): RrlClass {
  const rcode = answerRcode(bytes, at);
  if (rcode === Rcode.NXDOMAIN) return RrlClass.Nxdomain;
  if (rcode !== Rcode.NOERROR) return RrlClass.Error;
  if (qtype === RRType.ANY || answerBodyLength(bytes, at) > LARGE_BODY) return RrlClass.Large;
  if (answerAncount(bytes, at) > 0) return RrlClass.Answer;
  return answerAa(bytes, at) ? RrlClass.Nodata : RrlClass.Referral;
}

/** A 32-bit word of `bytes` at `at`, big-endian. */
const word = (bytes: Uint8Array, at: number): number => (bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!;
/** The mask of the first `bits` (0 to 32) bits of a word. */
const maskOf = (bits: number): number => (bits <= 0 ? 0 : bits >= 32 ? -1 : ~(-1 >>> bits));

/** Bytes of one slot of the table. */
const SLOT_BYTES = 32;
/** In a slot's class word: the bucket is being limited (its start was logged). */
const LIMITED_BIT = 1 << 8;
/** Buckets whose start and end of being limited are logged; more are counted, not named. */
const TRACKED = 64;
/** A limited bucket is logged as no longer limited after this long without a refused response. */
const QUIET_MS = 2000;
/** Log lines about limiting: a burst of this many, then one a second. */
const LOG_BURST = 20;

export class ResponseRateLimiter {
  /** Responses not sent, and sent truncated, since start. */
  dropped = 0;
  slipped = 0;
  readonly slots: number;
  private readonly mask: number;
  private readonly seed = randomInt(0x7fffffff);
  private readonly interval: number;
  private readonly burst = 1000;
  private readonly slip: number;
  private readonly v4Mask: number;
  private readonly v6Mask0: number;
  private readonly v6Mask1: number;
  // One slot is 32 bytes, one cache line's half, read and written through two views of one
  // buffer: a query touches one place in memory, not one per field (each page a query touches
  // costs a page walk on these hosts: docs/performance.md, "The answer cache").
  //   Int32 0, 1: the prefix as two words (IPv4 in the first); 2: the zone tag;
  //   3: class + 1, bit 4 set for IPv6 (0: an empty slot) | flags << 8 | slip count << 16
  //   Float64 2: the theoretical arrival time of the next response, in ms of now(): past is as
  //              good as empty; 3: when a response was last refused.
  private readonly words: Int32Array;
  private readonly times: Float64Array;
  // Exempt prefixes: IPv4 as (network, mask) pairs; IPv6 as 4 network words then 4 mask words.
  private readonly exemptV4: Int32Array;
  private readonly exemptV6: Int32Array;
  // Buckets being limited whose end will be logged: slot and the key it had.
  private readonly tracked: { slot: number; hi: number; lo: number; zone: number; cls: number }[] = [];
  private untracked = 0;
  private logBudget = LOG_BURST;
  private suppressed = 0;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: RrlConfig,
    private readonly log: Logger | undefined,
    /** Milliseconds, monotonic. */
    private readonly now: () => number = () => performance.now(),
  ) {
    let slots = 16;
    while (slots < config.tableSize) slots *= 2;
    this.slots = slots;
    this.mask = slots - 1;
    const buffer = new ArrayBuffer(slots * SLOT_BYTES);
    this.words = new Int32Array(buffer);
    this.times = new Float64Array(buffer);
    this.interval = 1000 / config.rate;
    this.slip = config.slip;
    this.v4Mask = maskOf(config.ipv4PrefixLength);
    this.v6Mask0 = maskOf(config.ipv6PrefixLength);
    this.v6Mask1 = maskOf(config.ipv6PrefixLength - 32);
    const v4: number[] = [];
    const v6: number[] = [];
    for (const text of config.exempt) {
      const p = parsePrefix(text);
      if (typeof p === 'string') throw new Error(`bug: rrl.exempt was not checked: ${p}`);
      if (p.family === 4) {
        const m = maskOf(p.length);
        v4.push(word(p.bytes, 0) & m, m);
      } else {
        const masks = [0, 1, 2, 3].map((i) => maskOf(p.length - 32 * i));
        v6.push(...masks.map((m, i) => word(p.bytes, 4 * i) & m), ...masks);
      }
    }
    this.exemptV4 = Int32Array.from(v4);
    this.exemptV6 = Int32Array.from(v6);
  }

  /** Starts the once-a-second sweep that logs the end of limiting. */
  start(): void {
    this.sweeper ??= setInterval(() => this.sweep(), 1000);
    this.sweeper.unref();
  }

  stop(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  /** Whether responses to this client are never limited (rrl.exempt). */
  exempt(client: ClientAddress): boolean {
    const family = client.family;
    const b = client.bytes;
    if (family === 4) {
      const a = word(b, 0);
      const list = this.exemptV4;
      for (let i = 0; i < list.length; i += 2) if ((a & list[i + 1]!) === list[i]) return true;
      return false;
    }
    if (family !== 6) return true; // not an address: nothing to group it by
    const list = this.exemptV6;
    for (let i = 0; i < list.length; i += 8) {
      if ((word(b, 0) & list[i + 4]!) === list[i] && (word(b, 4) & list[i + 5]!) === list[i + 1] && (word(b, 8) & list[i + 6]!) === list[i + 2] && (word(b, 12) & list[i + 7]!) === list[i + 3]) return true;
    }
    return false;
  }

  /**
   * Counts one response of class `cls` (for the zone tagged `zone`; error and large responses
   * count per prefix alone) to a client that is not exempt, and says whether to send it.
   */
  admit(client: ClientAddress, cls: RrlClass, zone: number): Admit {
    const b = client.bytes;
    let hi: number;
    let lo: number;
    let tag: number;
    if (client.family === 4) {
      hi = word(b, 0) & this.v4Mask;
      lo = 0;
      tag = cls + 1;
    } else {
      hi = word(b, 0) & this.v6Mask0;
      lo = word(b, 4) & this.v6Mask1;
      tag = (cls + 1) | 0x10;
    }
    if (cls === RrlClass.Error || cls === RrlClass.Large) zone = 0;
    let h = Math.imul(this.seed ^ hi, 0x9e3779b1);
    h = Math.imul(h ^ (h >>> 15) ^ lo, 0x85ebca77);
    h = Math.imul(h ^ (h >>> 13) ^ zone, 0xc2b2ae3d);
    h = Math.imul(h ^ (h >>> 16) ^ tag, 0x27d4eb2f);
    h ^= h >>> 15;
    const first = h & this.mask;
    const now = this.now();
    const words = this.words;
    const times = this.times;
    let slot = first;
    if (!this.holds(first, hi, lo, zone, tag)) {
      const second = first ^ 1;
      if (this.holds(second, hi, lo, zone, tag)) {
        slot = second;
      } else {
        // A new bucket: in the slot whose bucket is emptier (an empty slot's time is 0).
        slot = times[second * 4 + 2]! < times[first * 4 + 2]! ? second : first;
        const w = slot * 8;
        words[w] = hi;
        words[w + 1] = lo;
        words[w + 2] = zone;
        words[w + 3] = tag;
        times[slot * 4 + 2] = 0;
      }
    }
    const t = slot * 4 + 2;
    const tat = times[t]!;
    const next = (tat > now ? tat : now) + this.interval;
    if (next - now <= this.burst) {
      times[t] = next;
      return Admit.Send;
    }
    times[t + 1] = now;
    const w = slot * 8 + 3;
    let meta = words[w]!;
    if ((meta & LIMITED_BIT) === 0) {
      meta |= LIMITED_BIT;
      words[w] = meta;
      this.limitingStarted(slot);
    }
    if (this.slip > 0) {
      const count = (meta >>> 16) + 1;
      if (count >= this.slip) {
        words[w] = meta & 0xffff;
        this.slipped++;
        return Admit.Slip;
      }
      words[w] = (meta & 0xffff) | (count << 16);
    }
    this.dropped++;
    return Admit.Drop;
  }

  /** Buckets that are not as good as empty: those with responses counted in the last second. */
  bucketsInUse(): number {
    const now = this.now();
    let n = 0;
    for (let i = 0; i < this.slots; i++) if (this.times[i * 4 + 2]! > now) n++;
    return n;
  }

  private holds(slot: number, hi: number, lo: number, zone: number, tag: number): boolean {
    const w = slot * 8;
    const words = this.words;
    return (words[w + 3]! & 0xff) === tag && words[w] === hi && words[w + 1] === lo && words[w + 2] === zone;
  }

  private limitingStarted(slot: number): void {
    if (this.tracked.length >= TRACKED) {
      this.untracked++;
      return;
    }
    const w = slot * 8;
    const key = { slot, hi: this.words[w]!, lo: this.words[w + 1]!, zone: this.words[w + 2]!, cls: this.words[w + 3]! & 0xff };
    this.tracked.push(key);
    this.logLine({ prefix: this.prefixText(key.hi, key.lo, key.cls), class: RRL_CLASS_NAMES[(key.cls & 0x0f) - 1], rate: this.config.rate, slip: this.slip }, 'rrl: limiting responses to a prefix');
  }

  /** Logs the buckets that were limited and no longer are; refills the log budget. */
  sweep(): void {
    const now = this.now();
    for (let i = this.tracked.length - 1; i >= 0; i--) {
      const t = this.tracked[i]!;
      const same = this.holds(t.slot, t.hi, t.lo, t.zone, t.cls);
      if (same && now - this.times[t.slot * 4 + 3]! < QUIET_MS) continue;
      if (same) this.words[t.slot * 8 + 3] = this.words[t.slot * 8 + 3]! & ~LIMITED_BIT;
      this.tracked.splice(i, 1);
      this.logLine({ prefix: this.prefixText(t.hi, t.lo, t.cls), class: RRL_CLASS_NAMES[(t.cls & 0x0f) - 1] }, 'rrl: prefix no longer limited');
    }
    if (this.untracked > 0 && this.logBudget > 0) {
      this.logLine({ buckets: this.untracked }, 'rrl: more buckets were limited than are logged one by one');
      this.untracked = 0;
    }
    if (this.logBudget < LOG_BURST) this.logBudget++;
    if (this.suppressed > 0 && this.logBudget > 0) {
      this.log?.warn({ lines: this.suppressed }, 'rrl: log lines about limiting were suppressed');
      this.logBudget--;
      this.suppressed = 0;
    }
  }

  private logLine(fields: Record<string, unknown>, msg: string): void {
    if (this.logBudget <= 0) {
      this.suppressed++;
      return;
    }
    this.logBudget--;
    this.log?.warn(fields, msg);
  }

  private prefixText(hi: number, lo: number, tag: number): string {
    if ((tag & 0x10) === 0) return `${hi >>> 24}.${(hi >>> 16) & 255}.${(hi >>> 8) & 255}.${hi & 255}/${this.config.ipv4PrefixLength}`;
    const bytes = Buffer.alloc(16);
    bytes.writeInt32BE(hi, 0);
    bytes.writeInt32BE(lo, 4);
    return `${ipv6Text(bytes)}/${this.config.ipv6PrefixLength}`;
  }
}
