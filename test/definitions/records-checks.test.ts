// records: lines get the checks the structured keys get; services: in a zone named _tcp.….
import { describe, expect, it } from 'vitest';
import { BASE, lines, run } from './run.js';

describe('records: lines get the checks the structured keys get', () => {
  it.each([
    [
      'a relative target with a dot',
      `zone: cust.example\nnameservers: [ns1.example.net.]\nrecords:\n  - '@ MX 10 host.other.example'\n`,
      [
        'z.yaml:2:15: warning: nameservers[0]: ns1.example.net. is not in a zone served here, so its addresses cannot be checked: make sure it has A or AAAA records, and list its domain under external: to say it is trusted',
        "z.yaml:4:14: warning: records[0]: 'host.other.example' is read as host.other.example.cust.example.; if you meant the host host.other.example, write 'host.other.example.'",
        'z.yaml:4:14: error: records[0]: MX target host.other.example.cust.example. has no A or AAAA record: add it under hosts:',
      ],
    ],
    ['465 on _submission', `${BASE}records:\n  - '_submission._tcp SRV 0 1 465 mail'\n`, ["z.yaml:7:31: warning: records[0]: 465 is implicit TLS: did you mean '_submissions'?"]],
    ['587 on _submissions', `${BASE}records:\n  - '_submissions._tcp SRV 0 1 587 mail'\n`, ["z.yaml:7:32: warning: records[0]: 587 is STARTTLS: did you mean '_submission'?"]],
    ['path= without /', `${BASE}records:\n  - '_caldavs._tcp TXT "path=dav/"'\n`, ['z.yaml:7:24: error: records[0]: path must start with \'/\', e.g. "path=/dav/" (RFC 6764 §4)']],
    ['an SRV target that is an alias', `${BASE}aliases:\n  imap: mail\nrecords:\n  - '_imaps._tcp SRV 0 1 993 imap'\n`, ['z.yaml:9:30: error: records[0]: imap.example.com. is an alias (line 7): SRV targets must be names with addresses, never aliases (RFC 2782); point at mail.example.com. instead']],
    ['an MX target without addresses', `${BASE}records:\n  - '@ MX 10 nohost'\n`, ['z.yaml:7:14: error: records[0]: MX target nohost.example.com. has no A or AAAA record: add it under hosts:']],
  ])('%s', (_, text, expected) => {
    expect(run(text).messages).toEqual(expected);
  });
});

describe('services: in a zone named _tcp.… (the discovery subtree delegated on its own)', () => {
  it('writes the owners one label shorter: _imaps, not _imaps._tcp', () => {
    const r = run(`zone: _tcp.example.com\nnameservers: [ns1.example.net.]\nservices:\n  imaps: mail.example.com.\n  caldavs: { host: dav.example.com., path: /dav/ }\n  pop3: off\n`);
    expect(r.errors).toEqual([]);
    expect(lines(r.zones[0]).filter((l) => !/ (SOA|NS) /.test(l))).toEqual([
      '_imaps._tcp.example.com. 3600 IN SRV 0 1 993 mail.example.com.',
      '_caldavs._tcp.example.com. 3600 IN SRV 0 1 443 dav.example.com.',
      '_caldavs._tcp.example.com. 3600 IN TXT "path=/dav/"',
      '_pop3._tcp.example.com. 3600 IN SRV 0 0 0 .',
    ]);
  });

  it('a zones: list mixing _tcp zones and whole domains gives each its own owners', () => {
    const r = run(`zones: [a.example, _tcp.b.example, c.example]\nnameservers: [ns1.example.net.]\nservices:\n  imaps: mail.example.net.\n`);
    expect(r.errors).toEqual([]);
    expect(r.zones.map((z) => lines(z, 'SRV')[0])).toEqual([
      '_imaps._tcp.a.example. 3600 IN SRV 0 1 993 mail.example.net.',
      '_imaps._tcp.b.example. 3600 IN SRV 0 1 993 mail.example.net.',
      '_imaps._tcp.c.example. 3600 IN SRV 0 1 993 mail.example.net.',
    ]);
  });
});
