// Secondaries replicating from discodns as the (hidden) primary, as the README's "Running with
// secondaries" configures them: Knot and BIND through the catalog zone, NSD with explicit zones;
// TSIG on every transfer and NOTIFY. Each suite skips itself when its server is not installed.
//
// What each shows: every zone arrives; Knot's answers equal discodns' for the conformance
// battery; a changed definition reaches the secondary within 5 s of the reload thanks to NOTIFY,
// by IXFR; a zone added or removed appears or disappears through the catalog alone; and after a
// restart of discodns the next change still arrives (its serial grew).
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, utimesSync } from 'node:fs';
import { copyFile, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, startDiscodns, type RunningDiscodns } from '../support/discodns.js';
import { freePort } from '../support/knot.js';
import { onPath, servedSerial, startBindSecondary, startKnotSecondary, startNsdSecondary, waitFor, type Secondary, type SecondaryOptions } from '../support/secondaries.js';
import { battery, comparable, run } from './battery.js';

const FIXTURE = join(repoRoot, 'test', 'fixtures', 'conformance', 'mail.test.yaml');
const CATALOG = 'catalog.invalid.';
const SECRET = randomBytes(32).toString('base64');

const group = (zones: string[], extra = ''): string => `zones: [${zones.join(', ')}]\nnameservers: [ns1.provider.example.]\nsoa: { serial: 1 }\nrecords:\n  - '@ TXT "hello"'\n${extra}`;

interface Setup {
  dir: string;
  zonesDir: string;
  configFile: string;
  primary: RunningDiscodns;
  primaryPort: number;
  secondary: Secondary;
}

/** discodns on a port of its own, its zones, its config (key file, ACL, NOTIFY to `secondaryPort`), and then the secondary. */
async function setUp(start: (o: SecondaryOptions) => Promise<Secondary>, options: { catalog: boolean; groups?: string[] }): Promise<Setup> {
  const dir = await mkdtemp(join(tmpdir(), 'discodns-secondary-'));
  const zonesDir = join(dir, 'zones');
  await import('node:fs/promises').then((fs) => fs.mkdir(zonesDir));
  await copyFile(FIXTURE, join(zonesDir, 'mail.test.yaml'));
  await writeFile(join(zonesDir, 'many.yaml'), group(['a.example', 'b.example', 'c.example'], options.groups ? `group: ${options.groups[0]}\n` : ''));
  const keyFile = join(dir, 'xfr.key');
  await writeFile(keyFile, `key "xfr" {\n\talgorithm hmac-sha256;\n\tsecret "${SECRET}";\n};\n`);
  chmodSync(keyFile, 0o600);
  const secondaryPort = await freePort();
  const configFile = join(dir, 'config.json');
  await writeFile(
    configFile,
    JSON.stringify({
      tsig: { keyFiles: [keyFile] },
      transfer: { allow: ['key xfr'] },
      notify: [{ address: '127.0.0.1', port: secondaryPort, key: 'xfr' }],
      ...(options.catalog ? { catalog: { zone: CATALOG } } : {}),
      state: join(dir, 'state'),
    }),
  );
  const primary = await startDiscodns(zonesDir, ['--config', configFile, '--state', join(dir, 'state')]);
  const secondary = await start({
    primaryPort: primary.port,
    keyName: 'xfr',
    secret: SECRET,
    port: secondaryPort,
    ...(options.catalog ? { catalog: CATALOG } : { zones: ['mail.test.', 'a.example.', 'b.example.', 'c.example.'] }),
    ...(options.groups ? { groups: options.groups } : {}),
  }).catch(async (e: unknown) => {
    await primary.stop();
    throw e;
  });
  return { dir, zonesDir, configFile, primary, primaryPort: primary.port, secondary };
}

async function tearDown(s: Setup | undefined): Promise<void> {
  if (!s) return;
  await Promise.all([s.primary.stop(), s.secondary.stop()]);
  await rm(s.dir, { recursive: true, force: true });
}

/** The serial discodns serves for `zone`. */
async function primarySerial(s: Setup, zone: string): Promise<number> {
  const serial = await waitFor(5000, () => servedSerial(s.primaryPort, zone));
  if (serial === undefined) throw new Error(`discodns does not serve ${zone}`);
  return serial;
}

/** Waits until the secondary serves `zone` with `serial`; the time it took, or undefined after `ms`. */
async function arrives(s: Setup, zone: string, serial: number, ms: number): Promise<number | undefined> {
  const started = Date.now();
  const ok = await waitFor(ms, async () => ((await servedSerial(s.secondary.port, zone)) === serial ? true : undefined));
  return ok ? Date.now() - started : undefined;
}

function reload(s: Setup): void {
  process.kill(s.primary.pid, 'SIGHUP');
}

/** The fixture with a new serial and one more record: a one-record change. */
function changedFixture(serial: number, text: string): string {
  return readFileSync(FIXTURE, 'utf8').replace('serial: 2026112401', `serial: ${serial}`).replace(/^records:\n/m, `records:\n  - '_change TXT "${text}"'\n`);
}

async function waitReloaded(s: Setup, count: number): Promise<void> {
  await waitFor(10_000, async () => (s.primary.stdout.filter((l) => l.includes('"msg":"reloaded"')).length >= count ? true : undefined));
}

