// Whole RFC 1035 §5 zone files ("master files"): $ORIGIN, $TTL, $INCLUDE, parentheses across
// lines, comments, escapes, an omitted owner, TTL or class, and every type the codecs know.
// Pure: the caller reads files ($INCLUDE asks it through `include`) and decides what the
// records are for (a zone to serve, or `discodns import`).

import { isNameError, nameToText, parseName, type Name } from './name.js';
import { isParseError, type NameResolver } from './rdata/index.js';
import { parseRecordFields, tokenize } from './presentation.js';
import type { ResourceRecord } from './records.js';
import { parseTtl } from './ttl.js';
import { RRType } from './types.js';

/** A place in a zone file: 1-based line and column. */
export interface FilePlace {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export interface MasterRecord {
  readonly rr: ResourceRecord;
  /** Where the record starts (its owner, or the first field when the owner is left out). */
  readonly at: FilePlace;
  /** Where each name of its data is written, in the order rdataNames gives them (for checks). */
  readonly namesAt: readonly FilePlace[];
  /**
   * Set when an unquoted field runs straight into a ';' (`v=DMARC1;p=none`): the rest of the
   * line was read as a comment, which is almost never what was meant in a TXT record.
   */
  readonly cutByComment?: FilePlace;
}

export interface MasterProblem extends FilePlace {
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

/** What $INCLUDE reads: the file's text and its name for messages, or why it cannot. */
export type IncludeReader = (path: string, from: string) => { readonly file: string; readonly text: string } | { readonly error: string };

export interface MasterFileOptions {
  /** The file's name, for places. */
  readonly file: string;
  /** The origin before any $ORIGIN: the zone's name (from the file name or the command line). */
  readonly origin: Name;
  /** Reads $INCLUDE files; without it, $INCLUDE is an error. */
  readonly include?: IncludeReader;
  /** How names are read; plain zone-file rules by default. */
  readonly resolve?: NameResolver;
}

export interface MasterFile {
  readonly records: MasterRecord[];
  readonly problems: MasterProblem[];
  /** The origin a `$ORIGIN` before the first record set, if one did: the zone a file names itself. */
  readonly declaredOrigin?: Name;
  /** Every file read, the first and those it included. */
  readonly files: readonly string[];
}

/** The TTL of a record that gives none when neither $TTL nor an earlier TTL does (Knot's default). */
const FALLBACK_TTL = 3600;
const MAX_INCLUDE_DEPTH = 8;

/** One entry: a line, or the lines a pair of parentheses joins, with comments and newlines blanked. */
interface Entry {
  /** The entry's text, as long as its source: comments and line breaks inside parentheses are spaces. */
  readonly text: string;
  /** Offset of the entry in the file. */
  readonly start: number;
  /** Offset of a ';' right after an unquoted field, when there is one. */
  readonly cut?: number;
}

/** Splits a file into entries; a problem (unbalanced parentheses, an unclosed quote) as an offset and message. */
function entries(text: string): { entries: Entry[]; problems: { offset: number; message: string }[] } {
  const out: Entry[] = [];
  const problems: { offset: number; message: string }[] = [];
  let clean = '';
  let start = 0;
  let depth = 0;
  let openedAt = -1;
  let quoteAt = -1;
  let cut: number | undefined;
  const finish = (end: number): void => {
    if (clean.trim() !== '') out.push(cut === undefined ? { text: clean, start } : { text: clean, start, cut });
    clean = '';
    start = end + 1;
    cut = undefined;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoteAt >= 0) {
      if (c === '\\' && i + 1 < text.length && text[i + 1] !== '\n') {
        clean += c + text[i + 1];
        i++;
      } else if (c === '\n') {
        // The entry ends here (tokenize reports the open quote); so does a '(' it was in.
        if (depth > 0) problems.push({ offset: openedAt, message: "'(' is not closed: add the missing ')'" });
        quoteAt = -1;
        depth = 0;
        clean += ' ';
        finish(i);
      } else {
        if (c === '"') quoteAt = -1;
        clean += c;
      }
      continue;
    }
    if (c === '\\' && i + 1 < text.length && text[i + 1] !== '\n') {
      clean += c + text[i + 1];
      i++;
    } else if (c === '"') {
      quoteAt = i;
      clean += c;
    } else if (c === ';') {
      const before = text[i - 1];
      if (before !== undefined && !/[\s()"]/.test(before)) cut = i;
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
      clean += ' '.repeat(i - (start + clean.length) + 1);
    } else if (c === '(') {
      if (depth === 0) openedAt = i;
      depth++;
      clean += ' ';
    } else if (c === ')') {
      if (depth === 0) problems.push({ offset: i, message: "')' without an '(' before it" });
      else depth--;
      clean += ' ';
    } else if (c === '\n') {
      if (depth > 0) clean += ' ';
      else finish(i);
    } else if (c === '\r') {
      clean += ' ';
    } else {
      clean += c;
    }
  }
  if (quoteAt >= 0) problems.push({ offset: quoteAt, message: 'quoted string is not closed: add the missing "' });
  if (depth > 0) problems.push({ offset: openedAt, message: "'(' is not closed: add the missing ')'" });
  else finish(text.length);
  return { entries: out, problems };
}

/** Offsets → line and column, for one file's text. */
class Lines {
  private readonly starts: number[] = [0];
  constructor(
    readonly file: string,
    text: string,
  ) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  at(offset: number): FilePlace {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file: this.file, line: lo + 1, col: offset - this.starts[lo]! + 1 };
  }
}

/** Reads a zone file; every problem is reported with its place, and reading goes on after it. */
export function parseMasterFile(text: string, options: MasterFileOptions): MasterFile {
  const state: State = {
    records: [],
    problems: [],
    files: [options.file],
    defaultTtl: undefined,
    lastTtl: undefined,
    warnedTtl: false,
    sawRecord: false,
    declaredOrigin: undefined,
  };
  readFile(text, options.file, options.origin, options, state, [options.file]);
  return state.declaredOrigin
    ? { records: state.records, problems: state.problems, declaredOrigin: state.declaredOrigin, files: state.files }
    : { records: state.records, problems: state.problems, files: state.files };
}

interface State {
  records: MasterRecord[];
  problems: MasterProblem[];
  files: string[];
  /** $TTL. */
  defaultTtl: number | undefined;
  /** The last TTL a record gave (RFC 1035 §5.1: used when neither the record nor $TTL gives one). */
  lastTtl: number | undefined;
  warnedTtl: boolean;
  sawRecord: boolean;
  declaredOrigin: Name | undefined;
}

function readFile(text: string, file: string, startOrigin: Name, options: MasterFileOptions, state: State, stack: readonly string[]): void {
  const lines = new Lines(file, text);
  const problem = (offset: number, message: string, severity: 'error' | 'warning' = 'error'): void => {
    state.problems.push({ ...lines.at(offset), severity, message });
  };
  const split = entries(text);
  for (const p of split.problems) problem(p.offset, p.message);
  const resolve = options.resolve ?? parseName;
  let origin = startOrigin;
  let owner: Name | undefined;
  for (const entry of split.entries) {
    const toks = tokenize(entry.text);
    if (isParseError(toks)) {
      problem(entry.start + toks.col, toks.error);
      continue;
    }
    if (toks.length === 0) continue;
    const first = toks[0]!;
    const at = (col: number): number => entry.start + col;
    const blankOwner = /^[ \t]/.test(entry.text);
    if (!blankOwner && first.text.startsWith('$')) {
      const directive = first.text.toUpperCase();
      const args = toks.slice(1);
      if (directive === '$ORIGIN') {
        const n = args[0] && resolve(args[0].text, origin);
        if (!args[0] || args.length > 1) problem(at(first.col), '$ORIGIN takes one name, e.g. $ORIGIN example.com.');
        else if (isNameError(n!)) problem(at(args[0].col), `$ORIGIN: ${n.error}`);
        else {
          if (!args[0].text.endsWith('.')) problem(at(args[0].col), `$ORIGIN ${args[0].text} is relative, read as ${nameToText(n!)}: end it with '.' to say so`, 'warning');
          origin = n!;
          if (!state.sawRecord && stack.length === 1 && !state.declaredOrigin) state.declaredOrigin = origin;
        }
      } else if (directive === '$TTL') {
        const ttl = args[0] && parseTtl(args[0].text);
        if (!args[0] || args.length > 1) problem(at(first.col), '$TTL takes one TTL, e.g. $TTL 1h');
        else if (typeof ttl !== 'number') problem(at(args[0].col), `$TTL: ${ttl!.error}`);
        else state.defaultTtl = ttl;
      } else if (directive === '$INCLUDE') {
        include(args, first.col, at);
      } else if (directive === '$GENERATE') {
        problem(at(first.col), '$GENERATE is not read here: write the records it would make (BIND prints them with named-compilezone)');
      } else {
        problem(at(first.col), `unknown directive ${first.text}: the directives are $ORIGIN, $TTL and $INCLUDE`);
      }
      continue;
    }
    let fields = toks;
    if (blankOwner) {
      if (!owner) {
        problem(at(first.col), 'this record leaves out its owner, but no record before it gives one: write the owner first');
        continue;
      }
    } else {
      const n = resolve(first.text, origin);
      if (isNameError(n)) {
        problem(at(first.col), `owner: ${n.error}`);
        owner = undefined;
        continue;
      }
      owner = n;
      fields = toks.slice(1);
    }
    const namesAt: number[] = [];
    const watching: NameResolver = (t, o) => {
      const tok = fields.find((f) => f.text === t && !namesAt.includes(f.col));
      if (tok) namesAt.push(tok.col);
      return resolve(t, o);
    };
    const parsed = parseRecordFields(fields, owner, origin, watching, entry.text.trimEnd().length);
    if (isParseError(parsed)) {
      problem(at(parsed.col), parsed.error);
      continue;
    }
    let ttl = parsed.ttl;
    if (ttl !== undefined) state.lastTtl = ttl;
    else ttl = state.defaultTtl ?? state.lastTtl;
    if (ttl === undefined) {
      // RFC 1035 would take the SOA's MINIMUM from older practice; Knot takes 3600: say which.
      ttl = FALLBACK_TTL;
      if (!state.warnedTtl) problem(at(first.col), `no TTL here and no $TTL before: ${FALLBACK_TTL} is used; put $TTL at the top of the file`, 'warning');
      state.warnedTtl = true;
    }
    state.sawRecord = true;
    const record: MasterRecord = {
      rr: { ...parsed.rr, ttl },
      at: lines.at(at(first.col)),
      namesAt: namesAt.map((c) => lines.at(at(c))),
      ...(entry.cut !== undefined && parsed.rr.type === RRType.TXT ? { cutByComment: lines.at(entry.cut) } : {}),
    };
    state.records.push(record);
  }

  function include(args: readonly { text: string; col: number }[], col: number, at: (col: number) => number): void {
    if (!options.include) return problem(at(col), '$INCLUDE is read only in a zones directory');
    if (args.length === 0 || args.length > 2) return problem(at(col), '$INCLUDE takes a file name and, optionally, the origin for it');
    if (stack.length > MAX_INCLUDE_DEPTH) return problem(at(col), `$INCLUDE nests deeper than ${MAX_INCLUDE_DEPTH} files`);
    let includeOrigin = origin;
    if (args[1]) {
      const n = resolve(args[1].text, origin);
      if (isNameError(n)) return problem(at(args[1].col), `$INCLUDE origin: ${n.error}`);
      includeOrigin = n;
    }
    const read = options.include(args[0]!.text, file);
    if ('error' in read) return problem(at(args[0]!.col), `$INCLUDE ${args[0]!.text}: ${read.error}`);
    if (stack.includes(read.file)) return problem(at(args[0]!.col), `$INCLUDE ${args[0]!.text}: ${read.file} includes itself, through ${stack.join(' → ')}`);
    if (!state.files.includes(read.file)) state.files.push(read.file);
    // RFC 1035 §5.1: the included file's origin does not change the origin of this file.
    readFile(read.text, read.file, includeOrigin, options, state, [...stack, read.file]);
  }
}
