// SOA (RFC 1035 §3.3.13): the zone's primary, its contact mailbox, the serial and the timers.

import { nameToText, type Name } from '../name.js';
import { isParseError, type RdataCodec } from './codec.js';
import { all, domain, duration, expectCount, num } from './fields.js';

export interface SoaData {
  readonly kind: 'SOA';
  readonly mname: Name;
  readonly rname: Name;
  readonly serial: number;
  readonly refresh: number;
  readonly retry: number;
  readonly expire: number;
  readonly minimum: number;
}

const U32 = 0xffffffff;

export const SOA: RdataCodec<SoaData> = {
  type: 6,
  kind: 'SOA',
  parse(fields, ctx) {
    const e = expectCount(fields, 7, 'mname rname serial refresh retry expire minimum', ctx);
    if (e) return e;
    const v = all<[Name, Name, number, number, number, number, number]>(
      domain(fields[0], 'mname', ctx),
      domain(fields[1], 'rname', ctx),
      num(fields[2], 'serial', U32, ctx),
      duration(fields[3], 'refresh', U32, ctx),
      duration(fields[4], 'retry', U32, ctx),
      duration(fields[5], 'expire', U32, ctx),
      duration(fields[6], 'minimum', U32, ctx),
    );
    if (isParseError(v)) return v;
    const [mname, rname, serial, refresh, retry, expire, minimum] = v;
    return { kind: 'SOA', mname, rname, serial, refresh, retry, expire, minimum };
  },
  format: (rd) => `${nameToText(rd.mname)} ${nameToText(rd.rname)} ${rd.serial} ${rd.refresh} ${rd.retry} ${rd.expire} ${rd.minimum}`,
  encode(rd, out) {
    out.name(rd.mname, true, true);
    out.name(rd.rname, true, true);
    out.u32(rd.serial);
    out.u32(rd.refresh);
    out.u32(rd.retry);
    out.u32(rd.expire);
    out.u32(rd.minimum);
  },
  decode(from) {
    const mname = from.name();
    const rname = from.name();
    return { kind: 'SOA', mname, rname, serial: from.u32(), refresh: from.u32(), retry: from.u32(), expire: from.u32(), minimum: from.u32() };
  },
  names: (rd) => [rd.mname, rd.rname],
  withNames: (rd, [mname, rname]) => ({ ...rd, mname: mname!, rname: rname! }),
};
