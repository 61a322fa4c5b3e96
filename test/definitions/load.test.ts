import { describe, expect, it } from 'vitest';
import { parseDefinitionFile } from '../../src/definitions/index.js';
import { BASE, lines, MTIME, run, served } from './run.js';

describe('YAML and file shape', () => {
  it.each([
    ['an empty file', '', 'z.yaml:1:1: error: (file): the file is empty: a definition needs at least \'zone:\' and \'nameservers:\''],
    ['only comments', '# nothing yet\n', 'z.yaml:1:1: error: (file): the file is empty: a definition needs at least \'zone:\' and \'nameservers:\''],
    ['a list at the top', '- zone: example.com\n', "z.yaml:1:1: error: (file): a definition is a mapping with keys such as 'zone:' and 'nameservers:', not a list or a single value"],
    ['an unclosed flow list', 'zone: example.com\nnameservers: [ns1\n', 'z.yaml:3:1: error: (yaml): Flow sequence in block collection must be sufficiently indented and end with a ]'],
    ["an unquoted '@'", `${BASE}  @: 192.0.2.1\n`, "z.yaml:6:3: error: (yaml): Plain value cannot start with reserved character @: quote it, as in '@': 192.0.2.1"],
    ['a key written twice', `${BASE}  mail: 192.0.2.11\n`, 'z.yaml:6:3: error: (yaml): Map keys must be unique'],
  ])('%s', (_, text, expected) => {
    const r = run(text);
    expect(r.errors[0]).toBe(expected);
    expect(r.zones).toEqual([]);
  });

  it('never throws on arbitrary bytes', () => {
    for (const text of ['\u0000\u0001', '{{{', ': : :', '- [', '&a [*a]', 'zone: !!binary x']) {
      expect(() => parseDefinitionFile('z.yaml', text, MTIME)).not.toThrow();
    }
  });

  it('still counts the zones of a file YAML cannot parse as defined (and unserved)', () => {
    const r = run({ 'a.yaml': 'zone: example.com\nnameservers: [ns1\n', 'b.yaml': BASE });
    expect(r.zones).toEqual([]);
    expect(r.failed).toEqual(['example.com.']);
    expect(r.errors).toContain('b.yaml:1:7: error: zone: zone example.com. is already defined at a.yaml:1:7: define each zone once');
  });

  it('reads several definitions from one file, one per YAML document', () => {
    const r = run(`${BASE}---\nzone: example.org\nnameservers: [ns1.example.com.]\n`);
    expect(r.errors).toEqual([]);
    expect(r.zones.map((z) => lines(z, 'NS'))).toEqual([['example.com. 3600 IN NS ns1.example.com.'], ['example.org. 3600 IN NS ns1.example.com.']]);
  });
});

describe('unknown keys suggest the nearest known one', () => {
  it.each([
    ['top level', `${BASE}nameserver: [ns2]\n`, "z.yaml:6:1: error: nameserver: unknown key 'nameserver': did you mean 'nameservers'?"],
    ['top level, wrong case', `${BASE}TTL: 60\n`, "z.yaml:6:1: error: TTL: unknown key 'TTL': did you mean 'ttl'?"],
    ['top level, nothing close', `${BASE}colour: blue\n`, "z.yaml:6:1: error: colour: unknown key 'colour': the keys here are zone, zones, extends, ttl, nameservers, soa, hosts, mx, services, aliases, records, autoconfig, external, dnssec, denial, transfer, notify, group"],
    ['soa', `${BASE}soa:\n  negative_ttl: 60\n`, "z.yaml:7:3: error: soa.negative_ttl: unknown key 'negative_ttl': did you mean 'negative-ttl'?"],
    ['mx entry', `${BASE}mx:\n  - { host: mail, preferance: 5 }\n`, "z.yaml:7:19: error: mx[0].preferance: unknown key 'preferance': did you mean 'preference'?"],
    ['service target', `${BASE}services:\n  imaps: { host: mail, weigth: 5 }\n`, "z.yaml:7:24: error: services.imaps.weigth: unknown key 'weigth': did you mean 'weight'?"],
    ['service target, nothing close', `${BASE}services:\n  imaps: { host: mail, tls: yes }\n`, "z.yaml:7:24: error: services.imaps.tls: unknown key 'tls': the keys here are host, port, priority, weight, path"],
    [
      'service name',
      `${BASE}services:\n  imapss: mail\n`,
      "z.yaml:7:3: error: services.imapss: unknown service 'imapss': did you mean 'imaps'? (known services: submission, submissions, imap, imaps, pop3, pop3s, caldav, caldavs, carddav, carddavs, autodiscover, jmap, sieve)",
    ],
    [
      'service name, nothing close',
      `${BASE}services:\n  smtp: mail\n`,
      "z.yaml:7:3: error: services.smtp: unknown service 'smtp': known services: submission, submissions, imap, imaps, pop3, pop3s, caldav, caldavs, carddav, carddavs, autodiscover, jmap, sieve",
    ],
  ])('%s', (_, text, expected) => {
    const r = run(text);
    expect(r.errors).toEqual([expected]);
    expect(r.failed).toEqual(['example.com.']);
  });
});

