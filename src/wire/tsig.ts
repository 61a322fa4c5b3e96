// TSIG (RFC 8945): finding the TSIG record of a message, verifying a request, signing responses
// (one, or each message of a transfer, §5.3.1) and requests (NOTIFY out). Pure: the time is
// passed in; keys come from the caller's keyring. Untrusted bytes never throw out of here.

import { Buffer } from 'node:buffer';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isNameError, name, parseName, type Name } from '../dns/name.js';
import { ByteSource, DecodeError } from '../dns/rdata/index.js';
import { RRClass } from '../dns/types.js';

export const TSIG_TYPE = 250;

/** TSIG error codes (RFC 8945 §3, IANA), carried in the TSIG record and the extended rcode space. */
export const TsigError = { NOERROR: 0, BADSIG: 16, BADKEY: 17, BADTIME: 18, BADTRUNC: 22 } as const;

/** The header rcode of every TSIG error response (RFC 8945 §5.2). */
export const NOTAUTH = 9;

/** RFC 8945 §5.2.3: the fudge we use and recommend. */
export const FUDGE = 300;

/** HMAC algorithms by their TSIG name; the weak two are refused unless the configuration allows them. */
export const ALGORITHMS = {
  'hmac-sha256': { hash: 'sha256', size: 32, wire: 'hmac-sha256.' },
  'hmac-sha384': { hash: 'sha384', size: 48, wire: 'hmac-sha384.' },
  'hmac-sha512': { hash: 'sha512', size: 64, wire: 'hmac-sha512.' },
  'hmac-sha224': { hash: 'sha224', size: 28, wire: 'hmac-sha224.' },
  'hmac-sha1': { hash: 'sha1', size: 20, wire: 'hmac-sha1.' },
  'hmac-md5': { hash: 'md5', size: 16, wire: 'hmac-md5.sig-alg.reg.int.' },
} as const;

export type TsigAlgorithm = keyof typeof ALGORITHMS;
export const WEAK_ALGORITHMS: readonly TsigAlgorithm[] = ['hmac-sha1', 'hmac-md5'];

export function isTsigAlgorithm(text: string): text is TsigAlgorithm {
  return Object.hasOwn(ALGORITHMS, text);
}

const algorithmNames = new Map<string, TsigAlgorithm>(Object.entries(ALGORITHMS).map(([k, v]) => [name(v.wire).key, k as TsigAlgorithm]));

export interface TsigKey {
  /** The key's name, which is the TSIG record's owner. */
  readonly name: Name;
  readonly algorithm: TsigAlgorithm;
  /** Never logged. */
  readonly secret: Buffer;
}

/** Keys by name key (Name.key). */
export type Keyring = ReadonlyMap<string, TsigKey>;

/** A TSIG record as found at the end of a message. */
export interface TsigRecord {
  readonly keyName: Name;
  readonly algorithm: Name;
  /** Seconds since the epoch (48 bits). */
  readonly timeSigned: number;
  readonly fudge: number;
  readonly mac: Buffer;
  readonly originalId: number;
  readonly error: number;
  readonly other: Buffer;
  /** Offset of the TSIG record in the message: what precedes it is what was signed. */
  readonly at: number;
}

/**
 * The TSIG record of a message: undefined when it has none, a DecodeError when one is present
 * but malformed or not the last record (RFC 8945 §5.1: FORMERR).
 */
export function findTsig(msg: Uint8Array): TsigRecord | DecodeError | undefined {
  try {
    return find(msg);
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw e;
  }
}

function find(msg: Uint8Array): TsigRecord | undefined {
  if (msg.length < 12) throw new DecodeError('shorter than a header');
  const from = new ByteSource(msg, 12, msg.length);
  const qd = (msg[4]! << 8) | msg[5]!;
  const total = ((msg[6]! << 8) | msg[7]!) + ((msg[8]! << 8) | msg[9]!) + ((msg[10]! << 8) | msg[11]!);
  for (let i = 0; i < qd; i++) {
    from.name();
    from.pos += 4;
  }
  for (let i = 0; i < total; i++) {
    const at = from.pos;
    const owner = from.name();
    const type = from.u16();
    const rrclass = from.u16();
    from.u32();
    const length = from.u16();
    const end = from.pos + length;
    if (end > msg.length) throw new DecodeError('record data runs past the end');
    if (type !== TSIG_TYPE) {
      from.pos = end;
      continue;
    }
    if (i !== total - 1) throw new DecodeError('a TSIG record must be the last record (RFC 8945 §5.1)');
    if (rrclass !== RRClass.ANY) throw new DecodeError('a TSIG record has class ANY');
    const rdata = new ByteSource(msg, from.pos, end);
    const algorithm = rdata.name();
    const high = rdata.u16();
    const timeSigned = high * 2 ** 32 + rdata.u32();
    const fudge = rdata.u16();
    const mac = rdata.bytes(rdata.u16());
    const originalId = rdata.u16();
    const error = rdata.u16();
    const other = rdata.bytes(rdata.u16());
    if (rdata.pos !== end) throw new DecodeError('TSIG data has bytes too many');
    return { keyName: owner, algorithm, timeSigned, fudge, mac, originalId, error, other, at };
  }
  return undefined;
}

