// Response assembly: header + the question as sent + a compiled answer's body + OPT, cut to size.

// Imported, not the global: Node defines globalThis.Buffer (and process) with a getter, and
// optimized code reads a getter through an IC call on every use, here once per response.
import { Buffer } from 'node:buffer';
import type { Edns, Query } from './query.js';
import { ANSWER_KEY, answerAa, answerAncount, answerArcount, answerBodyLength, answerKeyLength, answerNscount, answerRcode, answerWithoutAdditional } from './compile.js';

const HEADER = 12;
const OPT_SIZE = 11;
/** Without EDNS a UDP response holds 512 bytes (RFC 1035 §4.2.1); so does any smaller claim. */
export const CLASSIC_UDP_SIZE = 512;
/** A TCP message's length prefix is 16 bits (RFC 1035 §4.2.2). */
export const TCP_MAX = 65535;

/** Largest UDP response this query may get: min(client's size, our cap), never below 512. */
export function udpLimit(edns: Edns | undefined, ourCap: number): number {
  if (!edns) return CLASSIC_UDP_SIZE;
  return Math.max(CLASSIC_UDP_SIZE, Math.min(edns.udpSize, ourCap));
}

function writeHeader(out: Buffer, id: number, opcode: number, aa: boolean, tc: boolean, rd: boolean, rcode: number, counts: [number, number, number, number]): void {
  out[0] = id >> 8;
  out[1] = id & 0xff;
  // QR=1; AA, TC as given; RD copied; RA, Z, AD, CD all zero (an authority-only server).
  out[2] = 0x80 | (opcode << 3) | (aa ? 0x04 : 0) | (tc ? 0x02 : 0) | (rd ? 1 : 0);
  out[3] = rcode & 0x0f;
  writeU16BE(out, 4, counts[0]);
  writeU16BE(out, 6, counts[1]);
  writeU16BE(out, 8, counts[2]);
  writeU16BE(out, 10, counts[3]);
}

// Responses are written with element reads and stores only, no Buffer method: optimized code
// reached each Buffer method through a generic property load (a LoadIC call in perf), and UDP
// answers cost 4-6% less without them. What is copied is small (a question, a body).

/** `value` as a big-endian u16 at `at` (the byte order of the DNS wire). */
function writeU16BE(out: Uint8Array, at: number, value: number): void {
  out[at] = value >> 8;
  out[at + 1] = value & 0xff;
}

/** `length` bytes of `from` at `fromAt` to `to` at `toAt`. */
function copyBytes(from: Uint8Array, fromAt: number, to: Uint8Array, toAt: number, length: number): void {
  for (let i = 0; i < length; i++) to[toAt + i] = from[fromAt + i]!;
}

/** What we say about ourselves in OPT records. */
export interface EdnsIdentity {
  /** Our UDP payload size: advertised, and the cap on UDP responses. */
  readonly udpSize: number;
  /** NSID option payload (RFC 5001), sent only to clients that ask; undefined: none. */
  readonly nsid: Buffer | undefined;
}

/**
 * EDNS options of one response beyond NSID, which the handler fills per query (one object,
 * reused: responses are made one at a time). Only a query with an OPT gets them.
 */
export interface ResponseOptions {
  /** COOKIE option data (RFC 7873 §4): the client cookie, then our server cookie. */
  readonly cookie: Uint8Array;
  /** Bytes of `cookie` to send; 0: no COOKIE option. */
  cookieLength: number;
  /** Extended DNS Error INFO-CODE (RFC 8914 §4), without EXTRA-TEXT; -1: none. */
  ede: number;
}

const NSID_CODE = 3;
const COOKIE_CODE = 10;
const EDE_CODE = 15;

function optionsSize(edns: Edns, us: EdnsIdentity, extra: ResponseOptions | undefined): number {
  let size = edns.nsid && us.nsid ? 4 + us.nsid.length : 0;
  if (extra) {
    if (extra.cookieLength > 0) size += 4 + extra.cookieLength;
    if (extra.ede >= 0) size += 6;
  }
  return size;
}

function optSize(edns: Edns | undefined, us: EdnsIdentity, extra: ResponseOptions | undefined): number {
  return edns ? OPT_SIZE + optionsSize(edns, us, extra) : 0;
}

