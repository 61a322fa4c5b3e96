// DNS Cookies on the server side (RFC 7873 §5.2, RFC 9018): the secrets and the clock that
// wire/cookies.ts leaves to its caller, and what a query's COOKIE option earns it. No state per
// client: a server cookie is checked by hashing again, so a flood of clients grows nothing.

import { Buffer } from 'node:buffer';
import { sipKey, type SipKey } from '../dns/siphash.js';
import { checkServerCookie, cookieNeedsRefresh, cookieShape, FULL_COOKIE_LENGTH, writeFullCookie, type CookieSecrets } from '../wire/cookies.js';
import type { Edns } from '../wire/query.js';
import type { ResponseOptions } from '../wire/respond.js';
import type { ClientAddress } from './client-address.js';

/** What a query's COOKIE option was (RFC 7873 §5.2.2–§5.2.5). */
export const CookieVerdict = {
  /** Not 8 bytes, nor 16 to 40: FORMERR (§5.2.2). */
  Malformed: 0,
  /** A client cookie alone (§5.2.3). */
  ClientOnly: 1,
  /** A server cookie that is not ours, not for this client, or expired: as a client cookie alone (§5.2.4). */
  Invalid: 2,
  /** A server cookie we made for this client cookie and address, within its hour (§5.2.5). */
  Valid: 3,
} as const;
export type CookieVerdict = (typeof CookieVerdict)[keyof typeof CookieVerdict];

export class CookieJar {
  private secrets: CookieSecrets;

  constructor(
    current: SipKey,
    previous: SipKey | undefined,
    /** Seconds since the epoch; a parameter so that tests can move time. */
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    this.secrets = { current, previous };
  }

  /** From now on cookies are made with `next`; those made with the current secret stay valid. */
  rotate(next: SipKey): void {
    this.secrets = { current: next, previous: this.secrets.current };
  }

  /**
   * Reads the COOKIE option of a query from `client` and, unless it is malformed, writes the
   * cookie our response carries into `out`: the client's own cookie with a valid server cookie,
   * the one sent when it is still fresh (RFC 9018 §4.3), else a new one.
   */
  respond(msg: Buffer, edns: Edns, client: ClientAddress, out: ResponseOptions): CookieVerdict {
    const shape = cookieShape(edns.cookieLength);
    if (shape === 'malformed') return CookieVerdict.Malformed;
    const now = this.now();
    const ipLength = client.length;
    const at = edns.cookieAt;
    let verdict: CookieVerdict = shape === 'client-only' ? CookieVerdict.ClientOnly : CookieVerdict.Invalid;
    if (shape === 'with-server' && ipLength > 0) {
      const secret = checkServerCookie(msg, at, edns.cookieLength, client.bytes, ipLength, this.secrets, now);
      if (secret >= 0) {
        verdict = CookieVerdict.Valid;
        if (!cookieNeedsRefresh(msg, at, secret, now)) {
          for (let i = 0; i < FULL_COOKIE_LENGTH; i++) out.cookie[i] = msg[at + i]!;
          out.cookieLength = FULL_COOKIE_LENGTH;
          return verdict;
        }
      }
    }
    writeFullCookie(out.cookie, 0, msg, at, client.bytes, ipLength, this.secrets.current, now);
    out.cookieLength = FULL_COOKIE_LENGTH;
    return verdict;
  }
}

/** A secret as configured: 32 hex digits (128 bits, the SipHash key). */
export function parseSecret(hex: string): SipKey | undefined {
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) return undefined;
  return sipKey(Buffer.from(hex, 'hex'));
}
