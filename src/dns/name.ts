// Domain names: presentation text <-> wire bytes, and the case-insensitive key every index uses.
//
// A Name keeps its uncompressed wire form (labels + the root's zero byte) as written, so answers
// can carry the admin's letter case, and a `key`: the same bytes with ASCII letters lowered, as a
// latin1 string. The fast path builds the identical key straight from a query's bytes, so one
// Map lookup finds a name without ever turning it into text (RFC 4343: compare ASCII case-blind).

import { Buffer } from 'node:buffer';
import { LABEL_DOTS, labelToAscii, textToUnicode } from './idna.js';

export interface Name {
  /** Uncompressed wire form, ending in the root label's zero byte. */
  readonly wire: Buffer;
  /** Lowercased wire form as a latin1 string: the identity of the name. */
  readonly key: string;
  /** Number of labels, the root not counted. */
  readonly labelCount: number;
}

export const MAX_NAME_WIRE = 255;
export const MAX_LABEL = 63;

/** A problem a person can fix in a name they wrote. */
export interface NameError {
  readonly error: string;
}

export function isNameError(value: Name | NameError): value is NameError {
  return (value as NameError).error !== undefined;
}

/**
 * A Name held as text: the wire form as a latin1 string, letter case as written. Without
 * capitals that string is the key itself, so most names cost one string and no Buffer; `wire`
 * is made from it when asked for (answers are compiled once per name, so that is seldom).
 * A zone set of 100,000 domains holds millions of names: this is what keeps them small.
 */
class TextName implements Name {
  readonly key: string;
  readonly labelCount: number;
  readonly #text: string;

  constructor(text: string, key: string, labelCount: number) {
    this.key = key;
    this.labelCount = labelCount;
    this.#text = text;
    Object.freeze(this);
  }

  get wire(): Buffer {
    return Buffer.from(this.#text, 'latin1');
  }

  /** The wire form as latin1 text, case kept, of any Name. */
  static textOf(n: Name): string {
    return n instanceof TextName ? n.#text : n.wire.toString('latin1');
  }
}

const UPPER = /[A-Z]/;

/** The key of wire text: A-Z lowered, nothing else (RFC 4343). */
function keyOfText(text: string): string {
  return UPPER.test(text) ? text.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : text;
}

/** A name from its wire text (latin1, case kept). */
function fromText(text: string, labelCount: number): Name {
  return new TextName(text, keyOfText(text), labelCount);
}

/**
 * `head` and `tail` (wire text, case kept) with their keys, joined: one string for both when
 * neither has capitals (compared by identity: keyOfText returns its argument then).
 */
function joined(head: string, headKey: string, tail: string, tailKey: string, labelCount: number): Name {
  const key = headKey + tailKey;
  return new TextName(head === headKey && tail === tailKey ? key : head + tail, key, labelCount);
}

export function nameFromWire(wire: Buffer): Name {
  let labelCount = 0;
  for (let i = 0; wire[i] !== 0; i += wire[i]! + 1) labelCount++;
  return fromText(wire.toString('latin1'), labelCount);
}

export const ROOT: Name = nameFromWire(Buffer.from([0]));

/** The name of a key (lowercased wire text): the qname of a query, in lower case. */
export function nameFromKey(key: string): Name {
  let labelCount = 0;
  for (let i = 0; key.charCodeAt(i) !== 0; i += key.charCodeAt(i) + 1) labelCount++;
  return new TextName(key, key, labelCount);
}

/**
 * Parses presentation text (RFC 1035 §5.1: `\.` and `\DDD` escapes) into a Name.
 * `@` is the origin; text without a final dot is relative to the origin; with no origin it is
 * taken as absolute.
 */
export function parseName(text: string, origin?: Name): Name | NameError {
  if (text === '@') {
    return origin ?? { error: "'@' means the zone's own name, but there is no zone here" };
  }
  if (text === '.') return ROOT;
  if (text.length === 0) return { error: 'empty name' };
  if (/[^\x00-\x7f]/.test(text)) {
    const ascii = idnToAscii(text);
    if (typeof ascii !== 'string') return ascii;
    text = ascii;
  }
  const simple = parseSimple(text, origin);
  if (simple !== undefined) return simple;
  const labels: number[][] = [];
  let label: number[] = [];
  let absolute = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x5c /* \ */) {
      const d = text.slice(i + 1, i + 4);
      if (/^[0-9]{3}$/.test(d)) {
        const v = Number(d);
        if (v > 255) return { error: `escape \\${d} in '${text}' is above \\255` };
        label.push(v);
        i += 3;
      } else if (i + 1 < text.length) {
        label.push(text.charCodeAt(i + 1));
        i += 1;
      } else {
        return { error: `'${text}' ends with a lone backslash` };
      }
      continue;
    }
    if (ch === 0x2e /* . */) {
      if (label.length === 0) return { error: `'${text}' has an empty label (two dots in a row, or a leading dot)` };
      labels.push(label);
      label = [];
      if (i === text.length - 1) absolute = true;
      continue;
    }
    label.push(ch);
  }
  if (!absolute) {
    if (label.length === 0) return { error: `'${text}' has an empty label` };
    labels.push(label);
  }
  for (const l of labels) {
    if (l.length > MAX_LABEL) {
      return { error: `label '${String.fromCharCode(...l)}' is ${l.length} bytes long; a DNS label holds at most ${MAX_LABEL}` };
    }
  }
  const own = labels.reduce((n, l) => n + l.length + 1, 0);
  const tail = !absolute && origin ? TextName.textOf(origin) : '\0';
  const total = own + tail.length;
  if (total > MAX_NAME_WIRE) {
    return { error: `'${text}' is ${total} bytes in wire form; a DNS name holds at most ${MAX_NAME_WIRE}` };
  }
  let wire = '';
  // `\X` keeps X's code, which a byte holds modulo 256.
  for (const l of labels) wire += String.fromCharCode(l.length, ...l.map((b) => b & 0xff));
  return fromText(wire + tail, labels.length + (!absolute && origin ? origin.labelCount : 0));
}

