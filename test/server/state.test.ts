// The state directory's files (written whole or not at all, read back or reported and rebuilt),
// and the serials it keeps: RFC 1982 arithmetic and the policies.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { buildZones, parseDefinitionFile } from '../../src/definitions/index.js';
import { chooseSerial, contentDigest, dateSerialOf, serialGreater, serialNext } from '../../src/server/serials.js';
import { StateDir, writeFileAtomic } from '../../src/server/state.js';
import { repoRoot } from '../support/discodns.js';

const dirs: string[] = [];
const temp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'discodns-state-test-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('RFC 1982 serial arithmetic', () => {
  it('compares across the wrap', () => {
    expect(serialGreater(2, 1)).toBe(true);
    expect(serialGreater(1, 2)).toBe(false);
    expect(serialGreater(1, 1)).toBe(false);
    expect(serialGreater(0, 0xffffffff)).toBe(true); // 0 follows 4294967295
    expect(serialGreater(0x7fffffff, 0)).toBe(true);
    expect(serialGreater(0x80000000, 0)).toBe(false); // undefined in the RFC: never "greater"
    expect(serialNext(0xffffffff)).toBe(0);
  });
});

function zone(soa: string, extra = '') {
  const text = `zone: example.com\nnameservers: [ns1.elsewhere.test.]\n${soa}${extra}`;
  return buildZones(parseDefinitionFile('z.yaml', text, 1_700_000_000_000).definitions).zones[0]!;
}

describe('the serial served', () => {
  const now = Date.UTC(2026, 11, 5, 12, 0, 0);
  const nowS = now / 1000;

  it('serial: auto: the same content keeps its serial, whatever the clock or the mtime say', () => {
    const z = zone('');
    const d = contentDigest(z);
    expect(chooseSerial(z, d, { serial: 1234, digest: d }, now)).toEqual({ serial: 1234 });
  });

  it('serial: auto: changed content gets the time now, or the last serial + 1 when that is not larger', () => {
    const z = zone('');
    const d = contentDigest(z);
    expect(chooseSerial(z, d, undefined, now)).toEqual({ serial: nowS });
    expect(chooseSerial(z, d, { serial: nowS - 100, digest: 'other' }, now)).toEqual({ serial: nowS });
    // Two edits within one second, and a serial from the future (an mtime once): one more.
    expect(chooseSerial(z, d, { serial: nowS, digest: 'other' }, now)).toEqual({ serial: nowS + 1 });
    expect(chooseSerial(z, d, { serial: 2026112401, digest: 'other' }, now)).toEqual({ serial: 2026112402 });
  });

  it('serial: dateserial: YYYYMMDD00 of today, or the last + 1', () => {
    const z = zone('soa:\n  serial: dateserial\n');
    const d = contentDigest(z);
    expect(dateSerialOf(now)).toBe(2026120500);
    expect(chooseSerial(z, d, undefined, now)).toEqual({ serial: 2026120500 });
    expect(chooseSerial(z, d, { serial: 2026120503, digest: 'x' }, now)).toEqual({ serial: 2026120504 });
    expect(chooseSerial(z, d, { serial: 2026120503, digest: d }, now)).toEqual({ serial: 2026120503 });
  });

  it('a fixed serial is served as written; going back is an error, not moving with the content a warning', () => {
    const z = zone('soa:\n  serial: 7\n');
    const d = contentDigest(z);
    expect(chooseSerial(z, d, undefined, now)).toEqual({ serial: 7 });
    expect(chooseSerial(z, d, { serial: 6, digest: 'x' }, now)).toEqual({ serial: 7 });
    const back = chooseSerial(z, d, { serial: 9, digest: d }, now);
    expect(back.problem).toMatchObject({ severity: 'error', file: 'z.yaml', line: 4, col: 11 });
    expect(back.problem?.message).toMatch(/serial 7 is below 9, the serial served before.*write a serial above 9, or serial: auto/);
    expect(chooseSerial(z, d, { serial: 7, digest: 'x' }, now).problem).toMatchObject({ severity: 'warning' });
  });

  it('the digest ignores the serial and the order of lines, and sees any other change', () => {
    const a = zone('soa:\n  serial: 1\n', 'records:\n  - "a TXT one"\n  - "b TXT two"\n');
    const b = zone('soa:\n  serial: 2\n', 'records:\n  - "b TXT two"\n  - "a TXT one"\n');
    const c = zone('soa:\n  serial: 2\n', 'records:\n  - "b TXT two"\n  - "a TXT on"\n');
    expect(contentDigest(a)).toBe(contentDigest(b));
    expect(contentDigest(a)).not.toBe(contentDigest(c));
  });
});

