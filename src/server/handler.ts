// Bytes in, bytes out: the one place where a query's rcode is chosen. Never throws for any input.

import { lookup } from '../dns/lookup.js';
import { nameFromWire } from '../dns/name.js';
import { RRClass, RRType, Rcode } from '../dns/types.js';
import { compileTemplate, type Template } from '../wire/compile.js';
import { parseQuery, type Query } from '../wire/query.js';
import { assemble, emptyResponse, TCP_MAX, udpLimit } from '../wire/respond.js';
import { MessageWriter } from '../wire/writer.js';
import type { Snapshot } from './snapshot.js';

export type Transport = 'udp' | 'tcp';

export interface HandlerOptions {
  /** The UDP payload size we advertise and never exceed (RFC 8906; 1232 by default). */
  readonly ednsUdpSize: number;
}

/** Counters the transports and metrics read. Plain numbers: the hot path only increments. */
export interface HandlerStats {
  queries: number;
  dropped: number;
  formerr: number;
  truncated: number;
}

export function newStats(): HandlerStats {
  return { queries: 0, dropped: 0, formerr: 0, truncated: 0 };
}

// One writer for every slow-path encode: handling is synchronous, so it is never shared.
const slowWriter = new MessageWriter();

/** The response to one DNS message, or undefined when it deserves none. */
export function handleMessage(snapshot: Snapshot, msg: Buffer, transport: Transport, options: HandlerOptions, stats: HandlerStats): Buffer | undefined {
  const parsed = parseQuery(msg);
  switch (parsed.kind) {
    case 'drop':
      stats.dropped++;
      return undefined;
    case 'formerr':
      stats.formerr++;
      return emptyResponse(msg, parsed.id, parsed.opcode, parsed.rd, parsed.questionEnd, Rcode.FORMERR, undefined, options.ednsUdpSize);
    case 'notimp':
      return emptyResponse(msg, parsed.id, parsed.opcode, parsed.rd, parsed.questionEnd, Rcode.NOTIMP, undefined, options.ednsUdpSize);
  }
  const query = parsed.query;
  stats.queries++;
  const refuse = (rcode: number): Buffer => emptyResponse(msg, query.id, 0, query.rd, query.questionEnd, rcode, query.edns, options.ednsUdpSize);

  // RFC 6891 §6.1.3: we speak EDNS version 0 only.
  if (query.edns && query.edns.version > 0) return refuse(Rcode.BADVERS);
  // Zone data is class IN; CHAOS and the rest are not served here.
  if (query.qclass !== RRClass.IN) return refuse(Rcode.REFUSED);
  // Zone transfers are not implemented: NOTIMP over UDP (where they cannot work anyway),
  // REFUSED over TCP, as a server that does not allow them answers.
  if (query.qtype === RRType.AXFR || query.qtype === RRType.IXFR) {
    return refuse(transport === 'udp' ? Rcode.NOTIMP : Rcode.REFUSED);
  }
  if (query.qtype === RRType.MAILA || query.qtype === RRType.MAILB) return refuse(Rcode.NOTIMP);

  const template = findTemplate(snapshot, query);
  const limit = transport === 'udp' ? udpLimit(query.edns, options.ednsUdpSize) : TCP_MAX;
  const out = assemble(msg, query, template, limit, options.ednsUdpSize);
  if (out.truncated) stats.truncated++;
  return out.bytes;
}

function findTemplate(snapshot: Snapshot, query: Query): Template {
  const node = snapshot.templates.get(query.qkey);
  if (node) return node.byType.get(query.qtype) ?? node.otherTypes;
  const cacheKey = query.qtype + '/' + query.qkey;
  let template = snapshot.negativeCache.get(cacheKey);
  if (!template) {
    const qname = nameFromWire(Buffer.from(query.qkey, 'latin1'));
    template = compileTemplate(slowWriter, qname, query.qtype, lookup(snapshot.catalog, qname, query.qtype));
    snapshot.negativeCache.set(cacheKey, template);
  }
  return template;
}
