// NSEC (RFC 4034 §4): the next name in canonical order and the types present at the owner, as
// window blocks of bitmaps (§4.1.2). The next name is neither compressed nor lowercased in the
// canonical form (RFC 6840 §5.1).

import { nameToText, type Name } from '../name.js';
import { typeFromText, typeToText } from '../types.js';
import { DecodeError, isParseError, type RdataCodec, type Token, type RecordParseError, type WireSink, type WireSource } from './codec.js';
import { domain, expectAtLeast, fail } from './fields.js';

export interface NsecData {
  readonly kind: 'NSEC';
  readonly next: Name;
  /** Types present at the owner, ascending. */
  readonly types: readonly number[];
}

/** Type mnemonics (or TYPEnnn) → distinct types, ascending. */
export function parseTypeList(fields: readonly Token[]): number[] | RecordParseError {
  const types = new Set<number>();
  for (const t of fields) {
    const type = typeFromText(t.text);
    if (type === undefined) return fail(`unknown type '${t.text}' in the type list`, t.col);
    types.add(type);
  }
  return [...types].sort((a, b) => a - b);
}

/** RFC 4034 §4.1.2: per 256-type window with any type present, its number, length and bitmap. */
export function encodeTypeBitmaps(types: readonly number[], out: WireSink): void {
  for (let i = 0; i < types.length; ) {
    const window = types[i]! >> 8;
    const bitmap = new Uint8Array(32);
    let length = 0;
    for (; i < types.length && types[i]! >> 8 === window; i++) {
      const low = types[i]! & 0xff;
      bitmap[low >> 3]! |= 0x80 >> (low & 7);
      length = (low >> 3) + 1;
    }
    out.u8(window);
    out.u8(length);
    out.bytes(bitmap.subarray(0, length));
  }
}

export function decodeTypeBitmaps(from: WireSource): number[] {
  const types: number[] = [];
  let last = -1;
  while (from.pos < from.end) {
    const window = from.u8();
    const length = from.u8();
    if (window <= last || length === 0 || length > 32) throw new DecodeError('malformed type bitmap');
    last = window;
    const bitmap = from.bytes(length);
    for (let b = 0; b < length; b++) {
      for (let bit = 0; bit < 8; bit++) if (bitmap[b]! & (0x80 >> bit)) types.push((window << 8) | (b * 8 + bit));
    }
  }
  return types;
}

export const NSEC: RdataCodec<NsecData> = {
  type: 47,
  kind: 'NSEC',
  parse(fields, ctx) {
    const e = expectAtLeast(fields, 1, 'next-name type…, e.g. mail.example.com. A AAAA RRSIG NSEC', ctx);
    if (e) return e;
    const next = domain(fields[0], 'next name', ctx);
    if (isParseError(next)) return next;
    const types = parseTypeList(fields.slice(1));
    return isParseError(types) ? types : { kind: 'NSEC', next, types };
  },
  format: (rd) => [nameToText(rd.next), ...rd.types.map(typeToText)].join(' '),
  encode(rd, out) {
    out.name(rd.next, false, false);
    encodeTypeBitmaps(rd.types, out);
  },
  decode(from) {
    const next = from.name();
    return { kind: 'NSEC', next, types: decodeTypeBitmaps(from) };
  },
  names: (rd) => [rd.next],
  withNames: (rd, [next]) => ({ ...rd, next: next! }),
};
