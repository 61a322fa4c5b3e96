// IDNs in definitions: U-labels accepted everywhere a name is written and served as A-labels
// (RFC 5891); TXT keeps its UTF-8; a name that is neither a valid IDN nor escaped is an error
// at its place.
import { describe, expect, it } from 'vitest';
import { nameToText } from '../../src/dns/name.js';
import { lines, run } from './run.js';

describe('U-labels everywhere a name is written', () => {
  const text = `zone: bücher.example
nameservers: [ns1, ns.straße.example.]
hosts:
  ns1: 192.0.2.53
  müller: 192.0.2.10
mx: [müller]
services:
  imaps: müller
aliases:
  webmail: müller
records:
  - 'grüße TXT "grüße aus München"'
  - 'x CNAME straße.example.'
  - '_25._tcp.müller TLSA 3 1 1 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF'
`;
  const r = run(text);

  it('builds the zone under its A-label', () => {
    expect(r.errors).toEqual([]);
    expect(r.zones.map((z) => nameToText(z.origin))).toEqual(['xn--bcher-kva.example.']);
  });

  it('serves every name as A-labels and TXT as the UTF-8 written', () => {
    const all = lines(r.zones[0]);
    expect(all).toContain('xn--mller-kva.xn--bcher-kva.example. 3600 IN A 192.0.2.10');
    expect(all).toContain('xn--bcher-kva.example. 3600 IN MX 10 xn--mller-kva.xn--bcher-kva.example.');
    expect(all).toContain('_imaps._tcp.xn--bcher-kva.example. 3600 IN SRV 0 1 993 xn--mller-kva.xn--bcher-kva.example.');
    expect(all).toContain('webmail.xn--bcher-kva.example. 3600 IN CNAME xn--mller-kva.xn--bcher-kva.example.');
    expect(all).toContain('x.xn--bcher-kva.example. 3600 IN CNAME xn--strae-oqa.example.');
    expect(all).toContain('xn--bcher-kva.example. 3600 IN NS ns.xn--strae-oqa.example.');
    expect(all).toContain('xn--gre-6ka8l.xn--bcher-kva.example. 3600 IN TXT "gr\\195\\188\\195\\159e aus M\\195\\188nchen"');
    expect(all.join('\n')).not.toMatch(/[^\x00-\x7f]/);
  });

  it('reads a zones: list of U-labels', () => {
    const list = run('zones: [bücher.example, café.example]\nnameservers: [ns1.example.net.]\n');
    expect(list.errors).toEqual([]);
    expect(list.zones.map((z) => nameToText(z.origin))).toEqual(['xn--bcher-kva.example.', 'xn--caf-dma.example.']);
  });

  it('takes the A-label and the U-label as the same zone', () => {
    const twice = run({ 'a.yaml': 'zone: bücher.example\nnameservers: [ns1.example.net.]\n', 'b.yaml': 'zone: xn--bcher-kva.example\nnameservers: [ns1.example.net.]\n' });
    expect(twice.errors).toEqual(['b.yaml:1:7: error: zone: zone xn--bcher-kva.example. is already defined at a.yaml:1:7: define each zone once']);
  });
});

describe('a name that is neither a valid IDN nor escaped is an error at its column', () => {
  const base = 'zone: example.com\nnameservers: [ns1]\nhosts:\n  ns1: 192.0.2.53\n';
  it.each([
    ['a host', `${base}  ☕: 192.0.2.1\n`, "z.yaml:5:3: error: hosts['☕']: '☕' is not a valid internationalized name: '☕' (U+2615) is not allowed in a domain name (IDNA2008, RFC 5892); write it in its xn-- form, or its bytes as \\DDD"],
    ['a zone', 'zone: ab--ü.example\nnameservers: [ns1.example.net.]\n', "z.yaml:1:7: error: zone: 'ab--ü.example' is not a valid internationalized name: label 'ab--ü' has '--' in its third and fourth places, which only A-labels (xn--) may; write it in its xn-- form, or its bytes as \\DDD"],
    ['a records: owner', `${base}records:\n  - '☕ TXT "x"'\n`, "z.yaml:6:6: error: records[0]: owner: '☕' is not a valid internationalized name: '☕' (U+2615) is not allowed in a domain name (IDNA2008, RFC 5892); write it in its xn-- form, or its bytes as \\DDD"],
    ['a records: target', `${base}records:\n  - 'x CNAME a☕b.example.'\n`, "z.yaml:6:14: error: records[0]: target: 'a☕b.example.' is not a valid internationalized name: '☕' (U+2615) is not allowed in a domain name (IDNA2008, RFC 5892); write it in its xn-- form, or its bytes as \\DDD"],
  ])('%s', (_, text, expected) => {
    expect(run(text).errors).toEqual([expected]);
  });
});