describe('zone and zones', () => {
  it.each([
    ['neither', 'nameservers: [ns1]\n', "z.yaml:1:1: error: zone: missing 'zone:': name the domain this definition serves, e.g. zone: example.com"],
    ['both', 'zone: example.com\nzones: [example.org]\nnameservers: [ns1]\n', "z.yaml:2:1: error: zones: write either 'zone:' or 'zones:', not both"],
    ['an empty list', 'zones: []\nnameservers: [ns1]\n', 'z.yaml:1:8: error: zones: the list is empty: give at least one zone'],
    ['an address', 'zone: 192.0.2.1\nnameservers: [ns1]\n', "z.yaml:1:7: error: zone: '192.0.2.1' is an address, not a domain name"],
    ['the root', "zone: '.'\nnameservers: [ns1]\n", 'z.yaml:1:7: error: zone: the root zone cannot be served here: name a domain, e.g. example.com'],
    ['a long label', `zone: ${'a'.repeat(64)}.example\nnameservers: [ns1]\n`, `z.yaml:1:7: error: zone: label '${'a'.repeat(64)}' is 64 bytes long; a DNS label holds at most 63`],
    ['not text', 'zone: [[example.com]]\nnameservers: [ns1]\n', 'z.yaml:1:7: error: zone: expected a domain name, e.g. example.com, found a list'],
  ])('%s', (_, text, expected) => {
    expect(run(text).errors).toEqual([expected]);
  });
});

describe('ttl and nameservers', () => {
  it('defaults ttl to 3600 and applies it to generated records', () => {
    expect(served(BASE).every((l) => l.split(' ')[1] === '3600')).toBe(true);
    expect(served(`ttl: 60\n${BASE}`).every((l) => l.split(' ')[1] === '60')).toBe(true);
  });

  it.each([
    ['1x', "z.yaml:6:6: error: ttl: '1x' is not a TTL: write seconds (3600) or with units s, m, h, d, w (1h, 1h30m, 2d)"],
    ['h1', "z.yaml:6:6: error: ttl: 'h1' is not a TTL: write seconds (3600) or with units s, m, h, d, w (1h, 1h30m, 2d)"],
    ['4000w', "z.yaml:6:6: error: ttl: '4000w' is 2419200000 seconds, above the largest allowed, 2147483647 (RFC 2181 §8)"],
    ['-1', 'z.yaml:6:6: error: ttl: must be a TTL from 0 to 2147483647 seconds (or with units: 1h, 1h30m, 2d), not -1'],
    ['2147483648', 'z.yaml:6:6: error: ttl: must be a TTL from 0 to 2147483647 seconds (or with units: 1h, 1h30m, 2d), not 2147483648'],
    ['1.5', 'z.yaml:6:6: error: ttl: must be a TTL from 0 to 2147483647 seconds (or with units: 1h, 1h30m, 2d), not 1.5'],
  ])('ttl: %s', (value, expected) => {
    expect(run(`${BASE}ttl: ${value}\n`).errors).toEqual([expected]);
  });

  it.each([
    ['1h', 3600],
    ['1h30m', 5400],
    ['1H30M', 5400],
    ['2d', 172800],
    ['1w2d3h4m5s', 788645],
    ['30s', 30],
    ["'600'", 600],
  ])('ttl: %s is %i seconds (units as BIND and Knot read them)', (value, seconds) => {
    expect(served(`${BASE}ttl: ${value}\n`).every((l) => l.split(' ')[1] === String(seconds))).toBe(true);
  });

  it('accepts ttl 0 and 2147483647 (RFC 2181 §8)', () => {
    expect(run(`${BASE}ttl: 0\n`).errors).toEqual([]);
    expect(run(`${BASE}ttl: 2147483647\n`).errors).toEqual([]);
  });

  it.each([
    ['missing', 'zone: example.com\n', "z.yaml:1:1: error: nameservers: missing: list the zone's nameservers, at least one, e.g. nameservers: [ns1, ns2.example.net.]"],
    ['empty', 'zone: example.com\nnameservers:\n', "z.yaml:2:1: error: nameservers: missing: list the zone's nameservers, at least one, e.g. nameservers: [ns1, ns2.example.net.]"],
    ['an empty list', 'zone: example.com\nnameservers: []\n', 'z.yaml:2:14: error: nameservers: the list is empty: give at least one nameserver'],
    ['the root', "zone: example.com\nnameservers: ['.']\n", "z.yaml:2:15: error: nameservers[0]: '.' is not a nameserver: name a host, e.g. ns1"],
  ])('nameservers %s', (_, text, expected) => {
    const r = run(text);
    expect(r.errors).toEqual([expected]);
    expect(r.zones).toEqual([]);
  });

  it('takes a single nameserver without a list', () => {
    expect(served('zone: example.com\nnameservers: ns1.example.net.\n', 'NS')).toEqual(['example.com. 3600 IN NS ns1.example.net.']);
  });
});

