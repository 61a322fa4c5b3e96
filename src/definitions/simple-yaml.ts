// A reader for the plain YAML nearly every definition file is written in, several times faster than
// the full parser: one document, a block mapping at the top, block mappings and sequences
// nested by indentation, one-line flow lists and mappings, plain and quoted one-line scalars,
// comments. It makes the same nodes (values, kinds, ranges) as `yaml` would, and gives up —
// undefined, and the caller parses the text with `yaml` — at anything else: tabs, CRs, anchors,
// aliases, tags, block and multi-line scalars, escapes, `---`, duplicate keys, numbers that are
// not plain decimals, or anything `yaml` would warn or err about.

import { LineCounter, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';

export interface SimpleDocument {
  /** The top-level mapping. */
  readonly contents: YAMLMap;
  /** Line starts, as `yaml` would have counted them. */
  readonly lines: LineCounter;
}

type Node = Scalar | YAMLMap | YAMLSeq;

/** Thrown inside the reader when the text leaves the subset; never escapes it. */
class GiveUp extends Error {}
const giveUp = (): never => {
  throw new GiveUp();
};

/** A line with content: where its text starts (after the indentation) and ends (before '\n'). */
interface Line {
  readonly indent: number;
  readonly start: number;
  readonly end: number;
}

const SPACE = 0x20;
const HASH = 0x23;
const COLON = 0x3a;
const DASH = 0x2d;

/** Characters that may not start a plain scalar here: YAML indicators, and a few more to be safe. */
const PLAIN_FIRST_REFUSED = new Set([...'-?:,[]{}#&*!|>\'"%@`.<=~+\\'].map((c) => c.charCodeAt(0)));

export function parseSimpleYaml(text: string): SimpleDocument | undefined {
  // Tabs, CRs, control characters, BOMs, odd line breaks, lone surrogates: the full parser's.
  if (/[\x00-\x09\x0b-\x1f\x7f-\x9f\uFEFF\u2028\u2029\uD800-\uDFFF]/.test(text)) return undefined;
  const lines = new LineCounter();
  lines.addNewLine(0);
  const content: Line[] = [];
  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf('\n', start);
    const last = end < 0;
    if (last) end = text.length;
    let at = start;
    while (at < end && text.charCodeAt(at) === SPACE) at++;
    if (at < end && text.charCodeAt(at) !== HASH) content.push({ indent: at - start, start: at, end });
    if (last) break;
    lines.addNewLine(end + 1);
    start = end + 1;
  }
  try {
    const reader = new SimpleParser(text, content);
    return { contents: reader.document(), lines };
  } catch (e) {
    if (e instanceof GiveUp) return undefined;
    throw e;
  }
}

class SimpleParser {
  private i = 0;

  constructor(
    private readonly text: string,
    private readonly lines: readonly Line[],
  ) {}

  document(): YAMLMap {
    const first = this.lines[0];
    if (!first || first.indent !== 0) giveUp();
    const text = this.text;
    // Directives and document markers belong to the full parser.
    if (text.charCodeAt(first!.start) === 0x25) giveUp();
    for (const l of this.lines) {
      if (l.indent === 0 && (text.startsWith('---', l.start) || text.startsWith('...', l.start))) giveUp();
    }
    const map = this.blockMap(0);
    if (this.i !== this.lines.length) giveUp();
    return map;
  }

  private isSeqItem(l: Line): boolean {
    const c = this.text.charCodeAt(l.start + 1);
    return this.text.charCodeAt(l.start) === DASH && (l.start + 1 === l.end || c === SPACE);
  }

