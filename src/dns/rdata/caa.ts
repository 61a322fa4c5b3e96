// CAA (RFC 8659): flags, a property tag and its value.

import { Buffer } from 'node:buffer';
import { isParseError, type RdataCodec } from './codec.js';
import { DecodeError } from './codec.js';
import { expectCount, fail, num, quote } from './fields.js';

export interface CaaData {
  readonly kind: 'CAA';
  readonly flags: number;
  readonly tag: string;
  readonly value: Buffer;
}

const TAG = /^[a-zA-Z0-9]{1,15}$/;

export const CAA: RdataCodec<CaaData> = {
  type: 257,
  kind: 'CAA',
  parse(fields, ctx) {
    const e = expectCount(fields, 3, 'flags tag value, e.g. 0 issue "letsencrypt.org"', ctx);
    if (e) return e;
    const flags = num(fields[0], 'flags', 255, ctx);
    if (isParseError(flags)) return flags;
    const tag = fields[1]!;
    if (!TAG.test(tag.text)) return fail(`CAA tag '${tag.text}' must be 1 to 15 letters and digits (RFC 8659 §4.1)`, tag.col);
    return { kind: 'CAA', flags, tag: tag.text, value: fields[2]!.bytes };
  },
  format: (rd) => `${rd.flags} ${rd.tag} ${quote(rd.value)}`,
  encode(rd, out) {
    out.u8(rd.flags);
    out.u8(rd.tag.length);
    out.bytes(Buffer.from(rd.tag, 'latin1'));
    out.bytes(rd.value);
  },
  decode(from) {
    const flags = from.u8();
    const tag = from.bytes(from.u8()).toString('latin1');
    if (!TAG.test(tag)) throw new DecodeError(`CAA tag '${tag}' is not 1 to 15 letters and digits`);
    return { kind: 'CAA', flags, tag, value: from.bytes(from.end - from.pos) };
  },
};
