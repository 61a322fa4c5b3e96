// The records of a zone checked on its own, and where each is written, as a build keeps them
// between reloads (every build checks every zone against the others and words its messages
// with these places). Held as columns, not objects: as objects they came to 3.5 KB per zone, a
// second copy of what the served Zone holds. A ResourceRecord or an At is made when asked for.

import type { Name } from '../dns/name.js';
import type { RData, ResourceRecord } from '../dns/records.js';
import type { At } from './diagnostics.js';

/** What the store is made from: a record, where it is written, and its target's place if apart. */
export interface Placed {
  readonly rr: ResourceRecord;
  readonly at: At;
  readonly targetAt?: At;
}

// Per record: type, TTL (at most 2^31 - 1, RFC 2181 §8), line, column, target line, target column.
const FIELDS = 6;
const NONE = -1;

export class StoredRecords {
  readonly #owners: readonly Name[];
  readonly #rdatas: readonly RData[];
  readonly #numbers: Int32Array;
  /** Per record: its key path, then its target's ('' when none). */
  readonly #paths: readonly string[];
  readonly #file: string;
  /** Set only when a record is written in another file than the first (never, today). */
  readonly #files: readonly string[] | undefined;

  constructor(placed: readonly Placed[], intern: (path: string) => string) {
    const file = placed[0]?.at.file ?? '';
    const numbers = new Int32Array(placed.length * FIELDS);
    // Sized once: an array grown by push keeps up to half again as much room, here for good.
    const paths = new Array<string>(placed.length * 2);
    placed.forEach(({ rr, at, targetAt }, i) => {
      // A record and its target are written in one definition, so in one file.
      if (targetAt && targetAt.file !== at.file) throw new Error('bug: a record and its target in different files');
      numbers.set([rr.type, rr.ttl, at.line, at.col, targetAt ? targetAt.line : NONE, targetAt ? targetAt.col : NONE], i * FIELDS);
      paths[i * 2] = intern(at.path);
      paths[i * 2 + 1] = targetAt ? intern(targetAt.path) : '';
    });
    this.#owners = placed.map((p) => p.rr.owner);
    this.#rdatas = placed.map((p) => p.rr.rdata);
    this.#numbers = numbers;
    this.#paths = paths;
    this.#file = file;
    this.#files = placed.some((p) => p.at.file !== file) ? placed.map((p) => p.at.file) : undefined;
  }

  get length(): number {
    return this.#owners.length;
  }

  /** Record `i`, as a new object. */
  record(i: number): ResourceRecord {
    const n = this.#numbers;
    return { owner: this.#owners[i]!, type: n[i * FIELDS]!, ttl: n[i * FIELDS + 1]!, rdata: this.#rdatas[i]! };
  }

  /** Every record, in the order given, as new objects. */
  toArray(): ResourceRecord[] {
    return this.#owners.map((_, i) => this.record(i));
  }

  /** Where record `i` is written. */
  at(i: number): At {
    const n = this.#numbers;
    return { file: this.#fileOf(i), line: n[i * FIELDS + 2]!, col: n[i * FIELDS + 3]!, path: this.#paths[i * 2]! };
  }

  /** Where record `i`'s target is written, when apart from the record. */
  targetAt(i: number): At | undefined {
    const n = this.#numbers;
    const line = n[i * FIELDS + 4]!;
    if (line === NONE) return undefined;
    return { file: this.#fileOf(i), line, col: n[i * FIELDS + 5]!, path: this.#paths[i * 2 + 1]! };
  }

  #fileOf(i: number): string {
    return this.#files ? this.#files[i]! : this.#file;
  }
}
