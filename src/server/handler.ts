// Bytes in, bytes out. Protocol errors get their rcode here (FORMERR, NOTIMP, BADVERS, REFUSED
// for classes and transfers we do not serve); data answers get theirs from the lookup result's
// kind (wire/compile.ts, rcodeOf). Never throws for any input.

import { RRClass, RRType, Rcode } from '../dns/types.js';
import { answerRcode, type CompiledAnswer } from '../wire/compile.js';
import { nameKeyOf, parseQuery, queryKey, type Query } from '../wire/query.js';
import { assemble, emptyResponse, TCP_MAX, udpLimit, type EdnsIdentity } from '../wire/respond.js';
import { answerUncached, type Snapshot } from './snapshot.js';
import { countQuery, type ServerStats, type Transport } from './stats.js';
import { handleSpecial, type SpecialAnswer, type XfrOptions } from './xfr.js';

export type { Transport };

export interface HandlerOptions {
  /** Our UDP size cap (RFC 8906; 1232 by default) and NSID. */
  readonly edns: EdnsIdentity;
  /** CHAOS-class TXT answers (id.server, version.bind, …) by qname key; absent names: REFUSED. */
  readonly chaos: ReadonlyMap<string, CompiledAnswer>;
  /** TSIG keys, the transfer ACL and the IXFR history; undefined: no key, no transfer. */
  readonly xfr?: XfrOptions;
}

/**
 * The response to one DNS message, or undefined when it deserves none. `client` is the
 * source address (the transfer ACL reads it).
 */
export function handleMessage(snapshot: Snapshot, msg: Buffer, transport: Transport, options: HandlerOptions, stats: ServerStats, client = ''): Buffer | undefined {
  return handle(snapshot, msg, transport, options, stats, client, false) as Buffer | undefined;
}

/** As handleMessage, for TCP: a zone transfer is answered with the messages it sends, in order. */
export function handleStreamMessage(snapshot: Snapshot, msg: Buffer, options: HandlerOptions, stats: ServerStats, client: string): SpecialAnswer {
  return handle(snapshot, msg, 'tcp', options, stats, client, true);
}

function handle(snapshot: Snapshot, msg: Buffer, transport: Transport, options: HandlerOptions, stats: ServerStats, client: string, stream: boolean): SpecialAnswer {
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
  // Signed messages, NOTIFY and transfers: off the fast path (server/xfr.ts).
  if (query.signed || query.opcode !== 0 || query.qtype === RRType.AXFR || query.qtype === RRType.IXFR) {
    let counted = false;
    const answer = handleSpecial(
      {
        snapshot,
        msg,
        query,
        transport,
        client,
        udpSize: options.edns.udpSize,
        ordinary: (limit) => {
          counted = true;
          return ordinary(snapshot, msg, query, transport, options, stats, limit);
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
  return ordinary(snapshot, msg, query, transport, options, stats, transport === 'udp' ? udpLimit(query.edns, options.edns.udpSize) : TCP_MAX);
}

/** The answer to a QUERY from the zones (or CHAOS), within `limit` bytes. */
function ordinary(snapshot: Snapshot, msg: Buffer, query: Query, transport: Transport, options: HandlerOptions, stats: ServerStats, limit: number): Buffer {
  if (query.qclass !== RRClass.IN) {
    const chaos = query.qclass === RRClass.CH && (query.qtype === RRType.TXT || query.qtype === RRType.ANY) ? options.chaos.get(nameKeyOf(queryKey(msg, query))) : undefined;
    return chaos ? respond(msg, query, chaos.bytes, chaos.at, transport, options, stats, limit) : refuse(msg, query, Rcode.REFUSED, transport, options, stats);
  }
  // A hit in the answer cache is read in place; only a miss makes a CompiledAnswer.
  const answers = snapshot.answers;
  const at = answers.find(msg, query);
  if (at >= 0) return respond(msg, query, answers.bytes, at, transport, options, stats, limit);
  const compiled = answerUncached(snapshot, msg, query);
  return respond(msg, query, compiled.bytes, compiled.at, transport, options, stats, limit);
}

/** The response from the compiled answer at `at` in `bytes` (wire/compile.ts). */
function respond(msg: Buffer, query: Query, bytes: Buffer, at: number, transport: Transport, options: HandlerOptions, stats: ServerStats, limit: number): Buffer {
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
