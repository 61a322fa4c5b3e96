// DS (RFC 4034 §5) at a delegation, and CDS (RFC 7344) at a child apex for its parent to copy:
// key tag, algorithm, digest type and the digest in hex. CDS 0 0 0 00 asks for removal (RFC 8078).

import type { Buffer } from 'node:buffer';
import { isParseError, type RdataCodec } from './codec.js';
import { all, expectAtLeast, hex, hexText, num } from './fields.js';

export interface DsData {
  readonly kind: 'DS';
  readonly keyTag: number;
  readonly algorithm: number;
  readonly digestType: number;
  readonly digest: Buffer;
}
export interface CdsData {
  readonly kind: 'CDS';
  readonly keyTag: number;
  readonly algorithm: number;
  readonly digestType: number;
  readonly digest: Buffer;
}

function dsCodec<K extends 'DS' | 'CDS'>(type: number, kind: K): RdataCodec<Omit<DsData, 'kind'> & { readonly kind: K }> {
  return {
    type,
    kind,
    parse(fields, ctx) {
      const e = expectAtLeast(fields, 4, 'key-tag algorithm digest-type digest, e.g. 12345 13 2 <hex>', ctx);
      if (e) return e;
      const v = all<[number, number, number, Buffer]>(
        num(fields[0], 'key tag', 0xffff, ctx),
        num(fields[1], 'algorithm', 255, ctx),
        num(fields[2], 'digest type', 255, ctx),
        hex(fields.slice(3), 'digest', ctx),
      );
      if (isParseError(v)) return v;
      const [keyTag, algorithm, digestType, digest] = v;
      return { kind, keyTag, algorithm, digestType, digest };
    },
    format: (rd) => `${rd.keyTag} ${rd.algorithm} ${rd.digestType} ${hexText(rd.digest)}`,
    encode(rd, out) {
      out.u16(rd.keyTag);
      out.u8(rd.algorithm);
      out.u8(rd.digestType);
      out.bytes(rd.digest);
    },
    decode: (from) => ({ kind, keyTag: from.u16(), algorithm: from.u8(), digestType: from.u8(), digest: from.bytes(from.end - from.pos) }),
  };
}

export const DS: RdataCodec<DsData> = dsCodec(43, 'DS');
export const CDS: RdataCodec<CdsData> = dsCodec(59, 'CDS');