/** OPT pseudo-record (RFC 6891 §6.1.2): our payload size, extended rcode, version 0, DO copied. */
function writeOpt(out: Buffer, at: number, us: EdnsIdentity, rcode: number, edns: Edns, extra: ResponseOptions | undefined): void {
  out[at] = 0; // root owner
  out[at + 1] = 0;
  out[at + 2] = 41;
  writeU16BE(out, at + 3, us.udpSize);
  out[at + 5] = rcode >> 4; // upper 8 bits of the 12-bit rcode
  out[at + 6] = 0; // version
  // DO copied; CO too with DO (RFC 9824 §5: we give compact answers); no other flag echoed.
  out[at + 7] = edns.dnssecOk ? (edns.compactOk ? 0xc0 : 0x80) : 0;
  out[at + 8] = 0;
  writeU16BE(out, at + 9, optionsSize(edns, us, extra));
  at += OPT_SIZE;
  const nsid = edns.nsid ? us.nsid : undefined;
  if (nsid) {
    writeU16BE(out, at, NSID_CODE);
    writeU16BE(out, at + 2, nsid.length);
    copyBytes(nsid, 0, out, at + 4, nsid.length);
    at += 4 + nsid.length;
  }
  if (!extra) return;
  if (extra.cookieLength > 0) {
    writeU16BE(out, at, COOKIE_CODE);
    writeU16BE(out, at + 2, extra.cookieLength);
    copyBytes(extra.cookie, 0, out, at + 4, extra.cookieLength);
    at += 4 + extra.cookieLength;
  }
  if (extra.ede >= 0) {
    writeU16BE(out, at, EDE_CODE);
    writeU16BE(out, at + 2, 2);
    writeU16BE(out, at + 4, extra.ede);
  }
}

/**
 * The response to `query` (whose bytes are `msg`) from the compiled answer at `at` in `bytes`
 * (wire/compile.ts), within `limit` bytes. If the whole body does not fit, additional records
 * are left out without TC (RFC 2181 §9); if the answer and authority do not fit either, TC is
 * set and only header, question and OPT go.
 */
export function assemble(msg: Buffer, query: Query, bytes: Buffer, at: number, limit: number, us: EdnsIdentity, extra?: ResponseOptions): Buffer {
  const qlen = query.questionEnd - HEADER;
  const opt = optSize(query.edns, us, extra);
  const fixed = HEADER + qlen + opt;
  const bodyAt = at + ANSWER_KEY + answerKeyLength(bytes, at); // the body's bytes begin after the query key's
  const rcode = answerRcode(bytes, at);
  let bodyLen = answerBodyLength(bytes, at);
  let arcount = answerArcount(bytes, at);
  let ancount = answerAncount(bytes, at);
  let nscount = answerNscount(bytes, at);
  let truncated = false;
  if (fixed + bodyLen > limit) {
    const withoutAdditional = answerWithoutAdditional(bytes, at);
    if (fixed + withoutAdditional <= limit) {
      bodyLen = withoutAdditional;
      arcount = 0;
    } else {
      bodyLen = 0;
      ancount = nscount = arcount = 0;
      truncated = true;
    }
  }
  const out = Buffer.allocUnsafe(fixed + bodyLen);
  writeHeader(out, query.id, 0, answerAa(bytes, at), truncated, query.rd, rcode, [1, ancount, nscount, arcount + (opt ? 1 : 0)]);
  copyBytes(msg, HEADER, out, HEADER, qlen); // the question as sent
  copyBytes(bytes, bodyAt, out, HEADER + qlen, bodyLen);
  if (query.edns) writeOpt(out, HEADER + qlen + bodyLen, us, rcode, query.edns, extra);
  return out;
}

/**
 * A response with no records: FORMERR, NOTIMP, REFUSED, BADVERS, BADCOOKIE, or with `tc` the
 * truncated reply a rate-limited query may get instead of its answer. The question is echoed
 * when it was sound (`questionEnd` set); an OPT is added when the query carried a usable one.
 */
export function emptyResponse(
  msg: Buffer,
  id: number,
  opcode: number,
  rd: boolean,
  questionEnd: number | undefined,
  rcode: number,
  edns: Edns | undefined,
  us: EdnsIdentity,
  extra?: ResponseOptions,
  tc = false,
): Buffer {
  const qlen = questionEnd === undefined ? 0 : questionEnd - HEADER;
  const opt = optSize(edns, us, extra);
  const out = Buffer.allocUnsafe(HEADER + qlen + opt);
  writeHeader(out, id, opcode, false, tc, rd, rcode, [qlen ? 1 : 0, 0, 0, opt ? 1 : 0]);
  copyBytes(msg, HEADER, out, HEADER, qlen);
  if (edns) writeOpt(out, HEADER + qlen, us, rcode, edns, extra);
  return out;
}
