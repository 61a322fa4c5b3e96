// One mistake costs one zone: a bad entry of a zones: list leaves out that entry, a zone with a
// file of its own overrides its entry in a list, and extends: builds a definition on another.
import { describe, expect, it } from 'vitest';
import { buildZones, formatDiagnostic, parseDefinitionFile, type Definition, type Diagnostic } from '../../src/definitions/index.js';
import { nameToText } from '../../src/dns/name.js';
import { lines, MTIME } from './run.js';

/** Files by name; extends: resolves among them (without cycle detection: the server's job). */
function load(files: Record<string, string>) {
  const parse = (file: string): { definitions: Definition[]; diagnostics: Diagnostic[] } =>
    parseDefinitionFile(file, files[file]!, MTIME, {
      base: (name) => {
        if (!(name in files)) return { error: `${name} is not a file here` };
        const p = parse(name);
        const errors = p.diagnostics.filter((d) => d.severity === 'error');
        return errors.length ? { error: `${name} has errors: ${formatDiagnostic(errors[0]!)}` } : { definition: p.definitions[0]! };
      },
    });
  const definitions: Definition[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const file of Object.keys(files)) {
    const p = parse(file);
    definitions.push(...p.definitions);
    diagnostics.push(...p.diagnostics);
  }
  const built = buildZones(definitions);
  const all = [...diagnostics, ...built.diagnostics].map(formatDiagnostic);
  return {
    zones: built.zones,
    names: built.zones.map((z) => nameToText(z.origin)).sort(),
    errors: all.filter((m) => m.includes(': error: ')),
    warnings: all.filter((m) => m.includes(': warning: ')),
    zone: (name: string) => built.zones.find((z) => nameToText(z.origin) === name),
  };
}

const LIST = (zones: string) => `zones: [${zones}]
nameservers: [ns1.provider.test.]
hosts:
  mail: 192.0.2.10
mx: [mail]
services:
  imaps: mail
`;

describe('a zones: list: an error in one entry rejects that entry only', () => {
  it('an IDN that is not valid: the other zones are served (a valid one, in Unicode, is served as its xn-- form)', () => {
    const r = load({ 'customers.yaml': LIST('a.example, ab--ü.example, bücher.example, c.example') });
    expect(r.names).toEqual(['a.example.', 'c.example.', 'xn--bcher-kva.example.']);
    expect(r.errors).toEqual([
      "customers.yaml:1:20: error: zones[1]: 'ab--ü.example' is not a valid internationalized name: label 'ab--ü' has '--' in its third and fourth places, which only A-labels (xn--) may; write it in its xn-- form, or its bytes as \\DDD; the other zones of the list are served",
    ]);
  });

  it('a name that is not a host name, or too long', () => {
    const r = load({ 'customers.yaml': LIST(`a.example, 'b example', ${'x'.repeat(64)}.example, d.example`) });
    expect(r.names).toEqual(['a.example.', 'd.example.']);
    expect(r.errors).toHaveLength(2);
    for (const e of r.errors) expect(e).toMatch(/the other zones of the list are served$/);
  });

  it('a zone listed twice is served once, with a warning', () => {
    const r = load({ 'customers.yaml': LIST('a.example, b.example, A.example.') });
    expect(r.names).toEqual(['a.example.', 'b.example.']);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toContain('customers.yaml:1:31: warning: zones[2]: A.example. is listed twice: it is served once; remove one');
  });

  it('an error in the content shared by the list still rejects every zone of it', () => {
    const r = load({ 'customers.yaml': LIST('a.example, b.example').replace('192.0.2.10', '192.0.2.300') });
    expect(r.names).toEqual([]);
    expect(r.errors).toHaveLength(1);
  });
});

