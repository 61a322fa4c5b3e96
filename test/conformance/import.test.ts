// Round-trip proof of `discodns import`, and of zone files served as they are: for real-shaped
// zone files, Knot serving the original and discodns serving (a) the imported definition and
// (b) the zone file itself answer a battery made from the zone's names identically, over UDP
// and TCP, additional section included. The example zone's own export is one of the files.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMasterFile } from '../../src/dns/masterfile.js';
import { name, nameToText } from '../../src/dns/name.js';
import { cliPath, exportZones, repoRoot, startDiscodns, type RunningDiscodns } from '../support/discodns.js';
import { knotAvailable, kzonecheck, startKnot, type RunningServer } from '../support/knot.js';
import { run, type Case } from './battery.js';
import { comparableAll, zoneBattery } from './zone-battery.js';

const FIXTURES = join(repoRoot, 'test', 'fixtures', 'import');
const work = mkdtempSync(join(tmpdir(), 'discodns-import-'));

interface Subject {
  readonly origin: string;
  readonly file: string;
}

/** `discodns import FILE --write DIR`: the exit status and stderr. */
function importTo(file: string, dir: string): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [cliPath, 'import', file, '--write', dir], { encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stderr: r.stderr };
}

function battery(subject: Subject): Case[] {
  const m = parseMasterFile(readFileSync(subject.file, 'utf8'), { file: subject.file, origin: name(subject.origin) });
  // dns2, which reads every response beside our decoder, cannot read a name with an escaped dot.
  return zoneBattery(m.records.map((r) => nameToText(r.rr.owner)).filter((o) => !o.includes('\\')));
}

function suite(label: string, subject: () => Subject): void {
  describe.skipIf(!knotAvailable())(`conformance: ${label}: Knot on the zone file vs discodns on its import, and on the file itself`, () => {
    let knot: RunningServer | undefined;
    let imported: RunningDiscodns | undefined;
    let asFile: RunningDiscodns | undefined;
    let cases: Case[] = [];
    let importResult: { status: number | null; stderr: string } | undefined;

    beforeAll(async () => {
      const s = subject();
      // (Knot, two discodns and an import: more than the default hook time on a loaded machine.)
      await kzonecheck(s.origin, s.file);
      const importDir = mkdtempSync(join(work, 'def-'));
      const fileDir = mkdtempSync(join(work, 'zone-'));
      importResult = importTo(s.file, importDir);
      copyFileSync(s.file, join(fileDir, basename(s.file).endsWith('.zone') ? basename(s.file) : `${s.origin}.zone`));
      cases = battery(s);
      const started = await Promise.allSettled([startKnot([{ origin: s.origin, file: s.file }]), startDiscodns(importDir), startDiscodns(fileDir)]);
      const [k, d1, d2] = started;
      if (k.status === 'fulfilled') knot = k.value;
      if (d1.status === 'fulfilled') imported = d1.value;
      if (d2.status === 'fulfilled') asFile = d2.value;
      const failed = started.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
      if (failed) throw failed.reason;
    }, 60_000);

    afterAll(async () => {
      await Promise.all([knot?.stop(), imported?.stop(), asFile?.stop()]);
    });

    it('imports with exit status 0: the definition, read back, serves the same records', () => {
      expect(importResult?.stderr).toMatch(/read back, it serves the same records/);
      expect(importResult?.status).toBe(0);
    });

    it('answers every question of the battery as Knot does (import, and zone file as is; UDP and TCP)', async () => {
      if (!knot || !imported || !asFile) throw new Error('servers did not start');
      expect(cases.length).toBeGreaterThan(300);
      const mismatches: string[] = [];
      for (const c of cases) {
        const [k, a, b] = await Promise.all([run(knot.port, c), run(imported.port, c), run(asFile.port, c)]);
        const want = JSON.stringify(comparableAll(k, c));
        if (JSON.stringify(comparableAll(a, c)) !== want) mismatches.push(`import: ${c.name}\n  knot ${want}\n  ours ${JSON.stringify(comparableAll(a, c))}`);
        if (JSON.stringify(comparableAll(b, c)) !== want) mismatches.push(`zone file: ${c.name}\n  knot ${want}\n  ours ${JSON.stringify(comparableAll(b, c))}`);
      }
      expect(mismatches.slice(0, 5)).toEqual([]);
    }, 180_000);
  });
}

suite('shop.example (58 records, mixed types)', () => ({ origin: 'shop.example', file: join(FIXTURES, 'shop.example.zone') }));

suite("the example zone's own export", () => {
  const file = join(work, 'example.com.zone');
  // Written before the suite's servers start: exportZones runs the CLI synchronously enough for a fixture.
  const text = spawnSync(process.execPath, [cliPath, 'export', '--zones', join(repoRoot, 'zones'), 'example.com'], { encoding: 'utf8' }).stdout;
  writeFileSync(file, text);
  return { origin: 'example.com', file };
});

afterAll(() => rmSync(work, { recursive: true, force: true }));
void exportZones;
