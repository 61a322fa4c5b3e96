import { describe, expect, it } from 'vitest';
import { buildCatalog } from '../../src/dns/catalog.js';
import { buildZone, DeferredZone, type Zone } from '../../src/dns/zone.js';
import { parseDefinitionFile } from '../../src/definitions/load.js';
import { buildZones } from '../../src/definitions/build.js';
import { catalogFromText, EXAMPLE_ZONE, runLookup, zonesFromText } from '../support/zonetext.js';

const [example] = zonesFromText({ 'example.com.': EXAMPLE_ZONE });
const built = buildZone(example!.origin, example!.records);

function deferred(): { zone: DeferredZone; builds: () => number } {
  let builds = 0;
  const zone = new DeferredZone(example!.origin, built.serial, built.recordCount, () => {
    builds++;
    return buildZone(example!.origin, example!.records);
  });
  return { zone, builds: () => builds };
}

describe('DeferredZone: a zone built at its first use', () => {
  it('tells its origin, serial and record count without building', () => {
    const { zone, builds } = deferred();
    expect([zone.origin, zone.serial, zone.recordCount]).toEqual([built.origin, built.serial, built.recordCount]);
    buildCatalog([zone]);
    expect(builds()).toBe(0);
  });

  it.each(['soa', 'ns', 'negativeSoa', 'nodes'] as const)('builds once, at the first read of %s, and keeps it', (field) => {
    const { zone, builds } = deferred();
    const first = zone[field];
    expect(builds()).toBe(1);
    expect(zone[field]).toBe(first);
    void [zone.soa, zone.ns, zone.negativeSoa, zone.nodes];
    expect(builds()).toBe(1);
  });

  it('answers every lookup as the zone built at once does', () => {
    const { zone } = deferred();
    const now = catalogFromText({ 'example.com.': EXAMPLE_ZONE });
    const later = buildCatalog([zone as Zone]);
    for (const [qname, qtype] of [['_imaps._tcp.example.com.', 'SRV'], ['mail.example.com.', 'TXT'], ['nope.example.com.', 'A'], ['example.com.', 'MX']] as const) {
      const c = { qname, qtype, kind: 'answer' as const }; // kind: what runLookup reports, not an expectation
      expect(runLookup(later, c), `${qname} ${qtype}`).toEqual(runLookup(now, c));
    }
  });
});

describe('zones: copies are served deferred', () => {
  it('hands the snapshot a DeferredZone per copy, with the serial and record count of the copy', () => {
    const text = 'zones: [a.example, b.example, c.example]\nnameservers: [ns1, ns.example.net.]\nhosts:\n  ns1: 192.0.2.1\n  mail: 192.0.2.2\nmx: [mail]\n';
    const zones = buildZones(parseDefinitionFile('z.yaml', text, 1_700_000_000_123).definitions).zones;
    const copies = zones.filter((z) => z.buildZone).map((z) => ({ z, zone: z.buildZone!() }));
    expect(copies.length).toBeGreaterThan(0);
    for (const { z, zone } of copies) {
      expect(zone).toBeInstanceOf(DeferredZone);
      const own = buildZone(z.origin, z.records);
      expect([zone.serial, zone.recordCount]).toEqual([own.serial, own.recordCount]);
      expect(zone.soa.rdatas).toEqual(own.soa.rdatas);
    }
  });
});
