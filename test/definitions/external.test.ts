// external: domains trusted outside the zones served here, per definition and from the
// configuration; a target one or two edits from a zone served here is a typo, with the fix.
import { describe, expect, it } from 'vitest';
import { buildZones, formatDiagnostic, parseDefinitionFile } from '../../src/definitions/index.js';
import { boundedDistance } from '../../src/definitions/external.js';
import { BASE, run } from './run.js';

describe('external: silences warnings about targets in trusted domains', () => {
  const hosted = 'mx: [mx1.provider.example.]\nservices:\n  imaps: mail.provider.example.\n';
  it('without it, each outside target is a warning', () => {
    expect(run(`${BASE}${hosted}`).warnings).toHaveLength(2);
  });
  it('with it, none: check --strict is usable for a hosted setup', () => {
    expect(run(`${BASE}external: [provider.example]\n${hosted}`).messages).toEqual([]);
  });
  it('from the configuration, for every definition', () => {
    const parsed = parseDefinitionFile('z.yaml', `${BASE}${hosted}`, 0, { external: ['provider.example'] });
    expect(buildZones(parsed.definitions).diagnostics).toEqual([]);
  });
  it('only below the domains it lists', () => {
    expect(run(`${BASE}external: [provider.example]\nmx: [mx.other.example.]\n`).warnings).toEqual([
      'z.yaml:7:6: warning: mx[0]: mx.other.example. is not in a zone served here, so its addresses cannot be checked: make sure it has A or AAAA records, and list its domain under external: to say it is trusted',
    ]);
  });
  it('refuses what is not a domain', () => {
    expect(run(`${BASE}external: ['.']\n`).errors).toEqual(["z.yaml:6:12: error: external[0]: the root would trust every name: list the domains, e.g. external: [provider.example]"]);
  });
});

describe('a target one or two edits from a zone served here is an error, with "did you mean"', () => {
  it.each([
    ['a transposition', 'mail.hostco.exmaple.', 'hostco.exmaple.', 'hostco.example.', 'mail.hostco.example.'],
    ['a missing letter', 'mail.hostco.exampe.', 'hostco.exampe.', 'hostco.example.', 'mail.hostco.example.'],
    ['a wrong top-level domain', 'mx.hostco.exampel.', 'hostco.exampel.', 'hostco.example.', 'mx.hostco.example.'],
  ])('%s', (_, target, suffix, zone, meant) => {
    const r = run({ 'a.yaml': `${BASE}mx: [${target}]\n`, 'b.yaml': `zone: hostco.example\nnameservers: [ns1.example.com.]\nhosts:\n  mail: 192.0.2.25\n  mx: 192.0.2.26\n` });
    expect(r.errors).toEqual([`a.yaml:6:6: error: mx[0]: ${target} is not in a zone served here, but ${suffix} is one or two letters from ${zone}, which is: did you mean ${meant}? If ${suffix} is right, list it under external:`]);
  });

  it('not for domains further apart, and not when listed under external:', () => {
    const other = { 'b.yaml': 'zone: hostco.example\nnameservers: [ns1.example.com.]\n' };
    expect(run({ 'a.yaml': `${BASE}mx: [mail.hostco.org.]\n`, ...other }).errors).toEqual([]);
    expect(run({ 'a.yaml': `${BASE}external: [hostco.exmaple]\nmx: [mail.hostco.exmaple.]\n`, ...other }).messages).toEqual([]);
  });

  it('short names need to be closer (a.io and b.io are different names)', () => {
    expect(run({ 'a.yaml': `${BASE}mx: [mx.b.io.]\n`, 'b.yaml': 'zone: a.io\nnameservers: [ns1.example.com.]\n' }).errors).toEqual([]);
  });

  it('boundedDistance: Levenshtein within a bound', () => {
    expect(boundedDistance('exmaple.', 'example.', 2)).toBe(2);
    expect(boundedDistance('example.', 'example.', 2)).toBe(0);
    expect(boundedDistance('abcdefgh', 'zzzzzzzz', 2)).toBe(3);
  });
});
void formatDiagnostic;