describe('a zone with a file of its own, also listed in a zones: list', () => {
  const OWN = `zone: b.example
nameservers: [ns1.provider.test.]
hosts:
  mail: 192.0.2.99
`;
  it.each([
    ['after the list', { 'customers.yaml': LIST('a.example, b.example, c.example'), 'z-b.yaml': OWN }],
    ['before the list', { 'a-b.yaml': OWN, 'customers.yaml': LIST('a.example, b.example, c.example') }],
  ])('the file of its own wins (%s), with a warning naming both places', (_, files) => {
    const r = load(files);
    expect(r.names).toEqual(['a.example.', 'b.example.', 'c.example.']);
    expect(r.errors).toEqual([]);
    const own = Object.keys(files).find((f) => f.endsWith('b.yaml'))!;
    expect(r.warnings).toContain(`customers.yaml:1:20: warning: zones[1]: zone b.example. is also defined in a file of its own (${own}:1): that definition is served, not this entry`);
    expect(lines(r.zone('b.example.'), 'A')).toEqual(['mail.b.example. 3600 IN A 192.0.2.99']);
    expect(lines(r.zone('c.example.'), 'A')).toEqual(['mail.c.example. 3600 IN A 192.0.2.10']);
  });

  it('two files of their own for one zone is still an error: neither is served', () => {
    const r = load({ 'a.yaml': OWN, 'b.yaml': OWN });
    expect(r.names).toEqual([]);
    expect(r.errors).toEqual(['b.yaml:1:7: error: zone: zone b.example. is already defined at a.yaml:1:7: define each zone once']);
  });
});

describe('extends: provider.yaml', () => {
  const PROVIDER = `zone: provider.test
ttl: 600
nameservers: [ns1, ns2.elsewhere.test.]
soa:
  contact: noc@provider.test
  refresh: 3600
hosts:
  ns1: 192.0.2.1
  mail: 192.0.2.10
  dav: 192.0.2.30
mx: [mail]
services:
  imaps: mail
  submissions: mail
  caldavs: { host: dav, path: /cal/ }
aliases:
  autoconfig: mail
records:
  - '@ TXT "v=spf1 mx -all"'
`;

  it('takes the base and overrides it key by key: per host, per service, per alias; records added', () => {
    const r = load({
      'provider.yaml': PROVIDER,
      'shop.yaml': `zone: shop.example
extends: provider.yaml
soa:
  refresh: 7200
hosts:
  mail: 198.51.100.7
services:
  submissions: off
  jmap: mail
aliases:
  autoconfig: dav
records:
  - '_dmarc TXT "v=DMARC1; p=none"'
`,
    });
    expect(r.errors).toEqual([]);
    const shop = r.zone('shop.example.');
    expect(lines(shop, 'SOA')).toEqual(['shop.example. 600 IN SOA ns1.shop.example. noc.provider.test. 1700000000 7200 3600 1209600 300']);
    expect(lines(shop, 'NS')).toEqual(['shop.example. 600 IN NS ns1.shop.example.', 'shop.example. 600 IN NS ns2.elsewhere.test.']);
    expect(lines(shop, 'A')).toEqual(['ns1.shop.example. 600 IN A 192.0.2.1', 'mail.shop.example. 600 IN A 198.51.100.7', 'dav.shop.example. 600 IN A 192.0.2.30']);
    expect(lines(shop, 'SRV')).toEqual([
      '_imaps._tcp.shop.example. 600 IN SRV 0 1 993 mail.shop.example.',
      '_submissions._tcp.shop.example. 600 IN SRV 0 0 0 .',
      '_caldavs._tcp.shop.example. 600 IN SRV 0 1 443 dav.shop.example.',
      '_jmap._tcp.shop.example. 600 IN SRV 0 1 443 mail.shop.example.',
    ]);
    expect(lines(shop, 'CNAME')).toEqual(['autoconfig.shop.example. 600 IN CNAME dav.shop.example.']);
    expect(lines(shop, 'TXT')).toEqual(['_caldavs._tcp.shop.example. 600 IN TXT "path=/cal/"', 'shop.example. 600 IN TXT "v=spf1 mx -all"', '_dmarc.shop.example. 600 IN TXT "v=DMARC1; p=none"']);
    // The base is served as itself too.
    expect(r.names).toEqual(['provider.test.', 'shop.example.']);
  });

  it('a problem in what was taken from the base points into the base file', () => {
    const r = load({
      'provider.yaml': PROVIDER,
      'shop.yaml': `zone: shop.example\nextends: provider.yaml\nhosts:\n  dav: ~\n`.replace('  dav: ~\n', '  web: 192.0.2.80\naliases:\n  autoconfig: nowhere\n'),
    });
    expect(r.errors).toEqual([
      "shop.yaml:6:15: error: aliases.autoconfig: alias target nowhere.shop.example. does not exist in zone shop.example.: add it under hosts:, or end the name with '.' if it is elsewhere",
    ]);
    const bad = load({ 'provider.yaml': PROVIDER.replace('services:\n', 'services:\n  imap: webmail\n'), 'shop.yaml': 'zone: shop.example\nextends: provider.yaml\n' });
    // The base's own zone has it as well: the same place, once per zone.
    expect(bad.errors.every((e) => e.startsWith('provider.yaml:13:9: error: services.imap: SRV target webmail.'))).toBe(true);
    expect(bad.errors.map((e) => /target (\S+)/.exec(e)![1]).sort()).toEqual(['webmail.provider.test.', 'webmail.shop.example.']);
  });

  it('a base with errors: the definition that extends it is rejected, saying where', () => {
    const r = load({ 'provider.yaml': PROVIDER.replace('192.0.2.10', '192.0.2.310'), 'shop.yaml': 'zone: shop.example\nextends: provider.yaml\n' });
    expect(r.names).toEqual([]);
    expect(r.errors).toContain(
      "shop.yaml:2:10: error: extends: provider.yaml has errors: provider.yaml:9:9: error: hosts.mail: '192.0.2.310' is not an IPv4 or IPv6 address",
    );
  });

  it('names only a file of the same directory', () => {
    const r = load({ 'shop.yaml': 'zone: shop.example\nextends: ../etc/provider.yaml\nnameservers: [ns1.x.test.]\n' });
    expect(r.errors).toEqual(["shop.yaml:2:10: error: extends: '../etc/provider.yaml' is not a definition file of this directory: name one, e.g. extends: provider.yaml"]);
  });
});