  /** The lines at `indent` that are `key: value`, and what nests under them. */
  private blockMap(indent: number): YAMLMap {
    const map = new YAMLMap();
    const lines = this.lines;
    const first = lines[this.i]!;
    const keys = new Set<unknown>();
    while (this.i < lines.length) {
      const l = lines[this.i]!;
      if (l.indent !== indent || this.isSeqItem(l)) break;
      const key = this.key(l);
      const seen = key.type === Scalar.PLAIN ? key.value : `'${String(key.value)}`;
      if (keys.has(seen) || keys.has(String(key.value))) giveUp();
      keys.add(seen);
      keys.add(String(key.value));
      // After the ':' (and the space that must follow it, unless the line ends there).
      const after = key.range![1] + 1;
      const valueAt = this.skipSpaces(after, l.end);
      let value: Node;
      if (valueAt < l.end && this.text.charCodeAt(valueAt) !== HASH) {
        if (valueAt === after) giveUp(); // `key:value` is one plain scalar, not a pair
        value = this.inline(valueAt, l.end, true);
        this.i++;
        if (this.i < lines.length && lines[this.i]!.indent > indent) giveUp(); // continued or misplaced
      } else {
        if (valueAt > after && valueAt < l.end && this.text.charCodeAt(valueAt - 1) !== SPACE) giveUp();
        this.i++;
        const next = lines[this.i];
        if (next && next.indent > indent) value = this.isSeqItem(next) ? this.blockSeq(next.indent) : this.blockMap(next.indent);
        else if (next && next.indent === indent && this.isSeqItem(next)) value = this.blockSeq(indent);
        else value = this.empty(valueAt, valueAt < l.end ? this.nodeEnd(valueAt, l.end) : valueAt);
      }
      map.items.push(new Pair(key, value));
    }
    const last = map.items[map.items.length - 1];
    if (!last) giveUp();
    map.range = [first.start, this.endOf(last!.value as Node), this.endOf(last!.value as Node)];
    return map;
  }

  /** The lines at `indent` that are `- item`. */
  private blockSeq(indent: number): YAMLSeq {
    const seq = new YAMLSeq();
    const lines = this.lines;
    const first = lines[this.i]!;
    while (this.i < lines.length) {
      const l = lines[this.i]!;
      if (l.indent !== indent || !this.isSeqItem(l)) break;
      const at = this.skipSpaces(l.start + 1, l.end);
      if (at >= l.end || this.text.charCodeAt(at) === HASH) giveUp(); // the item on the lines below
      const item = this.inline(at, l.end, true);
      if (item instanceof Scalar && item.type === Scalar.PLAIN && this.pairIn(item)) giveUp(); // `- key: value`
      seq.items.push(item);
      this.i++;
      if (this.i < lines.length && lines[this.i]!.indent > indent) giveUp();
    }
    const last = seq.items[seq.items.length - 1] as Node;
    seq.range = [first.start, this.endOf(last), this.endOf(last)];
    return seq;
  }

  /** A key at the start of line `l`, up to its ':'. */
  private key(l: Line): Scalar {
    const text = this.text;
    const c = text.charCodeAt(l.start);
    let key: Scalar;
    if (c === 0x27 || c === 0x22) {
      key = this.quoted(l.start, l.end);
    } else {
      let colon = -1;
      for (let at = l.start; at < l.end; at++) {
        const ch = text.charCodeAt(at);
        if (ch === HASH) giveUp();
        if (ch === COLON && (at + 1 === l.end || text.charCodeAt(at + 1) === SPACE)) {
          colon = at;
          break;
        }
      }
      if (colon < 0 || text.charCodeAt(colon - 1) === SPACE) giveUp();
      key = this.plain(l.start, colon);
    }
    const colon = key.range![1];
    if (text.charCodeAt(colon) !== COLON || (colon + 1 < l.end && text.charCodeAt(colon + 1) !== SPACE)) giveUp();
    key.range = [key.range![0], colon, colon];
    return key;
  }

