// SVCB and HTTPS (RFC 9460): a priority (0: AliasMode), a target name and SvcParams. Params
// are read in any order and kept, written and printed in key order (§2.2); the target is
// neither compressed nor lowercased in the canonical form.

import { Buffer } from 'node:buffer';
import { ipv4Bytes, ipv6Bytes, ipv6Text, isIP } from '../ip.js';
import { nameToText, type Name } from '../name.js';
import { DecodeError, isParseError, type RdataCodec, type RecordParseError, type Token } from './codec.js';
import { domain, expectAtLeast, fail, num } from './fields.js';

export interface SvcParam {
  readonly key: number;
  /** The value's wire bytes (RFC 9460 §7, §14.3.2). */
  readonly value: Buffer;
}

export interface SvcbData {
  readonly kind: 'SVCB';
  readonly priority: number;
  readonly target: Name;
  /** Ascending by key, each key once. */
  readonly params: readonly SvcParam[];
}
export interface HttpsData {
  readonly kind: 'HTTPS';
  readonly priority: number;
  readonly target: Name;
  readonly params: readonly SvcParam[];
}

const KEY_NAMES = ['mandatory', 'alpn', 'no-default-alpn', 'port', 'ipv4hint', 'ech', 'ipv6hint', 'dohpath', 'ohttp'] as const;
const MANDATORY = 0;
const ALPN = 1;
const NO_DEFAULT_ALPN = 2;
const PORT = 3;
const IPV4HINT = 4;
const ECH = 5;
const IPV6HINT = 6;
const DOHPATH = 7;
const OHTTP = 8;

function keyName(key: number): string {
  return KEY_NAMES[key] ?? `key${key}`;
}

function keyNumber(text: string): number | undefined {
  const known = (KEY_NAMES as readonly string[]).indexOf(text);
  if (known >= 0) return known;
  const m = /^key([0-9]{1,5})$/.exec(text);
  return m && Number(m[1]) <= 65534 ? Number(m[1]) : undefined; // 65535 is reserved
}

/** Splits a value-list on commas not escaped by a backslash (RFC 9460 Appendix A.1). */
function valueList(bytes: Buffer): Buffer[] {
  const items: number[][] = [[]];
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c === 0x5c && i + 1 < bytes.length) items[items.length - 1]!.push(bytes[++i]!);
    else if (c === 0x2c) items.push([]);
    else items[items.length - 1]!.push(c);
  }
  return items.map((b) => Buffer.from(b));
}

function paramValue(key: number, raw: Buffer | undefined, tok: Token): Buffer | RecordParseError {
  const name = keyName(key);
  const needs = (what: string): RecordParseError => fail(`${name} needs a value: ${what}`, tok.col);
  switch (key) {
    case NO_DEFAULT_ALPN:
    case OHTTP:
      return raw === undefined || raw.length === 0 ? Buffer.alloc(0) : fail(`${name} takes no value`, tok.col);
    case MANDATORY: {
      if (!raw) return needs('a list of keys, e.g. mandatory=alpn,port');
      const keys: number[] = [];
      for (const item of valueList(raw)) {
        const k = keyNumber(item.toString('latin1'));
        if (k === undefined) return fail(`mandatory lists an unknown key '${item.toString('latin1')}'`, tok.col);
        if (k === MANDATORY) return fail('mandatory cannot list itself (RFC 9460 §8)', tok.col);
        if (keys.includes(k)) return fail(`mandatory lists ${keyName(k)} twice`, tok.col);
        keys.push(k);
      }
      keys.sort((a, b) => a - b);
      const out = Buffer.alloc(keys.length * 2);
      keys.forEach((k, i) => out.writeUInt16BE(k, i * 2));
      return out;
    }
    case ALPN: {
      if (!raw) return needs('protocol ids, e.g. alpn=h2,h3');
      const ids = valueList(raw);
      if (ids.some((id) => id.length === 0 || id.length > 255)) return fail('each alpn id holds 1 to 255 bytes', tok.col);
      return Buffer.concat(ids.flatMap((id) => [Buffer.from([id.length]), id]));
    }
    case PORT: {
      const text = raw?.toString('latin1') ?? '';
      if (!/^[0-9]+$/.test(text) || Number(text) > 0xffff) return fail(`port must be a whole number from 0 to 65535, not '${text}'`, tok.col);
      const out = Buffer.alloc(2);
      out.writeUInt16BE(Number(text));
      return out;
    }
    case IPV4HINT:
    case IPV6HINT: {
      if (!raw) return needs('addresses, e.g. ipv4hint=192.0.2.1');
      const family = key === IPV4HINT ? 4 : 6;
      const parts: Buffer[] = [];
      for (const a of raw.toString('latin1').split(',')) {
        if (isIP(a) !== family) return fail(`'${a}' is not an IPv${family} address`, tok.col);
        parts.push(family === 4 ? ipv4Bytes(a) : ipv6Bytes(a));
      }
      return Buffer.concat(parts);
    }
    case ECH: {
      const text = raw?.toString('latin1') ?? '';
      if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text) || text === '') return fail('ech must be base64', tok.col);
      return Buffer.from(text, 'base64');
    }
    case DOHPATH:
      if (!raw) return needs('a URI template, e.g. dohpath=/dns-query{?dns}');
      return raw;
    default:
      return raw ?? Buffer.alloc(0);
  }
}

