// The README is the user's reference: every configuration key, every definition key and every
// command the code knows has its line there (a key added without its docs fails here).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeConfig } from '../src/config.js';
import { TOP_KEYS } from '../src/definitions/schema.js';
import { cliPath, repoRoot } from './support/discodns.js';

const README = readFileSync(join(repoRoot, 'README.md'), 'utf8');

/** The text of the README's section with this `## ` heading. */
function section(heading: string): string {
  const at = README.indexOf(`\n## ${heading}\n`);
  if (at < 0) throw new Error(`README has no "## ${heading}"`);
  const end = README.indexOf('\n## ', at + 1);
  return README.slice(at, end < 0 ? undefined : end);
}

describe('README', () => {
  it('has a row in "Configuration" for every configuration key', () => {
    const table = section('Configuration');
    const keys = [...describeConfig().matchAll(/^ {2}(\S+) {2}\(/gm)].map((m) => m[1]!);
    expect(keys.length).toBeGreaterThan(40);
    expect(keys.filter((k) => !table.includes(`| \`${k}\` |`))).toEqual([]);
  });

  it('has a row in "Each key, with an example" for every definition key', () => {
    const table = section('The zone definition format');
    expect(TOP_KEYS.filter((k) => !new RegExp(`^\\| \`${k}[\`. ]`, 'm').test(table))).toEqual([]);
  });

  it('lists in "Command line" every command of `discodns --help`', () => {
    const help = execFileSync(process.execPath, [cliPath, '--help'], { encoding: 'utf8' });
    const commands = new Set([...help.matchAll(/^ {2}discodns (\w+)/gm)].map((m) => m[1]!).filter((c) => c !== 'COMMAND'));
    expect(commands.size).toBeGreaterThanOrEqual(8);
    const block = section('Command line');
    expect([...commands].filter((c) => !block.includes(`discodns ${c} `))).toEqual([]);
  });
});
