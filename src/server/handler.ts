// Bytes in, bytes out. Protocol errors get their rcode here (FORMERR, NOTIMP, BADVERS, REFUSED
// for classes we do not serve, BADCOOKIE); data answers get theirs from the lookup result's kind
// (wire/compile.ts, rcodeOf); signed messages, NOTIFY and transfers are answered by xfr.ts. Over
// UDP, every response to a client that is not exempt and brings no valid server cookie passes
// response rate limiting (rrl.ts) first. Never throws for any input.

import { Buffer } from 'node:buffer';
import { NXNAME } from '../dns/dnssec/nsec.js';
import { RRClass, RRType, Rcode } from '../dns/types.js';
import { answerRcode, answerRefreshAt, answerZone, type CompiledAnswer } from '../wire/compile.js';
import { FULL_COOKIE_LENGTH } from '../wire/cookies.js';
import { nameKeyOf, parseQuery, queryKey, type Edns, type Query } from '../wire/query.js';
import { assemble, emptyResponse, TCP_MAX, udpLimit, type EdnsIdentity, type ResponseOptions } from '../wire/respond.js';
import type { ClientAddress } from './client-address.js';
import { CookieVerdict, type CookieJar } from './cookies.js';
import { Admit, classOf, RrlClass, type ResponseRateLimiter } from './rrl.js';
import { answerUncached, type Snapshot } from './snapshot.js';
import { countQuery, type ServerStats, type Transport } from './stats.js';
import { handleSpecial, type SpecialAnswer, type XfrOptions } from './xfr.js';

export type { Transport };

export interface HandlerOptions {
  /** Our UDP size cap (RFC 8906; 1232 by default) and NSID. */
  readonly edns: EdnsIdentity;
  /** CHAOS-class TXT answers (id.server, version.bind, …) by qname key; absent names: REFUSED. */
  readonly chaos: ReadonlyMap<string, CompiledAnswer>;
  /** DNS Cookies (RFC 7873); absent: COOKIE options are ignored, as by a server without them. */
  readonly cookies?: CookieJar | undefined;
  /** Response rate limiting of UDP responses; absent: off. */
  readonly rrl?: ResponseRateLimiter | undefined;
  /** TSIG keys, the transfer ACL and the IXFR history; undefined: no key, no transfer. */
  readonly xfr?: XfrOptions;
}

/** BADCOOKIE (RFC 7873 §8): an extended rcode, 23. */
const BADCOOKIE = 23;
/** Extended DNS Error "Not Authoritative" (RFC 8914 §4.21): a name in no zone served here. */
const EDE_NOT_AUTHORITATIVE = 20;

// The EDNS options of the response being made: one object, since responses are made one at a time.
const extra: ResponseOptions = { cookie: new Uint8Array(FULL_COOKIE_LENGTH), cookieLength: 0, ede: -1 };

/**
 * The response to one DNS message, or undefined when it deserves none. `client` is who sent it
 * (cookies, RRL and the transfer ACL read it).
 */
export function handleMessage(snapshot: Snapshot, msg: Buffer, transport: Transport, options: HandlerOptions, stats: ServerStats, client?: ClientAddress): Buffer | undefined {
  return handle(snapshot, msg, transport, options, stats, client, false) as Buffer | undefined;
}

/** As handleMessage, for TCP: a zone transfer is answered with the messages it sends, in order. */
export function handleStreamMessage(snapshot: Snapshot, msg: Buffer, options: HandlerOptions, stats: ServerStats, client: ClientAddress | undefined): SpecialAnswer {
  return handle(snapshot, msg, 'tcp', options, stats, client, true);
}

