import { describe, expect, it } from 'vitest';
import { nameToText } from '../../src/dns/name.js';
import { BASE, lines, run } from './run.js';

describe('owners must be inside the zone', () => {
  it.each([
    ['a host', `${BASE}  mail.example.net.: 192.0.2.1\n`, 'z.yaml:6:3: error: hosts[\'mail.example.net.\']: mail.example.net. is outside zone example.com.: write a name at or below the zone, or define it in its own zone'],
    ['an alias', `${BASE}aliases:\n  www.example.org.: mail\n`, "z.yaml:7:3: error: aliases['www.example.org.']: www.example.org. is outside zone example.com.: write a name at or below the zone, or define it in its own zone"],
    ['a records: line', `${BASE}records:\n  - 'example.org. TXT "x"'\n`, 'z.yaml:7:5: error: records[0]: example.org. is outside zone example.com.: write a name at or below the zone, or define it in its own zone'],
  ])('%s', (_, text, expected) => {
    const r = run(text);
    expect(r.errors).toEqual([expected]);
    expect(r.failed).toEqual(['example.com.']);
  });

  it('refuses data for a name that belongs to a deeper zone served here', () => {
    const r = run({ 'a.yaml': `${BASE}  www.shop: 192.0.2.80\n`, 'b.yaml': 'zone: shop.example.com\nnameservers: [ns1.example.com.]\n' });
    expect(r.errors).toEqual(['a.yaml:6:13: error: hosts[\'www.shop\']: www.shop.example.com. is in zone shop.example.com., also served here (b.yaml): move it to that zone\'s definition']);
    expect(r.zones.map((z) => nameToText(z.origin))).toEqual(['shop.example.com.']);
  });
});

describe('NS at the apex and SOA belong to nameservers: and soa:', () => {
  it.each([
    ['apex NS', `${BASE}records:\n  - '@ NS ns2.example.net.'\n`, "z.yaml:7:5: error: records[0]: NS records at the apex come from 'nameservers:': list the nameserver there and remove this line"],
    ['an SOA', `${BASE}records:\n  - '@ SOA ns1 hostmaster 1 2 3 4 5'\n`, "z.yaml:7:5: error: records[0]: the SOA comes from 'soa:' and 'nameservers:': set its values there and remove this line"],
  ])('%s', (_, text, expected) => {
    const r = run(text);
    expect(r.errors).toEqual([expected]);
    expect(r.zones).toEqual([]);
  });
});

