// NAPTR (RFC 3403 §4.1): order, preference, flags, services, regexp and replacement. The
// replacement is not compressed (RFC 3597 §4) and is lowercased in the canonical form (RFC 4034 §6.2).

import type { Buffer } from 'node:buffer';
import { nameToText, type Name } from '../name.js';
import { isParseError, type RdataCodec } from './codec.js';
import { all, characterString, domain, expectCount, num, quote } from './fields.js';

export interface NaptrData {
  readonly kind: 'NAPTR';
  readonly order: number;
  readonly preference: number;
  readonly flags: Buffer;
  readonly services: Buffer;
  readonly regexp: Buffer;
  readonly replacement: Name;
}

export const NAPTR: RdataCodec<NaptrData> = {
  type: 35,
  kind: 'NAPTR',
  parse(fields, ctx) {
    const e = expectCount(fields, 6, 'order preference "flags" "services" "regexp" replacement, e.g. 100 10 "S" "SIP+D2U" "" _sip._udp', ctx);
    if (e) return e;
    const v = all<[number, number, Buffer, Buffer, Buffer, Name]>(
      num(fields[0], 'order', 0xffff, ctx),
      num(fields[1], 'preference', 0xffff, ctx),
      characterString(fields[2], 'flags', ctx),
      characterString(fields[3], 'services', ctx),
      characterString(fields[4], 'regexp', ctx),
      domain(fields[5], 'replacement', ctx),
    );
    if (isParseError(v)) return v;
    const [order, preference, flags, services, regexp, replacement] = v;
    return { kind: 'NAPTR', order, preference, flags, services, regexp, replacement };
  },
  format: (rd) => `${rd.order} ${rd.preference} ${quote(rd.flags)} ${quote(rd.services)} ${quote(rd.regexp)} ${nameToText(rd.replacement)}`,
  encode(rd, out) {
    out.u16(rd.order);
    out.u16(rd.preference);
    for (const s of [rd.flags, rd.services, rd.regexp]) {
      out.u8(s.length);
      out.bytes(s);
    }
    out.name(rd.replacement, false, true);
  },
  decode(from) {
    const order = from.u16();
    const preference = from.u16();
    const flags = from.bytes(from.u8());
    const services = from.bytes(from.u8());
    const regexp = from.bytes(from.u8());
    return { kind: 'NAPTR', order, preference, flags, services, regexp, replacement: from.name() };
  },
  names: (rd) => [rd.replacement],
  withNames: (rd, [replacement]) => ({ ...rd, replacement: replacement! }),
};
