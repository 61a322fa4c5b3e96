// Response templates: the answer, authority and additional sections of a response, compiled to
// bytes once. A query then costs a header, its own question copied as sent, and this body.

import { Buffer } from 'node:buffer';
import type { LookupResult } from '../dns/lookup.js';
import type { Name } from '../dns/name.js';
import { RRClass, RRType, Rcode } from '../dns/types.js';
import type { Zone } from '../dns/zone.js';
import { MessageWriter } from './writer.js';

/**
 * A compiled answer: one record, in the layout below, at `at` in `bytes`. A template made here
 * owns its bytes (at 0); the answer cache copies records into its own buffer, and a hit is read
 * in place, so answering from the cache touches one table slot and one record, and no object.
 */
export interface Template {
  readonly bytes: Buffer;
  readonly at: number;
}

// Record layout (little-endian). The fields a hit reads first (sizes, counts, rcode, the key)
// sit together in its first cache line.
/** u32: the whole record's length: the answer cache's ring steps over records by it. */
export const RECORD_SIZE = 0;
/** i32: the query hash the answer cache keeps the record under (0 outside the cache). */
export const RECORD_HASH = 4;
/** u32: bytes of answer + authority + additional. */
const BODY_LENGTH = 8;
/** u32: bytes of answer + authority alone: what is left when additional records do not fit. */
const WITHOUT_ADDITIONAL = 12;
const ANCOUNT = 16;
const NSCOUNT = 18;
const ARCOUNT = 20;
/**
 * u16: bytes of the query key (wire/query.ts, queryKey) of the one (name, type) the record
 * answers, which a cache hit by hash is checked against; 0 for an answer shared by many names
 * (negative, CHAOS, REFUSED).
 */
const KEY_LENGTH = 22;
/** u8: NOERROR, NXDOMAIN or REFUSED: never an extended rcode. */
const RCODE = 24;
/** u8: bit 0 is AA. */
const FLAGS = 25;
/** The key, then the body. */
export const RECORD_KEY = 26;

/**
 * The body is compiled for a message whose question (at offset 12) holds a name of the same
 * length as the one asked: compression pointers aim into it, and the echoed question, whatever
 * its letter case, keeps them valid.
 */
export function answerRecord(rcode: number, aa: boolean, ancount: number, nscount: number, arcount: number, withoutAdditional: number, key: string, body: Uint8Array): Template {
  const size = RECORD_KEY + key.length + body.length;
  const bytes = Buffer.alloc(size);
  bytes.writeUInt32LE(size, RECORD_SIZE);
  bytes.writeUInt32LE(body.length, BODY_LENGTH);
  bytes.writeUInt32LE(withoutAdditional, WITHOUT_ADDITIONAL);
  bytes.writeUInt16LE(ancount, ANCOUNT);
  bytes.writeUInt16LE(nscount, NSCOUNT);
  bytes.writeUInt16LE(arcount, ARCOUNT);
  bytes.writeUInt16LE(key.length, KEY_LENGTH);
  bytes[RCODE] = rcode;
  bytes[FLAGS] = aa ? 1 : 0;
  bytes.write(key, RECORD_KEY, 'latin1');
  bytes.set(body, RECORD_KEY + key.length);
  return Object.freeze({ bytes, at: 0 });
}

// Read byte by byte, not with Buffer's readUInt16LE and friends: a hit reads these for every
// query, and element reads are what optimized code does best (see respond.ts, writeU16BE).
const readU16LE = (b: Uint8Array, at: number): number => b[at]! | (b[at + 1]! << 8);
const readU32LE = (b: Uint8Array, at: number): number => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;

/** The fields of the record at `at`, as assemble and the cache read them. */
export const recordSize = (b: Buffer, at: number): number => readU32LE(b, at + RECORD_SIZE);
export const recordBodyLength = (b: Buffer, at: number): number => readU32LE(b, at + BODY_LENGTH);
export const recordWithoutAdditional = (b: Buffer, at: number): number => readU32LE(b, at + WITHOUT_ADDITIONAL);
export const recordAncount = (b: Buffer, at: number): number => readU16LE(b, at + ANCOUNT);
export const recordNscount = (b: Buffer, at: number): number => readU16LE(b, at + NSCOUNT);
export const recordArcount = (b: Buffer, at: number): number => readU16LE(b, at + ARCOUNT);
export const recordKeyLength = (b: Buffer, at: number): number => readU16LE(b, at + KEY_LENGTH);
export const recordRcode = (b: Buffer, at: number): number => b[at + RCODE]!;
export const recordAa = (b: Buffer, at: number): boolean => (b[at + FLAGS]! & 1) === 1;