describe('aliases (RFC 1034 §3.6.2)', () => {
  it('serves a chain of aliases that ends at addresses', () => {
    const r = run(`${BASE}aliases:\n  a: b\n  b: mail\n`);
    expect(r.messages).toEqual([]);
    expect(lines(r.zones[0], 'CNAME')).toEqual(['a.example.com. 3600 IN CNAME b.example.com.', 'b.example.com. 3600 IN CNAME mail.example.com.']);
  });

  it.each([
    ['at the apex', `${BASE}aliases:\n  '@': mail\n`, ["z.yaml:7:3: error: aliases.@: an alias cannot be at the zone's apex (RFC 1034 §3.6.2): give '@' its addresses under hosts: instead"]],
    ['at the apex, by the zone name', `${BASE}aliases:\n  example.com: mail\n`, ["z.yaml:7:3: error: aliases['example.com']: an alias cannot be at the zone's apex (RFC 1034 §3.6.2): give '@' its addresses under hosts: instead"]],
    [
      'beside addresses',
      `${BASE}aliases:\n  mail: web.example.net.\n`,
      ['z.yaml:7:3: error: aliases.mail: mail.example.com. is an alias and also has A data (line 5): an alias has no other data (RFC 1034 §3.6.2); remove one of them'],
    ],
    [
      'beside a records: line',
      `${BASE}aliases:\n  www: mail\nrecords:\n  - 'www TXT "x"'\n  - 'www CAA 0 issue "ca.example"'\n`,
      ['z.yaml:7:3: error: aliases.www: www.example.com. is an alias and also has TXT, CAA data (line 9): an alias has no other data (RFC 1034 §3.6.2); remove one of them'],
    ],
    [
      'beside a service',
      `${BASE}aliases:\n  _imaps._tcp: mail\nservices:\n  imaps: mail\n`,
      ["z.yaml:7:3: error: aliases['_imaps._tcp']: _imaps._tcp.example.com. is an alias and also has SRV data (line 9): an alias has no other data (RFC 1034 §3.6.2); remove one of them"],
    ],
    [
      'the same name aliased twice',
      `${BASE}  web: 192.0.2.80\naliases:\n  www: mail\n  www.example.com: web\n`,
      ['z.yaml:9:3: error: aliases[\'www.example.com\']: www.example.com. is already an alias (line 8): a name has one alias target'],
    ],
    [
      'aliased in records: too',
      `${BASE}aliases:\n  www: mail\nrecords:\n  - 'www CNAME ns1'\n`,
      ['z.yaml:9:5: error: records[0]: www.example.com. is already an alias (line 7): a name has one alias target'],
    ],
    [
      'a target that does not exist',
      `${BASE}aliases:\n  www: web\n`,
      ["z.yaml:7:8: error: aliases.www: alias target web.example.com. does not exist in zone example.com.: add it under hosts:, or end the name with '.' if it is elsewhere"],
    ],
    [
      'a loop',
      `${BASE}aliases:\n  a: b\n  b: a\n`,
      [
        'z.yaml:7:3: error: aliases.a: aliases loop: a.example.com. → b.example.com. → a.example.com.: end the chain at a name with addresses',
        'z.yaml:8:3: error: aliases.b: aliases loop: b.example.com. → a.example.com. → b.example.com.: end the chain at a name with addresses',
      ],
    ],
    ['a loop on itself', `${BASE}aliases:\n  a: a\n`, ['z.yaml:7:3: error: aliases.a: aliases loop: a.example.com. → a.example.com.: end the chain at a name with addresses']],
  ])('refuses an alias %s', (_, text, expected) => {
    const r = run(text);
    expect(r.errors).toEqual(expected);
    expect(r.zones).toEqual([]);
  });

  it('does not check a target outside the zones served here', () => {
    const r = run(`${BASE}aliases:\n  webmail: mail.provider.example.\n`);
    expect(r.messages).toEqual([]);
    expect(lines(r.zones[0], 'CNAME')).toEqual(['webmail.example.com. 3600 IN CNAME mail.provider.example.']);
  });
});