function handle(snapshot: Snapshot, msg: Buffer, transport: Transport, options: HandlerOptions, stats: ServerStats, client: ClientAddress | undefined, stream: boolean): SpecialAnswer {
  const parsed = parseQuery(msg);
  switch (parsed.kind) {
    case 'drop':
      if (parsed.reason === 'short') stats.droppedShort++;
      else stats.droppedResponse++;
      return undefined;
    case 'formerr': {
      stats.formerr++;
      const verdict = limited(transport, options, client);
      if (verdict === Admit.Drop) return undefined;
      return emptyResponse(msg, parsed.id, parsed.opcode, parsed.rd, parsed.questionEnd, Rcode.FORMERR, undefined, options.edns, undefined, verdict === Admit.Slip);
    }
    case 'notimp': {
      const verdict = limited(transport, options, client);
      if (verdict === Admit.Drop) return undefined;
      return emptyResponse(msg, parsed.id, parsed.opcode, parsed.rd, parsed.questionEnd, Rcode.NOTIMP, undefined, options.edns, undefined, verdict === Admit.Slip);
    }
    case 'cookie-only':
      return cookieOnly(msg, parsed.id, parsed.rd, parsed.edns, transport, options, stats, client);
  }
  const query: Query = parsed;

  // RFC 6891 §6.1.3: we speak EDNS version 0 only.
  if (query.edns && query.edns.version > 0) return refuse(msg, query, Rcode.BADVERS, transport, options, stats, client, undefined);
  // DNS Cookies (RFC 7873 §5.2): a valid server cookie exempts the response from RRL.
  let options_: ResponseOptions | undefined;
  let cookieValid = false;
  if (query.edns && query.edns.cookieAt >= 0 && options.cookies && client) {
    options_ = fresh();
    const verdict = options.cookies.respond(msg, query.edns, client, options_);
    countCookie(stats, verdict);
    if (verdict === CookieVerdict.Malformed) {
      stats.formerr++;
      return refuse(msg, query, Rcode.FORMERR, transport, options, stats, client, undefined);
    }
    cookieValid = verdict === CookieVerdict.Valid;
  }
  // Signed messages, NOTIFY and transfers: off the fast path (server/xfr.ts).
  if (query.signed || query.opcode !== 0 || query.qtype === RRType.AXFR || query.qtype === RRType.IXFR) {
    let counted = false;
    const answer = handleSpecial(
      {
        snapshot,
        msg,
        query,
        transport,
        client: client?.text ?? '',
        udpSize: options.edns.udpSize,
        ordinary: (limit) => {
          counted = true;
          // Only for a request whose TSIG verified: an authenticated client is not rate-limited.
          return ordinary(snapshot, msg, query, transport, options, stats, client, limit, options_, true);
        },
      },
      options.xfr,
    );
    if (counted) {
      // counted as any query
    } else if (answer instanceof Buffer) countQuery(stats, transport, query.qtype, answer[3]! & 0x0f);
    else if (answer) countQuery(stats, transport, query.qtype, Rcode.NOERROR);
    if (answer && !(answer instanceof Buffer) && !stream) return undefined; // a transfer needs a stream
    return answer;
  }
  const limit = transport === 'udp' ? udpLimit(query.edns, options.edns.udpSize) : TCP_MAX;
  return ordinary(snapshot, msg, query, transport, options, stats, client, limit, options_, cookieValid);
}

/** The answer to a QUERY from the zones (or CHAOS), within `limit` bytes; undefined when RRL drops it. */
function ordinary(
  snapshot: Snapshot,
  msg: Buffer,
  query: Query,
  transport: Transport,
  options: HandlerOptions,
  stats: ServerStats,
  client: ClientAddress | undefined,
  limit: number,
  options_: ResponseOptions | undefined,
  cookieValid: boolean,
): Buffer | undefined {
  if (query.qclass !== RRClass.IN) {
    const chaos = query.qclass === RRClass.CH && (query.qtype === RRType.TXT || query.qtype === RRType.ANY) ? options.chaos.get(nameKeyOf(queryKey(msg, query))) : undefined;
    return chaos ? respond(msg, query, chaos.bytes, chaos.at, transport, options, stats, client, limit, options_, cookieValid) : refuse(msg, query, Rcode.REFUSED, transport, options, stats, client, options_, cookieValid);
  }
  // A hit in the answer cache is read in place; only a miss makes a CompiledAnswer. A DNSSEC
  // answer is a hit while its signatures are fresh (REFRESH_AT); after, it is compiled anew.
  const answers = snapshot.answers;
  const at = answers.find(msg, query);
  if (at >= 0) {
    if (!query.dnssecOk || answerRefreshAt(answers.bytes, at) > Date.now() / 1000) return respond(msg, query, answers.bytes, at, transport, options, stats, client, limit, options_, cookieValid);
    answers.retire(at);
  }
  // RFC 9824 §3.5: NXNAME only ever appears in a compact denial's NSEC; asking for it is an
  // error. Said to DO=1 queries only: DO=0 answers stay as they were (and as Knot gives them).
  if (query.qtype === NXNAME && query.dnssecOk) return refuse(msg, query, Rcode.FORMERR, transport, options, stats, client, options_, cookieValid);
  const compiled = answerUncached(snapshot, msg, query);
  return respond(msg, query, compiled.bytes, compiled.at, transport, options, stats, client, limit, options_, cookieValid);
}