describe('state files', () => {
  it('a crash between write and rename leaves the old version, and the next start removes the leftover', () => {
    const dir = temp();
    const target = join(dir, 'serials');
    writeFileSync(target, 'old\n');
    // A child writes the new version and dies (SIGKILL) after fsync, before rename.
    const script = `
      const { writeFileAtomic } = await import(${JSON.stringify(pathToFileURL(join(repoRoot, 'dist/server/state.js')).href)});
      await writeFileAtomic(${JSON.stringify(target)}, 'new\\n', { beforeRename: () => process.kill(process.pid, 'SIGKILL') });
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.signal).toBe('SIGKILL');
    expect(readFileSync(target, 'utf8')).toBe('old\n');
    const leftovers = readdirSync(dir).filter((n) => n.includes('.tmp-'));
    expect(leftovers).toHaveLength(1);
    expect(readFileSync(join(dir, leftovers[0]!), 'utf8')).toBe('new\n'); // written and synced, never renamed
    StateDir.open(dir);
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]);
    expect(readFileSync(target, 'utf8')).toBe('old\n');
  });

  it('writes replace the file whole', async () => {
    const dir = temp();
    await writeFileAtomic(join(dir, 'f'), 'one');
    await writeFileAtomic(join(dir, 'f'), 'two');
    expect(readFileSync(join(dir, 'f'), 'utf8')).toBe('two');
    expect(readdirSync(dir)).toEqual(['f']);
  });

  it('serials round-trip; a corrupted file is reported, what can be read is kept', async () => {
    const state = StateDir.open(temp());
    await state.writeSerials(new Map([['example.com.', { serial: 42, digest: '0123456789abcdef' }], ['b.example.', { serial: 4294967295, digest: 'fedcba9876543210' }]]));
    expect(state.readSerials()).toEqual({
      records: new Map([['example.com.', { serial: 42, digest: '0123456789abcdef' }], ['b.example.', { serial: 4294967295, digest: 'fedcba9876543210' }]]),
    });
    const text = readFileSync(state.serialsPath, 'utf8');
    writeFileSync(state.serialsPath, text.replace('b.example. 4294967295', 'b.example. 42949672\u0000') + '\u00ff\u00fe garbage\n');
    const read = state.readSerials();
    expect([...read.records.keys()]).toEqual(['example.com.']);
    expect(read.problem).toMatch(/serials: 2 lines could not be read \(the first: line 5\); 1 zones read/);
  });

  it('serials with a served digest (PACC digests, DNSSEC keys and epoch) round-trip; a file of two fields a line is still read', async () => {
    const state = StateDir.open(temp());
    const records = new Map([
      ['signed.example.', { serial: 2026120601, digest: '0123456789abcdef', served: 'aaaaaaaaaaaaaaaa' }],
      ['plain.example.', { serial: 7, digest: 'fedcba9876543210' }],
    ]);
    await state.writeSerials(records);
    const text = readFileSync(state.serialsPath, 'utf8');
    expect(text).toContain('\nsigned.example. 2026120601 0123456789abcdef aaaaaaaaaaaaaaaa\n');
    expect(text).toContain('\nplain.example. 7 fedcba9876543210\n');
    expect(state.readSerials()).toEqual({ records });
    // Written by a version before served digests: the same records, none with one.
    writeFileSync(state.serialsPath, '# zone serial digest\nsigned.example. 2026120601 0123456789abcdef\nplain.example. 7 fedcba9876543210\n');
    expect(state.readSerials()).toEqual({ records: new Map([['signed.example.', { serial: 2026120601, digest: '0123456789abcdef' }], ['plain.example.', { serial: 7, digest: 'fedcba9876543210' }]]) });
    // A third field that is not a digest is a line that cannot be read, as any other.
    writeFileSync(state.serialsPath, 'signed.example. 2026120601 0123456789abcdef nothex!!nothex!!\n');
    expect(state.readSerials().problem).toMatch(/serials: 1 line could not be read \(the first: line 1\)/);
  });

  it('a missing state is an empty history; one that cannot be created is reported, not fatal', () => {
    const state = StateDir.open(join(temp(), 'new', 'state'));
    expect(state.unwritable).toBeUndefined();
    expect(state.readSerials()).toEqual({ records: new Map() });
    expect(existsSync(state.lastGoodDir)).toBe(true);
    const file = join(temp(), 'a-file');
    writeFileSync(file, '');
    expect(StateDir.open(join(file, 'state')).unwritable).toMatch(/ENOTDIR/);
  });
});