/**
 * parseName for the common case, text without escapes that makes a valid name; undefined for
 * anything else, which parseName's general loop reads (and words the problem with).
 */
function parseSimple(text: string, origin: Name | undefined): Name | undefined {
  if (text.indexOf('\\') >= 0) return undefined;
  const absolute = text.charCodeAt(text.length - 1) === 0x2e;
  let wire = '';
  let labels = 0;
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('.', start);
    if (end < 0) end = text.length;
    const len = end - start;
    if (len === 0 || len > MAX_LABEL) return undefined;
    for (let i = start; i < end; i++) if (text.charCodeAt(i) > 0x7f) return undefined;
    wire += String.fromCharCode(len) + text.slice(start, end);
    labels++;
    start = end + 1;
  }
  const relative = !absolute && origin !== undefined;
  const tail = relative ? TextName.textOf(origin) : '\0';
  if (wire.length + tail.length > MAX_NAME_WIRE) return undefined;
  return joined(wire, keyOfText(wire), tail, relative ? origin.key : tail, relative ? labels + origin.labelCount : labels);
}

/**
 * `text` with each label written in characters beyond ASCII replaced by its A-label (RFC 5891,
 * UTS 46), so that no such character reaches the wire as a byte by accident; escapes (`\DDD`)
 * are the way to write other bytes, and they do not mix with an IDN in one label.
 */