function u16(v: number): Buffer {
  const b = Buffer.allocUnsafe(2);
  b.writeUInt16BE(v, 0);
  return b;
}

function u48(v: number): Buffer {
  const b = Buffer.allocUnsafe(6);
  b.writeUInt16BE(Math.floor(v / 2 ** 32), 0);
  b.writeUInt32BE(v % 2 ** 32, 2);
  return b;
}

/** The canonical (lowercased, uncompressed) wire form of a name: how TSIG digests names. */
function canonical(n: Name): Buffer {
  return Buffer.from(n.key, 'latin1');
}

/** What a MAC covers besides the message (RFC 8945 §4.3.3): the TSIG variables. */
interface Variables {
  readonly timeSigned: number;
  readonly fudge: number;
  readonly error: number;
  readonly other: Buffer;
}

/** How a message's MAC is chained: a request, a response to `requestMac`, or a later message of a transfer. */
export type Chain = { readonly kind: 'request' } | { readonly kind: 'response'; readonly requestMac: Buffer } | { readonly kind: 'subsequent'; readonly priorMac: Buffer };

/** The full (untruncated) MAC of `message` (the message as signed: header ID and ARCOUNT as before the TSIG). */
function computeMac(key: TsigKey, message: Uint8Array, chain: Chain, vars: Variables): Buffer {
  const hmac = createHmac(ALGORITHMS[key.algorithm].hash, key.secret);
  if (chain.kind === 'response') hmac.update(u16(chain.requestMac.length)).update(chain.requestMac);
  if (chain.kind === 'subsequent') hmac.update(u16(chain.priorMac.length)).update(chain.priorMac);
  hmac.update(message);
  if (chain.kind === 'subsequent') {
    // RFC 8945 §4.3.1: later messages of a multi-message answer cover the timers only.
    hmac.update(u48(vars.timeSigned)).update(u16(vars.fudge));
  } else {
    hmac.update(canonical(key.name)).update(u16(RRClass.ANY)).update(Buffer.alloc(4));
    hmac.update(canonical(name(ALGORITHMS[key.algorithm].wire))).update(u48(vars.timeSigned)).update(u16(vars.fudge));
    hmac.update(u16(vars.error)).update(u16(vars.other.length)).update(vars.other);
  }
  return hmac.digest();
}

/** The bytes a TSIG record's MAC covers: the message before it, original ID restored, ARCOUNT less one. */
function signedPart(msg: Uint8Array, tsig: TsigRecord): Buffer {
  const part = Buffer.from(msg.subarray(0, tsig.at));
  part.writeUInt16BE(tsig.originalId, 0);
  part.writeUInt16BE(part.readUInt16BE(10) - 1, 10);
  return part;
}

export type Verified =
  | { readonly ok: true; readonly key: TsigKey; readonly tsig: TsigRecord }
  /** Answer with `rcode` (NOTAUTH, or FORMERR) and, unless FORMERR, TSIG error `error`; sign only BADTIME (§5.2.3). */
  | { readonly ok: false; readonly rcode: number; readonly error: number; readonly key: TsigKey | undefined; readonly tsig: TsigRecord; readonly why: string };

/** The smallest MAC accepted: the larger of 10 bytes and half the hash (RFC 8945 §5.2.2.1). */
function minimumMac(algorithm: TsigAlgorithm): number {
  return Math.max(10, ALGORITHMS[algorithm].size / 2);
}

/**
 * Verifies a signed request (RFC 8945 §5.2): the key (BADKEY), then the MAC (BADSIG; a
 * truncated MAC is compared truncated, §5.2.2.1), then the time (BADTIME, fudge as sent).
 * `nowSeconds` is the server's clock; `allowWeak` admits hmac-sha1 and hmac-md5.
 */
export function verifyRequest(msg: Uint8Array, tsig: TsigRecord, keyring: Keyring, nowSeconds: number, chain: Chain = { kind: 'request' }): Verified {
  const key = keyring.get(tsig.keyName.key);
  const algorithm = algorithmNames.get(tsig.algorithm.key);
  const fail = (rcode: number, error: number, why: string, k?: TsigKey): Verified => ({ ok: false, rcode, error, key: k, tsig, why });
  if (!key) return fail(NOTAUTH, TsigError.BADKEY, 'unknown key');
  if (algorithm !== key.algorithm) return fail(NOTAUTH, TsigError.BADKEY, `the key is ${key.algorithm}, the request used another algorithm`);
  const full = ALGORITHMS[algorithm].size;
  if (tsig.mac.length > full || tsig.mac.length < minimumMac(algorithm)) return fail(1, TsigError.NOERROR, `MAC of ${tsig.mac.length} bytes (RFC 8945 §5.2.2.1)`);
  const mac = computeMac(key, signedPart(msg, tsig), chain, tsig);
  if (!timingSafeEqual(mac.subarray(0, tsig.mac.length), tsig.mac)) return fail(NOTAUTH, TsigError.BADSIG, 'the MAC does not match', key);
  if (Math.abs(nowSeconds - tsig.timeSigned) > tsig.fudge) return fail(NOTAUTH, TsigError.BADTIME, `signed at ${tsig.timeSigned}, now ${nowSeconds}, fudge ${tsig.fudge}`, key);
  return { ok: true, key, tsig };
}

