// Conformance against Knot DNS: the same zone, the same queries, the same answers.
//
// Knot serves test/fixtures/conformance/knot/mail.test.zone (written by hand);
// discodns serves test/fixtures/conformance/mail.test.yaml (the same zone as a
// definition). Every query of the battery goes to both; see battery.ts for what
// is compared. A second part exports the definition with `discodns export`,
// checks it with kzonecheck, serves the export with a second Knot and runs the
// battery against discodns again.
//
// Needs `npm run build` first (dist/cli.js) and knotd on PATH (skipped without).
// Set CONFORMANCE_REPORT=/path/file.json to get every mismatch written as JSON.
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportZones, repoRoot, startDiscodns, type RunningDiscodns } from '../support/discodns.js';
import { knotAvailable, kzonecheck, kzonecheckAvailable, startKnot, type RunningServer } from '../support/knot.js';
import { buildQuery, normalize, tcpExchange } from '../support/query.js';
import { battery, comparable, run, type Mismatch } from './battery.js';

const FIXTURE_DIR = join(repoRoot, 'test', 'fixtures', 'conformance');
const ZONE_FILE = join(FIXTURE_DIR, 'knot', 'mail.test.zone'); // in a directory of its own: discodns would serve it too
const CASES = battery();

const mismatches: Record<string, Mismatch[]> = { 'knot-vs-discodns': [], 'export-knot-vs-discodns': [] };

function reportMismatches(): void {
  const file = process.env.CONFORMANCE_REPORT;
  if (file) writeFileSync(file, JSON.stringify(mismatches, null, 2) + '\n');
}

async function compareCase(
  suite: string,
  reference: RunningServer | undefined,
  ours: RunningDiscodns | undefined,
  c: (typeof CASES)[number],
): Promise<void> {
  if (!reference || !ours) throw new Error('servers did not start (see beforeAll)');
  const [r, o] = await Promise.all([run(reference.port, c), run(ours.port, c)]);
  const want = comparable(r, c);
  const got = comparable(o, c);
  if (JSON.stringify(want) !== JSON.stringify(got)) {
    mismatches[suite]?.push({ name: c.name, reference: want, ours: got });
  }
  expect(got, `${c.name}: discodns (actual) vs Knot (expected)`).toEqual(want);
}

/** Knot on `zoneFile` and discodns on the fixture definition; neither is left running on failure. */
async function startPair(zoneFile: string): Promise<{ knot: RunningServer; ours: RunningDiscodns }> {
  const [k, d] = await Promise.allSettled([startKnot([{ origin: 'mail.test', file: zoneFile }]), startDiscodns(FIXTURE_DIR)]);
  if (k.status === 'fulfilled' && d.status === 'fulfilled') return { knot: k.value, ours: d.value };
  await Promise.all([k.status === 'fulfilled' ? k.value.stop() : undefined, d.status === 'fulfilled' ? d.value.stop() : undefined]);
  throw k.status === 'rejected' ? k.reason : (d as PromiseRejectedResult).reason;
}

describe.skipIf(!knotAvailable())('conformance: discodns vs Knot DNS on mail.test', () => {
  let knot: RunningServer | undefined;
  let ours: RunningDiscodns | undefined;

  beforeAll(async () => {
    ({ knot, ours } = await startPair(ZONE_FILE));
  });

  afterAll(async () => {
    await Promise.all([knot?.stop(), ours?.stop()]);
    reportMismatches();
  });

  it('has a battery of at least 100 distinct queries', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(100);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  it.each(CASES)('$name', async (c) => {
    await compareCase('knot-vs-discodns', knot, ours, c);
  });

  it('answers pipelined TCP queries on one connection like Knot', async () => {
    if (!knot || !ours) throw new Error('servers did not start');
    const picked = CASES.filter((c) => c.transport === 'udp').filter((_, i) => i % 37 === 0).slice(0, 12);
    const msgs = picked.map((c) => buildQuery(c.query));
    const [kr, or] = await Promise.all([tcpExchange(knot.port, msgs), tcpExchange(ours.port, msgs)]);
    const byId = (bufs: Buffer[]) => new Map(bufs.map((b) => [b.readUInt16BE(0), normalize(b)]));
    const km = byId(kr);
    const om = byId(or);
    expect([...om.keys()].sort()).toEqual(picked.map((c) => c.query.id).sort());
    for (const c of picked) {
      const k = km.get(c.query.id);
      const o = om.get(c.query.id);
      expect(o && comparable(o, { ...c, transport: 'tcp' }), c.name).toEqual(k && comparable(k, { ...c, transport: 'tcp' }));
    }
  });
});

describe.skipIf(!knotAvailable() || !kzonecheckAvailable())('conformance: `discodns export` served by Knot DNS', () => {
  let dir: string | undefined;
  let exported: string | undefined;
  let knot: RunningServer | undefined;
  let ours: RunningDiscodns | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'discodns-export-'));
    const text = await exportZones(FIXTURE_DIR, ['mail.test']);
    exported = join(dir, 'mail.test.zone');
    await writeFile(exported, text);
    await kzonecheck('mail.test', exported);
    ({ knot, ours } = await startPair(exported));
  });

  afterAll(async () => {
    await Promise.all([knot?.stop(), ours?.stop()]);
    if (dir) await rm(dir, { recursive: true, force: true });
    reportMismatches();
  });

  it('exports a zone that kzonecheck accepts', async () => {
    expect(exported).toBeDefined();
    await expect(kzonecheck('mail.test', exported!)).resolves.toBeTypeOf('string');
  });

  it.each(CASES)('export: $name', async (c) => {
    await compareCase('export-knot-vs-discodns', knot, ours, c);
  });
});
