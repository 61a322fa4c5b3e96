// Bytes in, bytes out. Protocol errors get their rcode here (FORMERR, NOTIMP, BADVERS, REFUSED
// for classes and transfers we do not serve); data answers get theirs from the lookup result's
// kind (wire/compile.ts, rcodeOf). Never throws for any input.

import { NXNAME } from '../dns/dnssec/nsec.js';
import { RRClass, RRType, Rcode } from '../dns/types.js';
import { answerRcode, answerRefreshAt, type CompiledAnswer } from '../wire/compile.js';
import { nameKeyOf, parseQuery, queryKey, type Query } from '../wire/query.js';
import { assemble, emptyResponse, TCP_MAX, udpLimit, type EdnsIdentity } from '../wire/respond.js';
import { answerUncached, type Snapshot } from './snapshot.js';
import { countQuery, type ServerStats, type Transport } from './stats.js';

export type { Transport };

export interface HandlerOptions {
  /** Our UDP size cap (RFC 8906; 1232 by default) and NSID. */
  readonly edns: EdnsIdentity;
  /** CHAOS-class TXT answers (id.server, version.bind, …) by qname key; absent names: REFUSED. */
  readonly chaos: ReadonlyMap<string, CompiledAnswer>;
}

/** The response to one DNS message, or undefined when it deserves none. */
export function handleMessage(snapshot: Snapshot, msg: Buffer, transport: Transport, options: HandlerOptions, stats: ServerStats): Buffer | undefined {
  const parsed = parseQuery(msg);
  switch (parsed.kind) {
    case 'drop':
      if (parsed.reason === 'short') stats.droppedShort++;
      else stats.droppedResponse++;
      return undefined;
    case 'formerr':
      stats.formerr++;
      return emptyResponse(msg, parsed.id, parsed.opcode, parsed.rd, parsed.questionEnd, Rcode.FORMERR, undefined, options.edns);
    case 'notimp':
      return emptyResponse(msg, parsed.id, parsed.opcode, parsed.rd, parsed.questionEnd, Rcode.NOTIMP, undefined, options.edns);
  }
  const query: Query = parsed;

  // RFC 6891 §6.1.3: we speak EDNS version 0 only.
  if (query.edns && query.edns.version > 0) return refuse(msg, query, Rcode.BADVERS, transport, options, stats);
  if (query.qclass !== RRClass.IN) {
    const chaos = query.qclass === RRClass.CH && (query.qtype === RRType.TXT || query.qtype === RRType.ANY) ? options.chaos.get(nameKeyOf(queryKey(msg, query))) : undefined;
    return chaos ? respond(msg, query, chaos.bytes, chaos.at, transport, options, stats) : refuse(msg, query, Rcode.REFUSED, transport, options, stats);
  }
  // Zone transfers are not implemented: NOTIMP over UDP (where they cannot work anyway),
  // REFUSED over TCP, as a server that does not allow them answers.
  if (query.qtype === RRType.AXFR || query.qtype === RRType.IXFR) {
    return refuse(msg, query, transport === 'udp' ? Rcode.NOTIMP : Rcode.REFUSED, transport, options, stats);
  }
  // A hit in the answer cache is read in place; only a miss makes a CompiledAnswer. A DNSSEC
  // answer is a hit while its signatures are fresh (REFRESH_AT); after, it is compiled anew.
  const answers = snapshot.answers;
  const at = answers.find(msg, query);
  if (at >= 0) {
    if (!query.dnssecOk || answerRefreshAt(answers.bytes, at) > Date.now() / 1000) return respond(msg, query, answers.bytes, at, transport, options, stats);
    answers.retire(at);
  }
  // RFC 9824 §3.5: NXNAME only ever appears in a compact denial's NSEC; asking for it is an
  // error. Said to DO=1 queries only: DO=0 answers stay as they were (and as Knot gives them).
  if (query.qtype === NXNAME && query.dnssecOk) return refuse(msg, query, Rcode.FORMERR, transport, options, stats);
  const compiled = answerUncached(snapshot, msg, query);
  return respond(msg, query, compiled.bytes, compiled.at, transport, options, stats);
}

/** The response from the compiled answer at `at` in `bytes` (wire/compile.ts). */
function respond(msg: Buffer, query: Query, bytes: Buffer, at: number, transport: Transport, options: HandlerOptions, stats: ServerStats): Buffer {
  const limit = transport === 'udp' ? udpLimit(query.edns, options.edns.udpSize) : TCP_MAX;
  const out = assemble(msg, query, bytes, at, limit, options.edns);
  if (out[2]! & 0x02) stats.truncated++; // TC
  countQuery(stats, transport, query.qtype, answerRcode(bytes, at));
  return out;
}

/** An answer with no records (BADVERS, REFUSED, NOTIMP), counted like any other. */
function refuse(msg: Buffer, query: Query, rcode: number, transport: Transport, options: HandlerOptions, stats: ServerStats): Buffer {
  countQuery(stats, transport, query.qtype, rcode);
  return emptyResponse(msg, query.id, 0, query.rd, query.questionEnd, rcode, query.edns, options.edns);
}
