// Zone-file (RFC 1035 §5.1) text for single records: parse one line, format one record.
// The `records:` escape hatch of the definition format and `discodns export` both use this.

import { Buffer } from 'node:buffer';
import { ipv4Bytes, ipv6Bytes, ipv6Text, isIP } from './ip.js';
import { isNameError, nameToText, parseName, type Name, type NameError } from './name.js';
import { MAX_TTL, type RData, type ResourceRecord } from './records.js';
import { RRType, typeFromText, typeToText } from './types.js';

/** A token of a zone-file line and the column (0-based) where it starts. */
interface Token {
  readonly text: string;
  readonly col: number;
  readonly quoted: boolean;
  /** Bytes of a quoted string or a bare word after escape processing. */
  readonly bytes: Buffer;
}

export interface RecordParseError {
  readonly error: string;
  /** 0-based column in the line where the problem starts. */
  readonly col: number;
}

function tokenize(line: string): Token[] | RecordParseError {
  const tokens: Token[] = [];
  let i = 0;
  while (i < line.length) {
    const ch = line[i]!;
    if (ch === ' ' || ch === '\t' || ch === '(' || ch === ')') {
      i++;
      continue;
    }
    if (ch === ';') break; // comment to end of line
    const start = i;
    const quoted = ch === '"';
    if (quoted) i++;
    const bytes: number[] = [];
    let closed = !quoted;
    while (i < line.length) {
      const c = line[i]!;
      if (quoted && c === '"') {
        closed = true;
        i++;
        break;
      }
      if (!quoted && (c === ' ' || c === '\t' || c === ';' || c === '(' || c === ')')) break;
      if (c === '\\') {
        const d = line.slice(i + 1, i + 4);
        if (/^[0-9]{3}$/.test(d)) {
          if (Number(d) > 255) return { error: `escape \\${d} is above \\255`, col: i };
          bytes.push(Number(d));
          i += 4;
          continue;
        }
        if (i + 1 >= line.length) return { error: 'line ends with a lone backslash', col: i };
        bytes.push(...Buffer.from(line[i + 1]!, 'utf8'));
        i += 2;
        continue;
      }
      // ASCII is its own byte; anything else, its UTF-8 bytes (a Buffer per character costs 10 KB of garbage per zone).
      const code = c.charCodeAt(0);
      if (code < 0x80) bytes.push(code);
      else bytes.push(...Buffer.from(c, 'utf8'));
      i++;
    }
    if (!closed) return { error: 'quoted string is not closed: add the missing "', col: start };
    tokens.push({ text: line.slice(start, i), col: start, quoted, bytes: Buffer.from(bytes) });
  }
  return tokens;
}

function isParseError<T>(v: T | RecordParseError): v is RecordParseError {
  return typeof v === 'object' && v !== null && (v as RecordParseError).error !== undefined && 'col' in (v as object);
}

const TTL_RE = /^[0-9]+$/;

/** Turns a name as written into a Name; the definition format has its own rules (definitions/names.ts). */
export type NameResolver = (text: string, origin: Name) => Name | NameError;

/**
 * Parses `owner [ttl] [class] type rdata…` relative to `origin`, with `defaultTtl` when the line
 * gives none. The owner is required (no blank-owner continuation: one line, one record).
 * `resolve` reads the names (owner and targets); by default plain zone-file rules.
 */
export function parseRecordLine(
  line: string,
  origin: Name,
  defaultTtl: number,
  resolve: NameResolver = parseName,
): ResourceRecord | RecordParseError {
  const toks = tokenize(line);
  if (isParseError(toks)) return toks;
  if (toks.length === 0) return { error: 'empty record: write owner, type and data, e.g. \'@ TXT "v=spf1 mx -all"\'', col: 0 };
  const ownerTok = toks[0]!;
  const owner = resolve(ownerTok.text, origin);
  if (isNameError(owner)) return { error: `owner: ${owner.error}`, col: ownerTok.col };
  let at = 1;
  let ttl = defaultTtl;
  let sawClass = false;
  let sawTtl = false;
  // TTL and class may come in either order (RFC 1035 §5.1).
  for (let k = 0; k < 2 && at < toks.length; k++) {
    const t = toks[at]!;
    if (!sawTtl && TTL_RE.test(t.text)) {
      const v = Number(t.text);
      if (v > MAX_TTL) return { error: `TTL ${t.text} is above ${MAX_TTL} (RFC 2181 §8)`, col: t.col };
      ttl = v;
      sawTtl = true;
      at++;
    } else if (!sawClass && t.text.toUpperCase() === 'IN') {
      sawClass = true;
      at++;
    } else if (!sawClass && /^(CH|CS|HS|CLASS[0-9]+)$/i.test(t.text)) {
      return { error: `class ${t.text}: only IN is served; drop the class or write IN`, col: t.col };
    }
  }
  const typeTok = toks[at];
  if (!typeTok) return { error: 'missing record type after the owner (e.g. TXT, CAA, SRV)', col: line.length };
  const type = typeFromText(typeTok.text);
  if (type === undefined) {
    return { error: `unknown record type '${typeTok.text}': use a mnemonic such as TXT or CAA, or TYPEnnn with \\# data (RFC 3597)`, col: typeTok.col };
  }
  const rdata = parseRdata(type, toks.slice(at + 1), origin, typeTok.col + typeTok.text.length, resolve);
  if (isParseError(rdata)) return rdata;
  return { owner, type, ttl, rdata };
}

