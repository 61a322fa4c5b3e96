// A `zones:` definition is expanded once and copied to its other zones (template.ts). Copies
// must be exactly what expanding each zone on its own gives: the same records in the same
// order, the same diagnostics, the same zones left out. Random definitions, many zones each,
// names that read differently in some of the zones, nested zones, long names, duplicates.

import { describe, expect, it } from 'vitest';
import { buildZones, formatDiagnostic, parseDefinitionFile, type Definition } from '../../src/definitions/index.js';
import { nameToText, wireText } from '../../src/dns/name.js';
import { formatRdata, formatRecord } from '../../src/dns/presentation.js';
import type { RRset } from '../../src/dns/records.js';
import { buildZone, type Zone } from '../../src/dns/zone.js';
import { rand, type Rand } from './yamlgen.js';

const pick = <T>(r: Rand, xs: readonly T[]): T => xs[r(xs.length)]!;
const long = `${'l'.repeat(60)}.${'m'.repeat(60)}.${'n'.repeat(60)}.${'o'.repeat(40)}.example`;
const ZONES = ['a.example', 'b.example', 'A.Example', 'mail.a.example', 'x.b.example', 'c.example', 'd.example', 'e.example', long, `q.${long}`, 'sub.c.example'];
const NAMES = ['mail', 'Mail', 'imap2', 'dav', 'ns1', 'www', 'mail.a.example', 'mail.b.example.', 'ns.example.net.', '@', 'x.b.example', 'deep.er', 'mail.x.b.example', 'sub', 'SUB.c.example', `${'k'.repeat(60)}.${'k'.repeat(60)}`, '.', 'c.example', 'missing', 'alias1'];

/** Names that keep a definition clean: hosts it always has, or one outside. */
const CLEAN = ['mail', 'imap2', 'dav', 'ns1', 'Mail', 'ns.example.net.'];

function definition(r: Rand, zones: string[]): string {
  const clean = r(2) === 0;
  const n = (): string => {
    const v = pick(r, clean && r(8) !== 0 ? CLEAN : NAMES);
    return v === '@' || v === '.' ? `'${v}'` : v;
  };
  const lines = [`zones: [${zones.join(', ')}]`, `nameservers: [${n()}${r(2) ? `, ${n()}` : ''}]`];
  if (r(3) === 0) lines.push(`ttl: ${pick(r, [300, 3600])}`);
  if (r(4) === 0) lines.push(`soa: { contact: ${pick(r, ['hostmaster@a.example', 'dns@example.net', 'x@mail.a.example'])} }`);
  lines.push('hosts:');
  for (const h of ['mail', 'imap2', 'dav', 'ns1', pick(r, NAMES)]) {
    if (r(5) === 0 && !clean) continue;
    const key = h === '@' || h === '.' ? `'${h}'` : h;
    lines.push(`  ${key}: ${pick(r, ['192.0.2.1', '[192.0.2.2, 2001:db8::2]', '198.51.100.9'])}`);
  }
  if (r(2)) lines.push(`mx: [${n()}${r(3) === 0 ? `, ${n()}` : ''}]`);
  lines.push('services:');
  lines.push(`  imaps: [${n()}, { host: ${n()}, port: 993, weight: 5 }]`);
  if (r(2)) lines.push(`  submissions: ${n()}:465`);
  if (r(2)) lines.push('  imap: off');
  if (r(2)) lines.push(`  caldavs: { host: ${n()}, path: /dav/ }`);
  if (r(2)) {
    lines.push('aliases:');
    lines.push(`  autoconfig: ${n()}`);
    if (r(2)) lines.push(`  ${pick(r, ['alias1', 'www', 'mail', 'autodiscover'])}: ${n()}`);
  }
  if (r(2)) {
    lines.push('records:');
    const recs = ['@ TXT "v=spf1 mx -all"', '_dmarc 300 TXT "x"', `www2 CNAME ${pick(r, NAMES.filter((x) => x !== '@'))}`, `@ MX 50 ${pick(r, ['mail', 'mail.b.example.', 'imap2'])}`, 'mail 60 A 192.0.2.1', `x.${pick(r, ['a.example', 'b.example'])} TXT "abs"`, 'sub NS ns1', '@ TXT "v=spf1 mx -all"'];
    for (const rec of clean ? [recs[0]!, recs[1]!, recs[3]!, recs[5]!] : recs) if (r(3) === 0) lines.push(`  - '${rec}'`);
  }
  return lines.join('\n') + '\n';
}

