// Response templates: the answer, authority and additional sections of a response, compiled to
// bytes once. A query then costs a header, its own question copied as sent, and this body.

import { lookup, type LookupResult } from '../dns/lookup.js';
import { findZone, type Catalog } from '../dns/catalog.js';
import type { Name } from '../dns/name.js';
import { RRClass, RRType, Rcode } from '../dns/types.js';
import type { Zone, ZoneNode } from '../dns/zone.js';
import { MessageWriter } from './writer.js';

export interface Template {
  readonly rcode: number;
  readonly aa: boolean;
  readonly ancount: number;
  readonly nscount: number;
  readonly arcount: number;
  /**
   * Answer + authority + additional bytes, compiled for a message whose question (at offset 12)
   * holds a name of the same length as the one asked: compression pointers aim into it, and the
   * echoed question, whatever its letter case, keeps them valid.
   */
  readonly body: Buffer;
  /** Bytes of answer + authority alone: what is left when additional records do not fit. */
  readonly withoutAdditional: number;
}

export const REFUSED_TEMPLATE: Template = Object.freeze({
  rcode: Rcode.REFUSED,
  aa: false,
  ancount: 0,
  nscount: 0,
  arcount: 0,
  body: Buffer.alloc(0),
  withoutAdditional: 0,
});

const HEADER = 12;

/** Compiles the response body for (qname, qtype) from a lookup result. */
export function compileTemplate(w: MessageWriter, qname: Name, qtype: number, result: LookupResult): Template {
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
    rcode: result.kind === 'nxdomain' ? Rcode.NXDOMAIN : Rcode.NOERROR,
    aa: true,
    ancount,
    nscount,
    arcount,
    body: Buffer.from(w.buf.subarray(start, w.pos)),
    withoutAdditional,
  });
}

/**
 * The NXDOMAIN body for every name of a zone that does not exist: only the zone's negative SOA,
 * which does not depend on the name asked. Written without compression, so the same bytes fit
 * behind a question of any length: one template per zone, whatever a random-subdomain flood asks.
 */
export function compileNxdomain(w: MessageWriter, zone: Zone): Template {
  w.reset(false);
  const nscount = w.rrset(zone.negativeSoa);
  const body = Buffer.from(w.buf.subarray(0, w.pos));
  w.reset();
  return Object.freeze({ rcode: Rcode.NXDOMAIN, aa: true, ancount: 0, nscount, arcount: 0, body, withoutAdditional: body.length });
}

/** Every template one existing name needs: one per type that has an answer, one for the rest. */
export interface NodeTemplates {
  readonly byType: ReadonlyMap<number, Template>;
  /** NODATA (or, at an alias, the chain ending in NODATA) for every type not in byType. */
  readonly otherTypes: Template;
}

/**
 * Templates for one existing name. At an alias the answer depends on the types found at the
 * chain's end, so those types get templates of their own.
 */
export function compileNode(catalog: Catalog, node: ZoneNode, w: MessageWriter): NodeTemplates {
  const types = new Set<number>(node.rrsets.keys());
  types.add(RRType.ANY);
  if (node.rrsets.has(RRType.CNAME)) {
    for (const t of chainEndTypes(catalog, node.name)) types.add(t);
  }
  const byType = new Map<number, Template>();
  for (const t of types) byType.set(t, compileTemplate(w, node.name, t, lookup(catalog, node.name, t)));
  // Type 0 is reserved (RFC 6895 §3.1): no zone holds it, so its answer is the "no such type" one.
  const otherTypes = compileTemplate(w, node.name, 0, lookup(catalog, node.name, 0));
  return Object.freeze({ byType, otherTypes });
}

function chainEndTypes(catalog: Catalog, start: Name): Iterable<number> {
  // ANY follows the chain to its end; the last CNAME's target holds the types that matter.
  const result = lookup(catalog, start, RRType.ANY);
  if (result.kind === 'refused') return [];
  const lastCname = result.answer.filter((r) => r.type === RRType.CNAME).at(-1)?.rdatas[0];
  if (lastCname?.kind !== 'CNAME') return [];
  const key = lastCname.target.key;
  return findZone(catalog, key)?.nodes.get(key)?.rrsets.keys() ?? [];
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
  return Object.freeze({ rcode: Rcode.NOERROR, aa: true, ancount, nscount: 0, arcount: 0, body, withoutAdditional: body.length });
}