/** The response from the compiled answer at `at` in `bytes` (wire/compile.ts), or a rate-limited one. */
function respond(
  msg: Buffer,
  query: Query,
  bytes: Buffer,
  at: number,
  transport: Transport,
  options: HandlerOptions,
  stats: ServerStats,
  client: ClientAddress | undefined,
  limit: number,
  responseOptions: ResponseOptions | undefined,
  cookieValid: boolean,
): Buffer | undefined {
  const rcode = answerRcode(bytes, at);
  if (!cookieValid && transport === 'udp' && options.rrl && client && !options.rrl.exempt(client)) {
    const verdict = options.rrl.admit(client, classOf(bytes, at, query.qtype), answerZone(bytes, at));
    if (verdict !== Admit.Send) return slip(verdict, msg, query, rcode, options, stats, responseOptions);
  }
  // RFC 8914: say why a name gets REFUSED, to a client that can read it.
  if (rcode === Rcode.REFUSED && query.edns) (responseOptions ??= fresh()).ede = EDE_NOT_AUTHORITATIVE;
  const out = assemble(msg, query, bytes, at, limit, options.edns, responseOptions);
  if (out[2]! & 0x02) stats.truncated++; // TC
  countQuery(stats, transport, query.qtype, rcode);
  return out;
}

/** An answer with no records (BADVERS, REFUSED, NOTIMP, FORMERR), counted like any other. */
function refuse(
  msg: Buffer,
  query: Query,
  rcode: number,
  transport: Transport,
  options: HandlerOptions,
  stats: ServerStats,
  client: ClientAddress | undefined,
  responseOptions: ResponseOptions | undefined,
  cookieValid = false,
): Buffer | undefined {
  if (!cookieValid) {
    const verdict = limited(transport, options, client);
    if (verdict !== Admit.Send) return slip(verdict, msg, query, rcode, options, stats, responseOptions);
  }
  countQuery(stats, transport, query.qtype, rcode);
  return emptyResponse(msg, query.id, 0, query.rd, query.questionEnd, rcode, query.edns, options.edns, responseOptions);
}

/**
 * RFC 7873 §5.4: a query without a question, to learn a server cookie. NOERROR with the cookie,
 * or BADCOOKIE when the server cookie sent was not valid; FORMERR when cookies are off, as for
 * any message without a question.
 */
function cookieOnly(msg: Buffer, id: number, rd: boolean, edns: Edns, transport: Transport, options: HandlerOptions, stats: ServerStats, client: ClientAddress | undefined): Buffer | undefined {
  const responseOptions = fresh();
  const verdict = options.cookies && client ? options.cookies.respond(msg, edns, client, responseOptions) : CookieVerdict.Malformed;
  if (options.cookies && client) countCookie(stats, verdict);
  // Small either way (no question, a cookie): a slip is the answer itself.
  if (verdict !== CookieVerdict.Valid && limited(transport, options, client) === Admit.Drop) return undefined;
  if (verdict === CookieVerdict.Malformed) {
    stats.formerr++;
    return emptyResponse(msg, id, 0, rd, undefined, Rcode.FORMERR, options.cookies ? edns : undefined, options.edns);
  }
  const rcode = verdict === CookieVerdict.Invalid ? BADCOOKIE : Rcode.NOERROR;
  if (rcode === BADCOOKIE) stats.badCookie++;
  return emptyResponse(msg, id, 0, rd, undefined, rcode, edns, options.edns, responseOptions);
}

/** RRL's verdict for an error response (counted per prefix): Send where rate limiting does not apply. */
function limited(transport: Transport, options: HandlerOptions, client: ClientAddress | undefined): Admit {
  if (transport !== 'udp' || !options.rrl || !client || options.rrl.exempt(client)) return Admit.Send;
  return options.rrl.admit(client, RrlClass.Error, 0);
}

/**
 * A rate-limited answer: nothing, or for a slip an empty reply with TC set, so that a real
 * client retries over TCP; to a client that sent a cookie, BADCOOKIE with a fresh server
 * cookie instead (RFC 7873 §5.2.3 (2)), so that it retries over UDP with the cookie, which
 * exempts it.
 */
function slip(verdict: Admit, msg: Buffer, query: Query, rcode: number, options: HandlerOptions, stats: ServerStats, responseOptions: ResponseOptions | undefined): Buffer | undefined {
  if (verdict === Admit.Drop) return undefined;
  if (responseOptions && responseOptions.cookieLength > 0) {
    stats.badCookie++;
    return emptyResponse(msg, query.id, 0, query.rd, query.questionEnd, BADCOOKIE, query.edns, options.edns, responseOptions);
  }
  stats.truncated++;
  return emptyResponse(msg, query.id, 0, query.rd, query.questionEnd, rcode, query.edns, options.edns, undefined, true);
}

function fresh(): ResponseOptions {
  extra.cookieLength = 0;
  extra.ede = -1;
  return extra;
}

function countCookie(stats: ServerStats, verdict: CookieVerdict): void {
  if (verdict === CookieVerdict.Valid) stats.cookieValid++;
  else if (verdict === CookieVerdict.ClientOnly) stats.cookieClientOnly++;
  else if (verdict === CookieVerdict.Invalid) stats.cookieInvalid++;
}
