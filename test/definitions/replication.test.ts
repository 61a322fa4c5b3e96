// `transfer:`, `notify:` and `group:` in a definition: the shape of the configuration's keys,
// every mistake at its file:line:col, key names checked against the configured keys.
import { describe, expect, it } from 'vitest';
import { buildZones, formatDiagnostic, parseDefinitionFile } from '../../src/definitions/index.js';
import { name } from '../../src/dns/name.js';
import { BASE, MTIME } from './run.js';

const KEYS = new Set([name('xfr.').key]);

function read(extra: string) {
  const parsed = parseDefinitionFile('z.yaml', BASE + extra, MTIME, { tsigKeys: KEYS });
  const built = buildZones(parsed.definitions);
  return { errors: [...parsed.diagnostics, ...built.diagnostics].filter((d) => d.severity === 'error').map(formatDiagnostic), zone: built.zones[0] };
}

describe('transfer:, notify:, group: in a definition', () => {
  it('reads the shape of the configuration', () => {
    const r = read('transfer: { allow: [192.0.2.0/24, key xfr, "2001:db8::/32 key xfr"] }\nnotify:\n  - { address: 192.0.2.53, key: xfr }\n  - { address: "2001:db8::53", port: 5353 }\ngroup: provider-a\n');
    expect(r.errors).toEqual([]);
    const rep = r.zone!.replication!;
    expect(Array.isArray(rep.transfer) && rep.transfer.map((t) => t.text)).toEqual(['192.0.2.0/24', 'key xfr', '2001:db8::/32 key xfr']);
    expect(rep.notify).toEqual([
      { address: '192.0.2.53', port: 53, key: name('xfr.').key },
      { address: '2001:db8::53', port: 5353 },
    ]);
    expect(rep.group).toBe('provider-a');
  });

  it('none takes the zone out of transfers and NOTIFY', () => {
    const r = read('transfer: none\nnotify: none\n');
    expect(r.errors).toEqual([]);
    expect(r.zone!.replication).toEqual({ transfer: 'none', notify: 'none' });
  });

  it.each([
    ['a prefix that is not one', 'transfer: { allow: [192.0.2.0/33] }\n', "z.yaml:6:21: error: transfer.allow[0]: '192.0.2.0/33': prefix length /33 must be 0 to 32"],
    ['a key not configured', 'transfer: { allow: [key other] }\n', "z.yaml:6:21: error: transfer.allow[0]: no TSIG key 'other' is configured (tsig.keys or tsig.keyFiles of the configuration)"],
    ['allow missing', 'transfer: { from: x }\n', "z.yaml:6:13: error: transfer.from: unknown key 'from': the keys here are allow"],
    ['a notify address that is a name', 'notify: [{ address: ns2.example.net }]\n', "z.yaml:6:21: error: notify[0].address: 'ns2.example.net' is not an IP address"],
    ['a notify port out of range', 'notify: [{ address: 192.0.2.1, port: 70000 }]\n', 'z.yaml:6:38: error: notify[0].port: must be a whole number from 1 to 65535, not 70000'],
    ['a notify key not configured', 'notify: [{ address: 192.0.2.1, key: nope }]\n', "z.yaml:6:37: error: notify[0].key: no TSIG key 'nope' is configured (tsig.keys or tsig.keyFiles of the configuration)"],
    ['a group on two lines', 'group: "a\\nb"\n', 'z.yaml:6:8: error: group: a group name is one line of at most 255 bytes (it becomes a TXT string)'],
  ])('%s: an error at its place, and the zone is not served', (_, extra, message) => {
    const r = read(extra);
    expect(r.errors[0]).toBe(message);
    expect(r.zone).toBeUndefined();
  });
});
