// The table of record types: one codec each. Everything that parses, prints, writes, reads,
// compares or follows rdata asks here; adding a type is one codec module and one line below.

import { Buffer } from 'node:buffer';
import type { Name } from '../name.js';
import { A, AAAA } from './address.js';
import { ByteSink, ByteSource, type NameCase } from './bytes.js';
import { CAA } from './caa.js';
import { DecodeError, isParseError, type FieldContext, type RdataCodec, type RecordParseError, type Token, type WireSink, type WireSource } from './codec.js';
import { CDNSKEY, DNSKEY } from './dnskey.js';
import { CDS, DS } from './ds.js';
import { fail, hex, num } from './fields.js';
import { GENERIC, type GenericData } from './generic.js';
import { CNAME, NS, PTR } from './host.js';
import { MX } from './mx.js';
import { NAPTR } from './naptr.js';
import { NSEC } from './nsec.js';
import { NSEC3PARAM } from './nsec3param.js';
import { OPENPGPKEY } from './openpgpkey.js';
import { RRSIG } from './rrsig.js';
import { SOA } from './soa.js';
import { SRV } from './srv.js';
import { SSHFP } from './sshfp.js';
import { HTTPS, SVCB } from './svcb.js';
import { SMIMEA, TLSA } from './tlsa.js';
import { TXT } from './txt.js';
import { URI } from './uri.js';

const CODECS = [A, NS, CNAME, SOA, PTR, MX, TXT, AAAA, SRV, NAPTR, DS, SSHFP, RRSIG, NSEC, DNSKEY, NSEC3PARAM, TLSA, SMIMEA, CDS, CDNSKEY, OPENPGPKEY, SVCB, HTTPS, URI, CAA] as const;

type DataOf<C> = C extends RdataCodec<infer D> ? D : never;

/** The data of a record, typed by its `kind` (the type's mnemonic), or opaque bytes (RFC 3597). */
export type RData = DataOf<(typeof CODECS)[number]> | GenericData;

/** The rdata of one kind: `RDataOf<'SRV'>`. */
export type RDataOf<K extends RData['kind']> = Extract<RData, { kind: K }>;

type AnyCodec = RdataCodec<RData>;

const byType = new Map<number, AnyCodec>(CODECS.map((c) => [c.type, c as unknown as AnyCodec]));
const byKind = new Map<string, AnyCodec>(CODECS.map((c) => [c.kind, c as unknown as AnyCodec]));
byKind.set('generic', GENERIC as unknown as AnyCodec);

/** Types with a mnemonic but no codec: meta types (RFC 6895 §3.1) and a few that are only named. */
const OTHER_MNEMONICS: Record<string, number> = { HINFO: 13, DNAME: 39, OPT: 41, NSEC3: 50, NXNAME: 128, IXFR: 251, AXFR: 252, MAILB: 253, MAILA: 254, ANY: 255 };
const mnemonicOf = new Map<number, string>([...Object.entries(OTHER_MNEMONICS).map(([k, v]): [number, string] => [v, k]), ...CODECS.map((c): [number, string] => [c.type, c.kind])]);
const typeOfMnemonic = new Map<string, number>([...mnemonicOf].map(([v, k]) => [k, v]));

/** `SRV`, or `TYPE65280` for a type without a mnemonic (RFC 3597 §5). */
export function typeToText(type: number): string {
  return mnemonicOf.get(type) ?? `TYPE${type}`;
}

/** Parses a type mnemonic or `TYPEnnn`; undefined when neither. */
export function typeFromText(text: string): number | undefined {
  const upper = text.toUpperCase();
  const known = typeOfMnemonic.get(upper);
  if (known !== undefined) return known;
  const m = /^TYPE([0-9]{1,5})$/.exec(upper);
  return m && Number(m[1]) <= 0xffff ? Number(m[1]) : undefined;
}

/** The codec of a type, if it has one (otherwise its data is RFC 3597 bytes). */
export function codecForType(type: number): AnyCodec | undefined {
  return byType.get(type);
}

function codecOf(rd: RData): AnyCodec {
  return byKind.get(rd.kind)!;
}

/** The type number of typed rdata; undefined for opaque bytes, whose type is the record's. */
export function rdataType(rd: RData): number | undefined {
  return rd.kind === 'generic' ? undefined : codecOf(rd).type;
}