describe('serial policies', () => {
  it.each([
    ['auto', 'auto', 1700000000],
    ['dateserial', 'dateserial', 2023111400],
    ['2026112401', 'fixed', 2026112401],
  ])('serial: %s', (written, policy, serial) => {
    const r = load({ 'z.yaml': `zone: example.com\nnameservers: [ns1.x.test.]\nsoa:\n  serial: ${written}\n` });
    expect(r.errors).toEqual([]);
    const z = r.zone('example.com.')!;
    expect([z.serialPolicy, z.serial, `${z.serialAt.line}:${z.serialAt.col}`]).toEqual([policy, serial, '4:11']);
  });
});

describe('YAML indentation', () => {
  it.each([
    ['a key indented one space too far', 'zone: a.example\nnameservers: [ns1.x.test.]\nhosts:\n  ns1: 192.0.2.1\n   mail: 192.0.2.2\n', 5, 4],
    ['a key indented under a value', 'zone: a.example\n  nameservers: [ns1.x.test.]\n', 2, 3],
    ['a key indented less than its neighbours', 'zone: a.example\nnameservers: [ns1.x.test.]\nhosts:\n  ns1: 192.0.2.1\n mail: 192.0.2.2\n', 5, 2],
  ])('%s: one error, naming the line', (_, text, line, col) => {
    const r = load({ 'z.yaml': text });
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(new RegExp(`^z\\.yaml:${line}:${col}: error: \\(yaml\\): indentation of line ${line} \\('`));
    expect(r.errors[0]).not.toMatch(/Implicit keys|compact mappings/);
  });

  it('a tab', () => {
    const r = load({ 'z.yaml': 'zone: a.example\nhosts:\n\tmail: 192.0.2.1\n' });
    expect(r.errors[0]).toMatch(/^z\.yaml:3:\d+: error: \(yaml\): indentation of line 3 .*: a tab is not indentation in YAML: indent with spaces$/);
  });
});
