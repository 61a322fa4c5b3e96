// What one record type's codec owns: its presentation syntax (parse and format), its wire form
// (encode and decode), the names its data holds and the one it points at. Every place that
// handles rdata asks the type's codec (rdata/index.ts); nothing else switches over the type.

import type { Buffer } from 'node:buffer';
import type { Name, NameError } from '../name.js';

/** A field of a zone-file record and the column (0-based) where it starts. */
export interface Token {
  readonly text: string;
  readonly col: number;
  readonly quoted: boolean;
  /** Bytes of a quoted string or a bare word after escape processing (RFC 1035 §5.1). */
  readonly bytes: Buffer;
}

/** A problem in a record's text: what, and the column (0-based) where it starts. */
export interface RecordParseError {
  readonly error: string;
  readonly col: number;
}

/** Turns a name as written into a Name; the definition format has its own rules (definitions/names.ts). */
export type NameResolver = (text: string, origin: Name) => Name | NameError;

/** What parsing a record's data needs besides its fields. */
export interface FieldContext {
  readonly origin: Name;
  readonly resolve: NameResolver;
  /** The column just past the last field (or the type), for "missing …" errors. */
  readonly endCol: number;
}

/** Where rdata is written: a message (wire/writer.ts) or a plain byte string (canonical form, keys). */
export interface WireSink {
  u8(v: number): void;
  u16(v: number): void;
  u32(v: number): void;
  bytes(b: Uint8Array): void;
  /**
   * A domain name; `compress` only for the names of the RFC 1035 types (RFC 3597 §4), and
   * `canonical` marks the names RFC 4034 §6.2 lowercases in the canonical form.
   */
  name(n: Name, compress: boolean, canonical: boolean): void;
}

/** Rdata bytes that do not decode: what is wrong with them. */
export class DecodeError extends Error {}

/** Where rdata is read from: one message, so that compressed names can be followed. */
export interface WireSource {
  readonly buf: Uint8Array;
  pos: number;
  /** The end of this record's rdata: reads past it fail. */
  readonly end: number;
  u8(): number;
  u16(): number;
  u32(): number;
  bytes(n: number): Buffer;
  /** A possibly compressed name (pointers followed within the message, bounded). */
  name(): Name;
}

export interface RdataCodec<D extends { readonly kind: string }> {
  /** The type number (IANA) and its mnemonic, which is also the rdata's `kind`. */
  readonly type: number;
  readonly kind: D['kind'];
  parse(fields: readonly Token[], ctx: FieldContext): D | RecordParseError;
  format(rd: D): string;
  encode(rd: D, out: WireSink): void;
  /** Reads the rdata from `from.pos` to `from.end`; throws DecodeError when it does not fit. */
  decode(from: WireSource): D;
  /** Names in the data, in wire order; absent for types that hold none. */
  names?(rd: D): readonly Name[];
  /** The same data with its names replaced, in the order `names` gives them. */
  withNames?(rd: D, names: readonly Name[]): D;
  /** The host the record points at, whose addresses answers add and checks look for. */
  target?(rd: D): Name | undefined;
  /** RFC 2782, RFC 1035 §3.3.9, §3.3.11: the target's A and AAAA go in the additional section. */
  readonly additional?: boolean;
}

export function isParseError(v: unknown): v is RecordParseError {
  return typeof v === 'object' && v !== null && typeof (v as RecordParseError).error === 'string' && typeof (v as RecordParseError).col === 'number';
}