/**
 * The data of a `type` record from its zone-file fields: the type's own syntax, or `\# len hex`
 * (RFC 3597 §5), which for a type with a codec is decoded into its typed form.
 */
export function parseRdata(type: number, fields: readonly Token[], ctx: FieldContext): RData | RecordParseError {
  const codec = byType.get(type);
  if (fields[0]?.text === '\\#') return parseUnknown(type, codec, fields, ctx);
  if (!codec) return fail(`type ${typeToText(type)} has no text syntax here: write it as ${typeToText(type)} \\# <length> <hex> (RFC 3597)`, fields[0]?.col ?? ctx.endCol);
  return codec.parse(fields, ctx);
}

function parseUnknown(type: number, codec: AnyCodec | undefined, fields: readonly Token[], ctx: FieldContext): RData | RecordParseError {
  const len = num(fields[1], 'rdata length after \\#', 0xffff, ctx);
  if (isParseError(len)) return len;
  const data = len === 0 && fields.length === 2 ? Buffer.alloc(0) : hex(fields.slice(2), 'rdata after \\# and the length', ctx);
  if (isParseError(data)) return data;
  if (data.length !== len) return fail(`\\# says ${len} bytes but ${data.length} follow`, fields[1]!.col);
  if (!codec) return { kind: 'generic', data };
  const decoded = decodeRdata(type, new ByteSource(data, 0, data.length));
  if (decoded instanceof DecodeError) return fail(`\\# data is not ${typeToText(type)} data: ${decoded.message}`, fields[0]!.col);
  return decoded;
}

/** Reads one record's data of `type` from `from.pos` to `from.end`; a DecodeError (a value) when it does not fit. */
export function decodeRdata(type: number, from: WireSource): RData | DecodeError {
  const codec = byType.get(type) ?? (GENERIC as unknown as AnyCodec);
  try {
    const rd = codec.decode(from);
    if (from.pos !== from.end) return new DecodeError(`${typeToText(type)} data has ${from.end - from.pos} bytes too many`);
    return rd;
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw e;
  }
}

export function formatRdata(rd: RData): string {
  return codecOf(rd).format(rd);
}

/** Writes the data (without its length) the way its type is written on the wire. */
export function encodeRdata(rd: RData, out: WireSink): void {
  codecOf(rd).encode(rd, out);
}

/** The data's bytes, uncompressed, with names as `names` says. */
export function rdataBytes(rd: RData, names: NameCase = 'as-is'): Buffer {
  const sink = new ByteSink(names);
  codecOf(rd).encode(rd, sink);
  return sink.result();
}

/** The canonical form (RFC 4034 §6.2, RFC 6840 §5.1): what signatures cover and order by. */
export function canonicalRdata(rd: RData): Buffer {
  return rdataBytes(rd, 'canonical');
}

/** Canonical RR ordering within an RRset (RFC 4034 §6.3): by canonical rdata, as unsigned bytes. */
export function compareRdata(a: RData, b: RData): number {
  return Buffer.compare(canonicalRdata(a), canonicalRdata(b));
}

/**
 * The identity of the data: equal for records that are the same record, names compared
 * case-blind (RFC 4343). For duplicate detection and for sharing one object among zones.
 */
export function rdataKey(rd: RData): string {
  return `${rd.kind} ${rdataBytes(rd, 'lowercase').toString('latin1')}`;
}

/** The names the data holds, in wire order (none for most types). */
export function rdataNames(rd: RData): readonly Name[] {
  return codecOf(rd).names?.(rd) ?? [];
}

/** The same data with its names replaced, in `rdataNames` order. */
export function rdataWithNames(rd: RData, names: readonly Name[]): RData {
  const codec = codecOf(rd);
  return codec.withNames ? codec.withNames(rd, names) : rd;
}

/** The host the record points at (NS, CNAME, PTR, MX, SRV), if its type has one. */
export function rdataTarget(rd: RData): Name | undefined {
  return codecOf(rd).target?.(rd);
}

/** Whether an answer of this type carries its target's addresses in the additional section. */
export function addsTargetAddresses(type: number): boolean {
  return byType.get(type)?.additional === true;
}

export type { FieldContext, NameResolver, RecordParseError, Token, WireSink, WireSource } from './codec.js';
export { DecodeError, isParseError } from './codec.js';
export { ByteSource } from './bytes.js';
