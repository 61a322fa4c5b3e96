// The differences between the last versions of each zone (RFC 1995 §4), for IXFR. A
// difference is kept with its names relative to the zone, so the same change made to the 100,000
// zones of one `zones:` file is held (and written to the journal) once; each zone keeps only its
// list of (from serial, to serial, difference). Written to the state directory's journal
// (ixfr-journal.ts), so that a restart keeps the history.

import { nameToText, wireText, isAtOrBelow, joinName, name, type Name } from '../dns/name.js';
import { formatRecord } from '../dns/presentation.js';
import { rdataNames, rdataWithNames } from '../dns/rdata/index.js';
import type { ResourceRecord, RRset } from '../dns/records.js';
import { RRType } from '../dns/types.js';
import type { Zone } from '../dns/zone.js';

/**
 * The stand-in origin of relative records: one label holding a zero byte, which no zone data
 * uses, and short (3 bytes), so a name rebased onto it never grows past 255 bytes.
 */
export const RELATIVE_ORIGIN: Name = name('\\000.');

/** `n` with `from` (a suffix of it) replaced by `to`; names outside `from` stay as they are. */
export function rebase(n: Name, from: Name, to: Name): Name {
  if (!isAtOrBelow(n, from)) return n;
  const headLength = n.key.length - from.key.length;
  return joinName(wireText(n).slice(0, headLength), n.key.slice(0, headLength), n.labelCount - from.labelCount, to);
}

export function rebaseRecord(rr: ResourceRecord, from: Name, to: Name): ResourceRecord {
  const names = rdataNames(rr.rdata);
  const rdata = names.length ? rdataWithNames(rr.rdata, names.map((n) => rebase(n, from, to))) : rr.rdata;
  return { owner: rebase(rr.owner, from, to), type: rr.type, ttl: rr.ttl, rdata };
}

/** One difference, relative to the zone, SOA serials left out (they are the entry's). */
export interface Body {
  readonly fromSoa: ResourceRecord;
  readonly toSoa: ResourceRecord;
  readonly removed: readonly ResourceRecord[];
  readonly added: readonly ResourceRecord[];
  /** Its identity, and what the journal writes: one record per line, relative to RELATIVE_ORIGIN. */
  readonly text: string;
}

export interface Entry {
  readonly from: number;
  readonly to: number;
  readonly body: Body;
}

/** A difference as an IXFR answer carries it (RFC 1995 §4). */
export interface Difference {
  readonly fromSoa: RRset;
  readonly toSoa: RRset;
  readonly removed: readonly RRset[];
  readonly added: readonly RRset[];
}

function withSerial(soa: ResourceRecord, serial: number): ResourceRecord {
  return soa.rdata.kind === 'SOA' ? { ...soa, rdata: { ...soa.rdata, serial } } : soa;
}

const single = (rr: ResourceRecord): RRset => ({ owner: rr.owner, type: rr.type, ttl: rr.ttl, rdatas: [rr.rdata] });

/** The body from its parts (relative records): its text made here. */
export function makeBody(fromSoa: ResourceRecord, toSoa: ResourceRecord, removed: ResourceRecord[], added: ResourceRecord[]): Body {
  const lines = ['-' + formatRecord(fromSoa), ...removed.map((r) => '-' + formatRecord(r)), '+' + formatRecord(toSoa), ...added.map((r) => '+' + formatRecord(r))];
  return Object.freeze({ fromSoa, toSoa, removed, added, text: lines.join('\n') });
}

/** What changed from `before` to `after` (records of one zone at `origin`), relative; undefined when nothing did. */
export function difference(origin: Name, before: readonly ResourceRecord[], after: readonly ResourceRecord[]): Body | undefined {
  const relative = (records: readonly ResourceRecord[]): { soa: ResourceRecord | undefined; rest: Map<string, ResourceRecord> } => {
    let soa: ResourceRecord | undefined;
    const rest = new Map<string, ResourceRecord>();
    for (const rr of records) {
      const rel = rebaseRecord(rr, origin, RELATIVE_ORIGIN);
      if (rr.type === RRType.SOA && rr.owner.key === origin.key) soa = withSerial(rel, 0);
      else rest.set(formatRecord(rel).toLowerCase(), rel);
    }
    return { soa, rest };
  };
  const a = relative(before);
  const b = relative(after);
  if (!a.soa || !b.soa) return undefined;
  const removed = [...a.rest].filter(([k]) => !b.rest.has(k)).map(([, r]) => r);
  const added = [...b.rest].filter(([k]) => !a.rest.has(k)).map(([, r]) => r);
  return makeBody(a.soa, b.soa, removed, added);
}

export interface HistoryJournal {
  /** An entry added to a zone's list (its body written first when new to the journal). */
  append(zone: string, entry: Entry): void;
  /** A zone's list emptied (the zone is gone, or its history no longer leads to its serial). */
  forget(zone: string): void;
}