function num(tok: Token | undefined, what: string, max: number, endCol: number): number | RecordParseError {
  if (!tok) return { error: `missing ${what}`, col: endCol };
  if (!/^[0-9]+$/.test(tok.text) || Number(tok.text) > max) {
    return { error: `${what} '${tok.text}' must be a whole number from 0 to ${max}`, col: tok.col };
  }
  return Number(tok.text);
}

function target(tok: Token | undefined, what: string, origin: Name, endCol: number, resolve: NameResolver): Name | RecordParseError {
  if (!tok) return { error: `missing ${what}`, col: endCol };
  const n = resolve(tok.text, origin);
  if (isNameError(n)) return { error: `${what}: ${n.error}`, col: tok.col };
  return n;
}

function hex(toks: Token[], what: string, endCol: number): Buffer | RecordParseError {
  const text = toks.map((t) => t.text).join('');
  if (!/^([0-9a-fA-F]{2})*$/.test(text)) {
    return { error: `${what} must be hexadecimal digits in pairs`, col: toks[0]?.col ?? endCol };
  }
  return Buffer.from(text, 'hex');
}

function expectCount(toks: Token[], n: number, usage: string, endCol: number): RecordParseError | undefined {
  if (toks.length < n) return { error: `too few fields: expected ${usage}`, col: endCol };
  if (toks.length > n) return { error: `too many fields: expected ${usage}`, col: toks[n]!.col };
  return undefined;
}

function parseRdata(type: number, toks: Token[], origin: Name, endCol: number, resolve: NameResolver): RData | RecordParseError {
  if (toks[0]?.text === '\\#') return parseGeneric(type, toks, endCol);
  const end = toks.length ? toks[toks.length - 1]!.col + toks[toks.length - 1]!.text.length : endCol;
  switch (type) {
    case RRType.A:
    case RRType.AAAA: {
      const usage = type === RRType.A ? 'an IPv4 address' : 'an IPv6 address';
      const e = expectCount(toks, 1, usage, end);
      if (e) return e;
      const t = toks[0]!;
      if (type === RRType.A && isIP(t.text) === 4) return { kind: 'A', address: t.text, bytes: ipv4Bytes(t.text) };
      if (type === RRType.AAAA && isIP(t.text) === 6) {
        const bytes = ipv6Bytes(t.text);
        return { kind: 'AAAA', address: ipv6Text(bytes), bytes };
      }
      return { error: `'${t.text}' is not ${usage}`, col: t.col };
    }
    case RRType.NS:
    case RRType.CNAME:
    case RRType.PTR: {
      const e = expectCount(toks, 1, 'one target name', end);
      if (e) return e;
      const n = target(toks[0], 'target', origin, end, resolve);
      if (isParseError(n)) return n;
      return { kind: type === RRType.NS ? 'NS' : type === RRType.CNAME ? 'CNAME' : 'PTR', target: n };
    }
    case RRType.MX: {
      const e = expectCount(toks, 2, 'preference and exchange, e.g. "10 mail"', end);
      if (e) return e;
      const preference = num(toks[0], 'preference', 0xffff, end);
      if (isParseError(preference)) return preference;
      const exchange = target(toks[1], 'exchange', origin, end, resolve);
      if (isParseError(exchange)) return exchange;
      return { kind: 'MX', preference, exchange };
    }
    case RRType.SRV: {
      const e = expectCount(toks, 4, 'priority weight port target, e.g. "0 1 993 mail"', end);
      if (e) return e;
      const priority = num(toks[0], 'priority', 0xffff, end);
      if (isParseError(priority)) return priority;
      const weight = num(toks[1], 'weight', 0xffff, end);
      if (isParseError(weight)) return weight;
      const port = num(toks[2], 'port', 0xffff, end);
      if (isParseError(port)) return port;
      const t = target(toks[3], 'target', origin, end, resolve);
      if (isParseError(t)) return t;
      return { kind: 'SRV', priority, weight, port, target: t };
    }
    case RRType.TXT: {
      if (toks.length === 0) return { error: 'TXT needs at least one string, e.g. "v=spf1 -all"', col: end };
      for (const t of toks) {
        if (t.bytes.length > 255) {
          return { error: `a TXT string holds at most 255 bytes, this one has ${t.bytes.length}: split it into several quoted strings`, col: t.col };
        }
      }
      return { kind: 'TXT', strings: toks.map((t) => t.bytes) };
    }
    case RRType.CAA: {
      if (toks.length !== 3) return { error: 'expected flags tag value, e.g. 0 issue "letsencrypt.org"', col: toks[3]?.col ?? end };
      const flags = num(toks[0], 'flags', 255, end);
      if (isParseError(flags)) return flags;
      const tag = toks[1]!;
      if (!/^[a-zA-Z0-9]{1,15}$/.test(tag.text)) {
        return { error: `CAA tag '${tag.text}' must be 1 to 15 letters and digits (RFC 8659 §4.1)`, col: tag.col };
      }
      return { kind: 'CAA', flags, tag: tag.text, value: toks[2]!.bytes };
    }
    case RRType.TLSA: {
      if (toks.length < 4) return { error: 'expected usage selector matching-type data, e.g. 3 1 1 <hex>', col: end };
      const usage = num(toks[0], 'usage', 255, end);
      if (isParseError(usage)) return usage;
      const selector = num(toks[1], 'selector', 255, end);
      if (isParseError(selector)) return selector;
      const matchingType = num(toks[2], 'matching type', 255, end);
      if (isParseError(matchingType)) return matchingType;
      const data = hex(toks.slice(3), 'certificate association data', end);
      if (isParseError(data)) return data;
      return { kind: 'TLSA', usage, selector, matchingType, data };
    }
    case RRType.SOA: {
      const e = expectCount(toks, 7, 'mname rname serial refresh retry expire minimum', end);
      if (e) return e;
      const mname = target(toks[0], 'mname', origin, end, resolve);
      if (isParseError(mname)) return mname;
      const rname = target(toks[1], 'rname', origin, end, resolve);
      if (isParseError(rname)) return rname;
      const values: number[] = [];
      for (const [i, what] of ['serial', 'refresh', 'retry', 'expire', 'minimum'].entries()) {
        const v = num(toks[2 + i], what, 0xffffffff, end);
        if (isParseError(v)) return v;
        values.push(v);
      }
      const [serial, refresh, retry, expire, minimum] = values as [number, number, number, number, number];
      return { kind: 'SOA', mname, rname, serial, refresh, retry, expire, minimum };
    }
    default:
      return {
        error: `type ${typeToText(type)} has no text syntax here: write it as ${typeToText(type)} \\# <length> <hex> (RFC 3597)`,
        col: toks[0]?.col ?? endCol,
      };
  }
}