describe('targets of NS, MX and SRV (RFC 2782, RFC 2181 §10.3)', () => {
  it.each([
    ['MX', `${BASE}mx: [mx]\n`, 'z.yaml:6:6: error: mx[0]: MX target mx.example.com. has no A or AAAA record: add it under hosts:'],
    ['SRV', `${BASE}services:\n  imaps: imap\n`, 'z.yaml:7:10: error: services.imaps: SRV target imap.example.com. has no A or AAAA record: add it under hosts:'],
    ['NS', 'zone: example.com\nnameservers: [ns1]\n', 'z.yaml:2:15: error: nameservers[0]: NS target ns1.example.com. has no A or AAAA record: add it under hosts:'],
    ['an MX in records:', `${BASE}records:\n  - '@ MX 5 mx'\n`, 'z.yaml:7:13: error: records[0]: MX target mx.example.com. has no A or AAAA record: add it under hosts:'],
  ])('an in-zone %s target needs addresses', (_, text, expected) => {
    const r = run(text);
    expect(r.errors).toEqual([expected]);
    expect(r.zones).toEqual([]);
  });

  it.each([
    ['MX', `${BASE}aliases:\n  mx: mail\nmx: [mx]\n`, 'z.yaml:8:6: error: mx[0]: mx.example.com. is an alias (line 7): MX targets must be names with addresses, never aliases (RFC 2181 §10.3); point at mail.example.com. instead'],
    ['SRV', `${BASE}aliases:\n  imap: mail\nservices:\n  imaps: imap\n`, 'z.yaml:9:10: error: services.imaps: imap.example.com. is an alias (line 7): SRV targets must be names with addresses, never aliases (RFC 2782); point at mail.example.com. instead'],
    ['NS', `zone: example.com\nnameservers: [ns]\nhosts: { ns1: 192.0.2.53 }\naliases: { ns: ns1 }\n`, 'z.yaml:2:15: error: nameservers[0]: ns.example.com. is an alias (line 4): NS targets must be names with addresses, never aliases (RFC 2181 §10.3); point at ns1.example.com. instead'],
  ])('a %s target must not be an alias', (_, text, expected) => {
    expect(run(text).errors).toEqual([expected]);
  });

  it('looks for targets in the other zones served here', () => {
    const r = run({
      'a.yaml': `${BASE}mx: [mx.example.org., mail2.example.org., www.example.org.]\n`,
      'b.yaml': 'zone: example.org\nnameservers: [ns1.example.com.]\nhosts: { mx: 192.0.2.25 }\naliases: { www: mx }\n',
    });
    expect(r.errors).toEqual([
      'a.yaml:6:23: error: mx[1]: MX target mail2.example.org. has no A or AAAA record: add it under hosts: of zone example.org. (b.yaml)',
      'a.yaml:6:43: error: mx[2]: www.example.org. is an alias (b.yaml:4): MX targets must be names with addresses, never aliases (RFC 2181 §10.3); point at mx.example.org. instead',
    ]);
    expect(r.zones.map((z) => nameToText(z.origin))).toEqual(['example.org.']);
  });

  it('warns that targets outside the zones served here cannot be checked', () => {
    const r = run(`${BASE}mx: [mx.example.net.]\nservices:\n  imaps: { host: imap.example.net., port: 993 }\n`);
    expect(r.warnings).toEqual([
      'z.yaml:6:6: warning: mx[0]: mx.example.net. is not in a zone served here, so its addresses cannot be checked: make sure it has A or AAAA records, and list its domain under external: to say it is trusted',
      'z.yaml:8:18: warning: services.imaps.host: imap.example.net. is not in a zone served here, so its addresses cannot be checked: make sure it has A or AAAA records, and list its domain under external: to say it is trusted',
    ]);
    expect(r.zones).toHaveLength(1);
  });

  it("accepts the SRV target '.' of 'off' and a null MX without an address", () => {
    const r = run(`${BASE}mx: ['.']\nservices:\n  imap: off\n`);
    expect(r.messages).toEqual([]);
  });

  it('does not check targets in a zone whose file did not parse (nor blame the parent zone)', () => {
    const r = run({ 'a.yaml': `${BASE}mx: [mx.sub.example.com.]\n`, 'b.yaml': 'zone: sub.example.com\nnameservers: [ns1\n' });
    expect(r.messages).toEqual(['b.yaml:3:1: error: (yaml): Flow sequence in block collection must be sufficiently indented and end with a ]']);
    expect(r.zones.map((z) => nameToText(z.origin))).toEqual(['example.com.']);
    expect(r.failed).toEqual(['sub.example.com.']);
  });

  it('does not pile a missing-address error onto a host whose address was wrong', () => {
    expect(run(`${BASE}  imap: 192.0.2.256\nservices:\n  imaps: imap\n`).errors).toEqual([
      "z.yaml:6:9: error: hosts.imap: '192.0.2.256' is not an IPv4 or IPv6 address",
    ]);
  });
});

