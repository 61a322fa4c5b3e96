// The messages of a zone transfer (RFC 5936 §2.2, RFC 1995 §4): records packed into messages of
// at most 64 KiB with name compression (rdata names only where RFC 3597 §4 allows), the
// question in the first message only. Pure: the caller signs each message (TSIG, §5.3.1) and
// writes them out.

import { Buffer } from 'node:buffer';
import type { Name } from '../dns/name.js';
import type { RRset } from '../dns/records.js';
import { Rcode } from '../dns/types.js';
import { MessageWriter } from './writer.js';

const HEADER = 12;
const OPT_SIZE = 11;
/** A TCP message's length prefix is 16 bits (RFC 1035 §4.2.2). */
const MESSAGE_MAX = 65535;

export interface TransferQuestion {
  readonly id: number;
  readonly rd: boolean;
  /** The question's name as sent (letter case kept), type and class: echoed in the first message. */
  readonly qname: Name;
  readonly qtype: number;
  readonly qclass: number;
  /** Our UDP size, when the request had an OPT record: each message then carries one. */
  readonly ednsUdpSize: number | undefined;
}

/** A record too large for any message: the zone cannot be transferred (a bug in validation). */
export class TransferTooLarge extends Error {}

/**
 * The messages carrying `rrsets`, in order, each leaving `room` bytes for a TSIG record. A
 * limit below 64 KiB (`max`) serves tests and IXFR over UDP.
 */
export function* transferMessages(q: TransferQuestion, rrsets: Iterable<RRset>, room = 0, max = MESSAGE_MAX): Generator<Buffer> {
  const w = new MessageWriter(2 * MESSAGE_MAX + 1024);
  const limit = max - room - (q.ednsUdpSize === undefined ? 0 : OPT_SIZE);
  let first = true;
  let count = 0;
  const start = (): void => {
    w.reset();
    w.pos = HEADER;
    if (first) {
      w.name(q.qname, false);
      w.u16(q.qtype);
      w.u16(q.qclass);
    }
  };
  const finish = (): Buffer => {
    const out = message(w, q, first, count);
    first = false;
    count = 0;
    return out;
  };
  start();
  for (const rrset of rrsets) {
    for (const rdata of rrset.rdatas) {
      const mark = w.pos;
      w.record(rrset.owner, rrset.type, rrset.ttl, rdata);
      if (w.pos <= limit) {
        count++;
        continue;
      }
      if (count === 0) throw new TransferTooLarge(`a ${rrset.type} record at its owner does not fit in one message`);
      w.truncate(mark);
      yield finish();
      start();
      w.record(rrset.owner, rrset.type, rrset.ttl, rdata);
      if (w.pos > limit) throw new TransferTooLarge(`a ${rrset.type} record at its owner does not fit in one message`);
      count++;
    }
  }
  yield finish();
}

/** The header (and OPT) around what `w` holds: AA set, NOERROR, `count` answers. */
function message(w: MessageWriter, q: TransferQuestion, first: boolean, count: number): Buffer {
  if (q.ednsUdpSize !== undefined) {
    // OPT (RFC 6891 §6.1.2): root owner, our payload size, no extended rcode, version 0.
    w.u8(0);
    w.u16(41);
    w.u16(q.ednsUdpSize);
    w.u32(0);
    w.u16(0);
  }
  const out = Buffer.from(w.buf.subarray(0, w.pos));
  out.writeUInt16BE(q.id, 0);
  out[2] = 0x80 | 0x04 | (q.rd ? 1 : 0); // QR, opcode QUERY, AA, RD copied
  out[3] = Rcode.NOERROR;
  out.writeUInt16BE(first ? 1 : 0, 4);
  out.writeUInt16BE(count, 6);
  out.writeUInt16BE(0, 8);
  out.writeUInt16BE(q.ednsUdpSize === undefined ? 0 : 1, 10);
  return out;
}

/**
 * A response with no records but the question (echoed when `q` is given): REFUSED, NOTAUTH,
 * SERVFAIL, FORMERR for a transfer or a NOTIFY. `opcode` as asked; AA as given.
 */
export function bareResponse(id: number, opcode: number, rd: boolean, rcode: number, q: Pick<TransferQuestion, 'qname' | 'qtype' | 'qclass'> | undefined, aa = false, ednsUdpSize?: number): Buffer {
  const w = new MessageWriter(512 + 32);
  w.pos = HEADER;
  if (q) {
    w.name(q.qname, false);
    w.u16(q.qtype);
    w.u16(q.qclass);
  }
  if (ednsUdpSize !== undefined) {
    w.u8(0);
    w.u16(41);
    w.u16(ednsUdpSize);
    w.u32((rcode >> 4) << 24);
    w.u16(0);
  }
  const out = Buffer.from(w.buf.subarray(0, w.pos));
  out.writeUInt16BE(id, 0);
  out[2] = 0x80 | ((opcode & 0x0f) << 3) | (aa ? 0x04 : 0) | (rd ? 1 : 0);
  out[3] = rcode & 0x0f;
  out.writeUInt16BE(q ? 1 : 0, 4);
  out.writeUInt16BE(ednsUdpSize === undefined ? 0 : 1, 10);
  return out;
}