/** Types whose data holds names: opaque `\#` bytes would hide those from the checks. */
const TYPED_ONLY = new Set<number>([RRType.NS, RRType.CNAME, RRType.PTR, RRType.MX, RRType.SRV, RRType.SOA]);

function parseGeneric(type: number, toks: Token[], endCol: number): RData | RecordParseError {
  if (TYPED_ONLY.has(type)) {
    return { error: `write ${typeToText(type)} in its own syntax, not as \\# data`, col: toks[0]!.col };
  }
  const len = num(toks[1], 'rdata length after \\#', 0xffff, endCol);
  if (isParseError(len)) return len;
  const data = hex(toks.slice(2), 'rdata after \\# and the length', endCol);
  if (isParseError(data)) return data;
  if (data.length !== len) {
    return { error: `\\# says ${len} bytes but ${data.length} follow`, col: toks[1]!.col };
  }
  return { kind: 'generic', data };
}

// ---- formatting ----

function quote(bytes: Buffer): string {
  let out = '"';
  for (const c of bytes) {
    if (c === 0x22 || c === 0x5c) out += '\\' + String.fromCharCode(c);
    else if (c < 0x20 || c >= 0x7f) out += '\\' + String(c).padStart(3, '0');
    else out += String.fromCharCode(c);
  }
  return out + '"';
}

/** The rdata in presentation form. */
export function formatRdata(rdata: RData): string {
  switch (rdata.kind) {
    case 'A':
    case 'AAAA':
      return rdata.address;
    case 'NS':
    case 'CNAME':
    case 'PTR':
      return nameToText(rdata.target);
    case 'MX':
      return `${rdata.preference} ${nameToText(rdata.exchange)}`;
    case 'SRV':
      return `${rdata.priority} ${rdata.weight} ${rdata.port} ${nameToText(rdata.target)}`;
    case 'TXT':
      return rdata.strings.map(quote).join(' ');
    case 'SOA':
      return `${nameToText(rdata.mname)} ${nameToText(rdata.rname)} ${rdata.serial} ${rdata.refresh} ${rdata.retry} ${rdata.expire} ${rdata.minimum}`;
    case 'CAA':
      return `${rdata.flags} ${rdata.tag} ${quote(rdata.value)}`;
    case 'TLSA':
      return `${rdata.usage} ${rdata.selector} ${rdata.matchingType} ${rdata.data.toString('hex').toUpperCase() || '\\# 0'}`;
    case 'generic':
      return `\\# ${rdata.data.length}${rdata.data.length ? ' ' + rdata.data.toString('hex').toUpperCase() : ''}`;
  }
}

/** One zone-file line: absolute owner, TTL, class, type, data. */
export function formatRecord(rr: ResourceRecord): string {
  return `${nameToText(rr.owner)}\t${rr.ttl}\tIN\t${typeToText(rr.type)}\t${formatRdata(rr.rdata)}`;
}