describe('records as served', () => {
  it('warns about an identical record and serves it once', () => {
    const r = run(`${BASE}  www: [192.0.2.80, 192.0.2.80]\nrecords:\n  - 'MAIL A 192.0.2.10'\n`);
    expect(r.warnings).toEqual([
      'z.yaml:6:21: warning: hosts.www[1]: same record as line 6 (www.example.com. A 192.0.2.80): it is served once; remove the copy',
      'z.yaml:8:5: warning: records[0]: same record as line 5 (MAIL.example.com. A 192.0.2.10): it is served once; remove the copy',
    ]);
    expect(lines(r.zones[0], 'A')).toEqual(['ns1.example.com. 3600 IN A 192.0.2.53', 'mail.example.com. 3600 IN A 192.0.2.10', 'www.example.com. 3600 IN A 192.0.2.80']);
  });

  it('serves an RRset with one TTL, the lowest, and warns (RFC 2181 §5.2)', () => {
    const r = run(`${BASE}records:\n  - 'mail 60 A 192.0.2.11'\n`);
    expect(r.warnings).toEqual([
      'z.yaml:7:5: warning: records[0]: TTL 60 differs from TTL 3600 of the A record at line 5; all A records of mail.example.com. are served with TTL 60 (RFC 2181 §5.2): give them one TTL',
    ]);
    expect(lines(r.zones[0], 'A').filter((l) => l.startsWith('mail.'))).toEqual(['mail.example.com. 60 IN A 192.0.2.10', 'mail.example.com. 60 IN A 192.0.2.11']);
  });

  it('is the same, in the same order, every time', () => {
    const text = `${BASE}mx: [mail]\nservices:\n  imaps: mail\n  submissions: mail\naliases:\n  autoconfig: mail\n`;
    const a = lines(run(text).zones[0]);
    const b = lines(run(text).zones[0]);
    expect(a).toEqual(b);
    expect(a.map((l) => l.split(' ')[3])).toEqual(['SOA', 'NS', 'A', 'A', 'MX', 'SRV', 'SRV', 'CNAME']);
  });
});

describe('zones defined twice, and zones with errors', () => {
  it('refuses a zone defined twice across files, pointing at the first, and serves neither', () => {
    const r = run({ 'a.yaml': BASE, 'b.yaml': BASE.replace('zone: example.com', 'zone: EXAMPLE.com') });
    expect(r.errors).toEqual(['b.yaml:1:7: error: zone: zone EXAMPLE.com. is already defined at a.yaml:1:7: define each zone once']);
    expect(r.zones).toEqual([]);
    expect(r.failed).toEqual(['example.com.']);
  });

  it('refuses a zone listed in two zones: lists, serving the rest of each', () => {
    const list = (zones: string) => `zones: [${zones}]\nnameservers: [ns1.elsewhere.test.]\n`;
    const r = run({ 'a.yaml': list('example.org, example.com'), 'b.yaml': list('example.net, EXAMPLE.com') });
    expect(r.errors).toEqual(['b.yaml:1:22: error: zones[1]: zone EXAMPLE.com. is already defined at a.yaml:1:22: define each zone once']);
    expect(r.zones.map((z) => nameToText(z.origin)).sort()).toEqual(['example.net.', 'example.org.']);
    expect(r.failed).toEqual(['example.com.']);
  });

  it('refuses a zone defined twice in one file', () => {
    const r = run(`${BASE}---\nzone: example.com.\nnameservers: [ns1.example.com.]\n`);
    expect(r.errors).toEqual(['z.yaml:7:7: error: zone: zone example.com. is already defined at z.yaml:1:7: define each zone once']);
  });

  it('leaves out only the zone with errors, serving the others', () => {
    const r = run({ 'a.yaml': `${BASE}mx: [nowhere]\n`, 'b.yaml': 'zone: example.org\nnameservers: [ns1.example.com.]\n' });
    expect(r.errors).toEqual(['a.yaml:6:6: error: mx[0]: MX target nowhere.example.com. has no A or AAAA record: add it under hosts:']);
    expect(r.zones.map((z) => nameToText(z.origin))).toEqual(['example.org.']);
    expect(r.failed).toEqual(['example.com.']);
  });

  it('leaves out every zone of a definition with a load error', () => {
    const r = run('zones: [example.com, example.org]\nnameservers: [ns1.example.net.]\nttl: forever\n');
    expect(r.errors).toEqual(["z.yaml:3:6: error: ttl: 'forever' is not a TTL: write seconds (3600) or with units s, m, h, d, w (1h, 1h30m, 2d)"]);
    expect(r.failed).toEqual(['example.com.', 'example.org.']);
    expect(r.zones).toEqual([]);
  });
});
