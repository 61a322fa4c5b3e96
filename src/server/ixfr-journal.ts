// The IXFR history on disk, so that a restart keeps it: `<state>/journal/ixfr`, JSON lines a
// person can read, appended after each reload and rewritten whole (temporary file, rename) when
// most of it is history no longer kept:
//   {"body":"3f9a…","text":"-\\000.\t0\tIN\tSOA\t…\n+…"}   a difference, relative to the zone, once
//   {"zone":"example.com.","from":1,"to":2,"body":"3f9a…"}   a zone's step from one serial to the next
//   {"forget":"example.com."}                                  the zone's steps so far no longer apply
// The one place that knows where and how the history is stored (the state directory's layout is
// the state module's; this module only needs the directory).

import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { isNameError, parseName } from '../dns/name.js';
import { parseRecordLine } from '../dns/presentation.js';
import type { ResourceRecord } from '../dns/records.js';
import { isParseError } from '../dns/rdata/index.js';
import { RRType } from '../dns/types.js';
import { IxfrHistory, makeBody, RELATIVE_ORIGIN, type Body, type Entry, type HistoryJournal } from './ixfr-history.js';

const hashOf = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** A body from its journal text, or undefined when a line does not read back (the journal is then ignored for it). */
function bodyFromText(text: string): Body | undefined {
  const removed: ResourceRecord[] = [];
  const added: ResourceRecord[] = [];
  let fromSoa: ResourceRecord | undefined;
  let toSoa: ResourceRecord | undefined;
  for (const line of text.split('\n')) {
    const rr = parseRecordLine(line.slice(1), RELATIVE_ORIGIN, 0);
    if (isParseError(rr)) return undefined;
    const soa = rr.type === RRType.SOA && rr.owner.key === RELATIVE_ORIGIN.key;
    if (line[0] === '-') {
      if (soa && !fromSoa) fromSoa = rr;
      else removed.push(rr);
    } else if (line[0] === '+') {
      if (soa && !toSoa) toSoa = rr;
      else added.push(rr);
    } else return undefined;
  }
  return fromSoa && toSoa ? makeBody(fromSoa, toSoa, removed, added) : undefined;
}

export class IxfrJournal implements HistoryJournal {
  readonly file: string;
  readonly #written = new Set<string>();
  #pending: string[] = [];
  #failed = false;

  constructor(
    readonly dir: string,
    private readonly log: Logger,
  ) {
    this.file = path.join(dir, 'journal', 'ixfr');
  }

  append(zone: string, entry: Entry): void {
    const hash = hashOf(entry.body.text);
    if (!this.#written.has(hash)) {
      this.#written.add(hash);
      this.#pending.push(JSON.stringify({ body: hash, text: entry.body.text }));
    }
    this.#pending.push(JSON.stringify({ zone, from: entry.from, to: entry.to, body: hash }));
  }

  forget(zone: string): void {
    this.#pending.push(JSON.stringify({ forget: zone }));
  }

  /** Writes what was appended since the last flush, in one write. */
  flush(): void {
    if (this.#pending.length === 0 || this.#failed) return;
    const text = this.#pending.join('\n') + '\n';
    this.#pending = [];
    try {
      mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
      appendFileSync(this.file, text, { mode: 0o600 });
    } catch (e) {
      // The server runs on without it: IXFR after a restart is then answered in full.
      this.#failed = true;
      this.log.warn({ file: this.file, err: (e as Error).message }, 'cannot write the IXFR journal; the history will not survive a restart');
    }
  }

  /**
   * Reads the journal into `history` (its last `depth` steps per zone), and rewrites it when it
   * holds more than twice what is kept. Problems are logged; a journal that cannot be read is
   * an empty history.
   */
  load(history: IxfrHistory): void {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.log.warn({ file: this.file, err: (e as Error).message }, 'cannot read the IXFR journal; starting without history');
      return;
    }
    const bodies = new Map<string, Body>();
    const zones = new Map<string, Entry[]>();
    let lines = 0;
    let bad = 0;
    for (const line of text.split('\n')) {
      if (line === '') continue;
      lines++;
      let o: { body?: string; text?: string; zone?: string; from?: number; to?: number; forget?: string };
      try {
        o = JSON.parse(line) as typeof o;
      } catch {
        bad++;
        continue;
      }
      if (typeof o.forget === 'string') zones.delete(o.forget);
      else if (typeof o.text === 'string' && typeof o.body === 'string') {
        const body = bodyFromText(o.text);
        if (body) bodies.set(o.body, body);
        else bad++;
      } else if (typeof o.zone === 'string' && typeof o.body === 'string' && Number.isInteger(o.from) && Number.isInteger(o.to)) {
        const body = bodies.get(o.body);
        if (!body) {
          bad++;
          continue;
        }
        let list = zones.get(o.zone);
        if (!list) zones.set(o.zone, (list = []));
        // Only a chain is useful: a step that does not follow the last starts the zone's list again.
        if (list.length && list[list.length - 1]!.to !== o.from) list.length = 0;
        list.push({ from: o.from!, to: o.to!, body });
        if (list.length > history.depth) list.shift();
      } else bad++;
    }
    let kept = 0;
    for (const [zone, list] of zones) {
      const origin = parseName(zone);
      if (isNameError(origin)) continue;
      for (const e of list) history.restore(origin, e);
      kept += list.length;
    }
    if (bad) this.log.warn({ file: this.file, lines: bad }, 'IXFR journal: lines that could not be read were skipped');
    if (lines > 2 * (kept + history.bodies) + 100) this.rewrite(history);
    else for (const hash of bodies.keys()) this.#written.add(hash);
    this.log.debug({ zones: zones.size, steps: kept, bodies: history.bodies }, 'IXFR history read from the journal');
  }

  /** Writes the history held now as the whole journal (temporary file, then rename). */
  rewrite(history: IxfrHistory): void {
    const out: string[] = [];
    this.#written.clear();
    for (const [, list] of history.entries()) {
      for (const e of list) {
        const hash = hashOf(e.body.text);
        if (!this.#written.has(hash)) {
          this.#written.add(hash);
          out.push(JSON.stringify({ body: hash, text: e.body.text }));
        }
      }
    }
    for (const [key, list] of history.entries()) for (const e of list) out.push(JSON.stringify({ zone: history.zoneOf(key), from: e.from, to: e.to, body: hashOf(e.body.text) }));
    try {
      mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
      const temp = `${this.file}.tmp-${process.pid}`;
      writeFileSync(temp, out.length ? out.join('\n') + '\n' : '', { mode: 0o600 });
      renameSync(temp, this.file);
    } catch (e) {
      this.log.warn({ file: this.file, err: (e as Error).message }, 'cannot rewrite the IXFR journal');
    }
  }
}
