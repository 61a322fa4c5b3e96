// DNS Cookies (RFC 7873) with interoperable server cookies (RFC 9018): what a COOKIE option
// says, and the server cookie we answer with. Pure: the secrets, the client's address and the
// time come from the caller (server/cookies.ts), so that two servers behind one address, given
// one secret, accept each other's cookies.

import { siphash24, type SipKey } from '../dns/siphash.js';

/** The COOKIE option's code (RFC 7873 §4). */
export const COOKIE_OPTION = 10;
export const CLIENT_COOKIE_LENGTH = 8;
/** An RFC 9018 server cookie: version, reserved, timestamp, hash. */
export const SERVER_COOKIE_LENGTH = 16;
/** Client cookie and our server cookie, as our responses carry them. */
export const FULL_COOKIE_LENGTH = CLIENT_COOKIE_LENGTH + SERVER_COOKIE_LENGTH;
const VERSION = 1;
/** RFC 9018 §4.3: older than an hour, or more than five minutes ahead, is not valid. */
const MAX_AGE = 3600;
const MAX_AHEAD = 300;
/** RFC 9018 §4.3: a cookie this old is replaced with a fresh one (sooner is allowed). */
const REFRESH_AGE = 1800;

/** What a COOKIE option of this many bytes holds (RFC 7873 §5.2.2): a well-formed one or not. */
export function cookieShape(length: number): 'client-only' | 'with-server' | 'malformed' {
  if (length === CLIENT_COOKIE_LENGTH) return 'client-only';
  // A server cookie is 8 to 32 bytes.
  if (length >= CLIENT_COOKIE_LENGTH + 8 && length <= CLIENT_COOKIE_LENGTH + 32) return 'with-server';
  return 'malformed';
}

/** The secrets a server cookie may have been made with: the current one first. */
export interface CookieSecrets {
  readonly current: SipKey;
  /** The one before a rotation, still accepted so that cookies made with it stay valid (RFC 9018 §5). */
  readonly previous: SipKey | undefined;
}

// The hash's input (RFC 9018 §4.4): client cookie | version | reserved | timestamp | client IP.
const input = new Uint8Array(CLIENT_COOKIE_LENGTH + 8 + 16);
const hash = new Uint8Array(8);

function hashInto(secret: SipKey, ip: Uint8Array, ipLength: number): void {
  for (let i = 0; i < ipLength; i++) input[16 + i] = ip[i]!;
  siphash24(secret, input, 0, 16 + ipLength, hash, 0);
}

/** Seconds from `b` to `a` in RFC 1982 arithmetic on 32 bits: timestamps wrap in 2106. */
function serialDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/**
 * Whether the COOKIE option of `length` bytes at `at` in `msg` holds a server cookie we made for
 * this client cookie and address: returns 0 when made with the current secret, 1 with the
 * previous one, -1 when not ours, expired, or from the future. `now` is in seconds since the
 * epoch. A cookie of another length than RFC 9018's is never ours.
 */
export function checkServerCookie(msg: Uint8Array, at: number, length: number, ip: Uint8Array, ipLength: number, secrets: CookieSecrets, now: number): number {
  if (length !== FULL_COOKIE_LENGTH || msg[at + CLIENT_COOKIE_LENGTH] !== VERSION) return -1;
  const t = at + CLIENT_COOKIE_LENGTH + 4;
  const stamp = ((msg[t]! << 24) | (msg[t + 1]! << 16) | (msg[t + 2]! << 8) | msg[t + 3]!) | 0;
  const age = serialDiff(now, stamp);
  if (age > MAX_AGE || age < -MAX_AHEAD) return -1;
  // Version, reserved and timestamp go into the hash as sent (RFC 9018 §4.4, Appendix A.3).
  for (let i = 0; i < 16; i++) input[i] = msg[at + i]!;
  for (let s = 0; s < 2; s++) {
    const secret = s === 0 ? secrets.current : secrets.previous;
    if (!secret) break;
    hashInto(secret, ip, ipLength);
    let same = true;
    for (let i = 0; i < 8; i++) if (hash[i] !== msg[at + 16 + i]) same = false;
    if (same) return s;
  }
  return -1;
}

/** Whether a valid server cookie (checkServerCookie gave `secretUsed`) should be replaced. */
export function cookieNeedsRefresh(msg: Uint8Array, at: number, secretUsed: number, now: number): boolean {
  if (secretUsed !== 0) return true;
  const t = at + CLIENT_COOKIE_LENGTH + 4;
  const stamp = ((msg[t]! << 24) | (msg[t + 1]! << 16) | (msg[t + 2]! << 8) | msg[t + 3]!) | 0;
  // Reserved bytes other than zero (RFC 9018 §4.2): answer with a cookie of our own making.
  const reserved = msg[at + 9]! | msg[at + 10]! | msg[at + 11]!;
  return reserved !== 0 || serialDiff(now, stamp) >= REFRESH_AGE;
}

/**
 * Writes at `outAt` in `out` the COOKIE option data of our response: the client cookie (the
 * first 8 bytes at `at` in `msg`) and a fresh server cookie for it, this address and `now`,
 * made with the current secret. FULL_COOKIE_LENGTH bytes.
 */
export function writeFullCookie(out: Uint8Array, outAt: number, msg: Uint8Array, at: number, ip: Uint8Array, ipLength: number, secret: SipKey, now: number): void {
  for (let i = 0; i < CLIENT_COOKIE_LENGTH; i++) input[i] = msg[at + i]!;
  input[8] = VERSION;
  input[9] = input[10] = input[11] = 0;
  input[12] = now >>> 24;
  input[13] = now >>> 16;
  input[14] = now >>> 8;
  input[15] = now;
  hashInto(secret, ip, ipLength);
  for (let i = 0; i < 16; i++) out[outAt + i] = input[i]!;
  for (let i = 0; i < 8; i++) out[outAt + 16 + i] = hash[i]!;
}
