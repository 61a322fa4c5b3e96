import { describe, expect, it } from 'vitest';
import { resolveName } from '../../src/definitions/names.js';
import { isNameError, name, nameToText } from '../../src/dns/name.js';
import { BASE, lines, run, served } from './run.js';

describe('name rules (DESIGN.md "Names")', () => {
  const zone = name('example.com.');
  it.each([
    ['mail', 'mail.example.com.', 'relative to the zone'],
    ['@', 'example.com.', "'@' is the apex"],
    ['mail.example.net.', 'mail.example.net.', "ends in '.': absolute"],
    ['mail.example.com', 'mail.example.com.', "ends in the zone's name: absolute"],
    ['example.com', 'example.com.', 'the zone name itself: the apex'],
    ['Mail.EXAMPLE.Com', 'Mail.EXAMPLE.Com.', 'zone suffix matched case-blind, case kept'],
    ['mailexample.com', 'mailexample.com.example.com.', 'suffix not at a label boundary: relative'],
    ['mail.example.net', 'mail.example.net.example.com.', 'another domain without a dot: relative'],
    ['_imaps._tcp', '_imaps._tcp.example.com.', 'underscore labels'],
    ['a\\.b', 'a\\.b.example.com.', 'escaped dot inside a label'],
  ])('%s → %s (%s)', (text, expected) => {
    const n = resolveName(text, zone);
    if (isNameError(n)) throw new Error(n.error);
    expect(nameToText(n)).toBe(expected);
  });

  it('reports a name that is too long with parseName\'s reason', () => {
    const n = resolveName(`${'a'.repeat(64)}`, zone);
    expect(isNameError(n) && n.error).toBe(`label '${'a'.repeat(64)}' is 64 bytes long; a DNS label holds at most 63`);
  });
});

describe('names in a definition', () => {
  it('resolves targets and owners by the rules', () => {
    const text = `${BASE}  www.example.com: 192.0.2.80\nmx: [mail, mail.example.com, mx.example.net.]\n`;
    const r = run(text);
    expect(lines(r.zones[0], 'MX')).toEqual([
      'example.com. 3600 IN MX 10 mail.example.com.',
      'example.com. 3600 IN MX 20 mail.example.com.',
      'example.com. 3600 IN MX 30 mx.example.net.',
    ]);
    expect(lines(r.zones[0], 'A')).toContain('www.example.com. 3600 IN A 192.0.2.80');
  });

  it('warns when a relative target has a dot, giving both readings', () => {
    const r = run(`${BASE}aliases:\n  webmail: mail.example.net\n`);
    expect(r.warnings).toEqual([
      "z.yaml:7:12: warning: aliases.webmail: 'mail.example.net' is read as mail.example.net.example.com.; if you meant the host mail.example.net, write 'mail.example.net.'",
    ]);
  });

  it('does not warn about a dotted relative owner (its other reading is outside the zone)', () => {
    const r = run(`${BASE}  www.shop: 192.0.2.80\n`);
    expect(r.messages).toEqual([]);
    expect(lines(r.zones[0], 'A')).toContain('www.shop.example.com. 3600 IN A 192.0.2.80');
  });

  it('reads names of `records:` lines by the same rules, without the dot warning', () => {
    const text = `${BASE}records:\n  - '_25._tcp.mail.example.com TXT "a"'\n  - '_25._tcp.mail TXT "b"'\n`;
    expect(served(text, 'TXT')).toEqual(['_25._tcp.mail.example.com. 3600 IN TXT "a"', '_25._tcp.mail.example.com. 3600 IN TXT "b"']);
    expect(run(text).messages).toEqual([]);
  });

  it("refuses an address where a host name belongs", () => {
    expect(run(`${BASE}mx: [192.0.2.10]\n`).errors).toEqual([
      "z.yaml:6:6: error: mx[0]: '192.0.2.10' is an address; a target is a host name: list the address under hosts: and use that name here",
    ]);
  });

  it('refuses characters that are not in host names', () => {
    expect(run(`${BASE}aliases:\n  web mail: mail\n`).errors).toEqual([
      "z.yaml:7:3: error: aliases['web mail']: 'web mail' is not a host name: use letters, digits, '-', '_' and '.'",
    ]);
    expect(run(`${BASE}aliases:\n  ☕: mail\n`).errors).toEqual([
      "z.yaml:7:3: error: aliases['☕']: '☕' is not a valid internationalized name: '☕' (U+2615) is not allowed in a domain name (IDNA2008, RFC 5892); write it in its xn-- form, or its bytes as \\DDD",
    ]);
  });

  it('reports a label over 63 bytes at the name', () => {
    expect(run(`${BASE}  ${'x'.repeat(64)}: 192.0.2.1\n`).errors).toEqual([
      `z.yaml:6:3: error: hosts.${'x'.repeat(64)}: label '${'x'.repeat(64)}' is 64 bytes long; a DNS label holds at most 63`,
    ]);
  });

  it('reports a name over 255 bytes, naming the zone when a definition has several', () => {
    const long = `${'a'.repeat(60)}.`.repeat(3) + 'b'.repeat(40); // 224 bytes: too long only below the longer zone
    const text = `zones: [example.com, ${'z'.repeat(30)}.example.com]\nnameservers: [ns1.example.net.]\nhosts:\n  ${long}: 192.0.2.1\n`;
    const r = run(text);
    expect(r.errors).toEqual([
      `z.yaml:4:3: error: hosts['${long}']: '${long}' is 268 bytes in wire form; a DNS name holds at most 255 (in zone ${'z'.repeat(30)}.example.com.)`,
    ]);
    expect(r.zones.map((z) => nameToText(z.origin))).toEqual(['example.com.']);
  });
});

describe('zones: — one content, many zones', () => {
  const text = `zones: [example.com, example.org]
nameservers: [ns1, ns2.provider.example.]
hosts:
  ns1: 192.0.2.53
  mail: 192.0.2.10
mx: [mail]
aliases:
  autoconfig: mail
`;
  it('reads relative names in each zone in turn', () => {
    const r = run(text);
    expect(r.errors).toEqual([]);
    expect(r.zones.map((z) => nameToText(z.origin))).toEqual(['example.com.', 'example.org.']);
    for (const [i, zone] of ['example.com.', 'example.org.'].entries()) {
      expect(lines(r.zones[i]!).filter((l) => / (SOA|NS|MX|CNAME) /.test(l))).toEqual([
        `${zone} 3600 IN SOA ns1.${zone} hostmaster.${zone} 1700000000 7200 3600 1209600 300`,
        `${zone} 3600 IN NS ns1.${zone}`,
        `${zone} 3600 IN NS ns2.provider.example.`,
        `${zone} 3600 IN MX 10 mail.${zone}`,
        `autoconfig.${zone} 3600 IN CNAME mail.${zone}`,
      ]);
    }
  });

  it('says an out-of-zone warning once, not once per zone', () => {
    expect(run(text).warnings).toEqual([
      'z.yaml:2:20: warning: nameservers[1]: ns2.provider.example. is not in a zone served here, so its addresses cannot be checked: make sure it has A or AAAA records, and list its domain under external: to say it is trusted',
    ]);
  });
});