describe('soa', () => {
  const soaOf = (soa: string, mtime = MTIME) => {
    const r = run(`${BASE}${soa}`, mtime);
    return { errors: r.errors, soa: r.zones[0] ? lines(r.zones[0], 'SOA') : [] };
  };

  it('defaults: MNAME the first nameserver, hostmaster@zone, serial from mtime, 7200 3600 1209600 300', () => {
    expect(soaOf('').soa).toEqual(['example.com. 3600 IN SOA ns1.example.com. hostmaster.example.com. 1700000000 7200 3600 1209600 300']);
  });

  it('is the first record, exactly one, TTL = definition ttl', () => {
    const r = run(`ttl: 900\n${BASE}`);
    expect(lines(r.zones[0]).filter((l) => l.includes(' SOA '))).toHaveLength(1);
    expect(lines(r.zones[0])[0]).toBe('example.com. 900 IN SOA ns1.example.com. hostmaster.example.com. 1700000000 7200 3600 1209600 300');
  });

  it('reads every field; negative-ttl is the SOA MINIMUM', () => {
    const soa = 'soa:\n  contact: dns@example.net\n  serial: 2026112401\n  refresh: 10800\n  retry: 900\n  expire: 604800\n  negative-ttl: 600\n';
    expect(soaOf(soa).soa).toEqual(['example.com. 3600 IN SOA ns1.example.com. dns.example.net. 2026112401 10800 900 604800 600']);
  });

  it("escapes dots in the contact's local part (RFC 1035 §8)", () => {
    expect(soaOf('soa:\n  contact: first.last@example.net.\n').soa[0]).toContain(' first\\.last.example.net. ');
  });

  it('serial: auto is the file mtime in seconds, and moves with it', () => {
    expect(soaOf('soa:\n  serial: auto\n', 1_800_000_000_999).soa[0]).toContain(' 1800000000 7200 ');
    expect(soaOf('soa:\n  serial: auto\n', 1_800_000_001_000).soa[0]).toContain(' 1800000001 7200 ');
  });

  it('an empty soa: means the defaults', () => {
    expect(soaOf('soa:\n').soa).toEqual(soaOf('').soa);
  });

  it.each([
    ['contact: hostmaster', "z.yaml:7:12: error: soa.contact: 'hostmaster' is not an email address: write it as hostmaster@example.com"],
    ['contact: hostmaster@', "z.yaml:7:12: error: soa.contact: 'hostmaster@' is not an email address: write it as hostmaster@example.com"],
    ['serial: 4294967296', 'z.yaml:7:11: error: soa.serial: must be a whole number from 0 to 4294967295, not 4294967296'],
    ['serial: -1', 'z.yaml:7:11: error: soa.serial: must be a whole number from 0 to 4294967295, not -1'],
    ['serial: today', "z.yaml:7:11: error: soa.serial: must be 'auto', 'dateserial' or a whole number from 0 to 4294967295, not today"],
    ['refresh: 2x', "z.yaml:7:12: error: soa.refresh: '2x' is not a TTL: write seconds (3600) or with units s, m, h, d, w (1h, 1h30m, 2d)"],
    ['negative-ttl: -5', 'z.yaml:7:17: error: soa.negative-ttl: must be a TTL from 0 to 2147483647 seconds (or with units: 1h, 1h30m, 2d), not -5'],
  ])('soa.%s', (line, expected) => {
    expect(soaOf(`soa:\n  ${line}\n`).errors).toEqual([expected]);
  });

  it('reads the timers with units, as zone files write them', () => {
    expect(soaOf('soa:\n  refresh: 2h\n  retry: 1h\n  expire: 2w\n  negative-ttl: 5m\n').soa[0]).toContain(' 7200 3600 1209600 300');
  });

  it('accepts serial 0 and 4294967295', () => {
    expect(soaOf('soa:\n  serial: 4294967295\n').soa[0]).toContain(' 4294967295 ');
    expect(soaOf('soa:\n  serial: 0\n').soa[0]).toContain('hostmaster.example.com. 0 ');
  });
});

