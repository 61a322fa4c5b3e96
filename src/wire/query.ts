// The fast-path query parser: header, the one question, and the OPT record, read by hand from
// untrusted bytes. It never throws; every way a packet can be wrong maps to drop or FORMERR.

import { Buffer } from 'node:buffer';
import { randomInt } from 'node:crypto';
import { MAX_NAME_WIRE } from '../dns/name.js';
import { RRType } from '../dns/types.js';

export interface Edns {
  /** The requestor's UDP payload size, as sent (RFC 6891 §6.2.3). */
  readonly udpSize: number;
  readonly version: number;
  /** DNSSEC OK: copied back (RFC 3225 §3). */
  readonly dnssecOk: boolean;
  /** Compact Answers OK (RFC 9824 §5), meaningful with DO: a compact denial may say NXDOMAIN. */
  readonly compactOk: boolean;
  /** The client asked for our name server identifier (RFC 5001). */
  readonly nsid: boolean;
  /** Offset in the message of the first COOKIE option's data (RFC 7873), or -1 when none. */
  readonly cookieAt: number;
  /** Its length in bytes, as sent (wire/cookies.ts, cookieShape, says whether it is well formed). */
  readonly cookieLength: number;
}

export interface Query {
  readonly id: number;
  readonly opcode: number;
  /** The RD bit, to copy into the response (RFC 1035 §4.1.1). */
  readonly rd: boolean;
  /** Offset just past QTYPE/QCLASS: bytes [12, questionEnd) are echoed as sent. */
  readonly questionEnd: number;
  /**
   * A hash of the query key (see queryKey): the lowercased wire qname and QTYPE, hashed while
   * the name is read. The answer cache is keyed by it, and a hit is checked against the key
   * bytes in the message (sameKey), so the fast path makes no string. A 30-bit integer (a V8
   * small integer), seeded per process so that colliding names cannot be prepared in advance.
   */
  readonly hash: number;
  /**
   * DO was set: the answer carries signatures, so it is a different answer (and cache entry)
   * from the one to the same question without DO (RFC 3225 §3). DO and CO are part of the key.
   */
  readonly dnssecOk: boolean;
  readonly compactOk: boolean;
  readonly qtype: number;
  readonly qclass: number;
  readonly edns: Edns | undefined;
  /** A TSIG record ends the message (RFC 8945): the answer is verified and signed off the fast path. */
  readonly signed: boolean;
}

export type ParsedQuery =
  /** A well-formed query: its fields directly, so parsing allocates one object, not two. */
  | ({ readonly kind: 'query' } & Query)
  /** Not worth an answer: too short to carry an ID, or itself a response (RFC 1035 §4.1.1). */
  | { readonly kind: 'drop'; readonly reason: 'short' | 'response' }
  /**
   * Malformed: FORMERR. `questionEnd` is set when the question itself was sound and can be
   * echoed; `opcode` is echoed as sent.
   */
  | { readonly kind: 'formerr'; readonly id: number; readonly opcode: number; readonly rd: boolean; readonly questionEnd: number | undefined; readonly reason: string }
  /** An opcode we do not implement: NOTIMP (RFC 1035 §4.1.1), opcode echoed. */
  | { readonly kind: 'notimp'; readonly id: number; readonly opcode: number; readonly rd: boolean; readonly questionEnd: number | undefined }
  /**
   * No question, and an OPT with a COOKIE option: a client asking for a server cookie alone
   * (RFC 7873 §5.4). Without a COOKIE option, no question is FORMERR.
   */
  | { readonly kind: 'cookie-only'; readonly id: number; readonly rd: boolean; readonly edns: Edns };

const HEADER = 12;
export const OPCODE_NOTIFY = 4;
const TSIG_TYPE = 250;

