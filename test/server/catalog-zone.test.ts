// RFC 9432 catalog zone, version 2: one PTR per member under zones., a member ID that depends on
// the zone's name alone, the group property, and a serial that moves only with the membership.
import { describe, expect, it } from 'vitest';
import { name, nameToText } from '../../src/dns/name.js';
import { formatRecord } from '../../src/dns/presentation.js';
import { CatalogZone, memberId } from '../../src/server/catalog-zone.js';
import { Dnssec } from '../../src/server/dnssec.js';
import { pino } from 'pino';
import type { ZoneInput } from '../../src/server/snapshot.js';

const input = (zone: string, group?: string): ZoneInput => ({ origin: name(zone), records: [], ...(group ? { replication: { group } } : {}) });

describe('the catalog zone (RFC 9432)', () => {
  it('lists each zone with a stable member ID, the group property, version 2; SOA and NS as §4 asks', () => {
    let now = 1000;
    const catalog = new CatalogZone('catalog.invalid', () => now);
    const lines = catalog.input([input('b.example.', 'provider-a'), input('a.example.')]).records.map((r) => formatRecord(r).replace(/\t/g, ' '));
    const a = memberId(name('a.example.'));
    const b = memberId(name('B.Example.'));
    expect(lines).toEqual([
      'catalog.invalid. 0 IN SOA invalid. invalid. 1000 3600 600 2147483646 0',
      'catalog.invalid. 0 IN NS invalid.',
      'version.catalog.invalid. 0 IN TXT "2"',
      `${a}.zones.catalog.invalid. 0 IN PTR a.example.`,
      `${b}.zones.catalog.invalid. 0 IN PTR b.example.`,
      `group.${b}.zones.catalog.invalid. 0 IN TXT "provider-a"`,
    ]);
    expect(memberId(name('a.example.'))).toBe(a); // the same on every primary, every run
    now = 900;
    expect(catalog.input([input('a.example.'), input('b.example.', 'provider-a')])).toBe(catalog.input([input('a.example.'), input('b.example.', 'provider-a')]));
    expect(catalog.serial).toBe(1000);
    // A zone added: the serial grows, even with the clock behind it.
    const next = catalog.input([input('a.example.'), input('b.example.', 'provider-a'), input('c.example.')]);
    expect(catalog.serial).toBe(1001);
    expect(next.records.map((r) => nameToText(r.owner))).toContain(`${memberId(name('c.example.'))}.zones.catalog.invalid.`);
  });

  it('is served unsigned with dnssec.enabled: its serial follows the membership alone, so signatures would expire at the secondaries', () => {
    const catalog = new CatalogZone('catalog.invalid', () => 1000);
    const dnssec = new Dnssec({ enabled: true, algorithm: 13, keys: 'csk', denial: 'nsec', cds: 'always', zskLifetime: 0, kskLifetime: 0, parentDsTtl: 3600, dsCheck: '' }, '/nonexistent', pino({ level: 'silent' }));
    expect(dnssec.isSigned(input('a.example.'))).toBe(true);
    expect(dnssec.isSigned(catalog.input([input('a.example.')]))).toBe(false);
  });
});
