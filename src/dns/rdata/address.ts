// A (RFC 1035 §3.4.1) and AAAA (RFC 3596): an address, kept as text and as its bytes.

import { Buffer } from 'node:buffer';
import { ipv4Bytes, ipv6Bytes, ipv6Text, isIP } from '../ip.js';
import { DecodeError, type RdataCodec } from './codec.js';
import { expectCount, fail } from './fields.js';

export interface AData {
  readonly kind: 'A';
  readonly address: string;
  readonly bytes: Buffer;
}

export interface AaaaData {
  readonly kind: 'AAAA';
  readonly address: string;
  readonly bytes: Buffer;
}

export const A: RdataCodec<AData> = {
  type: 1,
  kind: 'A',
  parse(fields, ctx) {
    const e = expectCount(fields, 1, 'an IPv4 address', ctx);
    if (e) return e;
    const t = fields[0]!;
    return isIP(t.text) === 4 ? { kind: 'A', address: t.text, bytes: ipv4Bytes(t.text) } : fail(`'${t.text}' is not an IPv4 address`, t.col);
  },
  format: (rd) => rd.address,
  encode: (rd, out) => out.bytes(rd.bytes),
  decode(from) {
    if (from.end - from.pos !== 4) throw new DecodeError(`A rdata is ${from.end - from.pos} bytes, not 4`);
    const bytes = from.bytes(4);
    return { kind: 'A', address: [...bytes].join('.'), bytes };
  },
};

export const AAAA: RdataCodec<AaaaData> = {
  type: 28,
  kind: 'AAAA',
  parse(fields, ctx) {
    const e = expectCount(fields, 1, 'an IPv6 address', ctx);
    if (e) return e;
    const t = fields[0]!;
    if (isIP(t.text) !== 6) return fail(`'${t.text}' is not an IPv6 address`, t.col);
    const bytes = ipv6Bytes(t.text);
    return { kind: 'AAAA', address: ipv6Text(bytes), bytes };
  },
  format: (rd) => rd.address,
  encode: (rd, out) => out.bytes(rd.bytes),
  decode(from) {
    if (from.end - from.pos !== 16) throw new DecodeError(`AAAA rdata is ${from.end - from.pos} bytes, not 16`);
    const bytes = from.bytes(16);
    return { kind: 'AAAA', address: ipv6Text(bytes), bytes };
  },
};

/** The A or AAAA rdata of an address already checked to be one. */
export function addressData(text: string, family: 4 | 6): AData | AaaaData {
  if (family === 4) return { kind: 'A', address: text, bytes: ipv4Bytes(text) };
  const bytes = ipv6Bytes(text);
  return { kind: 'AAAA', address: ipv6Text(bytes), bytes };
}