export function parseQuery(msg: Buffer): ParsedQuery {
  if (msg.length < HEADER) return { kind: 'drop', reason: 'short' };
  const b2 = msg[2]!;
  if (b2 & 0x80) return { kind: 'drop', reason: 'response' };
  const id = (msg[0]! << 8) | msg[1]!;
  const opcode = (b2 >> 3) & 0x0f;
  const rd = (b2 & 1) === 1;
  const qdcount = (msg[4]! << 8) | msg[5]!;
  const formerr = (reason: string, questionEnd?: number): ParsedQuery => ({ kind: 'formerr', id, opcode, rd, questionEnd, reason });

  // QUERY, and NOTIFY (RFC 1996), which a primary answers itself (NOTAUTH); any other: NOTIMP.
  const known = opcode === 0 || opcode === OPCODE_NOTIFY;
  if (qdcount !== 1) {
    if (!known) return { kind: 'notimp', id, opcode, rd, questionEnd: undefined };
    if (qdcount === 0 && opcode === 0) {
      const records = readRecords(msg, HEADER);
      if (typeof records !== 'string' && records && records.cookieAt >= 0) return { kind: 'cookie-only', id, rd, edns: records };
    }
    return formerr(`QDCOUNT ${qdcount}`);
  }

  // QNAME: plain labels only. A pointer in the question could only point into the header.
  let at = HEADER;
  // FNV-1a over the lowercased name (length bytes included) and QTYPE.
  let hash = HASH_SEED;
  for (;;) {
    if (at >= msg.length) return formerr('question runs past the end');
    const len = msg[at]!;
    if (len === 0) {
      at++;
      break;
    }
    if (len > 63) return formerr(len >= 0xc0 ? 'compression pointer in the question' : 'bad label type');
    if (at + 1 + len > msg.length) return formerr('question runs past the end');
    hash = Math.imul(hash ^ len, FNV_PRIME);
    for (let i = at + 1; i <= at + len; i++) {
      const c = msg[i]!;
      hash = Math.imul(hash ^ lower(c), FNV_PRIME);
    }
    at += len + 1;
    // RFC 1035 §2.3.4: 255 bytes with the root's zero byte, which is not read yet.
    if (at - HEADER + 1 > MAX_NAME_WIRE) return formerr('name longer than 255 bytes');
  }
  if (at + 4 > msg.length) return formerr('question runs past the end');
  hash = Math.imul(Math.imul(hash ^ msg[at]!, FNV_PRIME) ^ msg[at + 1]!, FNV_PRIME) & 0x3fffffff;
  const qtype = (msg[at]! << 8) | msg[at + 1]!;
  const qclass = (msg[at + 2]! << 8) | msg[at + 3]!;
  const questionEnd = at + 4;
  if (!known) return { kind: 'notimp', id, opcode, rd, questionEnd };

  const edns = readRecords(msg, questionEnd);
  if (typeof edns === 'string') return formerr(edns, questionEnd);
  if (edns?.dnssecOk) {
    // One more byte of the key (see queryKey), hashed as it would be read.
    const doHash = Math.imul(hash ^ doMarker(edns.compactOk), FNV_PRIME) & 0x3fffffff;
    return { kind: 'query', id, opcode, rd, questionEnd, hash: doHash, dnssecOk: true, compactOk: edns.compactOk, qtype, qclass, edns, signed: scannedSigned };
  }
  return { kind: 'query', id, opcode, rd, questionEnd, hash, dnssecOk: false, compactOk: false, qtype, qclass, edns, signed: scannedSigned };
}

/** Whether the last readRecords met a TSIG record (a signed message, server/xfr.ts). */
let scannedSigned = false;

/**
 * Skips the answer and authority records and finds the OPT among the additional ones (RFC 6891
 * §6.1.1), starting at `at`, just past the question: the OPT's fields, undefined when there is
 * none, or why the records are malformed.
 */
function readRecords(msg: Buffer, at: number): Edns | undefined | string {
  const ancount = (msg[6]! << 8) | msg[7]!;
  const nscount = (msg[8]! << 8) | msg[9]!;
  const arcount = (msg[10]! << 8) | msg[11]!;
  let edns: Edns | undefined;
  scannedSigned = false;
  const total = ancount + nscount + arcount;
  for (let i = 0; i < total; i++) {
    const ownerAt = at;
    at = skipName(msg, at);
    if (at < 0 || at + 10 > msg.length) return 'record runs past the end';
    const type = (msg[at]! << 8) | msg[at + 1]!;
    const rdlength = (msg[at + 8]! << 8) | msg[at + 9]!;
    const rdataAt = at + 10;
    if (rdataAt + rdlength > msg.length) return 'record data runs past the end';
    if (type === TSIG_TYPE) scannedSigned = true;
    if (type === RRType.OPT) {
      if (i < ancount + nscount) return 'OPT outside the additional section';
      if (edns) return 'two OPT records';
      if (msg[ownerAt] !== 0) return 'OPT owner is not the root';
      const options = scanOptions(msg, rdataAt, rdataAt + rdlength);
      if (options < 0) return 'malformed EDNS option';
      const dnssecOk = (msg[at + 6]! & 0x80) !== 0;
      edns = {
        udpSize: (msg[at + 2]! << 8) | msg[at + 3]!,
        version: msg[at + 5]!,
        dnssecOk,
        compactOk: dnssecOk && (msg[at + 6]! & 0x40) !== 0,
        nsid: (options & OPTION_NSID) !== 0,
        cookieAt: scannedCookieAt,
        cookieLength: scannedCookieLength,
      };
    }
    at = rdataAt + rdlength;
  }
  return edns;
}

