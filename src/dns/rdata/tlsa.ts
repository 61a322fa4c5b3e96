// TLSA (RFC 6698, DANE) and SMIMEA (RFC 8162, the same fields for S/MIME certificates):
// certificate usage, selector, matching type and the association data in hex.

import type { Buffer } from 'node:buffer';
import { isParseError, type RdataCodec } from './codec.js';
import { all, expectAtLeast, hex, hexText, num } from './fields.js';

export interface TlsaData {
  readonly kind: 'TLSA';
  readonly usage: number;
  readonly selector: number;
  readonly matchingType: number;
  readonly data: Buffer;
}
export interface SmimeaData {
  readonly kind: 'SMIMEA';
  readonly usage: number;
  readonly selector: number;
  readonly matchingType: number;
  readonly data: Buffer;
}

function associationCodec<K extends 'TLSA' | 'SMIMEA'>(type: number, kind: K): RdataCodec<Omit<TlsaData, 'kind'> & { readonly kind: K }> {
  return {
    type,
    kind,
    parse(fields, ctx) {
      const e = expectAtLeast(fields, 4, 'usage selector matching-type data, e.g. 3 1 1 <hex>', ctx);
      if (e) return e;
      const v = all<[number, number, number, Buffer]>(
        num(fields[0], 'usage', 255, ctx),
        num(fields[1], 'selector', 255, ctx),
        num(fields[2], 'matching type', 255, ctx),
        hex(fields.slice(3), 'certificate association data', ctx),
      );
      if (isParseError(v)) return v;
      const [usage, selector, matchingType, data] = v;
      return { kind, usage, selector, matchingType, data };
    },
    format: (rd) => `${rd.usage} ${rd.selector} ${rd.matchingType} ${hexText(rd.data)}`,
    encode(rd, out) {
      out.u8(rd.usage);
      out.u8(rd.selector);
      out.u8(rd.matchingType);
      out.bytes(rd.data);
    },
    decode: (from) => ({ kind, usage: from.u8(), selector: from.u8(), matchingType: from.u8(), data: from.bytes(from.end - from.pos) }),
  };
}

export const TLSA: RdataCodec<TlsaData> = associationCodec(52, 'TLSA');
export const SMIMEA: RdataCodec<SmimeaData> = associationCodec(53, 'SMIMEA');