function scenario(r: Rand): Record<string, string> {
  const files: Record<string, string> = {};
  const count = 1 + r(3);
  for (let f = 0; f < count; f++) {
    const zones = [...new Set(Array.from({ length: 2 + r(6) }, () => pick(r, r(2) ? ZONES.slice(0, 8) : ZONES)))];
    files[`multi${f}.yaml`] = definition(r, zones);
  }
  // Now and then a single-zone file that nests in, or collides with, the ones above.
  if (r(2)) files['single.yaml'] = `zone: ${pick(r, ZONES)}\nnameservers: [ns1]\nhosts:\n  ns1: 192.0.2.53\n  ${pick(r, ['mail', 'www', 'imap2'])}: 192.0.2.8\n`;
  return files;
}

function built(definitions: Definition[], share: boolean) {
  const b = buildZones(definitions, { share });
  return {
    zones: b.zones.map((z) => ({ origin: nameToText(z.origin), file: z.file, ttl: z.ttl, records: z.records.map(formatRecord) })),
    diagnostics: b.diagnostics.map(formatDiagnostic),
    failed: b.failed.map(nameToText),
  };
}

// More with TEMPLATE_ITERATIONS=20000 (about a minute).
const ITERATIONS = Number(process.env.TEMPLATE_ITERATIONS ?? 600);

describe('zones: copied from a template', () => {
  it('builds what expanding every zone on its own builds', { timeout: 120_000 }, () => {
    let copied = 0;
    for (let seed = 1; seed <= ITERATIONS; seed++) {
      const r = rand(seed);
      const files = scenario(r);
      const definitions = Object.entries(files).flatMap(([file, text]) => parseDefinitionFile(file, text, 1_700_000_000_123).definitions);
      const own = built(definitions, false);
      const shared = built(definitions, true);
      expect(shared, `seed ${seed}:\n${Object.entries(files).map(([f, t]) => `# ${f}\n${t}`).join('\n')}`).toEqual(own);
      copied += buildZones(definitions).zones.filter((z) => z.constructor.name === 'CopiedZone').length;
    }
    expect(copied).toBeGreaterThan(ITERATIONS / 5); // served copies; copies left out count above too
  });

  it("gives each copy the Zone buildZone makes from its records, grouped by the template's shape", { timeout: 120_000 }, () => {
    // Names as written (case kept), sets in node order, rdata as text: everything an answer is made of.
    const set = (s: RRset) => [wireText(s.owner), s.type, s.ttl, s.rdatas.map(formatRdata)];
    const describe = (z: Zone) => ({
      nodes: [...z.nodes].map(([key, node]) => [key, wireText(node.name), [...node.rrsets.values()].map(set)]),
      soa: set(z.soa),
      ns: set(z.ns),
      negativeSoa: set(z.negativeSoa),
      serial: z.serial,
      recordCount: z.recordCount,
    });
    let compared = 0;
    for (let seed = 1; seed <= ITERATIONS; seed++) {
      const r = rand(seed);
      const definitions = Object.entries(scenario(r)).flatMap(([file, text]) => parseDefinitionFile(file, text, 1_700_000_000_123).definitions);
      for (const z of buildZones(definitions).zones) {
        if (!z.buildZone) continue;
        expect(describe(z.buildZone()), `seed ${seed}, zone ${nameToText(z.origin)}`).toEqual(describe(buildZone(z.origin, z.records)));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('copies records that read the records as their own zone would', () => {
    const text = 'zones: [a.example, b.example, c.example]\nnameservers: [ns1, ns.example.net.]\nhosts:\n  ns1: 192.0.2.1\n  mail: 192.0.2.2\nmx: [mail]\n';
    const defs = parseDefinitionFile('z.yaml', text, 1_700_000_000_123).definitions;
    const b = buildZones(defs);
    expect(b.zones.map((z) => z.records.map(formatRecord).join('\n'))).toEqual(
      ['a', 'b', 'c'].map((z) =>
        [
          `${z}.example.\t3600\tIN\tSOA\tns1.${z}.example. hostmaster.${z}.example. 1700000000 7200 3600 1209600 300`,
          `${z}.example.\t3600\tIN\tNS\tns1.${z}.example.`,
          `${z}.example.\t3600\tIN\tNS\tns.example.net.`,
          `ns1.${z}.example.\t3600\tIN\tA\t192.0.2.1`,
          `mail.${z}.example.\t3600\tIN\tA\t192.0.2.2`,
          `${z}.example.\t3600\tIN\tMX\t10 mail.${z}.example.`,
        ].join('\n'),
      ),
    );
  });
});
