// Wildcards (RFC 4592) and delegations (RFC 1034 §4.2.1) as a definition writes them, and what
// check says about them.
import { describe, expect, it } from 'vitest';
import { BASE, lines, run } from './run.js';

describe('wildcards in hosts:, aliases: and records:', () => {
  it('serves them', () => {
    const r = run(`${BASE}  '*.dev': 192.0.2.20\naliases:\n  '*.cdn': mail\nrecords:\n  - '* TXT "anything"'\n`);
    expect(r.messages).toEqual([]);
    expect(lines(r.zones[0]).filter((l) => l.includes('*'))).toEqual([
      '*.dev.example.com. 3600 IN A 192.0.2.20',
      '*.cdn.example.com. 3600 IN CNAME mail.example.com.',
      '*.example.com. 3600 IN TXT "anything"',
    ]);
  });

  it.each([
    ['a host', `${BASE}  'a.*.dev': 192.0.2.1\n`, "z.yaml:6:3: error: hosts['a.*.dev']: 'a.*.dev' is not a host name: use letters, digits, '-', '_' and '.' ('*' only as the whole first label, as in '*.dev': RFC 4592)"],
    ['a host with a partial star', `${BASE}  'w*': 192.0.2.1\n`, "z.yaml:6:3: error: hosts.w*: 'w*' is not a host name: use letters, digits, '-', '_' and '.' ('*' only as the whole first label, as in '*.dev': RFC 4592)"],
    ['a records: owner', `${BASE}records:\n  - 'a.*.dev TXT "x"'\n`, "z.yaml:7:5: error: records[0]: a.*.dev.example.com.: '*' makes a wildcard only as the first label (RFC 4592 §2.1.1); write '*.dev.example.com.' or name each host"],
  ])("'*' only as the first label: %s", (_, text, expected) => {
    expect(run(text).errors).toEqual([expected]);
  });

  it('an MX or SRV target that a wildcard gives addresses to is not missing', () => {
    expect(run(`${BASE}  '*.hosts': 192.0.2.9\nmx: [x.hosts.example.com]\nservices:\n  imaps: y.hosts.example.com\n`).messages).toEqual([]);
  });

  it('a target that a wildcard alias covers is an alias', () => {
    expect(run(`${BASE}aliases:\n  '*.cdn': mail\nmx: [x.cdn.example.com]\n`).errors).toEqual([
      'z.yaml:8:6: error: mx[0]: x.cdn.example.com. is an alias (line 7): MX targets must be names with addresses, never aliases (RFC 2181 §10.3); point at mail.example.com. instead',
    ]);
  });
});

describe('delegations: NS below the apex', () => {
  const deleg = `${BASE}hosts:\n  ns1.sub: 192.0.2.60\nrecords:\n  - 'sub NS ns1.sub.example.com.'\n  - 'sub NS ns.other.example.'\n`;

  it('serve with their glue, and without warnings about the glue', () => {
    const text = `zone: example.com
nameservers: [ns1]
hosts:
  ns1: 192.0.2.53
  ns1.sub: 192.0.2.60
records:
  - 'sub NS ns1.sub.example.com.'
  - 'sub NS ns.other.example.'
  - 'sub DS 12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF'
`;
    const r = run(text);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual(['z.yaml:8:13: warning: records[1]: ns.other.example. is not in a zone served here, so its addresses cannot be checked: make sure it has A or AAAA records, and list its domain under external: to say it is trusted']);
    expect(lines(r.zones[0], 'NS')).toContain('sub.example.com. 3600 IN NS ns1.sub.example.com.');
    void deleg;
  });

  it('warns about data below the cut, which the child zone serves', () => {
    const text = `zone: example.com
nameservers: [ns1]
hosts:
  ns1: 192.0.2.53
  ns1.sub: 192.0.2.60
  www.sub: 192.0.2.61
records:
  - 'sub NS ns1.sub.example.com.'
  - 'sub TXT "occluded too"'
`;
    expect(run(text).warnings).toEqual([
      'z.yaml:6:12: warning: hosts[\'www.sub\']: www.sub.example.com. A is not served: it is below the delegation of sub.example.com. (line 8), whose data the child zone serves (RFC 1034 §4.2.1); move it there, or remove it',
      'z.yaml:9:5: warning: records[1]: sub.example.com. TXT is not served: it is at the delegation of sub.example.com. (line 8), whose data the child zone serves (RFC 1034 §4.2.1); move it there, or remove it',
    ]);
  });

  it('needs glue for a nameserver below the cut', () => {
    expect(run(`${BASE}records:\n  - 'sub NS ns1.sub.example.com.'\n`).errors).toEqual(['z.yaml:7:13: error: records[0]: NS target ns1.sub.example.com. has no A or AAAA record: add it under hosts:']);
  });

  it('DS only at a delegation', () => {
    const ds = "DS 12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF'";
    expect(run(`${BASE}records:\n  - 'sub ${ds}\n`).errors).toEqual([
      'z.yaml:7:5: error: records[0]: DS records sit at a delegation, beside its NS records (RFC 4035 §2.4): add the NS records of the delegation of sub.example.com., or remove it',
    ]);
    expect(run(`${BASE}records:\n  - '@ ${ds}\n`).errors).toEqual([
      "z.yaml:7:5: error: records[0]: DS records sit at a delegation, beside its NS records (RFC 4035 §2.4): the zone's own DS goes in the parent zone, at the registrar",
    ]);
  });

  it('an MX target below a cut is the child zone\'s to check', () => {
    expect(run(`${BASE}  ns1.sub: 192.0.2.60\nmx: [mail.sub.example.com]\nrecords:\n  - 'sub NS ns1.sub.example.com.'\n`).messages).toEqual([
      'z.yaml:7:6: warning: mx[0]: mail.sub.example.com. is delegated away from zone example.com., so its addresses cannot be checked here: make sure the child zone has A or AAAA records for it',
    ]);
  });

  it('a delegation to a zone also served here is the parent\'s own data: no error, the child answers', () => {
    const r = run({ 'a.yaml': `${BASE}records:\n  - 'shop NS ns1'\n`, 'b.yaml': 'zone: shop.example.com\nnameservers: [ns1.example.com.]\n' });
    expect(r.errors).toEqual([]);
    expect(r.zones).toHaveLength(2);
  });
});
