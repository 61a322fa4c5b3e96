// The catalog zone (RFC 9432, schema version 2): one PTR per zone served, under `zones.`, with a
// member ID that is a hash of the zone's name (so it stays the same across reloads and restarts,
// and on every primary), and the definition's `group:` as the group property. A secondary
// configured once for the catalog picks up every zone added and drops every zone removed. The
// serial grows on every change of the membership; otherwise the same input (and Zone) is kept.

import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { joinName, name, nameToText, type Name } from '../dns/name.js';
import type { ResourceRecord } from '../dns/records.js';
import { RRType } from '../dns/types.js';
import type { ZoneInput } from './snapshot.js';

/** The member ID of a zone: its lowercased name hashed (SHA-256), the first 10 bytes in hex. */
export function memberId(zone: Name): string {
  return createHash('sha256').update(nameToText(zone).toLowerCase()).digest('hex').slice(0, 20);
}

/** RFC 1982: the next serial after `last` that is at least `wanted`. */
export function nextSerial(last: number | undefined, wanted: number): number {
  if (last === undefined) return wanted >>> 0;
  const d = (wanted - last) >>> 0;
  return d !== 0 && d < 0x80000000 ? wanted >>> 0 : (last + 1) >>> 0;
}

function label(text: string): { text: string; key: string } {
  const wire = String.fromCharCode(text.length) + text;
  return { text: wire, key: wire.toLowerCase() };
}

export class CatalogZone {
  readonly origin: Name;
  #membership: string | undefined;
  #input: ZoneInput | undefined;
  #serial: number | undefined;

  /** `nowSeconds` gives the first serial and any later one that the clock makes larger. */
  constructor(
    originText: string,
    private readonly nowSeconds: () => number,
    serial?: number,
  ) {
    this.origin = name(originText.endsWith('.') ? originText : `${originText}.`);
    this.#serial = serial;
  }

  get serial(): number | undefined {
    return this.#serial;
  }

  /** The catalog of `zones` (itself left out): the same input as last time while they are the same zones and groups. */
  input(zones: readonly ZoneInput[]): ZoneInput {
    const members = zones
      .filter((z) => z.origin.key !== this.origin.key)
      .map((z) => ({ origin: z.origin, group: z.replication?.group }))
      .sort((a, b) => (a.origin.key < b.origin.key ? -1 : a.origin.key > b.origin.key ? 1 : 0));
    const membership = members.map((m) => `${m.origin.key}\t${m.group ?? ''}`).join('\n');
    if (this.#input && membership === this.#membership) return this.#input;
    this.#membership = membership;
    this.#serial = nextSerial(this.#serial, this.nowSeconds());
    const origin = this.origin;
    const serial = this.#serial;
    const records = (): ResourceRecord[] => catalogRecords(origin, serial, members);
    // Never signed: a catalog is for secondaries, not resolvers (RFC 9432 suggests a name under
    // invalid.), and its serial follows its membership alone: signatures sent would expire there.
    this.#input = { origin, dnssec: false, get records() { return records(); } };
    return this.#input;
  }
}

/** SOA, NS, version and the members (RFC 9432 §4). TTL 0: the catalog is for secondaries, not caches. */
export function catalogRecords(origin: Name, serial: number, members: readonly { origin: Name; group: string | undefined }[]): ResourceRecord[] {
  const invalid = name('invalid.');
  const zones = joinName(label('zones').text, label('zones').key, 1, origin);
  const out: ResourceRecord[] = [
    { owner: origin, type: RRType.SOA, ttl: 0, rdata: { kind: 'SOA', mname: invalid, rname: invalid, serial, refresh: 3600, retry: 600, expire: 2147483646, minimum: 0 } },
    { owner: origin, type: RRType.NS, ttl: 0, rdata: { kind: 'NS', target: invalid } },
    { owner: joinName(label('version').text, label('version').key, 1, origin), type: RRType.TXT, ttl: 0, rdata: { kind: 'TXT', strings: [Buffer.from('2')] } },
  ];
  for (const m of members) {
    const id = label(memberId(m.origin));
    const owner = joinName(id.text, id.key, 1, zones);
    out.push({ owner, type: RRType.PTR, ttl: 0, rdata: { kind: 'PTR', target: m.origin } });
    if (m.group !== undefined) {
      const g = label('group');
      out.push({ owner: joinName(g.text, g.key, 1, owner), type: RRType.TXT, ttl: 0, rdata: { kind: 'TXT', strings: [Buffer.from(m.group, 'utf8')] } });
    }
  }
  return out;
}