  /** A value on the rest of a line from `at`: a scalar or a flow collection, then at most a comment. */
  private inline(at: number, end: number, block: boolean): Node {
    const c = this.text.charCodeAt(at);
    let node: Node;
    let stop: number;
    if (c === 0x5b /* [ */) {
      node = this.flowSeq(at, end);
      stop = node.range![1];
    } else if (c === 0x7b /* { */) {
      node = this.flowMap(at, end);
      stop = node.range![1];
    } else if (c === 0x27 || c === 0x22) {
      node = this.quoted(at, end);
      stop = node.range![1];
    } else {
      let to = at;
      for (; to < end; to++) {
        const ch = this.text.charCodeAt(to);
        if (ch === HASH && this.text.charCodeAt(to - 1) === SPACE) break;
      }
      while (to > at && this.text.charCodeAt(to - 1) === SPACE) to--;
      node = this.plain(at, to);
      if (block && this.pairIn(node)) giveUp();
      stop = to;
    }
    // What may follow: spaces, and a comment after at least one of them.
    const rest = this.skipSpaces(stop, end);
    if (rest < end && (this.text.charCodeAt(rest) !== HASH || rest === stop)) giveUp();
    node.range = [node.range![0], node.range![1], block ? this.nodeEnd(rest, end) : node.range![1]];
    return node;
  }

  /** Where `yaml` ends a node that ends a line: past the comment and the newline, if any. */
  private nodeEnd(rest: number, end: number): number {
    return end < this.text.length ? end + 1 : rest < end ? end : rest;
  }

  /** Whether a plain scalar's text holds `: ` or ends in ':', which would make it a mapping. */
  private pairIn(s: Scalar): boolean {
    const [from, to] = s.range!;
    for (let at = from; at < to!; at++) {
      if (this.text.charCodeAt(at) === COLON && (at + 1 === to || this.text.charCodeAt(at + 1) === SPACE)) return true;
    }
    return false;
  }

  /** A plain scalar over [from, to): its value as the core schema reads it. */
  private plain(from: number, to: number): Scalar {
    if (to <= from) giveUp();
    const text = this.text.slice(from, to);
    if (PLAIN_FIRST_REFUSED.has(text.charCodeAt(0))) giveUp();
    const s = new Scalar(plainValue(text));
    s.type = Scalar.PLAIN;
    s.range = [from, to, to];
    return s;
  }

  /** A quoted scalar starting at `from`, closed on the same line: no escapes but ''. */
  private quoted(from: number, end: number): Scalar {
    const text = this.text;
    const q = text.charCodeAt(from);
    let value = '';
    let at = from + 1;
    for (;;) {
      const close = text.indexOf(q === 0x27 ? "'" : '"', at);
      if (close < 0 || close >= end) giveUp();
      value += text.slice(at, close);
      if (q === 0x27 && text.charCodeAt(close + 1) === 0x27) {
        value += "'";
        at = close + 2;
        continue;
      }
      at = close + 1;
      break;
    }
    if (q === 0x22 && value.includes('\\')) giveUp();
    const s = new Scalar(value);
    s.type = q === 0x27 ? Scalar.QUOTE_SINGLE : Scalar.QUOTE_DOUBLE;
    s.range = [from, at, at];
    return s;
  }

  /** `[a, b, { k: v }]` on one line. */
  private flowSeq(from: number, end: number): YAMLSeq {
    const seq = new YAMLSeq();
    seq.flow = true;
    let at = this.skipSpaces(from + 1, end);
    if (this.text.charCodeAt(at) !== 0x5d /* ] */) {
      for (;;) {
        const item = this.flowItem(at, end, true);
        seq.items.push(item);
        at = this.skipSpaces(item.range![1], end);
        const c = this.text.charCodeAt(at);
        if (c === 0x5d) break;
        if (c !== 0x2c /* , */) giveUp();
        at = this.skipSpaces(at + 1, end);
        if (this.text.charCodeAt(at) === 0x5d) giveUp(); // a trailing comma
      }
    }
    seq.range = [from, at + 1, at + 1];
    return seq;
  }

