// Typed reads from YAML nodes: every wrong shape becomes a diagnostic at the node, never a throw.

import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { parseTtl } from '../dns/ttl.js';
import { error, nearest, warning, type At, type Diagnostic } from './diagnostics.js';
import type { Source } from './source.js';
import type { Written } from './schema.js';

/** A YAML node as the reader sees it: aliases already resolved, null for a missing value. */
export type YNode = Scalar | YAMLMap | YAMLSeq;

export interface Entry {
  readonly key: string;
  readonly keyAt: At;
  readonly node: YNode | null;
  readonly path: string;
  /** Where the value is; the key's place when the value is missing. */
  readonly at: At;
}

export interface Item {
  readonly node: YNode | null;
  readonly path: string;
  readonly at: At;
}

/** `hosts.mail`, `hosts['mail.example.net']`, `services.imaps[1]`. */
export function childPath(path: string, key: string): string {
  const part = /^[A-Za-z0-9_@*-]+$/.test(key) ? key : `['${key}']`;
  if (!path) return part.startsWith('[') ? part.slice(2, -2) : part;
  return intern(part.startsWith('[') ? path + part : `${path}.${part}`);
}

/**
 * One copy of each key path and each value kept: definitions are kept between reloads (one per
 * file), and the same paths (`services.imaps[1]`) and values (`mail`, an address, a record
 * line) recur in file after file. A value is copied out of the file's text first: a slice of it
 * would keep the whole text alive. Bounded: a cache, not a registry.
 */
const kept = new Map<string, string>();

function intern(s: string): string {
  const known = kept.get(s);
  if (known !== undefined) return known;
  // A fresh string of its own (JSON keeps every UTF-16 unit, lone surrogates included).
  const own = s.length >= 13 ? (JSON.parse(JSON.stringify(s)) as string) : s;
  if (kept.size >= 20_000) kept.clear();
  kept.set(own, own);
  return own;
}

function describe(node: YNode | null): string {
  if (node === null || (isScalar(node) && node.value === null)) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  const v = node.value;
  return typeof v === 'string' ? `'${v}'` : String(v);
}

export class FieldReader {
  constructor(
    readonly src: Source,
    /** The document aliases resolve in; none for text read by simple-yaml.ts, which has none. */
    private readonly doc: Document | undefined,
    readonly diagnostics: Diagnostic[],
  ) {}

  error(at: At, message: string): void {
    this.diagnostics.push(error(at, message));
  }

  warning(at: At, message: string): void {
    this.diagnostics.push(warning(at, message));
  }

  /** Resolves `*alias` references; anything that is not a node reads as missing. */
  deref(node: unknown): YNode | null {
    const n = isAlias(node) && this.doc ? node.resolve(this.doc) : node;
    return isScalar(n) || isMap(n) || isSeq(n) ? n : null;
  }

  isMissing(node: YNode | null): boolean {
    return node === null || (isScalar(node) && node.value === null);
  }

  /**
   * The entries of a mapping. With `known`, any other key is an error that names the nearest
   * known key. `what` says what the mapping is for, in the message when it is not one.
   */
  entries(node: YNode | null, at: At, what: string, known?: readonly string[]): Entry[] | undefined {
    if (!isMap(node)) {
      this.error(at, `expected ${what}, found ${describe(node)}`);
      return undefined;
    }
    const out: Entry[] = [];
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = this.deref(pair.key);
      const keyAt = this.src.at(keyNode, at.path, at);
      if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
        this.error(keyAt, `a key here must be a plain word, found ${describe(keyNode)}`);
        continue;
      }
      const key = intern(String(keyNode.value));
      const path = childPath(at.path, key);
      if (known && !known.includes(key)) {
        const near = nearest(key, known);
        this.error(
          { ...keyAt, path },
          near ? `unknown key '${key}': did you mean '${near}'?` : `unknown key '${key}': the keys here are ${known.join(', ')}`,
        );
        continue;
      }
      const value = this.deref(pair.value);
      const keyed = { ...keyAt, path };
      out.push({ key, keyAt: keyed, node: value, path, at: this.src.at(value, path, keyed) });
    }
    return out;
  }

  /** The items of a list; a single value reads as a list of one. */
  items(node: YNode | null, at: At): Item[] {
    if (!isSeq(node)) return [{ node, path: at.path, at }];
    return node.items.map((raw, i) => {
      const n = this.deref(raw);
      const path = i < 16 ? intern(`${at.path}[${i}]`) : `${at.path}[${i}]`;
      return { node: n, path, at: this.src.at(n, path, { ...at, path }) };
    });
  }

  /** A text scalar; `kept` when the definition holds on to the text (so one copy is shared). */
  text(node: YNode | null, at: At, what: string, kept = true): Written | undefined {
    if (isScalar(node) && typeof node.value === 'string' && node.value !== '') return { text: kept ? intern(node.value) : node.value, at };
    this.error(at, `expected ${what}, found ${describe(node)}`);
    return undefined;
  }

  /** A whole number in [min, max]; `hint` names the unit in the message (" of seconds"). */
  integer(node: YNode | null, at: At, min: number, max: number, hint = ''): number | undefined {
    if (isScalar(node) && typeof node.value === 'number' && Number.isInteger(node.value) && node.value >= min && node.value <= max) {
      return node.value;
    }
    const shown = node && !this.isMissing(node) ? this.src.written(node) : 'nothing';
    this.error(at, `must be a whole number${hint} from ${min} to ${max}, not ${shown}`);
    return undefined;
  }

  /** A TTL or timer: whole seconds, or with units as zone files write them (`1h`, `1h30m`, `2d`). */
  ttl(node: YNode | null, at: At, max: number): number | undefined {
    if (isScalar(node) && typeof node.value === 'number' && Number.isInteger(node.value) && node.value >= 0 && node.value <= max) return node.value;
    if (isScalar(node) && typeof node.value === 'string') {
      const seconds = parseTtl(node.value, max);
      if (typeof seconds === 'number') return seconds;
      this.error(at, seconds.error);
      return undefined;
    }
    const shown = node && !this.isMissing(node) ? this.src.written(node) : 'nothing';
    this.error(at, `must be a TTL from 0 to ${max} seconds (or with units: 1h, 1h30m, 2d), not ${shown}`);
    return undefined;
  }
}
