// Compiled answers: a lookup result's rcode, flags, counts and the answer, authority and
// additional sections, turned into bytes once. A query then costs a header, its own question
// copied as sent, and this body (respond.ts).

import { Buffer } from 'node:buffer';
import type { SignedAnswer } from '../dns/dnssec/answer.js';
import type { LookupKind, LookupResult } from '../dns/lookup.js';
import type { Name } from '../dns/name.js';
import { RRClass, RRType, Rcode } from '../dns/types.js';
import type { Zone } from '../dns/zone.js';
import { MessageWriter } from './writer.js';

/**
 * A compiled answer: the bytes at `at` in `bytes`, laid out as below. One made here owns its
 * bytes (at 0); the answer cache keeps copies in its own buffer, which a hit reads in place.
 */
export interface CompiledAnswer {
  readonly bytes: Buffer;
  readonly at: number;
}

// Layout (little-endian). The fields a hit reads first sit together at the start.
/** u32: bytes of answer + authority + additional. */
const BODY_LENGTH = 0;
/** u32: bytes of answer + authority alone: what is left when additional records do not fit. */
const WITHOUT_ADDITIONAL = 4;
const ANCOUNT = 8;
const NSCOUNT = 10;
const ARCOUNT = 12;
/**
 * u16: bytes of the query key (wire/query.ts, queryKey) of the one (name, type) the answer is
 * for, which a cache hit by hash is checked against; 0 for an answer shared by many names
 * (a zone's negative answers, CHAOS, REFUSED).
 */
const KEY_LENGTH = 14;
/** u8: the rcode (4 bits: never an extended one). */
const RCODE = 16;
/** u8: bit 0 is AA. */
const FLAGS = 17;
/**
 * u32: a tag of the zone the answer comes from (zoneTag; 0 for none: REFUSED, CHAOS), so that
 * rate limiting can count a zone's answers together (server/rrl.ts) without a lookup on a hit.
 */
const ZONE = 18;
/**
 * u32: when (seconds since 1970) the signatures the answer carries must be made again: after
 * it, a DNSSEC answer is compiled anew (server/handler.ts). 0xffffffff for answers without any.
 */
const REFRESH_AT = 22;
/** The key, then the body. */
export const ANSWER_KEY = 26;

/** A 32-bit tag of a zone, from its origin key (FNV-1a); never 0, which means no zone. */
export function zoneTag(originKey: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < originKey.length; i++) h = Math.imul(h ^ originKey.charCodeAt(i), 0x01000193);
  return h === 0 ? 1 : h | 0;
}

/** REFRESH_AT of an answer that carries no signature. */
export const NEVER = 0xffffffff;

/** The rcode of each kind of lookup result: the one place where data answers get theirs. */
export function rcodeOf(kind: LookupKind): number {
  switch (kind) {
    case 'refused':
      return Rcode.REFUSED;
    case 'nxdomain':
      return Rcode.NXDOMAIN;
    case 'answer':
    case 'nodata':
    case 'referral':
      return Rcode.NOERROR;
  }
}

/**
 * The body is compiled for a message whose question (at offset 12) holds a name of the same
 * length as the one asked: compression pointers aim into it, and the echoed question, whatever
 * its letter case, keeps them valid. Bodies shared by every name hold no pointer into it.
 */
export function compiledAnswer(
  rcode: number,
  aa: boolean,
  ancount: number,
  nscount: number,
  arcount: number,
  withoutAdditional: number,
  key: string,
  body: Uint8Array,
  zone = 0,
  refreshAt = NEVER,
): CompiledAnswer {
  const bytes = Buffer.alloc(ANSWER_KEY + key.length + body.length);
  bytes.writeUInt32LE(refreshAt, REFRESH_AT);
  bytes.writeUInt32LE(body.length, BODY_LENGTH);
  bytes.writeUInt32LE(withoutAdditional, WITHOUT_ADDITIONAL);
  bytes.writeUInt16LE(ancount, ANCOUNT);
  bytes.writeUInt16LE(nscount, NSCOUNT);
  bytes.writeUInt16LE(arcount, ARCOUNT);
  bytes.writeUInt16LE(key.length, KEY_LENGTH);
  bytes[RCODE] = rcode;
  bytes[FLAGS] = aa ? 1 : 0;
  bytes.writeInt32LE(zone, ZONE);
  bytes.write(key, ANSWER_KEY, 'latin1');
  bytes.set(body, ANSWER_KEY + key.length);
  return Object.freeze({ bytes, at: 0 });
}

// Read byte by byte, not with Buffer's readUInt16LE and friends: a hit reads these for every
// query, and element reads are what optimized code does best (see respond.ts, writeU16BE).
const readU16LE = (b: Uint8Array, at: number): number => b[at]! | (b[at + 1]! << 8);
const readU32LE = (b: Uint8Array, at: number): number => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;

