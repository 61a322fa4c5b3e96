// RFC 5936 §2.2: a zone's records in transfer order, SOA first and last; a `zones:` copy not built
// yet is read from its records and gives the same RRsets as the built zone.
import { describe, expect, it } from 'vitest';
import { formatRecord } from '../../src/dns/presentation.js';
import type { RRset } from '../../src/dns/records.js';
import { transferRRsets } from '../../src/dns/transfer.js';
import { DeferredZone } from '../../src/dns/zone.js';
import { run } from '../definitions/run.js';

const text = (sets: Iterable<RRset>): string[] => [...sets].flatMap((s) => s.rdatas.map((rdata) => formatRecord({ owner: s.owner, type: s.type, ttl: s.ttl, rdata })));

describe('transfer order', () => {
  it('an unbuilt copy read from its records equals the built zone, SOA first and last, and stays unbuilt', () => {
    const r = run(`zones: [a.example, b.example]\nnameservers: [ns1]\nhosts:\n  ns1: 192.0.2.53\n  mail: [192.0.2.10, 2001:db8::10]\nmx: [mail]\nservices:\n  imaps: mail\nrecords:\n  - '@ TXT "v=spf1 mx -all"'\n`);
    expect(r.messages).toEqual([]);
    const content = r.zones[1]!;
    const lazy = content.buildZone!();
    expect(lazy).toBeInstanceOf(DeferredZone);
    const fromRecords = text(transferRRsets(lazy, () => content.records));
    expect((lazy as DeferredZone).built).toBe(false);
    const built = text(transferRRsets(content.buildZone!()));
    expect(fromRecords[0]).toMatch(/\tSOA\t/);
    expect(fromRecords[fromRecords.length - 1]).toBe(fromRecords[0]);
    expect([...fromRecords].sort()).toEqual([...built].sort());
  });
});
