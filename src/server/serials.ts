// The serial each zone is served with. A serial only grows (RFC 1982 arithmetic): secondaries
// ignore a zone whose serial went back, and keep an old copy when it stays the same. So the
// serial comes from the zone's history in the state directory, its content digest and the
// serial served last, never from the file's modification time (which `touch`, `cp` and `git`
// move back and forth) nor from the clock alone:
//   same content as served last          → the same serial
//   changed content, `serial: auto`      → the time now in seconds, or last + 1 if that is not larger
//   changed content, `serial: dateserial`→ YYYYMMDD00 of today (UTC), or last + 1 if that is not larger
//   `serial: 2026112401`                 → that number; an error if it is below the last one served
// as Knot's serial-policy (unixtime, dateserial) with its "increment past the last" rule.

import { createHash } from 'node:crypto';
import type { Diagnostic, ZoneContent } from '../definitions/index.js';
import { isAtOrBelow, nameToText, wireText, type Name } from '../dns/name.js';
import { formatRdata } from '../dns/presentation.js';
import type { RData, ResourceRecord } from '../dns/records.js';
import { typeToText } from '../dns/types.js';

/** What the state keeps of a zone: the serial served, and a digest of the content it was served for. */
export interface SerialRecord {
  readonly serial: number;
  readonly digest: string;
  /**
   * A digest of what serving adds to the content (servedDigest): the PACC digest TXTs
   * published, and for a signed zone its keys and signing epoch. Absent when it adds nothing.
   */
  readonly served?: string;
}

/** RFC 1982 §3.2: `a` is greater than `b` in serial number arithmetic (32 bits). */
export function serialGreater(a: number, b: number): boolean {
  const d = (a - b) >>> 0;
  return d !== 0 && d < 0x80000000;
}

/** The next serial after `s`, wrapping at 2^32 (RFC 1982 §3.1). */
export function serialNext(s: number): number {
  return (s + 1) >>> 0;
}

/** YYYYMMDD00 of the day (UTC) of `nowMs`. */
export function dateSerialOf(nowMs: number): number {
  const d = new Date(nowMs);
  return (d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate()) * 100;
}

/** A name as the digest reads it: relative to the zone ("head@"), or absolute. */
function relative(n: Name, origin: Name): string {
  if (!isAtOrBelow(n, origin)) return nameToText(n);
  return `${JSON.stringify(wireText(n).slice(0, n.key.length - origin.key.length))}@`;
}

function rdataText(rd: RData, origin: Name): string {
  const rel = (n: Name): string => relative(n, origin);
  switch (rd.kind) {
    case 'NS':
    case 'CNAME':
    case 'PTR':
      return rel(rd.target);
    case 'MX':
      return `${rd.preference} ${rel(rd.exchange)}`;
    case 'SRV':
      return `${rd.priority} ${rd.weight} ${rd.port} ${rel(rd.target)}`;
    case 'SOA':
      // The serial is what is being decided: not content.
      return `${rel(rd.mname)} ${rel(rd.rname)} ${rd.refresh} ${rd.retry} ${rd.expire} ${rd.minimum}`;
    default:
      return formatRdata(rd);
  }
}

/**
 * A digest of the zone's records, names written relative to its origin (so that the copies of
 * one `zones:` recipe share it) and in a fixed order (so that moving lines in a file does not
 * count as a change), the SOA serial left out.
 */
export function recordsDigest(origin: Name, records: readonly ResourceRecord[]): string {
  const lines = records.map((rr) => `${relative(rr.owner, origin)} ${rr.ttl} ${typeToText(rr.type)} ${rdataText(rr.rdata, origin)}`).sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);
}

/** Digests by content key: the copies of a recipe, and a zone unchanged since the last load, are digested once. */
const digests = new WeakMap<object, string>();

export function contentDigest(zone: ZoneContent): string {
  let digest = digests.get(zone.contentKey);
  if (digest === undefined) {
    digest = recordsDigest(zone.origin, zone.records);
    digests.set(zone.contentKey, digest);
  }
  return digest;
}

/** The zone's name as the state writes it. */
export function zoneKey(origin: Name): string {
  return nameToText(origin).toLowerCase();
}

/**
 * The zones with the serials a server with this history would serve them with (those it would
 * reject for their serial left out), and the problems that decision finds (check, export:
 * nothing is written).
 */
export function withServedSerials(zones: readonly ZoneContent[], history: ReadonlyMap<string, SerialRecord>, nowMs: number): { zones: ZoneContent[]; problems: Diagnostic[] } {
  const problems: Diagnostic[] = [];
  const out: ZoneContent[] = [];
  for (const z of zones) {
    const choice = chooseSerial(z, contentDigest(z), history.get(zoneKey(z.origin)), nowMs);
    if (choice.problem) problems.push(choice.problem);
    if (choice.problem?.severity !== 'error') out.push(z.withSerial(choice.serial));
  }
  return { zones: out, problems };
}

export interface SerialChoice {
  readonly serial: number;
  /** A fixed serial that goes back (error: the zone's previous version stays), or does not move with its content (warning). */
  readonly problem?: Diagnostic;
}

/** The serial to serve `zone` with, given its digest, what was served before and the time now. */
export function chooseSerial(zone: ZoneContent, digest: string, before: SerialRecord | undefined, nowMs: number): SerialChoice {
  const at = zone.serialAt;
  const name = nameToText(zone.origin);
  if (zone.serialPolicy === 'fixed') {
    const serial = zone.serial;
    if (before && serialGreater(before.serial, serial)) {
      const message =
        `zone ${name}: serial ${serial} is below ${before.serial}, the serial served before: secondaries would keep the old version (RFC 1982); ` +
        `write a serial above ${before.serial}, or serial: auto`;
      return { serial, problem: { ...at, severity: 'error', message } };
    }
    if (before && before.serial === serial && before.digest !== digest) {
      const message = `zone ${name}: the content changed but serial ${serial} did not: secondaries will not fetch the change; raise it, or write serial: auto`;
      return { serial, problem: { ...at, severity: 'warning', message } };
    }
    return { serial };
  }
  if (before && before.digest === digest) return { serial: before.serial };
  return { serial: serialAfter(zone.serialPolicy, before?.serial, nowMs) };
}

/** A new serial under `serial: auto` or `dateserial`: from the clock, or past the last one if that is not larger. */
export function serialAfter(policy: 'auto' | 'dateserial', last: number | undefined, nowMs: number): number {
  const candidate = policy === 'dateserial' ? dateSerialOf(nowMs) : Math.floor(nowMs / 1000) >>> 0;
  if (last === undefined || serialGreater(candidate, last)) return candidate;
  return serialNext(last);
}

const servedDigests = new Map<string, string>();

/**
 * The digest of what serving adds to a zone (its identity text: PACC digests, DNSSEC keys and
 * epoch), as the state keeps it; '' for nothing added. Few distinct texts: each hashed once.
 */
export function servedDigest(identity: string): string {
  if (identity === '') return '';
  let d = servedDigests.get(identity);
  if (d === undefined) {
    if (servedDigests.size >= 10_000) servedDigests.clear();
    d = createHash('sha256').update(identity).digest('hex').slice(0, 16);
    servedDigests.set(identity, d);
  }
  return d;
}