/** The characters a value can carry unquoted; anything else is printed quoted with escapes. */
function presentValue(bytes: Uint8Array): string {
  let out = '';
  for (const c of bytes) {
    if (c === 0x22 || c === 0x5c) out += '\\' + String.fromCharCode(c);
    else if (c < 0x21 || c >= 0x7f || c === 0x3b || c === 0x28 || c === 0x29) out += '\\' + String(c).padStart(3, '0');
    else out += String.fromCharCode(c);
  }
  return out;
}

function escapeListItem(item: Buffer): Buffer {
  const out: number[] = [];
  for (const c of item) {
    if (c === 0x2c || c === 0x5c) out.push(0x5c);
    out.push(c);
  }
  return Buffer.from(out);
}

function formatParam(p: SvcParam): string {
  const name = keyName(p.key);
  const v = p.value;
  switch (p.key) {
    case NO_DEFAULT_ALPN:
    case OHTTP:
      return name;
    case MANDATORY: {
      const keys: string[] = [];
      for (let i = 0; i + 1 < v.length; i += 2) keys.push(keyName(v.readUInt16BE(i)));
      return `${name}=${keys.join(',')}`;
    }
    case ALPN: {
      const ids: Buffer[] = [];
      for (let i = 0; i < v.length; i += 1 + v[i]!) ids.push(escapeListItem(v.subarray(i + 1, i + 1 + v[i]!)));
      return `${name}=${presentValue(Buffer.concat(ids.flatMap((id, i) => (i ? [Buffer.from(','), id] : [id]))))}`;
    }
    case PORT:
      return `${name}=${v.readUInt16BE(0)}`;
    case IPV4HINT: {
      const out: string[] = [];
      for (let i = 0; i + 4 <= v.length; i += 4) out.push([...v.subarray(i, i + 4)].join('.'));
      return `${name}=${out.join(',')}`;
    }
    case IPV6HINT: {
      const out: string[] = [];
      for (let i = 0; i + 16 <= v.length; i += 16) out.push(ipv6Text(v.subarray(i, i + 16)));
      return `${name}=${out.join(',')}`;
    }
    case ECH:
      return `${name}=${v.toString('base64')}`;
    default:
      return v.length ? `${name}=${presentValue(v)}` : name;
  }
}

