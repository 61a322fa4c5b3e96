// Reload cost: unchanged definitions are not expanded again, and keep their ZoneContent objects.
import { describe, expect, it } from 'vitest';
import { buildZones, expandAhead, parseDefinitionFile, Shared } from '../../src/definitions/index.js';
import { nameToText as nameText, type Name } from '../../src/dns/name.js';

const zone = (name: string, ip: string) => `zone: ${name}\nnameservers: [ns1]\nhosts:\n  ns1: ${ip}\n  mail: ${ip}\nservices:\n  imaps: mail\n`;

describe('buildZones across reloads', () => {
  it('returns the same ZoneContent for an unchanged definition and a new one for a changed file', () => {
    const a = parseDefinitionFile('a.yaml', zone('a.test', '192.0.2.1'), 1).definitions;
    const b1 = parseDefinitionFile('b.yaml', zone('b.test', '192.0.2.2'), 1).definitions;
    const first = buildZones([...a, ...b1]);
    const b2 = parseDefinitionFile('b.yaml', zone('b.test', '192.0.2.3'), 2).definitions;
    const second = buildZones([...a, ...b2]);
    expect(second.zones[0]).toBe(first.zones[0]);
    expect(second.zones[1]).not.toBe(first.zones[1]);
    expect(second.zones[1]!.records.some((r) => r.rdata.kind === 'A' && r.rdata.address === '192.0.2.3')).toBe(true);
  });
  it('still runs the checks across zones for unchanged definitions', () => {
    const a = parseDefinitionFile('a.yaml', zone('a.test', '192.0.2.1') + 'mx: [mail.b.test.]\n', 1).definitions;
    const b = parseDefinitionFile('b.yaml', zone('b.test', '192.0.2.2'), 1).definitions;
    expect(buildZones([...a, ...b]).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    // b.test's mail host goes away: a.test's MX now points at a name without addresses.
    const b2 = parseDefinitionFile('b.yaml', zone('b.test', '192.0.2.2').replace('  mail: 192.0.2.2\n', ''), 2).definitions;
    const again = buildZones([...a, ...b2]);
    expect(again.diagnostics.some((d) => d.severity === 'error' && d.file === 'a.yaml')).toBe(true);
  });

  it("places those checks' messages exactly as a fresh parse would (file, line, column, key path)", () => {
    // The MX and the record line name their targets in place; the alias's target is apart from
    // its name, and so the message's place.
    const aText = zone('a.test', '192.0.2.1') + 'mx: [mail.b.test.]\naliases:\n  autoconfig: www.b.test.\nrecords:\n  - "_jmap._tcp SRV 0 1 443 mail.b.test."\n';
    const a = parseDefinitionFile('a.yaml', aText, 1).definitions.map((d) => expandAhead(d, new Shared()));
    const bText = zone('b.test', '192.0.2.2');
    buildZones([...a, ...parseDefinitionFile('b.yaml', bText, 1).definitions]);
    const b2 = parseDefinitionFile('b.yaml', bText.replace('  mail: 192.0.2.2\n', ''), 2).definitions;
    const cached = buildZones([...a, ...b2]).diagnostics.filter((d) => d.file === 'a.yaml');
    const fresh = buildZones([...parseDefinitionFile('a.yaml', aText, 1).definitions, ...b2]).diagnostics.filter((d) => d.file === 'a.yaml');
    expect(cached.filter((d) => d.severity === 'error')).toHaveLength(3);
    expect(cached.find((d) => /alias target/.test(d.message))).toMatchObject({ line: 10, col: 15, path: 'aliases.autoconfig' });
    expect(cached).toEqual(fresh);
    expect(cached.map((d) => `${d.line}:${d.col} ${d.path}`)).toEqual(fresh.map((d) => `${d.line}:${d.col} ${d.path}`));
  });
});

describe('expandAhead: a kept definition is expanded at once and kept slim', () => {
  it('drops the parts only expansion reads, and builds the same zones as the full definition', () => {
    const text = zone('a.test', '192.0.2.1') + 'aliases:\n  autoconfig: mail\nrecords:\n  - \'@ TXT "v=spf1 mx -all"\'\n';
    const full = parseDefinitionFile('a.yaml', text, 1).definitions;
    const slim = parseDefinitionFile('a.yaml', text, 1).definitions.map((d) => expandAhead(d, new Shared()));
    expect(slim[0]!.hosts).toEqual([]);
    expect(slim[0]!.records).toEqual([]);
    const records = (z: { records: { owner: Name; type: number }[] }) => z.records.map((r) => `${nameText(r.owner)} ${r.type}`);
    expect(buildZones(slim).zones.map(records)).toEqual(buildZones(full).zones.map(records));
    expect(buildZones(slim).zones[0]!.records.length).toBeGreaterThan(5);
  });

  it('keeps a zone defined twice servable from the other file once the first goes away', () => {
    const first = parseDefinitionFile('a.yaml', zone('x.test', '192.0.2.1'), 1).definitions.map((d) => expandAhead(d, new Shared()));
    const second = parseDefinitionFile('b.yaml', zone('x.test', '192.0.2.2'), 1).definitions.map((d) => expandAhead(d, new Shared()));
    const both = buildZones([...first, ...second]);
    expect(both.diagnostics.some((d) => d.severity === 'error' && /already defined/.test(d.message))).toBe(true);
    const alone = buildZones(second);
    expect(alone.zones).toHaveLength(1);
    expect(alone.zones[0]!.records.some((r) => r.rdata.kind === 'A' && r.rdata.address === '192.0.2.2')).toBe(true);
  });
});
