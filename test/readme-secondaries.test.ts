// The README's secondary configurations are the ones the secondaries tests run
// (test/support/secondaries.ts), rendered with the README's addresses: so they work as written.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/discodns.js';
import { bindSecondaryConf, knotSecondaryConf, nsdSecondaryConf, type SecondaryOptions } from './support/secondaries.js';

const README = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const o: SecondaryOptions = { primaryAddress: '192.0.2.1', listen: '198.51.100.53', primaryPort: 53, keyName: 'xfr', secret: 'PASTE-THE-SECRET-OF-xfr.key', catalog: 'catalog.invalid.', forTests: false };

/** The fenced block after `<!-- NAME -->`. */
function block(marker: string): string {
  const at = README.indexOf(`<!-- ${marker} -->`);
  if (at < 0) throw new Error(`README has no <!-- ${marker} -->`);
  const m = /```[a-z]*\n([\s\S]*?)```/.exec(README.slice(at));
  return m![1]!;
}

describe('README, "Running with secondaries": the configurations the tests run', () => {
  it('Knot', () => expect(block('knot-secondary')).toBe(knotSecondaryConf('/var/lib/knot', 53, o)));
  it('BIND 9.18', () => expect(block('bind-secondary')).toBe(bindSecondaryConf('/var/cache/bind', 53, o)));
  it('NSD 4.6', () => expect(block('nsd-secondary')).toBe(nsdSecondaryConf('/var/lib/nsd', 53, { ...o, catalog: undefined, zones: ['example.com.', 'example.org.'] })));
});
