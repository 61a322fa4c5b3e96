// NSEC3PARAM (RFC 5155 §4): hash algorithm, flags, iterations and salt ('-' for none).

import { Buffer } from 'node:buffer';
import { isParseError, type RdataCodec } from './codec.js';
import { all, expectCount, fail, hex, hexText, num } from './fields.js';

export interface Nsec3paramData {
  readonly kind: 'NSEC3PARAM';
  readonly algorithm: number;
  readonly flags: number;
  readonly iterations: number;
  readonly salt: Buffer;
}

export const NSEC3PARAM: RdataCodec<Nsec3paramData> = {
  type: 51,
  kind: 'NSEC3PARAM',
  parse(fields, ctx) {
    const e = expectCount(fields, 4, "algorithm flags iterations salt, e.g. 1 0 0 - (RFC 9276: no salt, 0 iterations)", ctx);
    if (e) return e;
    const v = all<[number, number, number, Buffer]>(
      num(fields[0], 'algorithm', 255, ctx),
      num(fields[1], 'flags', 255, ctx),
      num(fields[2], 'iterations', 0xffff, ctx),
      hex(fields.slice(3), "salt (hex, or '-' for none)", ctx, true),
    );
    if (isParseError(v)) return v;
    const [algorithm, flags, iterations, salt] = v;
    if (salt.length > 255) return fail('a salt holds at most 255 bytes', fields[3]!.col);
    return { kind: 'NSEC3PARAM', algorithm, flags, iterations, salt };
  },
  format: (rd) => `${rd.algorithm} ${rd.flags} ${rd.iterations} ${rd.salt.length ? hexText(rd.salt) : '-'}`,
  encode(rd, out) {
    out.u8(rd.algorithm);
    out.u8(rd.flags);
    out.u16(rd.iterations);
    out.u8(rd.salt.length);
    out.bytes(rd.salt);
  },
  decode: (from) => ({ kind: 'NSEC3PARAM', algorithm: from.u8(), flags: from.u8(), iterations: from.u16(), salt: from.bytes(from.u8()) }),
};
