// OPENPGPKEY (RFC 7929): a user's OpenPGP public key, at <sha256(local-part)>._openpgpkey.<domain>.

import type { Buffer } from 'node:buffer';
import { DecodeError, isParseError, type RdataCodec } from './codec.js';
import { base64, base64Text, expectAtLeast } from './fields.js';

export interface OpenpgpkeyData {
  readonly kind: 'OPENPGPKEY';
  readonly key: Buffer;
}

export const OPENPGPKEY: RdataCodec<OpenpgpkeyData> = {
  type: 61,
  kind: 'OPENPGPKEY',
  parse(fields, ctx) {
    const e = expectAtLeast(fields, 1, 'the key in base64', ctx);
    if (e) return e;
    const key = base64(fields, 'the key', ctx);
    return isParseError(key) ? key : { kind: 'OPENPGPKEY', key };
  },
  format: (rd) => base64Text(rd.key),
  encode: (rd, out) => out.bytes(rd.key),
  decode(from) {
    if (from.pos >= from.end) throw new DecodeError('OPENPGPKEY holds no key');
    return { kind: 'OPENPGPKEY', key: from.bytes(from.end - from.pos) };
  },
};
