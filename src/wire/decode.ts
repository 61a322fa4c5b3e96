// Whole-message decoding (RFC 1035 §4.1): header, questions and every record of every section,
// names decompressed with bounded pointer chains, each record's data read by its type's codec.
// For what is not on the hot path: transfers and NOTIFY to come, tests, tools. Untrusted
// bytes never throw out of here: a problem is a DecodeError value.

import { Buffer } from 'node:buffer';
import type { Name } from '../dns/name.js';
import { ByteSource, DecodeError, decodeRdata, type RData } from '../dns/rdata/index.js';
import { RRType } from '../dns/types.js';

export { DecodeError };

export interface DecodedQuestion {
  readonly name: Name;
  readonly type: number;
  readonly class: number;
}

export interface DecodedRecord {
  readonly owner: Name;
  readonly type: number;
  readonly class: number;
  readonly ttl: number;
  readonly rdata: RData;
}

/** The OPT pseudo-record (RFC 6891 §6.1.2), read into its fields. */
export interface DecodedEdns {
  readonly udpSize: number;
  /** The upper 8 bits of the 12-bit rcode. */
  readonly extendedRcode: number;
  readonly version: number;
  readonly dnssecOk: boolean;
  /** The flag bits other than DO. */
  readonly otherFlags: number;
  readonly options: readonly { readonly code: number; readonly data: Buffer }[];
}

export interface DecodedMessage {
  readonly id: number;
  readonly qr: boolean;
  readonly opcode: number;
  readonly aa: boolean;
  readonly tc: boolean;
  readonly rd: boolean;
  readonly ra: boolean;
  /** The Z bit, which must be zero (RFC 1035 §4.1.1). */
  readonly z: boolean;
  readonly ad: boolean;
  readonly cd: boolean;
  /** The full rcode: the header's 4 bits and, with an OPT, its upper 8 (RFC 6891 §6.1.3). */
  readonly rcode: number;
  readonly questions: readonly DecodedQuestion[];
  readonly answer: readonly DecodedRecord[];
  readonly authority: readonly DecodedRecord[];
  /** Without the OPT record, which is `edns`. */
  readonly additional: readonly DecodedRecord[];
  readonly edns: DecodedEdns | undefined;
}

export function decodeMessage(msg: Uint8Array): DecodedMessage | DecodeError {
  try {
    return decode(msg);
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw e;
  }
}

function decode(msg: Uint8Array): DecodedMessage {
  if (msg.length < 12) throw new DecodeError(`a message is at least 12 bytes, this one ${msg.length}`);
  const from = new ByteSource(msg, 0, msg.length);
  const id = from.u16();
  const flags = from.u16();
  const counts = [from.u16(), from.u16(), from.u16(), from.u16()] as const;
  const questions: DecodedQuestion[] = [];
  for (let i = 0; i < counts[0]; i++) questions.push({ name: from.name(), type: from.u16(), class: from.u16() });
  const sections: DecodedRecord[][] = [[], [], []];
  let edns: DecodedEdns | undefined;
  for (let s = 0; s < 3; s++) {
    for (let i = 0; i < counts[s + 1]!; i++) {
      const owner = from.name();
      const type = from.u16();
      const rrclass = from.u16();
      const ttl = from.u32();
      const length = from.u16();
      const end = from.pos + length;
      if (end > msg.length) throw new DecodeError('record data runs past the end of the message');
      if (type === RRType.OPT) {
        if (s !== 2 || edns || owner.labelCount !== 0) throw new DecodeError('an OPT record is only one, at the root, in the additional section (RFC 6891 §6.1.1)');
        edns = readEdns(rrclass, ttl, new ByteSource(msg, from.pos, end));
        from.pos = end;
        continue;
      }
      const rdata = decodeRdata(type, new ByteSource(msg, from.pos, end));
      if (rdata instanceof DecodeError) throw new DecodeError(`${['answer', 'authority', 'additional'][s]} record ${i + 1}: ${rdata.message}`);
      from.pos = end;
      sections[s]!.push({ owner, type, class: rrclass, ttl, rdata });
    }
  }
  if (from.pos !== msg.length) throw new DecodeError(`${msg.length - from.pos} bytes after the last record`);
  return {
    id,
    qr: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0x0f,
    aa: (flags & 0x0400) !== 0,
    tc: (flags & 0x0200) !== 0,
    rd: (flags & 0x0100) !== 0,
    ra: (flags & 0x0080) !== 0,
    z: (flags & 0x0040) !== 0,
    ad: (flags & 0x0020) !== 0,
    cd: (flags & 0x0010) !== 0,
    rcode: (flags & 0x0f) | ((edns?.extendedRcode ?? 0) << 4),
    questions,
    answer: sections[0]!,
    authority: sections[1]!,
    additional: sections[2]!,
    edns,
  };
}

function readEdns(rrclass: number, ttl: number, from: ByteSource): DecodedEdns {
  const options: { code: number; data: Buffer }[] = [];
  while (from.pos < from.end) options.push({ code: from.u16(), data: from.bytes(from.u16()) });
  return {
    udpSize: rrclass,
    extendedRcode: ttl >>> 24,
    version: (ttl >>> 16) & 0xff,
    dnssecOk: (ttl & 0x8000) !== 0,
    otherFlags: ttl & 0x7fff,
    options,
  };
}