  /** `{ k: v, k2: v2 }` on one line, scalar values only. */
  private flowMap(from: number, end: number): YAMLMap {
    const map = new YAMLMap();
    map.flow = true;
    const keys = new Set<unknown>();
    let at = this.skipSpaces(from + 1, end);
    if (this.text.charCodeAt(at) !== 0x7d /* } */) {
      for (;;) {
        const key = this.flowItem(at, end, false);
        if (!(key instanceof Scalar) || this.text.charCodeAt(key.range![1]) !== COLON || this.text.charCodeAt(key.range![1] + 1) !== SPACE) giveUp();
        const k = key as Scalar;
        const seen = k.type === Scalar.PLAIN ? k.value : `'${String(k.value)}`;
        if (keys.has(seen) || keys.has(String(k.value))) giveUp();
        keys.add(seen);
        keys.add(String(k.value));
        const valueAt = this.skipSpaces(k.range![1] + 1, end);
        const value = this.flowItem(valueAt, end, false);
        map.items.push(new Pair(k, value));
        at = this.skipSpaces(value.range![1], end);
        const c = this.text.charCodeAt(at);
        if (c === 0x7d) break;
        if (c !== 0x2c) giveUp();
        at = this.skipSpaces(at + 1, end);
        if (this.text.charCodeAt(at) === 0x7d) giveUp();
      }
    }
    map.range = [from, at + 1, at + 1];
    return map;
  }

  /** A scalar in a flow collection (or, in a list, a flow mapping). */
  private flowItem(at: number, end: number, inSeq: boolean): Node {
    if (at >= end) giveUp();
    const c = this.text.charCodeAt(at);
    if (c === 0x27 || c === 0x22) return this.quoted(at, end);
    if (c === 0x7b && inSeq) return this.flowMap(at, end);
    let to = at;
    for (; to < end; to++) {
      const ch = this.text.charCodeAt(to);
      if (ch === 0x2c || ch === 0x5d || ch === 0x7d) break;
      if (ch === 0x5b || ch === 0x7b) giveUp();
      if (ch === HASH && this.text.charCodeAt(to - 1) === SPACE) giveUp();
      if (ch === COLON) {
        const next = this.text.charCodeAt(to + 1);
        if (next === SPACE || next === 0x2c || next === 0x5d || next === 0x7d || to + 1 >= end) break;
      }
    }
    while (to > at && this.text.charCodeAt(to - 1) === SPACE) to--;
    const s = this.plain(at, to);
    // In a list, `a: b` would be a one-pair mapping; in a mapping the caller wants the ':' next.
    if (inSeq && this.text.charCodeAt(this.skipSpaces(to, end)) === COLON) giveUp();
    return s;
  }

  /** The value of `key:` with nothing after it (but perhaps a comment, which `nodeEnd` covers). */
  private empty(at: number, nodeEnd: number): Scalar {
    const s = new Scalar(null);
    s.type = Scalar.PLAIN;
    s.range = [at, at, nodeEnd];
    return s;
  }

  private endOf(node: Node): number {
    return node.range![2];
  }

  private skipSpaces(at: number, end: number): number {
    while (at < end && this.text.charCodeAt(at) === SPACE) at++;
    return at;
  }
}

const NULL = /^(?:~|[Nn]ull|NULL)$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
/** Anything the core schema might read as a number other than a plain decimal integer. */
const NUMBERISH = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$/;

/** A plain scalar's value under the YAML 1.2 core schema, as `yaml` resolves it. */
function plainValue(text: string): string | number | boolean | null {
  if (NULL.test(text)) return null;
  if (BOOL.test(text)) return text[0] === 't' || text[0] === 'T';
  const c = text.charCodeAt(0);
  if (c >= 0x30 && c <= 0x39 && /^[0-9]{1,15}$/.test(text)) return parseInt(text, 10);
  if (NUMBERISH.test(text)) giveUp();
  return text;
}
