// MX (RFC 1035 §3.3.9): a preference and the mail exchanger; '.' is a null MX (RFC 7505).

import { nameToText, type Name } from '../name.js';
import { isParseError, type RdataCodec } from './codec.js';
import { all, domain, expectCount, num } from './fields.js';

export interface MxData {
  readonly kind: 'MX';
  readonly preference: number;
  readonly exchange: Name;
}

export const MX: RdataCodec<MxData> = {
  type: 15,
  kind: 'MX',
  additional: true,
  parse(fields, ctx) {
    const e = expectCount(fields, 2, 'preference and exchange, e.g. "10 mail"', ctx);
    if (e) return e;
    const v = all<[number, Name]>(num(fields[0], 'preference', 0xffff, ctx), domain(fields[1], 'exchange', ctx));
    return isParseError(v) ? v : { kind: 'MX', preference: v[0], exchange: v[1] };
  },
  format: (rd) => `${rd.preference} ${nameToText(rd.exchange)}`,
  encode(rd, out) {
    out.u16(rd.preference);
    out.name(rd.exchange, true, true);
  },
  decode: (from) => ({ kind: 'MX', preference: from.u16(), exchange: from.name() }),
  names: (rd) => [rd.exchange],
  withNames: (rd, [exchange]) => ({ kind: 'MX', preference: rd.preference, exchange: exchange! }),
  target: (rd) => rd.exchange,
};
