// RFC 1995 history: the differences between versions, kept relative to the zone so one change
// made to many zones is held once, a chain from the client's serial to the zone's, at most N
// steps per zone, and the journal that brings it back after a restart.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { name, nameToText } from '../../src/dns/name.js';
import { formatRecord, parseRecordLine } from '../../src/dns/presentation.js';
import { isParseError } from '../../src/dns/rdata/index.js';
import type { ResourceRecord } from '../../src/dns/records.js';
import { buildZone } from '../../src/dns/zone.js';
import { IxfrHistory } from '../../src/server/ixfr-history.js';
import { IxfrJournal } from '../../src/server/ixfr-journal.js';

function records(origin: string, serial: number, extra: string[] = []): ResourceRecord[] {
  const o = name(origin);
  return [`@ 3600 SOA ns1 hostmaster ${serial} 7200 3600 1209600 300`, '@ 3600 NS ns1', 'ns1 3600 A 192.0.2.53', 'mail 3600 A 192.0.2.10', ...extra].map((l) => {
    const rr = parseRecordLine(l, o, 3600);
    if (isParseError(rr)) throw new Error(rr.error);
    return rr;
  });
}


describe('RFC 1995 §4: the IXFR history', () => {
  it('a chain of differences from the client serial, each with the SOAs around it', () => {
    const h = new IxfrHistory(20);
    const o = name('example.com.');
    h.record(o, 1, 2, records('example.com.', 1), records('example.com.', 2, ['_x TXT "a"']));
    h.record(o, 2, 3, records('example.com.', 2, ['_x TXT "a"']), records('example.com.', 3, ['_x TXT "b"']));
    const zone = buildZone(o, records('example.com.', 3, ['_x TXT "b"']));
    const d = h.since(zone, 1)!;
    const show = d.map((x) => [x.fromSoa, ...x.removed, x.toSoa, ...x.added].map((s) => `${nameToText(s.owner)} ${s.rdatas[0]!.kind}${s.rdatas[0]!.kind === 'SOA' ? ` ${(s.rdatas[0] as { serial: number }).serial}` : ''}`));
    expect(show).toEqual([
      ['example.com. SOA 1', 'example.com. SOA 2', '_x.example.com. TXT'],
      ['example.com. SOA 2', '_x.example.com. TXT', 'example.com. SOA 3', '_x.example.com. TXT'],
    ]);
    expect(h.since(zone, 2)).toHaveLength(1);
    expect(h.since(zone, 0)).toBeUndefined(); // never had it: the whole zone instead
  });

  it('keeps at most N steps per zone', () => {
    const h = new IxfrHistory(2);
    const o = name('example.com.');
    for (let s = 1; s <= 4; s++) h.record(o, s, s + 1, records('example.com.', s, [`_x TXT "${s}"`]), records('example.com.', s + 1, [`_x TXT "${s + 1}"`]));
    const zone = buildZone(o, records('example.com.', 5, ['_x TXT "5"']));
    expect(h.since(zone, 3)).toHaveLength(2);
    expect(h.since(zone, 2)).toBeUndefined();
  });

  it('the same change to 1,000 zones is one difference held', () => {
    const h = new IxfrHistory(20);
    for (let i = 0; i < 1000; i++) {
      const z = `d${i}.example.`;
      h.record(name(z), 1, 2, records(z, 1), records(z, 2, ['_imaps._tcp SRV 0 1 993 mail']));
    }
    expect(h.bodies).toBe(1);
    const zone = buildZone(name('d7.example.'), records('d7.example.', 2, ['_imaps._tcp SRV 0 1 993 mail']));
    const added = h.since(zone, 1)![0]!.added.map((s) => formatRecord({ owner: s.owner, type: s.type, ttl: s.ttl, rdata: s.rdatas[0]! }));
    expect(added).toEqual(['_imaps._tcp.d7.example.\t3600\tIN\tSRV\t0 1 993 mail.d7.example.']);
  });
});

describe('the journal: the history after a restart', () => {
  let dir: string | undefined;
  afterAll(async () => dir && rm(dir, { recursive: true, force: true }));

  it('reads back what it wrote, and only what leads to the serial served', async () => {
    dir = await mkdtemp(join(tmpdir(), 'discodns-journal-'));
    const log = pino({ level: 'silent' });
    const journal = new IxfrJournal(dir, log);
    const h = new IxfrHistory(20, journal);
    const a = name('a.example.');
    const b = name('b.example.');
    h.record(a, 1, 2, records('a.example.', 1), records('a.example.', 2, ['x TXT "1"']));
    h.record(b, 1, 2, records('b.example.', 1), records('b.example.', 2, ['x TXT "1"']));
    journal.flush();
    const again = new IxfrHistory(20, new IxfrJournal(dir, log));
    new IxfrJournal(dir, log).load(again);
    expect(again.bodies).toBe(1);
    // b.example changed while the server was down: its history no longer leads to its serial.
    const zones = new Map([
      [a.key, buildZone(a, records('a.example.', 2, ['x TXT "1"']))],
      [b.key, buildZone(b, records('b.example.', 3))],
    ]);
    expect(again.validate(zones)).toBe(1);
    expect(again.since(zones.get(a.key)!, 1)).toHaveLength(1);
    expect(again.since(zones.get(b.key)!, 1)).toBeUndefined();
  });
});