/** Checks a value's wire form, as decode must (RFC 9460 §2.2: a bad value makes the record malformed). */
function checkWire(key: number, v: Buffer): void {
  const bad = (): never => {
    throw new DecodeError(`malformed ${keyName(key)} value`);
  };
  switch (key) {
    case MANDATORY:
      if (v.length === 0 || v.length % 2) bad();
      return;
    case ALPN: {
      if (v.length === 0) bad();
      for (let i = 0; i < v.length; i += 1 + v[i]!) if (v[i] === 0 || i + 1 + v[i]! > v.length) bad();
      return;
    }
    case NO_DEFAULT_ALPN:
    case OHTTP:
      if (v.length) bad();
      return;
    case PORT:
      if (v.length !== 2) bad();
      return;
    case IPV4HINT:
      if (v.length === 0 || v.length % 4) bad();
      return;
    case IPV6HINT:
      if (v.length === 0 || v.length % 16) bad();
      return;
  }
}

function parseParams(fields: readonly Token[], priority: number): SvcParam[] | RecordParseError {
  const params: SvcParam[] = [];
  for (const tok of fields) {
    // key=value, the value a character-string (already unescaped in tok.bytes); or a bare key.
    const eq = tok.text.indexOf('=');
    const keyText = eq < 0 ? tok.text : tok.text.slice(0, eq);
    const key = keyNumber(keyText.toLowerCase());
    if (key === undefined) return fail(`unknown SvcParam key '${keyText}': use a key of RFC 9460 §14.3.2 or keyNNNNN`, tok.col);
    if (params.some((p) => p.key === key)) return fail(`${keyName(key)} is given twice (RFC 9460 §2.2)`, tok.col);
    const raw = eq < 0 ? undefined : tok.bytes.subarray(Buffer.byteLength(tok.text.slice(0, eq + 1)));
    const value = paramValue(key, raw, tok);
    if (isParseError(value)) return value;
    params.push({ key, value });
  }
  params.sort((a, b) => a.key - b.key);
  if (priority === 0 && params.length > 0) return fail('AliasMode (priority 0) takes no SvcParams (RFC 9460 §2.4.2): remove them or use priority 1', fields[0]!.col);
  const mandatory = params.find((p) => p.key === MANDATORY);
  if (mandatory) {
    for (let i = 0; i < mandatory.value.length; i += 2) {
      const k = mandatory.value.readUInt16BE(i);
      if (!params.some((p) => p.key === k)) return fail(`mandatory lists ${keyName(k)}, which is not given (RFC 9460 §8)`, fields[0]!.col);
    }
  }
  return params;
}

function svcbCodec<K extends 'SVCB' | 'HTTPS'>(type: number, kind: K): RdataCodec<Omit<SvcbData, 'kind'> & { readonly kind: K }> {
  return {
    type,
    kind,
    parse(fields, ctx) {
      const e = expectAtLeast(fields, 2, 'priority target [params…], e.g. 1 . alpn=h2,h3', ctx);
      if (e) return e;
      const priority = num(fields[0], 'priority', 0xffff, ctx);
      if (isParseError(priority)) return priority;
      const target = domain(fields[1], 'target', ctx);
      if (isParseError(target)) return target;
      const params = parseParams(fields.slice(2), priority);
      return isParseError(params) ? params : { kind, priority, target, params };
    },
    format: (rd) => [String(rd.priority), nameToText(rd.target), ...rd.params.map(formatParam)].join(' '),
    encode(rd, out) {
      out.u16(rd.priority);
      out.name(rd.target, false, false);
      for (const p of rd.params) {
        out.u16(p.key);
        out.u16(p.value.length);
        out.bytes(p.value);
      }
    },
    decode(from) {
      const priority = from.u16();
      const target = from.name();
      const params: SvcParam[] = [];
      while (from.pos < from.end) {
        const key = from.u16();
        const value = from.bytes(from.u16());
        if (params.length && params[params.length - 1]!.key >= key) throw new DecodeError('SvcParam keys out of order or repeated');
        checkWire(key, value);
        params.push({ key, value });
      }
      return { kind, priority, target, params };
    },
    names: (rd) => [rd.target],
    withNames: (rd, [target]) => ({ ...rd, target: target! }),
  };
}

export const SVCB: RdataCodec<SvcbData> = svcbCodec(64, 'SVCB');
export const HTTPS: RdataCodec<HttpsData> = svcbCodec(65, 'HTTPS');