function scenario(name: string, available: boolean, start: (o: SecondaryOptions) => Promise<Secondary>, catalog: boolean, ixfrLog: RegExp | undefined, wholeBattery: boolean): void {
  describe.skipIf(!available)(`${name} as a secondary of discodns`, () => {
    let s: Setup | undefined;
    let reloads = 0;
    beforeAll(async () => {
      s = await setUp(start, { catalog });
    }, 60_000);
    afterAll(async () => tearDown(s));

    it('transfers every zone (TSIG), through the catalog zone where it has one', async () => {
      // The catalog itself is not answered to queries by Knot; its members arriving show it came.
      for (const zone of ['mail.test.', 'a.example.', 'b.example.', 'c.example.']) {
        const serial = await primarySerial(s!, zone);
        const took = await arrives(s!, zone, serial, 20_000);
        expect(took, `${zone} served by ${name} with serial ${serial}\n${await s!.secondary.log()}`).toBeDefined();
      }
    }, 60_000);

    // Knot as Knot answers (the battery's oracle); BIND and NSD add records of their own to the
    // authority and additional sections, so of theirs the rcode and the answer are compared.
    it(`answers the conformance battery as discodns does${wholeBattery ? '' : ' (rcode and answer section)'}`, async () => {
      // Meta types (OPT, 128-255) and other classes are each server's own business (BIND answers
      // version.bind, FORMERR for class NONE): of BIND and NSD, class IN data types are compared.
      const cases = battery().filter((c) => wholeBattery || ((c.query.qclass ?? 1) === 1 && !(c.query.qtype === 41 || (c.query.qtype >= 128 && c.query.qtype <= 255))));
      const mismatches: string[] = [];
      const view = (o: Awaited<ReturnType<typeof run>>, c: (typeof cases)[number]): unknown => {
        const all = comparable(o, c) as { rcode?: unknown; answer?: unknown } | string;
        return wholeBattery || typeof all !== 'object' ? all : { rcode: all.rcode, answer: all.answer };
      };
      for (const c of cases) {
        const [want, got] = await Promise.all([run(s!.primaryPort, c), run(s!.secondary.port, c)]);
        if (JSON.stringify(view(want, c)) !== JSON.stringify(view(got, c))) mismatches.push(`${c.name}\n  discodns: ${JSON.stringify(view(want, c))}\n  ${name}: ${JSON.stringify(view(got, c))}`);
      }
      expect(mismatches.slice(0, 5).join('\n')).toBe('');
      expect(cases.length).toBeGreaterThanOrEqual(wholeBattery ? 100 : 80);
    }, 120_000);

    it('a changed definition reaches it within 5 s of the reload, by NOTIFY and IXFR', async () => {
      await writeFile(join(s!.zonesDir, 'mail.test.yaml'), changedFixture(2026112402, 'one'));
      reload(s!);
      await waitReloaded(s!, ++reloads);
      const serial = await primarySerial(s!, 'mail.test.');
      expect(serial).toBe(2026112402);
      const took = await arrives(s!, 'mail.test.', serial, 5000);
      expect(took, `${name} did not serve serial ${serial} within 5 s\n${await s!.secondary.log()}`).toBeDefined();
      if (ixfrLog) expect(await s!.secondary.log()).toMatch(ixfrLog);
    }, 30_000);

    it.skipIf(!catalog)('a zone added appears, and a zone removed disappears, through the catalog alone', async () => {
      await writeFile(join(s!.zonesDir, 'added.yaml'), group(['added.example']));
      reload(s!);
      await waitReloaded(s!, ++reloads);
      const serial = await primarySerial(s!, 'added.example.');
      expect(await arrives(s!, 'added.example.', serial, 15_000), `added.example on ${name}\n${await s!.secondary.log()}`).toBeDefined();
      await unlink(join(s!.zonesDir, 'added.yaml'));
      reload(s!);
      await waitReloaded(s!, ++reloads);
      const gone = await waitFor(15_000, async () => ((await servedSerial(s!.secondary.port, 'added.example.')) === undefined ? true : undefined));
      expect(gone, `added.example still served by ${name}\n${await s!.secondary.log()}`).toBe(true);
    }, 40_000);

    it('after a restart of discodns, the next change still arrives', async () => {
      await s!.primary.stop();
      s!.primary = await startDiscodns(s!.zonesDir, ['--config', s!.configFile, '--state', join(dirname(s!.configFile), 'state'), '--port', String(s!.primaryPort)]);
      reloads = 0;
      await writeFile(join(s!.zonesDir, 'mail.test.yaml'), changedFixture(2026112403, 'two'));
      // A new modification time even within the same second as the last write.
      utimesSync(join(s!.zonesDir, 'mail.test.yaml'), new Date(), new Date(Date.now() + 2000));
      reload(s!);
      await waitReloaded(s!, ++reloads);
      const serial = await primarySerial(s!, 'mail.test.');
      expect(serial).toBe(2026112403);
      expect(await arrives(s!, 'mail.test.', serial, 5000), `${name} after the restart\n${await s!.secondary.log()}`).toBeDefined();
    }, 40_000);
  });
}

scenario('Knot', onPath('knotd'), startKnotSecondary, true, /\[mail\.test\.\] IXFR, incoming, remote 127\.0\.0\.1@\d+, finished/, true);
// BIND names no transfer type in its log: 5 records (three SOAs, the old SOA, the one TXT added)
// is the incremental answer; the whole zone is over 40.
scenario('BIND 9.18', onPath('named'), startBindSecondary, true, /transfer of 'mail\.test\/IN' from 127\.0\.0\.1#\d+: Transfer completed: 1 messages, 5 records, .*\(serial 2026112402\)/, false);
// NSD logs the size of what it received: the whole of mail.test is some 1,400 bytes, the increment
// a few hundred.
scenario('NSD 4.6', onPath('nsd'), startNsdSecondary, false, /zone mail\.test\. received update to serial 2026112402 .* of [1-9]\d{0,2} bytes/, false);