export interface Signature {
  /** The message with the TSIG record appended (ARCOUNT one more). */
  readonly message: Buffer;
  /** The MAC it carries: the next message of a transfer chains on it; a request's response too. */
  readonly mac: Buffer;
}

export interface SignOptions {
  readonly chain: Chain;
  readonly timeSigned: number;
  readonly fudge?: number;
  readonly error?: number;
  readonly other?: Buffer;
  /** An unsigned error answer (BADKEY, BADSIG: §5.2): the record with an empty MAC. */
  readonly unsigned?: boolean;
}

/** Bytes the TSIG record of `key` adds to a message, at most: for room in size limits. */
export function tsigSize(key: TsigKey | undefined, keyName?: Name): number {
  const owner = key?.name.wire.length ?? keyName?.wire.length ?? 255;
  const algorithm = key ? name(ALGORITHMS[key.algorithm].wire).wire.length : 26;
  const mac = key ? ALGORITHMS[key.algorithm].size : 64;
  return owner + 10 + algorithm + 6 + 2 + 2 + mac + 2 + 2 + 2 + 6;
}

/**
 * Signs `message` (a complete message without TSIG; its ID is the original ID) with `key`,
 * and returns it with the TSIG record appended. `key` undefined with `unsigned` writes the
 * record of an unsigned error answer for `keyName`/`algorithmName` (BADKEY).
 */
export function sign(message: Buffer, key: TsigKey, options: SignOptions): Signature {
  return signAs(message, key.name, name(ALGORITHMS[key.algorithm].wire), options, key);
}

/** The record of an unsigned error answer (BADKEY, BADSIG; RFC 8945 §5.2): the request's key and algorithm names, no MAC. */
export function unsignedError(message: Buffer, tsig: TsigRecord, error: number, nowSeconds: number): Buffer {
  return signAs(message, tsig.keyName, tsig.algorithm, { chain: { kind: 'request' }, timeSigned: nowSeconds, fudge: tsig.fudge, error, unsigned: true }, undefined).message;
}

function signAs(message: Buffer, keyName: Name, algorithm: Name, options: SignOptions, key: TsigKey | undefined): Signature {
  const vars: Variables = { timeSigned: options.timeSigned, fudge: options.fudge ?? FUDGE, error: options.error ?? 0, other: options.other ?? Buffer.alloc(0) };
  const mac = options.unsigned || !key ? Buffer.alloc(0) : computeMac(key, message, options.chain, vars);
  const rdata = Buffer.concat([
    algorithm.wire,
    u48(vars.timeSigned),
    u16(vars.fudge),
    u16(mac.length),
    mac,
    message.subarray(0, 2), // original ID
    u16(vars.error),
    u16(vars.other.length),
    vars.other,
  ]);
  const head = Buffer.alloc(10);
  head.writeUInt16BE(TSIG_TYPE, 0);
  head.writeUInt16BE(RRClass.ANY, 2);
  head.writeUInt32BE(0, 4);
  head.writeUInt16BE(rdata.length, 8);
  const out = Buffer.concat([message, keyName.wire, head, rdata]);
  out.writeUInt16BE(out.readUInt16BE(10) + 1, 10);
  return { message: out, mac };
}

/**
 * Verifies a signed response to a request whose MAC was `requestMac` (NOTIFY out): undefined
 * when it verifies, else why not.
 */
export function verifyResponse(msg: Uint8Array, key: TsigKey, requestMac: Buffer, nowSeconds: number): string | undefined {
  const tsig = findTsig(msg);
  if (tsig === undefined) return 'the response is not signed';
  if (tsig instanceof DecodeError) return `the response's TSIG record: ${tsig.message}`;
  if (tsig.error !== 0) return `the peer answered TSIG error ${tsig.error}`;
  const v = verifyRequest(msg, tsig, new Map([[key.name.key, key]]), nowSeconds, { kind: 'response', requestMac });
  return v.ok ? undefined : `TSIG error ${v.error || 'FORMERR'}: ${v.why}`;
}

/** A key name as configured: a domain name, made absolute. */
export function keyName(text: string): Name | string {
  const n = parseName(text.endsWith('.') ? text : `${text}.`);
  return isNameError(n) ? n.error : n;
}
