// Presentation fields shared by the codecs: numbers, names, hex and base64, quoted strings,
// each read with the column of its problem, and written back in the form zone files use.

import { Buffer } from 'node:buffer';
import { isNameError, type Name } from '../name.js';
import { parseTtl } from '../ttl.js';
import { isParseError, type FieldContext, type RecordParseError, type Token } from './codec.js';

export function fail(error: string, col: number): RecordParseError {
  return { error, col };
}

/** The column just past the fields, or `ctx.endCol` when there are none. */
export function endOf(fields: readonly Token[], ctx: FieldContext): number {
  const last = fields[fields.length - 1];
  return last ? last.col + last.text.length : ctx.endCol;
}

/** Exactly `n` fields, or an error saying what was expected. */
export function expectCount(fields: readonly Token[], n: number, usage: string, ctx: FieldContext): RecordParseError | undefined {
  if (fields.length < n) return fail(`too few fields: expected ${usage}`, endOf(fields, ctx));
  if (fields.length > n) return fail(`too many fields: expected ${usage}`, fields[n]!.col);
  return undefined;
}

/** At least `n` fields. */
export function expectAtLeast(fields: readonly Token[], n: number, usage: string, ctx: FieldContext): RecordParseError | undefined {
  return fields.length < n ? fail(`too few fields: expected ${usage}`, endOf(fields, ctx)) : undefined;
}

/** A decimal whole number from 0 to `max`. */
export function num(tok: Token | undefined, what: string, max: number, ctx: FieldContext): number | RecordParseError {
  if (!tok) return fail(`missing ${what}`, ctx.endCol);
  if (!/^[0-9]+$/.test(tok.text) || Number(tok.text) > max) return fail(`${what} '${tok.text}' must be a whole number from 0 to ${max}`, tok.col);
  return Number(tok.text);
}

/** A time in seconds, with units as TTLs take them (`2h`, `1w`): the SOA timers (BIND, Knot). */
export function duration(tok: Token | undefined, what: string, max: number, ctx: FieldContext): number | RecordParseError {
  if (!tok) return fail(`missing ${what}`, ctx.endCol);
  const v = parseTtl(tok.text, max);
  return typeof v === 'number' ? v : fail(`${what} ${v.error}`, tok.col);
}

/** A domain name, read by the context's rules (relative to the origin unless it ends in '.'). */
export function domain(tok: Token | undefined, what: string, ctx: FieldContext): Name | RecordParseError {
  if (!tok) return fail(`missing ${what}`, ctx.endCol);
  const n = ctx.resolve(tok.text, ctx.origin);
  if (isNameError(n)) return fail(`${what}: ${n.error}`, tok.col);
  return n;
}

/** Hexadecimal digits in pairs, over one field or several (zone files may split long data). */
export function hex(fields: readonly Token[], what: string, ctx: FieldContext, allowEmpty = false): Buffer | RecordParseError {
  const text = fields.map((t) => t.text).join('');
  if (text === '-' && allowEmpty) return Buffer.alloc(0);
  if (!/^([0-9a-fA-F]{2})*$/.test(text) || (text === '' && !allowEmpty)) {
    return fail(`${what} must be hexadecimal digits in pairs`, fields[0]?.col ?? ctx.endCol);
  }
  return Buffer.from(text, 'hex');
}

/** Base64 (RFC 4648), over one field or several. */
export function base64(fields: readonly Token[], what: string, ctx: FieldContext): Buffer | RecordParseError {
  const text = fields.map((t) => t.text).join('');
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text) || text === '') {
    return fail(`${what} must be base64 (A-Z, a-z, 0-9, '+', '/', padded with '=')`, fields[0]?.col ?? ctx.endCol);
  }
  return Buffer.from(text, 'base64');
}

/** A character-string (RFC 1035 §3.3): at most 255 bytes. */
export function characterString(tok: Token | undefined, what: string, ctx: FieldContext): Buffer | RecordParseError {
  if (!tok) return fail(`missing ${what}`, ctx.endCol);
  if (tok.bytes.length > 255) return fail(`${what} holds at most 255 bytes, this one has ${tok.bytes.length}: split it into several quoted strings`, tok.col);
  return tok.bytes;
}

/** Bytes as a quoted string, with `"` and `\` escaped and anything outside printable ASCII as \DDD. */
export function quote(bytes: Uint8Array): string {
  let out = '"';
  for (const c of bytes) {
    if (c === 0x22 || c === 0x5c) out += '\\' + String.fromCharCode(c);
    else if (c < 0x20 || c >= 0x7f) out += '\\' + String(c).padStart(3, '0');
    else out += String.fromCharCode(c);
  }
  return out + '"';
}

/** Upper-case hex, as Knot and BIND print it. */
export function hexText(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}

export function base64Text(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Runs the field readers in order and stops at the first problem. */
export function all<T extends unknown[]>(...values: { [K in keyof T]: T[K] | RecordParseError }): T | RecordParseError {
  for (const v of values) if (isParseError(v)) return v;
  return values as T;
}
