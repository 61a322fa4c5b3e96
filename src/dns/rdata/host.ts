// The types whose data is one host name: NS (RFC 1035 §3.3.11), CNAME (§3.3.1), PTR (§3.3.12).
// RFC 1035 types: their names may be compressed (RFC 3597 §4) and are lowercased in the
// canonical form (RFC 4034 §6.2).

import { nameToText, type Name } from '../name.js';
import { isParseError, type RdataCodec } from './codec.js';
import { domain, expectCount } from './fields.js';

export interface NsData {
  readonly kind: 'NS';
  readonly target: Name;
}
export interface CnameData {
  readonly kind: 'CNAME';
  readonly target: Name;
}
export interface PtrData {
  readonly kind: 'PTR';
  readonly target: Name;
}

function hostCodec<K extends 'NS' | 'CNAME' | 'PTR'>(type: number, kind: K, additional: boolean): RdataCodec<{ readonly kind: K; readonly target: Name }> {
  return {
    type,
    kind,
    additional,
    parse(fields, ctx) {
      const e = expectCount(fields, 1, 'one target name', ctx);
      if (e) return e;
      const target = domain(fields[0], 'target', ctx);
      return isParseError(target) ? target : { kind, target };
    },
    format: (rd) => nameToText(rd.target),
    encode: (rd, out) => out.name(rd.target, true, true),
    decode: (from) => ({ kind, target: from.name() }),
    names: (rd) => [rd.target],
    withNames: (_rd, [target]) => ({ kind, target: target! }),
    target: (rd) => rd.target,
  };
}

export const NS: RdataCodec<NsData> = hostCodec(2, 'NS', true);
export const CNAME: RdataCodec<CnameData> = hostCodec(5, 'CNAME', false);
export const PTR: RdataCodec<PtrData> = hostCodec(12, 'PTR', false);
