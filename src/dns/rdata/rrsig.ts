// RRSIG (RFC 4034 §3): the signature over one RRset. The signer's name is not compressed and
// is lowercased in the canonical form (RFC 4034 §6.2, RFC 6840 §5.1); times are written as
// YYYYMMDDHHmmSS in UTC (§3.2), and read in that form or as seconds.

import type { Buffer } from 'node:buffer';
import { nameToText, type Name } from '../name.js';
import { typeFromText, typeToText } from '../types.js';
import { isParseError, type FieldContext, type RecordParseError, type Token, type RdataCodec } from './codec.js';
import { all, base64, base64Text, domain, expectAtLeast, fail, num } from './fields.js';

export interface RrsigData {
  readonly kind: 'RRSIG';
  readonly typeCovered: number;
  readonly algorithm: number;
  readonly labels: number;
  readonly originalTtl: number;
  /** Seconds since 1970, modulo 2^32 (RFC 4034 §3.1.5: serial number arithmetic). */
  readonly expiration: number;
  readonly inception: number;
  readonly keyTag: number;
  readonly signer: Name;
  readonly signature: Buffer;
}

/** `YYYYMMDDHHmmSS` (UTC), or seconds as a decimal number. */
export function parseSignatureTime(tok: Token | undefined, what: string, ctx: FieldContext): number | RecordParseError {
  if (!tok) return fail(`missing ${what}`, ctx.endCol);
  const m = /^([0-9]{4})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})$/.exec(tok.text);
  if (m) {
    const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
    const ms = Date.UTC(y, mo - 1, d, h, mi, s);
    const back = new Date(ms);
    if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return fail(`${what} '${tok.text}' is not a valid YYYYMMDDHHmmSS time`, tok.col);
    return (ms / 1000) % 2 ** 32;
  }
  return num(tok, what, 0xffffffff, ctx);
}

export function formatSignatureTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

export const RRSIG: RdataCodec<RrsigData> = {
  type: 46,
  kind: 'RRSIG',
  parse(fields, ctx) {
    const e = expectAtLeast(fields, 9, 'type-covered algorithm labels original-ttl expiration inception key-tag signer signature', ctx);
    if (e) return e;
    const covered = fields[0]!;
    const typeCovered = typeFromText(covered.text);
    if (typeCovered === undefined) return fail(`unknown type covered '${covered.text}'`, covered.col);
    const v = all<[number, number, number, number, number, number, Name, Buffer]>(
      num(fields[1], 'algorithm', 255, ctx),
      num(fields[2], 'labels', 255, ctx),
      num(fields[3], 'original TTL', 0xffffffff, ctx),
      parseSignatureTime(fields[4], 'expiration', ctx),
      parseSignatureTime(fields[5], 'inception', ctx),
      num(fields[6], 'key tag', 0xffff, ctx),
      domain(fields[7], 'signer', ctx),
      base64(fields.slice(8), 'signature', ctx),
    );
    if (isParseError(v)) return v;
    const [algorithm, labels, originalTtl, expiration, inception, keyTag, signer, signature] = v;
    return { kind: 'RRSIG', typeCovered, algorithm, labels, originalTtl, expiration, inception, keyTag, signer, signature };
  },
  format: (rd) =>
    `${typeToText(rd.typeCovered)} ${rd.algorithm} ${rd.labels} ${rd.originalTtl} ${formatSignatureTime(rd.expiration)} ${formatSignatureTime(rd.inception)} ${rd.keyTag} ${nameToText(rd.signer)} ${base64Text(rd.signature)}`,
  encode(rd, out) {
    out.u16(rd.typeCovered);
    out.u8(rd.algorithm);
    out.u8(rd.labels);
    out.u32(rd.originalTtl);
    out.u32(rd.expiration);
    out.u32(rd.inception);
    out.u16(rd.keyTag);
    out.name(rd.signer, false, true);
    out.bytes(rd.signature);
  },
  decode(from) {
    const typeCovered = from.u16();
    const algorithm = from.u8();
    const labels = from.u8();
    const originalTtl = from.u32();
    const expiration = from.u32();
    const inception = from.u32();
    const keyTag = from.u16();
    const signer = from.name();
    return { kind: 'RRSIG', typeCovered, algorithm, labels, originalTtl, expiration, inception, keyTag, signer, signature: from.bytes(from.end - from.pos) };
  },
  names: (rd) => [rd.signer],
  withNames: (rd, [signer]) => ({ ...rd, signer: signer! }),
};