export function idnToAscii(text: string): string | NameError {
  const labels: string[] = [];
  let label = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\') {
      const next = text.codePointAt(i + 1);
      if (next !== undefined && next > 0x7f) {
        return { error: `'${text}' escapes '${String.fromCodePoint(next)}', which is not one byte: write the bytes as \\DDD, or the IDN without the backslash` };
      }
      label += text.slice(i, i + 2);
      i++;
    } else if (LABEL_DOTS.test(ch)) {
      labels.push(label);
      label = '';
    } else {
      label += ch;
    }
  }
  labels.push(label);
  const out: string[] = [];
  for (const l of labels) {
    if (/[^\x00-\x7f]/.test(l) && l.includes('\\')) {
      return { error: `label '${l}' of '${text}' mixes characters beyond ASCII with escapes: write it as an IDN, or all of its bytes as \\DDD` };
    }
    const ascii = labelToAscii(l);
    if (typeof ascii !== 'string') return { error: `'${text}' is not a valid internationalized name: ${ascii.error}; write it in its xn-- form, or its bytes as \\DDD` };
    out.push(ascii);
  }
  return out.join('.');
}

/** Presentation form with each A-label shown as its U-label (`bücher.example.`): for people only. */
export function nameToUnicode(n: Name): string {
  return textToUnicode(nameToText(n));
}

/**
 * The name whose first labels are `headText` (wire form as latin1 text without the root byte,
 * case kept; `headKey` the same lowercased; `headLabels` how many) followed by `tail`. The
 * caller has checked that the whole fits in MAX_NAME_WIRE bytes.
 */
export function joinName(headText: string, headKey: string, headLabels: number, tail: Name): Name {
  return joined(headText, headKey, TextName.textOf(tail), tail.key, headLabels + tail.labelCount);
}

/** The wire form of a name as latin1 text, letter case kept. */
export function wireText(n: Name): string {
  return TextName.textOf(n);
}

/** Like parseName, for names the program itself writes: a failure is a bug. */
export function name(text: string, origin?: Name): Name {
  const parsed = parseName(text, origin);
  if (isNameError(parsed)) throw new Error(`bug: bad built-in name ${text}: ${parsed.error}`);
  return parsed;
}

/** Presentation form, absolute (trailing dot), with RFC 1035 escapes where needed. */
export function nameToText(n: Name): string {
  const w = TextName.textOf(n);
  if (w.length === 1) return '.';
  let out = '';
  for (let i = 0; w.charCodeAt(i) !== 0; ) {
    const len = w.charCodeAt(i);
    for (let j = i + 1; j <= i + len; j++) {
      const c = w.charCodeAt(j);
      if (c === 0x2e || c === 0x5c || c === 0x22 || c === 0x3b || c === 0x28 || c === 0x29 || c === 0x40 || c === 0x24) {
        out += '\\' + String.fromCharCode(c);
      } else if (c <= 0x20 || c >= 0x7f) {
        out += '\\' + String(c).padStart(3, '0');
      } else {
        out += String.fromCharCode(c);
      }
    }
    out += '.';
    i += len + 1;
  }
  return out;
}

/** The name one label up; the root's parent is undefined. */
export function parentName(n: Name): Name | undefined {
  if (n.labelCount === 0) return undefined;
  const skip = n.key.charCodeAt(0) + 1;
  const text = TextName.textOf(n);
  const key = n.key.slice(skip);
  return text === n.key ? new TextName(key, key, n.labelCount - 1) : new TextName(text.slice(skip), key, n.labelCount - 1);
}

/** True when `n` is `zone` or below it. */
export function isAtOrBelow(n: Name, zone: Name): boolean {
  return n.key.length >= zone.key.length && n.key.endsWith(zone.key) && isLabelBoundary(n, zone);
}

function isLabelBoundary(n: Name, zone: Name): boolean {
  // Walk n's labels until the remaining suffix has zone's length: a raw endsWith could match
  // in the middle of a label ("xexample.com" vs "example.com").
  const key = n.key;
  let at = 0;
  const target = key.length - zone.key.length;
  while (at < target) at += key.charCodeAt(at) + 1;
  return at === target;
}

/** The first label's bytes, case kept, or undefined for the root. */
export function firstLabel(n: Name): Buffer | undefined {
  if (n.labelCount === 0) return undefined;
  const text = TextName.textOf(n);
  return Buffer.from(text.slice(1, 1 + text.charCodeAt(0)), 'latin1');
}
