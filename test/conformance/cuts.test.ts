// Conformance against Knot DNS for wildcards (RFC 4592) and zone cuts (RFC 1034 §4.2.1): Knot
// serves the hand-written test/fixtures/wild/knot/wild.test.zone, discodns the same zone as a
// definition (wild.test.yaml); a battery made from the zone's names goes to both, over UDP and
// TCP, and every answer must match, additional section included.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, startDiscodns, type RunningDiscodns } from '../support/discodns.js';
import { knotAvailable, startKnot, type RunningServer } from '../support/knot.js';
import { run } from './battery.js';
import { comparableAll, ownersOfSimpleZoneFile, zoneBattery } from './zone-battery.js';

const DIR = join(repoRoot, 'test', 'fixtures', 'wild');
const ZONE_FILE = join(DIR, 'knot', 'wild.test.zone');
const CASES = zoneBattery([...ownersOfSimpleZoneFile(readFileSync(ZONE_FILE, 'utf8')), 'nothing.wild.test.', 'host.deleg.wild.test.']);

describe.skipIf(!knotAvailable())('conformance: wildcards and delegations, discodns vs Knot DNS on wild.test', () => {
  let knot: RunningServer | undefined;
  let ours: RunningDiscodns | undefined;

  beforeAll(async () => {
    const [k, d] = await Promise.allSettled([startKnot([{ origin: 'wild.test', file: ZONE_FILE }]), startDiscodns(DIR)]);
    if (k.status === 'fulfilled') knot = k.value;
    if (d.status === 'fulfilled') ours = d.value;
    if (k.status === 'rejected' || d.status === 'rejected') {
      await Promise.all([knot?.stop(), ours?.stop()]);
      throw k.status === 'rejected' ? k.reason : (d as PromiseRejectedResult).reason;
    }
  });

  afterAll(async () => {
    await Promise.all([knot?.stop(), ours?.stop()]);
  });

  it('asks a battery of several hundred questions, over UDP and TCP', () => {
    expect(CASES.length).toBeGreaterThan(500);
    expect(CASES.some((c) => c.transport === 'tcp')).toBe(true);
  });

  it.each(CASES)('$name', async (c) => {
    if (!knot || !ours) throw new Error('servers did not start');
    const [r, o] = await Promise.all([run(knot.port, c), run(ours.port, c)]);
    expect(comparableAll(o, c), `${c.name}: discodns (actual) vs Knot (expected)`).toEqual(comparableAll(r, c));
  });
});
