// A real Knot secondary of a signed zone follows what discodns serves, not only its definition:
// a key rollover step changes the DNSKEY set with no change to the definition, the serial moves
// on (reload.ts, serials.ts), NOTIFY goes out (RFC 1996), and Knot serves the new serial with the
// new DNSKEY set and signatures that still validate from the parent's DS (delv, static DS).
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../support/cli.js';
import { repoRoot, startDiscodns, type RunningDiscodns } from '../support/discodns.js';
import { freePort } from '../support/knot.js';
import { onPath, servedSerial, startKnotSecondary, waitFor, type Secondary } from '../support/secondaries.js';
import { delv, dig } from '../support/unbound.js';
import { serialGreater } from '../../src/server/serials.js';

const ready = onPath('knotd') && onPath('delv') && onPath('dig');
const SECRET = randomBytes(32).toString('base64');
const ZONE = 'mail.test.';
// The conformance fixture, signed, with a serial discodns chooses (a fixed one could not follow).
const DEFINITION = `dnssec: on\n${readFileSync(join(repoRoot, 'test', 'fixtures', 'conformance', 'mail.test.yaml'), 'utf8').replace('serial: 2026112401', 'serial: auto')}`;

describe.skipIf(!ready)('Knot as a secondary of a signed zone: a key roll is a new serial, by NOTIFY (RFC 1996), signed anew', () => {
  let dir: string;
  let args: string[];
  let primary: RunningDiscodns | undefined;
  let knot: Secondary | undefined;
  let anchors: string;

  beforeAll(async () => {
    dir = tempDir({}, 'discodns-signed-secondary-');
    const zones = join(dir, 'zones');
    mkdirSync(zones);
    writeFileSync(join(zones, 'mail.test.yaml'), DEFINITION);
    const keyFile = join(dir, 'xfr.key');
    writeFileSync(keyFile, `key "xfr" {\n\talgorithm hmac-sha256;\n\tsecret "${SECRET}";\n};\n`);
    chmodSync(keyFile, 0o600);
    const knotPort = await freePort();
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ tsig: { keyFiles: [keyFile] }, transfer: { allow: ['key xfr'] }, notify: [{ address: '127.0.0.1', port: knotPort, key: 'xfr' }] }));
    args = ['--config', config, '--state', join(dir, 'state'), '--zones', zones];
    // The key made before the server starts, and its DS the validator's anchor (as the parent's).
    const ds = await cli(['ds', ZONE, ...args]);
    const f = ds.stdout.split('\n').find((l) => l.includes('\tDS\t'))!.split(/\s+/);
    anchors = join(dir, 'anchors.conf');
    writeFileSync(anchors, `trust-anchors {\n  ${f[0]} static-ds ${f[4]} ${f[5]} ${f[6]} "${f[7]}";\n};\n`);
    primary = await startDiscodns(zones, ['--config', config, '--state', join(dir, 'state')]);
    knot = await startKnotSecondary({ primaryPort: primary.port, keyName: 'xfr', secret: SECRET, port: knotPort, zones: [ZONE] });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([primary?.stop(), knot?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const dnskeys = (port: number): string[] => dig(port, ZONE, 'DNSKEY', ['+norec']).answer.filter((l) => /\sIN\s+DNSKEY\s/.test(l)).sort();
  const signers = (port: number): number[] =>
    dig(port, ZONE, 'DNSKEY', ['+norec'])
      .answer.filter((l) => /\sRRSIG\s+DNSKEY\s/.test(l))
      .map((l) => Number(l.split(/\s+/)[10]))
      .sort();

  it('transfers the signed zone; the key roll reaches Knot as a new serial, with both keys signing the DNSKEY set, and validates', async () => {
    const before = (await waitFor(5000, () => servedSerial(primary!.port, ZONE)))!;
    expect(await waitFor(20_000, async () => ((await servedSerial(knot!.port, ZONE)) === before ? true : undefined)), await knot!.log()).toBe(true);
    expect(dnskeys(knot!.port)).toHaveLength(1);
    expect(delv(knot!.port, anchors, ZONE, ZONE, 'SOA')).toMatch(/; fully validated/);

    // The operator starts a CSK roll; the server acts on it at the reload (the rollover timer's
    // other turn). The definition does not change.
    expect((await cli(['ctl', 'key-roll', ZONE, ...args])).code).toBe(0);
    const reloaded = primary!.stdout.filter((l) => l.includes('"msg":"reloaded"')).length;
    process.kill(primary!.pid, 'SIGHUP');
    const after = await waitFor(10_000, async () => {
      const s = await servedSerial(primary!.port, ZONE);
      return s !== undefined && serialGreater(s, before) ? s : undefined;
    });
    expect(after, primary!.stdout.slice(reloaded).join('\n')).toBeDefined();
    const arrived = await waitFor(5000, async () => ((await servedSerial(knot!.port, ZONE)) === after ? true : undefined));
    expect(arrived, `Knot did not serve serial ${after} within 5 s of the new serial\n${await knot!.log()}`).toBe(true);
    // What Knot serves is what discodns serves: the new key published, both signing DNSKEY.
    expect(dnskeys(knot!.port)).toHaveLength(2);
    expect(dnskeys(knot!.port)).toEqual(dnskeys(primary!.port));
    expect(signers(knot!.port)).toHaveLength(2);
    expect(signers(knot!.port)).toEqual(signers(primary!.port));
    // Its SOA (the new serial) and DNSKEY validate from the DS the parent still has.
    const soa = delv(knot!.port, anchors, ZONE, ZONE, 'SOA');
    expect(soa).toMatch(/; fully validated/);
    expect(soa).toContain(` ${after} `);
    expect(delv(knot!.port, anchors, ZONE, ZONE, 'DNSKEY')).toMatch(/; fully validated/);
    // Knot fetched it because of the NOTIFY, not its refresh timer (refresh is 10800 s).
    expect(await knot!.log()).toMatch(new RegExp(`\\[mail\\.test\\.\\] notify, incoming, remote 127\\.0\\.0\\.1@\\d+.*serial ${after}`));
  }, 60_000);
});
