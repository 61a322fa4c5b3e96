// SSHFP (RFC 4255): an SSH host key fingerprint — algorithm, fingerprint type, hex digest.

import type { Buffer } from 'node:buffer';
import { isParseError, type RdataCodec } from './codec.js';
import { all, expectAtLeast, hex, hexText, num } from './fields.js';

export interface SshfpData {
  readonly kind: 'SSHFP';
  readonly algorithm: number;
  readonly fingerprintType: number;
  readonly fingerprint: Buffer;
}

export const SSHFP: RdataCodec<SshfpData> = {
  type: 44,
  kind: 'SSHFP',
  parse(fields, ctx) {
    const e = expectAtLeast(fields, 3, 'algorithm fingerprint-type fingerprint, e.g. 4 2 <hex>', ctx);
    if (e) return e;
    const v = all<[number, number, Buffer]>(num(fields[0], 'algorithm', 255, ctx), num(fields[1], 'fingerprint type', 255, ctx), hex(fields.slice(2), 'fingerprint', ctx));
    return isParseError(v) ? v : { kind: 'SSHFP', algorithm: v[0], fingerprintType: v[1], fingerprint: v[2] };
  },
  format: (rd) => `${rd.algorithm} ${rd.fingerprintType} ${hexText(rd.fingerprint)}`,
  encode(rd, out) {
    out.u8(rd.algorithm);
    out.u8(rd.fingerprintType);
    out.bytes(rd.fingerprint);
  },
  decode: (from) => ({ kind: 'SSHFP', algorithm: from.u8(), fingerprintType: from.u8(), fingerprint: from.bytes(from.end - from.pos) }),
};
