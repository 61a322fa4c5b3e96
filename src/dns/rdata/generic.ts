// RFC 3597: a type this server has no codec for, kept as opaque bytes and written `\# len hex`.

import type { Buffer } from 'node:buffer';
import type { RdataCodec } from './codec.js';
import { hexText } from './fields.js';

export interface GenericData {
  readonly kind: 'generic';
  readonly data: Buffer;
}

/** Parsing `\#` data is the registry's (rdata/index.ts): it applies to every type. */
export const GENERIC: RdataCodec<GenericData> = {
  type: -1,
  kind: 'generic',
  parse: () => {
    throw new Error('bug: generic rdata is parsed from \\# data only');
  },
  format: (rd) => `\\# ${rd.data.length}${rd.data.length ? ' ' + hexText(rd.data) : ''}`,
  encode: (rd, out) => out.bytes(rd.data),
  decode: (from) => ({ kind: 'generic', data: from.bytes(from.end - from.pos) }),
};