/** The byte a DO=1 query key ends with: DO, and CO with it (RFC 9824 §5). */
function doMarker(compactOk: boolean): number {
  return compactOk ? 0xc0 : 0x80;
}

/** A name byte as the cache compares it: A-Z lowered, nothing else (RFC 4343). */
function lower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

const FNV_PRIME = 0x01000193;
const HASH_SEED = (0x811c9dc5 ^ randomInt(0x7fffffff)) | 0;

const scratch = Buffer.alloc(256 + 3);

/**
 * The query key: the wire qname lowercased (RFC 4343) and the two QTYPE bytes, as latin1, and
 * with DO one byte more (0x80, 0xc0 with CO). What a miss in the answer cache is looked up and
 * cached by; the name alone is nameKeyOf(key).
 */
export function queryKey(msg: Buffer, query: Query): string {
  const nameEnd = query.questionEnd - 4;
  for (let i = HEADER; i < nameEnd; i++) scratch[i - HEADER] = lower(msg[i]!);
  // QTYPE as sent: its bytes are a number, not letters (type 65 is 0x00 0x41).
  scratch[nameEnd - HEADER] = msg[nameEnd]!;
  scratch[nameEnd - HEADER + 1] = msg[nameEnd + 1]!;
  if (!query.dnssecOk) return scratch.toString('latin1', 0, nameEnd + 2 - HEADER);
  scratch[nameEnd + 2 - HEADER] = doMarker(query.compactOk);
  return scratch.toString('latin1', 0, nameEnd + 3 - HEADER);
}

/**
 * Whether the `length` bytes of `bytes` at `at` are the query key (see queryKey) of the query
 * in `msg`: the check on a cache hit by hash.
 */
export function sameKey(bytes: Uint8Array, at: number, length: number, msg: Buffer, query: Query): boolean {
  const nameEnd = query.questionEnd - 4;
  const dnssecOk = query.dnssecOk;
  if (length !== nameEnd + (dnssecOk ? 3 : 2) - HEADER) return false;
  const offset = at - HEADER; // msg[i] pairs with bytes[i + offset]
  for (let i = HEADER; i < nameEnd; i++) if (bytes[i + offset] !== lower(msg[i]!)) return false;
  if (bytes[nameEnd + offset] !== msg[nameEnd] || bytes[nameEnd + 1 + offset] !== msg[nameEnd + 1]) return false;
  return !dnssecOk || bytes[nameEnd + 2 + offset] === doMarker(query.compactOk);
}

/** The lowercased wire qname (as latin1) of a query key: the key up to its root label. */
export function nameKeyOf(key: string): string {
  let at = 0;
  while (key.charCodeAt(at) !== 0) at += key.charCodeAt(at) + 1;
  return key.slice(0, at + 1);
}

/** Offset past a possibly compressed name, or -1 when it runs off the end or is malformed. */
function skipName(msg: Buffer, at: number): number {
  for (let hops = 0; hops < 128; hops++) {
    if (at >= msg.length) return -1;
    const len = msg[at]!;
    if (len === 0) return at + 1;
    if ((len & 0xc0) === 0xc0) return at + 2 <= msg.length ? at + 2 : -1;
    if (len > 63) return -1;
    at += len + 1;
  }
  return -1;
}

const OPTION_NSID = 1;
const NSID_CODE = 3;
const COOKIE_CODE = 10;

// Where scanOptions found the first COOKIE option: parsing is synchronous, so module state
// carries it back without an object per query.
let scannedCookieAt = -1;
let scannedCookieLength = 0;

/**
 * Checks that each option's code and length fit in the OPT rdata (RFC 6891 §6.1.2); returns -1
 * when they do not, else bit flags of the options we act on, and sets scannedCookieAt and
 * scannedCookieLength. Other options are ignored.
 */
function scanOptions(msg: Buffer, at: number, end: number): number {
  let found = 0;
  scannedCookieAt = -1;
  scannedCookieLength = 0;
  while (at < end) {
    if (at + 4 > end) return -1;
    const code = (msg[at]! << 8) | msg[at + 1]!;
    const len = (msg[at + 2]! << 8) | msg[at + 3]!;
    if (code === NSID_CODE) found |= OPTION_NSID;
    // The first COOKIE option is the one read; RFC 7873 does not define a second.
    else if (code === COOKIE_CODE && scannedCookieAt < 0) {
      scannedCookieAt = at + 4;
      scannedCookieLength = len;
    }
    at += 4 + len;
  }
  return at === end ? found : -1;
}