export class IxfrHistory {
  readonly #zones = new Map<string, Entry[]>();
  /** Each zone's name as the journal writes it, by origin key. */
  readonly #names = new Map<string, string>();
  /** Bodies by text, each with how many entries hold it: one object per distinct change. */
  readonly #bodies = new Map<string, { body: Body; refs: number }>();

  /** `depth`: entries kept per zone (the configuration's transfer.history). */
  constructor(
    readonly depth: number,
    private readonly journal?: HistoryJournal,
  ) {}

  /** The one object for a body with this text. */
  intern(body: Body): Body {
    const known = this.#bodies.get(body.text);
    return known ? known.body : body;
  }

  /** Adds an entry to a zone's list (no journal write: for reading the journal back). */
  restore(origin: Name, entry: Entry): void {
    this.#push(origin, { ...entry, body: this.intern(entry.body) });
  }

  /** The zone's name as the journal writes it. */
  zoneOf(key: string): string {
    return this.#names.get(key) ?? '';
  }

  /**
   * After the first load: a zone's history is kept only if it leads to the serial served now
   * (a zone changed while the server was down has no record of how). Returns how many were dropped.
   */
  validate(zones: ReadonlyMap<string, Zone>): number {
    let dropped = 0;
    for (const [key, list] of [...this.#zones]) {
      const zone = zones.get(key);
      if (zone && list[list.length - 1]?.to === zone.serial) continue;
      for (const e of list) this.#release(e);
      this.#zones.delete(key);
      this.#names.delete(key);
      dropped++;
    }
    return dropped;
  }

  #push(origin: Name, entry: Entry): void {
    const zoneKey = origin.key;
    if (!this.#names.has(zoneKey)) this.#names.set(zoneKey, zoneText(origin));
    let list = this.#zones.get(zoneKey);
    if (!list) this.#zones.set(zoneKey, (list = []));
    list.push(entry);
    const held = this.#bodies.get(entry.body.text);
    if (held) held.refs++;
    else this.#bodies.set(entry.body.text, { body: entry.body, refs: 1 });
    while (list.length > this.depth) this.#release(list.shift()!);
  }

  #release(entry: Entry): void {
    const held = this.#bodies.get(entry.body.text);
    if (held && --held.refs === 0) this.#bodies.delete(entry.body.text);
  }

  /** Records the change of the zone at `origin` from serial `from` to `to`. */
  record(origin: Name, from: number, to: number, before: readonly ResourceRecord[], after: readonly ResourceRecord[]): void {
    if (this.depth === 0) return;
    const list = this.#zones.get(origin.key);
    // A list that does not end at `from` no longer leads to the zone's serial: start again.
    if (list?.length && list[list.length - 1]!.to !== from) this.forget(origin);
    const body = difference(origin, before, after);
    if (!body) return;
    const entry = { from, to, body: this.intern(body) };
    this.#push(origin, entry);
    this.journal?.append(zoneText(origin), entry);
  }

  /** Drops a zone's history (removed, or changed in a way its history does not explain). */
  forget(origin: Name): void {
    const list = this.#zones.get(origin.key);
    if (!list) return;
    for (const e of list) this.#release(e);
    this.#zones.delete(origin.key);
    this.#names.delete(origin.key);
    this.journal?.forget(zoneText(origin));
  }

  /** Each zone's entries, oldest first (for the journal's compaction). */
  entries(): IterableIterator<[string, readonly Entry[]]> {
    return this.#zones.entries();
  }

  /** Distinct bodies held. */
  get bodies(): number {
    return this.#bodies.size;
  }

  /**
   * The differences from `serial` to the zone's serial now, oldest first; undefined when the
   * history does not reach back to `serial` (the answer is then the whole zone).
   */
  since(zone: Zone, serial: number): Difference[] | undefined {
    const list = this.#zones.get(zone.origin.key);
    if (!list?.length || list[list.length - 1]!.to !== zone.serial) return undefined;
    const start = list.findIndex((e) => e.from === serial);
    if (start < 0) return undefined;
    const out: Difference[] = [];
    for (let i = start; i < list.length; i++) {
      const e = list[i]!;
      if (i > start && list[i - 1]!.to !== e.from) return undefined;
      const abs = (rr: ResourceRecord): ResourceRecord => rebaseRecord(rr, RELATIVE_ORIGIN, zone.origin);
      out.push({
        fromSoa: single(withSerial(abs(e.body.fromSoa), e.from)),
        toSoa: single(withSerial(abs(e.body.toSoa), e.to)),
        removed: e.body.removed.map((r) => single(abs(r))),
        added: e.body.added.map((r) => single(abs(r))),
      });
    }
    return out;
  }
}

/** A zone as the journal names it. */
export function zoneText(origin: Name): string {
  return nameToText(origin).toLowerCase();
}