describe('hosts', () => {
  it('makes A and AAAA by address family, in the order written; IPv6 in RFC 5952 form', () => {
    const text = `${BASE}  '@': [192.0.2.1, 2001:DB8:0:0::1]\n  web: 2001:db8::80\n`;
    expect(served(text).filter((l) => / (A|AAAA) /.test(l))).toEqual([
      'ns1.example.com. 3600 IN A 192.0.2.53',
      'mail.example.com. 3600 IN A 192.0.2.10',
      'example.com. 3600 IN A 192.0.2.1',
      'example.com. 3600 IN AAAA 2001:db8::1',
      'web.example.com. 3600 IN AAAA 2001:db8::80',
    ]);
  });

  it.each([
    ['  web: 192.0.2.300\n', "z.yaml:6:8: error: hosts.web: '192.0.2.300' is not an IPv4 or IPv6 address"],
    ['  web: [192.0.2.1, fe80::1%eth0]\n', "z.yaml:6:20: error: hosts.web[1]: 'fe80::1%eth0' is not an IPv4 or IPv6 address"],
    ['  web: 42\n', 'z.yaml:6:8: error: hosts.web: expected an IPv4 or IPv6 address, found 42'],
    ['  web: []\n', 'z.yaml:6:8: error: hosts.web: the list is empty: give at least one address'],
    ['  web:\n', 'z.yaml:6:3: error: hosts.web: expected an IPv4 or IPv6 address, found nothing'],
  ])('%j', (line, expected) => {
    expect(run(`${BASE}${line}`).errors).toEqual([expected]);
  });
});

describe('mx', () => {
  it('gives preference 10, 20, … by list position; an explicit one wins', () => {
    const text = `${BASE}  mail2: 192.0.2.11\nmx: [mail, { host: mail2, preference: 5 }, mx.example.net.]\n`;
    expect(served(text, 'MX')).toEqual([
      'example.com. 3600 IN MX 10 mail.example.com.',
      'example.com. 3600 IN MX 5 mail2.example.com.',
      'example.com. 3600 IN MX 30 mx.example.net.',
    ]);
  });

  it("publishes a null MX '.' with preference 0 (RFC 7505)", () => {
    expect(served(`${BASE}mx: ['.']\n`, 'MX')).toEqual(['example.com. 3600 IN MX 0 .']);
  });

  it.each([
    ["mx: ['.', mail]\n", "z.yaml:6:6: error: mx[0]: a null MX ('.') says the domain takes no mail, so it must be the only MX (RFC 7505)"],
    ['mx: [{ host: mail, preference: 65536 }]\n', 'z.yaml:6:32: error: mx[0].preference: must be a whole number from 0 to 65535, not 65536'],
    ['mx: [{ preference: 5 }]\n', "z.yaml:6:6: error: mx[0]: missing 'host:': name the mail server, e.g. { host: mail, preference: 10 }"],
  ])('%j', (line, expected) => {
    expect(run(`${BASE}${line}`).errors).toEqual([expected]);
  });
});

