// URI (RFC 7553): priority, weight and a target URI, which fills the rest of the rdata.

import type { Buffer } from 'node:buffer';
import { DecodeError, isParseError, type RdataCodec } from './codec.js';
import { all, expectCount, fail, num, quote } from './fields.js';

export interface UriData {
  readonly kind: 'URI';
  readonly priority: number;
  readonly weight: number;
  readonly target: Buffer;
}

export const URI: RdataCodec<UriData> = {
  type: 256,
  kind: 'URI',
  parse(fields, ctx) {
    const e = expectCount(fields, 3, 'priority weight "target", e.g. 10 1 "https://mail.example.com/"', ctx);
    if (e) return e;
    const v = all<[number, number]>(num(fields[0], 'priority', 0xffff, ctx), num(fields[1], 'weight', 0xffff, ctx));
    if (isParseError(v)) return v;
    const t = fields[2]!;
    // RFC 7553 §4.4: the target is a quoted string, and never empty.
    if (!t.quoted || t.bytes.length === 0) return fail('the target is a URI in double quotes, e.g. "https://mail.example.com/"', t.col);
    return { kind: 'URI', priority: v[0], weight: v[1], target: t.bytes };
  },
  format: (rd) => `${rd.priority} ${rd.weight} ${quote(rd.target)}`,
  encode(rd, out) {
    out.u16(rd.priority);
    out.u16(rd.weight);
    out.bytes(rd.target);
  },
  decode(from) {
    const priority = from.u16();
    const weight = from.u16();
    if (from.pos >= from.end) throw new DecodeError('URI target is empty');
    return { kind: 'URI', priority, weight, target: from.bytes(from.end - from.pos) };
  },
};