/** The fields of the compiled answer at `at`, as assemble and the cache read them. */
export const answerBodyLength = (b: Uint8Array, at: number): number => readU32LE(b, at + BODY_LENGTH);
export const answerWithoutAdditional = (b: Uint8Array, at: number): number => readU32LE(b, at + WITHOUT_ADDITIONAL);
export const answerAncount = (b: Uint8Array, at: number): number => readU16LE(b, at + ANCOUNT);
export const answerNscount = (b: Uint8Array, at: number): number => readU16LE(b, at + NSCOUNT);
export const answerArcount = (b: Uint8Array, at: number): number => readU16LE(b, at + ARCOUNT);
export const answerKeyLength = (b: Uint8Array, at: number): number => readU16LE(b, at + KEY_LENGTH);
export const answerRcode = (b: Uint8Array, at: number): number => b[at + RCODE]!;
export const answerAa = (b: Uint8Array, at: number): boolean => (b[at + FLAGS]! & 1) === 1;
/** The zoneTag of the answer's zone, 0 for none. */
export const answerZone = (b: Uint8Array, at: number): number => b[at + ZONE]! | (b[at + ZONE + 1]! << 8) | (b[at + ZONE + 2]! << 16) | (b[at + ZONE + 3]! << 24);
export const answerRefreshAt = (b: Uint8Array, at: number): number => readU32LE(b, at + REFRESH_AT);

/** Makes a cached answer match no query again (its key length 0): a DNSSEC answer past REFRESH_AT. */
export function retireAnswer(b: Uint8Array, at: number): void {
  b[at + KEY_LENGTH] = 0;
  b[at + KEY_LENGTH + 1] = 0;
}
/** The whole compiled answer's length in bytes. */
export const answerSize = (b: Uint8Array, at: number): number => ANSWER_KEY + answerKeyLength(b, at) + answerBodyLength(b, at);

/** Bytes of the copy of `shared` (an answer with no key, such as a zone's NXDOMAIN) carrying `key`. */
export function sizeWithKey(shared: CompiledAnswer, key: string): number {
  return answerSize(shared.bytes, shared.at) - answerKeyLength(shared.bytes, shared.at) + key.length;
}

/**
 * Writes at `at` in `target` a copy of `shared` carrying `key` (sizeWithKey bytes), so that one
 * query key can find it in the answer cache and be checked against it.
 */
export function copyWithKey(shared: CompiledAnswer, key: string, target: Buffer, at: number): void {
  const { bytes, at: from } = shared;
  bytes.copy(target, at, from, from + ANSWER_KEY);
  target.writeUInt16LE(key.length, at + KEY_LENGTH);
  target.write(key, at + ANSWER_KEY, 'latin1');
  const body = from + ANSWER_KEY + answerKeyLength(bytes, from);
  bytes.copy(target, at + ANSWER_KEY + key.length, body, body + answerBodyLength(bytes, from));
}

export const REFUSED_ANSWER: CompiledAnswer = compiledAnswer(rcodeOf('refused'), false, 0, 0, 0, 0, '', new Uint8Array(0));

const HEADER = 12;

/**
 * Compiles a lookup result; `key` is the query key of its (name, type), or '' for a zone's
 * negative answer (dns/lookup.ts, isZoneNegative), which is written without compression so that the same
 * bytes fit behind a question of any length: one body per zone, whatever names a
 * random-subdomain flood or types a random-type flood ask for.
 */
export function compileAnswer(w: MessageWriter, result: LookupResult, key = ''): CompiledAnswer {
  if (result.kind === 'refused') return REFUSED_ANSWER;
  const rcode = rcodeOf(result.kind);
  const zone = zoneTag(result.zone.origin.key);
  if (result.kind === 'referral' && result.answer.length === 0) return compileCutReferral(w, result, rcode, zone);
  // Not isZoneNegative: a type guard would narrow away the negatives with a chain below.
  if (result.kind !== 'answer' && result.kind !== 'referral' && result.answer.length === 0) {
    w.reset(false);
    const nscount = w.rrset(result.authority);
    const body = w.buf.subarray(0, w.pos);
    const compiled = compiledAnswer(rcode, true, 0, nscount, 0, body.length, '', body, zone);
    w.reset();
    return compiled;
  }
  w.reset();
  w.pos = HEADER;
  // The question as the body's pointers expect it: the name asked is the first RRset's owner.
  w.name(result.answer[0]!.owner, false);
  w.pos += 4; // QTYPE, QCLASS
  const start = w.pos;
  let ancount = 0;
  let nscount = 0;
  let arcount = 0;
  for (const rrset of result.answer) ancount += w.rrset(rrset);
  if (result.kind === 'nodata' || result.kind === 'nxdomain') nscount += w.rrset(result.authority);
  if (result.kind === 'referral') nscount += w.rrset(result.ns);
  const withoutAdditional = w.pos - start;
  if (result.kind === 'answer' || result.kind === 'referral') for (const rrset of result.additional) arcount += w.rrset(rrset);
  // A CNAME chain that ends in a referral: its first part is authoritative data (RFC 1034 §4.3.2).
  return compiledAnswer(rcode, true, ancount, nscount, arcount, withoutAdditional, key, w.buf.subarray(start, w.pos), zone);
}

