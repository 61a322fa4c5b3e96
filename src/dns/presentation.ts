// Zone-file (RFC 1035 §5.1) text for single records: parse one line, format one record.
// The `records:` escape hatch of the definition format and `discodns export` both use this.

import { Buffer } from 'node:buffer';
import { isNameError, nameToText, parseName, type Name } from './name.js';
import { formatRdata, isParseError, parseRdata, type NameResolver, type RecordParseError, type Token } from './rdata/index.js';
import type { ResourceRecord } from './records.js';
import { looksLikeTtl, parseTtl } from './ttl.js';
import { typeFromText, typeToText } from './types.js';

export type { NameResolver, RecordParseError } from './rdata/index.js';
export { formatRdata } from './rdata/index.js';

/**
 * The fields of one line of zone-file text (RFC 1035 §5.1): quoted strings and bare words with
 * their escapes read, parentheses taken as spaces, a ';' ending the line.
 */
export function tokenize(line: string): Token[] | RecordParseError {
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
    // A bare word may end in a quoted value after '=': an SvcParam such as alpn="h2,h3" (RFC 9460 §2.1).
    let inner = false;
    while (i < line.length) {
      const c = line[i]!;
      if (quoted && c === '"') {
        closed = true;
        i++;
        break;
      }
      if (!quoted && c === '"' && (inner || line[i - 1] === '=')) {
        inner = !inner;
        closed = !inner;
        i++;
        continue;
      }
      if (!quoted && !inner && (c === ' ' || c === '\t' || c === ';' || c === '(' || c === ')')) break;
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
  const parsed = parseRecordFields(toks.slice(1), owner, origin, resolve, line.length);
  if (isParseError(parsed)) return parsed;
  return { ...parsed.rr, ttl: parsed.ttl ?? defaultTtl };
}

/** A record without its TTL when the text gives none (the caller knows the default). */
export interface ParsedFields {
  readonly rr: Omit<ResourceRecord, 'ttl'>;
  readonly ttl: number | undefined;
}

/**
 * The fields after the owner: `[ttl] [class] type rdata…`, TTL and class in either order
 * (RFC 1035 §5.1). A field starting with a digit where the TTL may be is read as a TTL (with
 * units: `1h30m`), and reported as one when it is not valid. `endCol` is the line's length.
 */
export function parseRecordFields(toks: readonly Token[], owner: Name, origin: Name, resolve: NameResolver, endCol: number): ParsedFields | RecordParseError {
  let at = 0;
  let ttl: number | undefined;
  let sawClass = false;
  for (let k = 0; k < 2 && at < toks.length; k++) {
    const t = toks[at]!;
    if (ttl === undefined && looksLikeTtl(t.text)) {
      const v = parseTtl(t.text);
      if (typeof v !== 'number') return { error: v.error, col: t.col };
      ttl = v;
      at++;
    } else if (!sawClass && t.text.toUpperCase() === 'IN') {
      sawClass = true;
      at++;
    } else if (!sawClass && /^(CH|CS|HS|CLASS[0-9]+)$/i.test(t.text)) {
      return { error: `class ${t.text}: only IN is served; drop the class or write IN`, col: t.col };
    }
  }
  const typeTok = toks[at];
  if (!typeTok) return { error: 'missing record type after the owner (e.g. TXT, CAA, SRV)', col: endCol };
  const type = typeFromText(typeTok.text);
  if (type === undefined) {
    return { error: `unknown record type '${typeTok.text}': use a mnemonic such as TXT or CAA, or TYPEnnn with \\# data (RFC 3597)`, col: typeTok.col };
  }
  const rdata = parseRdata(type, toks.slice(at + 1), { origin, resolve, endCol: typeTok.col + typeTok.text.length });
  if (isParseError(rdata)) return rdata;
  return { rr: { owner, type, rdata }, ttl };
}

/** One zone-file line: absolute owner, TTL, class, type, data. */
export function formatRecord(rr: ResourceRecord): string {
  return `${nameToText(rr.owner)}\t${rr.ttl}\tIN\t${typeToText(rr.type)}\t${formatRdata(rr.rdata)}`;
}

