// Reload cost: unchanged definitions are not expanded again, and keep their ZoneContent objects.
import { describe, expect, it } from 'vitest';
import { buildZones, parseDefinitionFile } from '../../src/definitions/index.js';

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
});
