// Source positions: YAML character offsets → 1-based line and column, including columns inside a
// quoted scalar's value (so a `records:` line's error lands on the right character).

import { Scalar, type LineCounter } from 'yaml';
import type { At } from './diagnostics.js';

export class Source {
  constructor(
    readonly file: string,
    readonly text: string,
    private readonly lines: LineCounter,
  ) {}

  atOffset(offset: number, path: string): At {
    const p = this.lines.linePos(Math.max(0, Math.min(offset, this.text.length)));
    return { file: this.file, line: p.line, col: p.col, path };
  }

  /** Where a node starts; `fallback` (usually its key) for a node without a range (a missing value). */
  at(node: { range?: readonly number[] | null } | null | undefined, path: string, fallback?: At): At {
    const start = node?.range?.[0];
    if (start === undefined || (fallback && node?.range?.[0] === node?.range?.[1])) {
      return fallback ? { ...fallback, path } : this.atOffset(0, path);
    }
    return this.atOffset(start, path);
  }

  /** The node's text exactly as written in the file. */
  written(node: { range?: readonly number[] | null }): string {
    const r = node.range;
    return r ? this.text.slice(r[0], r[1]) : '';
  }

  /**
   * Where character `index` of a scalar's value is in the file. Exact for single-line plain and
   * quoted scalars; block and multi-line scalars fold lines, so those point at the scalar.
   */
  inScalar(node: Pick<Scalar, 'range' | 'type'>, index: number, path: string): At {
    const r = node.range;
    if (!r) return this.atOffset(0, path);
    const raw = this.text.slice(r[0], r[1]);
    if (raw.includes('\n')) return this.atOffset(r[0], path);
    switch (node.type) {
      case Scalar.PLAIN:
        return this.atOffset(r[0] + index, path);
      case Scalar.QUOTE_SINGLE:
        return this.atOffset(r[0] + 1 + sourceIndex(raw.slice(1), index, singleQuotedWidth), path);
      case Scalar.QUOTE_DOUBLE:
        return this.atOffset(r[0] + 1 + sourceIndex(raw.slice(1), index, doubleQuotedWidth), path);
      default:
        return this.atOffset(r[0], path);
    }
  }
}

/**
 * `inScalar` for one scalar, as a function that keeps only a few numbers: a definition keeps
 * one for each `records:` line between reloads, and the file's text need not stay for them.
 * A single-line scalar without escapes maps value index i to column start + i (+1 past a
 * quote); anything else keeps the Source and asks it.
 */
export function scalarColumns(src: Source, node: Pick<Scalar, 'range' | 'type'>, path: string): (index: number) => At {
  const r = node.range;
  if (r) {
    const raw = src.text.slice(r[0], r[1]);
    const escapes = (node.type === Scalar.QUOTE_SINGLE && raw.slice(1, -1).includes("'")) || (node.type === Scalar.QUOTE_DOUBLE && raw.includes('\\'));
    const simple = node.type === Scalar.PLAIN || node.type === Scalar.QUOTE_SINGLE || node.type === Scalar.QUOTE_DOUBLE;
    if (!raw.includes('\n') && simple && !escapes) {
      const { file, line, col } = src.atOffset(r[0], path);
      const first = node.type === Scalar.PLAIN ? col : col + 1;
      const last = node.type === Scalar.PLAIN ? Infinity : col + raw.length;
      return straightColumns(file, line, first, last, path);
    }
  }
  const scalar = { range: r, type: node.type };
  return (index) => src.inScalar(scalar, index, path);
}

/**
 * Made in a function of its own: V8 gives all closures of one function a shared context, so a
 * closure made beside the one above would keep `src` (the file's text and line table) alive too.
 */
function straightColumns(file: string, line: number, first: number, last: number, path: string): (index: number) => At {
  return (index) => ({ file, line, col: Math.min(first + index, last), path });
}

/** Source characters that produce the value character at `raw[i]`. */
type Width = (raw: string, i: number) => number;

const singleQuotedWidth: Width = (raw, i) => (raw[i] === "'" && raw[i + 1] === "'" ? 2 : 1);

const doubleQuotedWidth: Width = (raw, i) => {
  if (raw[i] !== '\\') return 1;
  const widths: Record<string, number> = { x: 4, u: 6, U: 10 };
  return widths[raw[i + 1] ?? ''] ?? 2;
};

function sourceIndex(raw: string, valueIndex: number, width: Width): number {
  let at = 0;
  for (let produced = 0; produced < valueIndex && at < raw.length; produced++) at += width(raw, at);
  return at;
}
