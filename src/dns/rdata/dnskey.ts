// DNSKEY (RFC 4034 §2) and CDNSKEY (RFC 7344): flags, protocol (always 3), algorithm and the
// public key in base64. CDNSKEY 0 3 0 AA== asks the parent to remove the DS (RFC 8078).

import type { Buffer } from 'node:buffer';
import { isParseError, type RdataCodec } from './codec.js';
import { all, base64, base64Text, expectAtLeast, num } from './fields.js';

export interface DnskeyData {
  readonly kind: 'DNSKEY';
  readonly flags: number;
  readonly protocol: number;
  readonly algorithm: number;
  readonly publicKey: Buffer;
}
export interface CdnskeyData {
  readonly kind: 'CDNSKEY';
  readonly flags: number;
  readonly protocol: number;
  readonly algorithm: number;
  readonly publicKey: Buffer;
}

function dnskeyCodec<K extends 'DNSKEY' | 'CDNSKEY'>(type: number, kind: K): RdataCodec<Omit<DnskeyData, 'kind'> & { readonly kind: K }> {
  return {
    type,
    kind,
    parse(fields, ctx) {
      const e = expectAtLeast(fields, 4, 'flags protocol algorithm public-key, e.g. 257 3 13 <base64>', ctx);
      if (e) return e;
      const v = all<[number, number, number, Buffer]>(
        num(fields[0], 'flags', 0xffff, ctx),
        num(fields[1], 'protocol', 255, ctx),
        num(fields[2], 'algorithm', 255, ctx),
        base64(fields.slice(3), 'public key', ctx),
      );
      if (isParseError(v)) return v;
      const [flags, protocol, algorithm, publicKey] = v;
      return { kind, flags, protocol, algorithm, publicKey };
    },
    format: (rd) => `${rd.flags} ${rd.protocol} ${rd.algorithm} ${base64Text(rd.publicKey)}`,
    encode(rd, out) {
      out.u16(rd.flags);
      out.u8(rd.protocol);
      out.u8(rd.algorithm);
      out.bytes(rd.publicKey);
    },
    decode: (from) => ({ kind, flags: from.u16(), protocol: from.u8(), algorithm: from.u8(), publicKey: from.bytes(from.end - from.pos) }),
  };
}

export const DNSKEY: RdataCodec<DnskeyData> = dnskeyCodec(48, 'DNSKEY');
export const CDNSKEY: RdataCodec<CdnskeyData> = dnskeyCodec(60, 'CDNSKEY');