describe('services: problems in what is written', () => {
  it.each([
    ['imaps: mail:0', "z.yaml:7:15: error: services.imaps: port 0 means 'not offered': write 'imaps: off' instead"],
    ['imaps: mail:99999', "z.yaml:7:15: error: services.imaps: port must be a whole number from 0 to 65535, not '99999'"],
    ["imaps: 'mail:x'", "z.yaml:7:16: error: services.imaps: port must be a whole number from 0 to 65535, not 'x'"],
    ['imaps: :993', "z.yaml:7:10: error: services.imaps: ':993' has no host before the ':': write host:port, e.g. mail:993"],
    ['imaps: { host: mail, port: 0 }', "z.yaml:7:30: error: services.imaps.port: port 0 means 'not offered': write 'imaps: off' instead"],
    ['imaps: { host: mail, port: 70000 }', 'z.yaml:7:30: error: services.imaps.port: must be a whole number from 0 to 65535, not 70000'],
    ['imaps: { host: mail, priority: -1 }', 'z.yaml:7:34: error: services.imaps.priority: must be a whole number from 0 to 65535, not -1'],
    ['imaps: { host: mail, weight: 65536 }', 'z.yaml:7:32: error: services.imaps.weight: must be a whole number from 0 to 65535, not 65536'],
    ['imaps: { port: 993 }', "z.yaml:7:10: error: services.imaps: missing 'host:': name the server, e.g. { host: mail }"],
    ['imaps: [mail, off]', "z.yaml:7:17: error: services.imaps[1]: 'off' cannot be mixed with targets: write 'imaps: off' alone, or remove it"],
    ['imaps: []', "z.yaml:7:10: error: services.imaps: the list is empty: give at least one target, or write 'imaps: off'"],
    ['imaps: true', 'z.yaml:7:10: error: services.imaps: expected a target: a host name, host:port, or { host, port, priority, weight }, found true'],
    ["imaps: '.'", "z.yaml:7:10: error: services.imaps: '.' means the service is not offered: write 'imaps: off' instead"],
    ['imaps: 2001:db8::10', "z.yaml:7:10: error: services.imaps: '2001:db8::10' is an address; a target is a host name: list the address under hosts: and use that name here"],
    ['caldavs: { host: mail, path: dav/ }', "z.yaml:7:32: error: services.caldavs.path: path must start with '/', e.g. /dav/calendars/"],
    ['imaps: { host: mail, path: /x/ }', "z.yaml:7:24: error: services.imaps.path: 'path' is only for caldav, caldavs, carddav and carddavs (RFC 6764); remove it here"],
    [
      'carddavs: [{ host: mail, path: /a/ }, { host: mail, port: 8443, path: /b/ }]',
      'z.yaml:7:73: error: services.carddavs[1].path: a service has one path (RFC 6764 §4): \'/a/\' is already given at line 7',
    ],
  ])('%s', (line, expected) => {
    const r = run(`${BASE}services:\n  ${line}\n`);
    expect(r.errors).toEqual([expected]);
    expect(r.zones).toEqual([]);
  });

  it.each([
    ['submission: mail:465', "z.yaml:7:20: warning: services.submission: 465 is implicit TLS: did you mean 'submissions'?"],
    ['submission: { host: mail, port: 465 }', "z.yaml:7:35: warning: services.submission.port: 465 is implicit TLS: did you mean 'submissions'?"],
    ['submissions: [mail, mail:587]', "z.yaml:7:28: warning: services.submissions[1]: 587 is STARTTLS: did you mean 'submission'?"],
  ])('warns about swapped submission ports (RFC 8314): %s', (line, expected) => {
    const r = run(`${BASE}services:\n  ${line}\n`);
    expect(r.messages).toEqual([expected]);
    expect(r.zones).toHaveLength(1);
  });
});

describe('records: lines', () => {
  it('serves each line with the definition ttl unless it gives one', () => {
    const text = `ttl: 900\n${BASE}records:\n  - '@ TXT "v=spf1 mx -all"'\n  - '_dmarc 300 TXT "v=DMARC1; p=reject"'\n  - '@ CAA 0 issue "letsencrypt.org"'\n`;
    expect(served(text).slice(-3)).toEqual([
      'example.com. 900 IN TXT "v=spf1 mx -all"',
      '_dmarc.example.com. 300 IN TXT "v=DMARC1; p=reject"',
      'example.com. 900 IN CAA 0 issue "letsencrypt.org"',
    ]);
  });

  it.each([
    ['single-quoted', `  - '@ 300 TXTX "x"'`, "z.yaml:7:12: error: records[0]: unknown record type 'TXTX': use a mnemonic such as TXT or CAA, or TYPEnnn with \\# data (RFC 3597)"],
    ['double-quoted with an escape', `  - "www\\t300 A 192.0.2.999"`, "z.yaml:7:17: error: records[0]: '192.0.2.999' is not an IPv4 address"],
    ['plain', `  - www A 192.0.2.999`, "z.yaml:7:11: error: records[0]: '192.0.2.999' is not an IPv4 address"],
    ['after a doubled quote', `  - 'it''s A 192.0.2.999'`, "z.yaml:7:14: error: records[0]: '192.0.2.999' is not an IPv4 address"],
    ['after escapes', `  - "\\x40 MX 10 mail x"`, 'z.yaml:7:22: error: records[0]: too many fields: expected preference and exchange, e.g. "10 mail"'],
  ])('reports the column inside the line (%s)', (_, line, expected) => {
    const errors = run(`${BASE}records:\n${line}\n`).errors;
    expect(errors).toHaveLength(1);
    expect(errors[0]!.startsWith(expected)).toBe(true);
  });

  it('wants text', () => {
    expect(run(`${BASE}records:\n  - { a: 1 }\n`).errors).toEqual([`z.yaml:7:5: error: records[0]: expected a record in zone-file syntax, e.g. '@ TXT "v=spf1 mx -all"', found a mapping`]);
  });
});
