// The definition keys of DNSSEC: `dnssec: on|off`, `denial: nsec|compact`, and the key set a
// `zones:` definition's zones share.

import { describe, expect, it } from 'vitest';
import { parseDefinitionFile } from '../../src/definitions/index.js';
import { sharedKeyset } from '../../src/definitions/load.js';
import { formatDiagnostic } from '../../src/definitions/diagnostics.js';
import { BASE, MTIME } from './run.js';

const read = (text: string, options = {}) => {
  const r = parseDefinitionFile('zones/z.yaml', text, MTIME, options);
  return { def: r.definitions[0]!, errors: r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic) };
};

describe('dnssec: on | off', () => {
  it.each([
    ['on', true],
    ['off', false],
    ['On', true],
    ['true', true],
    ['false', false],
  ])('dnssec: %s', (value, want) => {
    const r = read(`${BASE}dnssec: ${value}\n`);
    expect(r.errors).toEqual([]);
    expect(r.def.dnssec).toBe(want);
    expect(r.def.signed).toBe(want);
  });
  it('absent: the configuration decides', () => {
    expect(read(BASE).def.dnssec).toBeUndefined();
    expect(read(BASE).def.signed).toBe(false);
    expect(read(BASE, { dnssec: true }).def.signed).toBe(true);
    expect(read(`${BASE}dnssec: off\n`, { dnssec: true }).def.signed).toBe(false);
  });
  it('anything else is an error at the value, saying what to write', () => {
    expect(read(`${BASE}dnssec: maybe\n`).errors).toEqual([expect.stringMatching(/^zones\/z\.yaml:6:9: error: dnssec: write 'on' \(sign the zone, keys in the state directory\) or 'off'$/)]);
  });
});

describe('denial: nsec | compact', () => {
  it('reads both', () => {
    expect(read(`${BASE}denial: compact\n`).def.denial).toBe('compact');
    expect(read(`${BASE}denial: nsec\n`).def.denial).toBe('nsec');
  });
  it('explains the choice on a bad value', () => {
    expect(read(`${BASE}denial: nsec3\n`).errors[0]).toMatch(/write 'nsec' .* or 'compact' \(RFC 9824: no zone walking, one signature per name asked\)/);
  });
});

describe('key sets', () => {
  it('a zone: definition has none named (the zone keeps its own)', () => {
    expect(read(BASE).def.keyset).toBeUndefined();
  });
  it('a zones: definition shares one named after its file, and its document', () => {
    expect(read('zones: [a.test, b.test]\nnameservers: [ns1.example.net.]\n').def.keyset).toBe('@z');
    expect(sharedKeyset('/etc/discodns/zones/hosted.yml', 0)).toBe('@hosted');
    expect(sharedKeyset('hosted.yaml', 2)).toBe('@hosted-3');
  });
});
