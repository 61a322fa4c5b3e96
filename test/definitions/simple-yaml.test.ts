// simple-yaml.ts against `yaml` itself: wherever the simple reader takes a text, it makes the
// same nodes (kinds, values, scalar types, ranges) and counts the same lines; and definitions
// read either way are the same, with the same diagnostics.

import { describe, expect, it } from 'vitest';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Scalar } from 'yaml';
import { parseDefinitionFile } from '../../src/definitions/load.js';
import { parseSimpleYaml } from '../../src/definitions/simple-yaml.js';
import { scalarColumns, Source } from '../../src/definitions/source.js';
import { definitionText, rand, yamlText } from './yamlgen.js';

/**
 * What the definition reader looks at: kinds, values, scalar types, where each node starts, and
 * where a scalar's text ends (a missing value is one whose text is empty). Where a node ends
 * with the comments after it (range[2]) it never reads.
 */
function shape(node: unknown): unknown {
  if (node === null || node === undefined) return null;
  if (isScalar(node)) return { s: node.value, t: node.type, r: node.range?.slice(0, 2) };
  if (isMap(node)) return { map: node.items.map((p) => (isPair(p) ? [shape(p.key), shape(p.value)] : 'not a pair')), r: node.range?.[0] };
  if (isSeq(node)) return { seq: node.items.map(shape), r: node.range?.[0] };
  return { other: String(node) };
}

// More with SIMPLE_YAML_ITERATIONS=50000 (a few minutes).
const ITERATIONS = Number(process.env.SIMPLE_YAML_ITERATIONS ?? 1500);

describe('simple-yaml', () => {
  it('reads plain YAML as yaml does, and gives up on the rest', { timeout: 120_000 }, () => {
    let taken = 0;
    for (let seed = 1; seed <= ITERATIONS; seed++) {
      const r = rand(seed);
      const text = seed % 3 ? yamlText(r) : definitionText(r);
      const simple = parseSimpleYaml(text);
      if (!simple) continue;
      taken++;
      const lines = new LineCounter();
      const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
      const context = `seed ${seed}:\n${text}`;
      expect(doc.errors.map((e) => e.message), context).toEqual([]);
      expect(doc.warnings.map((e) => e.message), context).toEqual([]);
      expect(shape(simple.contents), context).toEqual(shape(doc.contents));
      expect(simple.lines.lineStarts, context).toEqual(lines.lineStarts);
    }
    expect(taken).toBeGreaterThan(ITERATIONS / 10);
  });

  it('gives the same definitions and diagnostics as the full parser', { timeout: 120_000 }, () => {
    let simple = 0;
    for (let seed = 1; seed <= ITERATIONS; seed++) {
      const r = rand(seed);
      const text = seed % 2 ? yamlText(r) : definitionText(r, seed % 4 === 0 ? ['example.com', 'example.org'] : undefined);
      if (seed % 2 === 0 && parseSimpleYaml(text)) simple++;
      const fast = parseDefinitionFile('z.yaml', text, 1_700_000_000_123);
      const full = parseDefinitionFile('z.yaml', text, 1_700_000_000_123, { simple: false });
      const context = `seed ${seed}:\n${text}`;
      expect(fast.diagnostics, context).toEqual(full.diagnostics);
      // atCol is a function: compare where it points instead.
      const plain = (d: typeof fast.definitions) =>
        d.map((def) => ({ ...def, records: def.records.map((l) => ({ ...l, atCol: [0, 1, 5, l.text.length].map(l.atCol) })) }));
      expect(plain(fast.definitions), context).toEqual(plain(full.definitions));
    }
    expect(simple).toBeGreaterThan(ITERATIONS / 4);
  });
});

describe('scalarColumns', () => {
  it('points where Source.inScalar points, for every column of every scalar', () => {
    const samples = [
      `records:\n  - '@ TXT "v=spf1 mx -all"'\n  - "www CNAME mail"\n  - plain 300 TXT x\n  - 'it''s TXT "q"'\n  - "esc\\"aped TXT x"\n  - 'two\n    lines'\n  -   spaced   # c\n`,
      `a: 'x'\nb: "y z"\nc: plain text here\nd: ''\n`,
    ];
    for (const text of samples) {
      const lines = new LineCounter();
      const doc = parseDocument(text, { lineCounter: lines });
      const src = new Source('z.yaml', text, lines);
      const scalars: Scalar[] = [];
      visit(doc, { Scalar: (_k, s) => void scalars.push(s) });
      for (const s of scalars) {
        const cols = scalarColumns(src, s, 'p');
        const len = String(s.value ?? '').length;
        // parseRecordLine reports columns 0 to the line's length, no further.
        for (let i = 0; i <= len; i++) expect(cols(i), `${JSON.stringify(s.value)} at ${i}`).toEqual(src.inScalar(s, i, 'p'));
      }
    }
  });
});
