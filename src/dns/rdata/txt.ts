// TXT (RFC 1035 §3.3.14): one or more character-strings, bytes as written (UTF-8 kept).

import type { Buffer } from 'node:buffer';
import { isParseError, type RdataCodec } from './codec.js';
import { characterString, fail, quote } from './fields.js';

export interface TxtData {
  readonly kind: 'TXT';
  readonly strings: readonly Buffer[];
}

export const TXT: RdataCodec<TxtData> = {
  type: 16,
  kind: 'TXT',
  parse(fields, ctx) {
    if (fields.length === 0) return fail('TXT needs at least one string, e.g. "v=spf1 -all"', ctx.endCol);
    const strings: Buffer[] = [];
    for (const t of fields) {
      const s = characterString(t, 'a TXT string', ctx);
      if (isParseError(s)) return s;
      strings.push(s);
    }
    return { kind: 'TXT', strings };
  },
  format: (rd) => rd.strings.map(quote).join(' '),
  encode(rd, out) {
    for (const s of rd.strings) {
      out.u8(s.length);
      out.bytes(s);
    }
  },
  decode(from) {
    const strings: Buffer[] = [];
    while (from.pos < from.end) strings.push(from.bytes(from.u8()));
    return { kind: 'TXT', strings };
  },
};
