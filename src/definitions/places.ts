// Where each record of a zone was written, kept compact. A build checks every zone against the
// others and needs these places for its messages; the server's parse cache keeps them for every
// zone of every file between reloads. As one At object per record and per target (about 60 bytes
// each, with a path string of its own) they came to 3 KB per zone; here they are numbers in one
// typed array and path strings shared within a load (Shared.path).

import type { At } from './diagnostics.js';

/** What a place list is made from: a record's place, and its target's when written apart. */
export interface Placed {
  readonly at: At;
  readonly targetAt?: At;
}

const FIELDS = 4; // line, col, target line, target col
const NONE = -1;

export class Places {
  readonly #file: string;
  /** Set only when some record is written in another file than the first (never, today). */
  readonly #files: readonly string[] | undefined;
  readonly #numbers: Int32Array;
  /** Per record: its path, then its target's path. */
  readonly #paths: readonly string[];

  constructor(placed: readonly Placed[], intern: (path: string) => string) {
    const file = placed[0]?.at.file ?? '';
    const numbers = new Int32Array(placed.length * FIELDS);
    const paths: string[] = [];
    placed.forEach((p, i) => {
      // A record and its target are written in one definition, so in one file.
      if (p.targetAt && p.targetAt.file !== p.at.file) throw new Error('bug: a record and its target in different files');
      numbers[i * FIELDS] = p.at.line;
      numbers[i * FIELDS + 1] = p.at.col;
      numbers[i * FIELDS + 2] = p.targetAt ? p.targetAt.line : NONE;
      numbers[i * FIELDS + 3] = p.targetAt ? p.targetAt.col : NONE;
      paths.push(intern(p.at.path), p.targetAt ? intern(p.targetAt.path) : '');
    });
    this.#file = file;
    this.#files = placed.some((p) => p.at.file !== file) ? placed.map((p) => p.at.file) : undefined;
    this.#numbers = numbers;
    this.#paths = paths;
  }

  get length(): number {
    return this.#numbers.length / FIELDS;
  }

  /** Where record `i` is written. */
  at(i: number): At {
    return { file: this.#fileOf(i), line: this.#numbers[i * FIELDS]!, col: this.#numbers[i * FIELDS + 1]!, path: this.#paths[i * 2]! };
  }

  /** Where record `i`'s target is written, when apart from the record. */
  targetAt(i: number): At | undefined {
    const line = this.#numbers[i * FIELDS + 2]!;
    if (line === NONE) return undefined;
    return { file: this.#fileOf(i), line, col: this.#numbers[i * FIELDS + 3]!, path: this.#paths[i * 2 + 1]! };
  }

  #fileOf(i: number): string {
    return this.#files ? this.#files[i]! : this.#file;
  }
}
