// SRV (RFC 2782): priority, weight, port and target; target '.' means "not offered". The
// target is never compressed (RFC 2782, RFC 3597 §4) but is lowercased in the canonical form
// (RFC 4034 §6.2).

import { nameToText, type Name } from '../name.js';
import { isParseError, type RdataCodec } from './codec.js';
import { all, domain, expectCount, num } from './fields.js';

export interface SrvData {
  readonly kind: 'SRV';
  readonly priority: number;
  readonly weight: number;
  readonly port: number;
  readonly target: Name;
}

export const SRV: RdataCodec<SrvData> = {
  type: 33,
  kind: 'SRV',
  additional: true,
  parse(fields, ctx) {
    const e = expectCount(fields, 4, 'priority weight port target, e.g. "0 1 993 mail"', ctx);
    if (e) return e;
    const v = all<[number, number, number, Name]>(
      num(fields[0], 'priority', 0xffff, ctx),
      num(fields[1], 'weight', 0xffff, ctx),
      num(fields[2], 'port', 0xffff, ctx),
      domain(fields[3], 'target', ctx),
    );
    if (isParseError(v)) return v;
    const [priority, weight, port, target] = v;
    return { kind: 'SRV', priority, weight, port, target };
  },
  format: (rd) => `${rd.priority} ${rd.weight} ${rd.port} ${nameToText(rd.target)}`,
  encode(rd, out) {
    out.u16(rd.priority);
    out.u16(rd.weight);
    out.u16(rd.port);
    out.name(rd.target, false, true);
  },
  decode: (from) => ({ kind: 'SRV', priority: from.u16(), weight: from.u16(), port: from.u16(), target: from.name() }),
  names: (rd) => [rd.target],
  withNames: (rd, [target]) => ({ ...rd, target: target! }),
  target: (rd) => rd.target,
};
