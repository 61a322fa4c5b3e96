// Response templates: the answer, authority and additional sections of a response, compiled to
// bytes once. A query then costs a header, its own question copied as sent, and this body.

import type { LookupResult } from '../dns/lookup.js';
import type { Name } from '../dns/name.js';
import { RRClass, RRType, Rcode } from '../dns/types.js';
import type { Zone } from '../dns/zone.js';
import { MessageWriter } from './writer.js';

export interface Template {
  /**
   * How many bytes of `body` are the query key (wire/query.ts, queryKey) of the one (name, type)
   * this answers, which a cache hit by hash is checked against; 0 for a template shared by many
   * (negative, CHAOS, REFUSED). In the body's own bytes, the check reads the memory the copy
   * then reads; a key string of its own was one more cache miss per query, 2% of UDP
   * throughput (A/B).
   */
  readonly keyLength: number;
  readonly rcode: number;
  readonly aa: boolean;
  readonly ancount: number;
  readonly nscount: number;
  readonly arcount: number;
  /**
   * The key (keyLength bytes), then answer + authority + additional bytes, compiled for a
   * message whose question (at offset 12) holds a name of the same length as the one asked:
   * compression pointers aim into it, and the echoed question, whatever its letter case, keeps
   * them valid.
   */
  readonly body: Buffer;
  /** Bytes of answer + authority alone: what is left when additional records do not fit. */
  readonly withoutAdditional: number;
}

export const REFUSED_TEMPLATE: Template = Object.freeze({
  keyLength: 0,
  rcode: Rcode.REFUSED,
  aa: false,
  ancount: 0,
  nscount: 0,
  arcount: 0,
  body: Buffer.alloc(0),
  withoutAdditional: 0,
});

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
  return Object.freeze({
    keyLength: key.length,
    rcode: result.kind === 'nxdomain' ? Rcode.NXDOMAIN : Rcode.NOERROR,
    aa: true,
    ancount,
    nscount,
    arcount,
    body: Buffer.concat([Buffer.from(key, 'latin1'), w.buf.subarray(start, w.pos)]),
    withoutAdditional,
  });
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
  const body = Buffer.from(w.buf.subarray(0, w.pos));
  w.reset();
  const negative = (rcode: number): Template => Object.freeze({ keyLength: 0, rcode, aa: true, ancount: 0, nscount, arcount: 0, body, withoutAdditional: body.length });
  return Object.freeze({ nxdomain: negative(Rcode.NXDOMAIN), nodata: negative(Rcode.NOERROR) });
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
  const body = Buffer.from(w.buf.subarray(start, w.pos));
  return Object.freeze({ keyLength: 0, rcode: Rcode.NOERROR, aa: true, ancount, nscount: 0, arcount: 0, body, withoutAdditional: body.length });
}