/**
 * A referral from a zone cut (RFC 1034 §4.3.2 step 3b): no AA, the cut's NS set in authority,
 * glue in additional. Written without compression against the question, as the negative
 * answers are, so one body serves every name at or below the cut.
 */
function compileCutReferral(w: MessageWriter, result: Extract<LookupResult, { kind: 'referral' }>, rcode: number, zone: number): CompiledAnswer {
  w.reset(false);
  const nscount = w.rrset(result.ns);
  const withoutAdditional = w.pos;
  let arcount = 0;
  for (const rrset of result.additional) arcount += w.rrset(rrset);
  const body = w.buf.subarray(0, w.pos);
  const compiled = compiledAnswer(rcode, false, 0, nscount, arcount, withoutAdditional, '', body, zone);
  w.reset();
  return compiled;
}

/**
 * Compiles a DNSSEC answer (dns/dnssec/answer.ts) for a query key, or with key '' when it has
 * no answer records: such a body is written without compression, so that it fits behind any
 * question, and is shared by every name of its NSEC interval or zone cut (Proof.shared) or
 * copied per key. `refreshAt`: when its signatures are due to be made again. A referral from
 * a cut has no AA (RFC 4035 §3.1.4); after a CNAME chain its first part is ours, as compileAnswer has it.
 */
export function compileSigned(w: MessageWriter, s: SignedAnswer, key: string, refreshAt: number, zone = 0): CompiledAnswer {
  const rcode = rcodeOf(s.kind);
  if (s.answer.length === 0) {
    w.reset(false);
    let nscount = 0;
    let arcount = 0;
    for (const rrset of s.authority) nscount += w.rrset(rrset);
    const withoutAdditional = w.pos;
    for (const rrset of s.additional) arcount += w.rrset(rrset);
    const body = w.buf.subarray(0, w.pos);
    const compiled = compiledAnswer(rcode, s.kind !== 'referral', 0, nscount, arcount, withoutAdditional, '', body, zone, refreshAt);
    w.reset();
    return compiled;
  }
  w.reset();
  w.pos = HEADER;
  w.name(s.answer[0]!.owner, false);
  w.pos += 4;
  const start = w.pos;
  let ancount = 0;
  let nscount = 0;
  let arcount = 0;
  for (const rrset of s.answer) ancount += w.rrset(rrset);
  for (const rrset of s.authority) nscount += w.rrset(rrset);
  // RFC 4035 §3.1.1: additional records and their RRSIGs are left out together, never split.
  const withoutAdditional = w.pos - start;
  for (const rrset of s.additional) arcount += w.rrset(rrset);
  return compiledAnswer(rcode, true, ancount, nscount, arcount, withoutAdditional, key, w.buf.subarray(start, w.pos), zone, refreshAt);
}

/** The two negative answers of a zone that are the same for every name in it. */
export interface ZoneNegatives {
  /** A name that does not exist. */
  readonly nxdomain: CompiledAnswer;
  /** An existing name (or empty non-terminal) without the type asked, and no CNAME there. */
  readonly nodata: CompiledAnswer;
}

/** NXDOMAIN and NODATA for a zone: only its negative SOA in authority (RFC 2308 §2.1, §2.2). */
export function compileNegatives(w: MessageWriter, zone: Zone): ZoneNegatives {
  const negative = (kind: 'nxdomain' | 'nodata'): CompiledAnswer => compileAnswer(w, { kind, zone, answer: [], authority: zone.negativeSoa });
  return Object.freeze({ nxdomain: negative('nxdomain'), nodata: negative('nodata') });
}

/**
 * A CHAOS-class TXT answer (RFC 4892: id.server, version.bind …): the server describing itself,
 * with AA as Knot and NSD send it. TTL 0: it is not data to cache.
 */
export function compileChaosAnswer(w: MessageWriter, qname: Name, text: string): CompiledAnswer {
  w.reset();
  w.pos = HEADER;
  w.name(qname, false);
  w.pos += 4;
  const start = w.pos;
  const strings = [];
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length || i === 0; i += 255) strings.push(bytes.subarray(i, i + 255));
  const ancount = w.rrset({ owner: qname, type: RRType.TXT, ttl: 0, rdatas: [{ kind: 'TXT', strings }] }, RRClass.CH);
  const body = w.buf.subarray(start, w.pos);
  return compiledAnswer(Rcode.NOERROR, true, ancount, 0, 0, body.length, '', body);
}
