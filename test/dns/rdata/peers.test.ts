// What Knot and ldns make of our zone-file text for every type: `discodns export` writes
// formatZone's text, which kzonecheck and ldns-read-zone must accept as is.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatRecord } from '../../../src/dns/presentation.js';
import { formatZone } from '../../../src/dns/zonefile.js';
import { recordsFromText } from '../../support/zonetext.js';
import { EVERY_TYPE_ZONE } from './every-type.js';
import { origin } from './roundtrip.js';

const has = (cmd: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

const dir = mkdtempSync(join(tmpdir(), 'discodns-types-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const records = recordsFromText(origin, EVERY_TYPE_ZONE);
const file = join(dir, 'example.com.zone');
writeFileSync(file, formatZone(origin, records));

describe('zone-file text of every type', () => {
  it('holds every type the table knows', () => {
    const types = new Set(records.map((r) => r.type));
    expect(types.size).toBe(25);
  });

  it.skipIf(!has('kzonecheck'))('is accepted by kzonecheck (Knot), DNSSEC checks off: the signatures are made up', () => {
    expect(() => execFileSync('kzonecheck', ['-o', 'example.com.', '-d', 'off', file], { encoding: 'utf8' })).not.toThrow();
  });

  it.skipIf(!has('ldns-read-zone'))('is read by ldns-read-zone into the same records', () => {
    const out = execFileSync('ldns-read-zone', ['-z', file], { encoding: 'utf8' });
    const theirs = recordsFromText(origin, out).map(formatRecord).sort();
    expect(theirs).toEqual(records.map(formatRecord).sort());
  });
});