/** Bytes of the copy of `shared` (an answer with no key, such as a zone's NXDOMAIN) carrying `key`. */
export function sizeWithKey(shared: Template, key: string): number {
  return recordSize(shared.bytes, shared.at) - recordKeyLength(shared.bytes, shared.at) + key.length;
}

/**
 * Writes at `at` in `target` a copy of `shared` carrying `key` (sizeWithKey bytes), so that one
 * query key can find it in the answer cache and be checked against it.
 */
export function copyWithKey(shared: Template, key: string, target: Buffer, at: number): void {
  const { bytes, at: from } = shared;
  bytes.copy(target, at, from, from + RECORD_KEY);
  target.writeUInt32LE(sizeWithKey(shared, key), at + RECORD_SIZE);
  target.writeUInt16LE(key.length, at + KEY_LENGTH);
  target.write(key, at + RECORD_KEY, 'latin1');
  bytes.copy(target, at + RECORD_KEY + key.length, from + RECORD_KEY + recordKeyLength(bytes, from), from + recordSize(bytes, from));
}

export const REFUSED_TEMPLATE: Template = answerRecord(Rcode.REFUSED, false, 0, 0, 0, 0, '', new Uint8Array(0));

const HEADER = 12;

/** Compiles the response body for (qname, qtype) from a lookup result; `key` is that pair's query key. */
export function compileTemplate(w: MessageWriter, qname: Name, qtype: number, result: LookupResult, key = ''): Template {
  if (result.kind === 'refused') return REFUSED_TEMPLATE;
  w.reset();
  w.pos = HEADER;
  w.name(qname, false);
  w.pos += 4; // QTYPE, QCLASS
  const start = w.pos;
  let ancount = 0;
  let nscount = 0;
  let arcount = 0;
  for (const rrset of result.answer) ancount += w.rrset(rrset);
  if (result.kind !== 'answer') nscount += w.rrset(result.authority);
  const withoutAdditional = w.pos - start;
  if (result.kind === 'answer') for (const rrset of result.additional) arcount += w.rrset(rrset);
  return answerRecord(result.kind === 'nxdomain' ? Rcode.NXDOMAIN : Rcode.NOERROR, true, ancount, nscount, arcount, withoutAdditional, key, w.buf.subarray(start, w.pos));
}

/** The two negative answers of a zone that are the same for every name in it. */
export interface ZoneNegatives {
  /** A name that does not exist. */
  readonly nxdomain: Template;
  /** An existing name (or empty non-terminal) without the type asked, and no CNAME there. */
  readonly nodata: Template;
}

/**
 * NXDOMAIN and NODATA for a zone: both are only the zone's negative SOA in authority (RFC 2308
 * §2.1, §2.2), which does not depend on the name asked. Written without compression, so the same
 * bytes fit behind a question of any length: one body per zone, whatever names a
 * random-subdomain flood or types a random-type flood ask for.
 */
export function compileNegatives(w: MessageWriter, zone: Zone): ZoneNegatives {
  w.reset(false);
  const nscount = w.rrset(zone.negativeSoa);
  const body = w.buf.subarray(0, w.pos);
  const negative = (rcode: number): Template => answerRecord(rcode, true, 0, nscount, 0, body.length, '', body);
  const negatives = Object.freeze({ nxdomain: negative(Rcode.NXDOMAIN), nodata: negative(Rcode.NOERROR) });
  w.reset();
  return negatives;
}

/**
 * A CHAOS-class TXT answer (RFC 4892: id.server, version.bind …): the server describing itself,
 * with AA as Knot and NSD send it. TTL 0: it is not data to cache.
 */
export function compileChaosTemplate(w: MessageWriter, qname: Name, text: string): Template {
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
  return answerRecord(Rcode.NOERROR, true, ancount, 0, 0, body.length, '', body);
}
