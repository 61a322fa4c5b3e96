// Byte-exact vectors: the example zone signed here with a fixed Ed25519 key and fixed times
// gives the very RRSIG and NSEC records that ldns-signzone and dnssec-signzone give for the same
// zone, key and times (Ed25519 signatures are deterministic, RFC 8032); our DS is theirs too.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dsOf } from '../../../src/dns/dnssec/ds.js';
import { privateKeyBytes } from '../../../src/dns/dnssec/key.js';
import type { SignedZone } from '../../../src/dns/dnssec/signed-zone.js';
import { signedZoneRecords } from '../../../src/dns/dnssec/zone-records.js';
import { formatRdata } from '../../../src/dns/presentation.js';
import type { ResourceRecord } from '../../../src/dns/records.js';
import { typeToText } from '../../../src/dns/types.js';
import { buildZone } from '../../../src/dns/zone.js';
import { formatZone } from '../../../src/dns/zonefile.js';
import { formatPrivateKeyFile, formatPublicKeyFile, keyFileBase } from '../../../src/server/keyfiles.js';
import { loadZones } from '../../../src/server/zonefiles.js';
import { repoRoot } from '../../support/discodns.js';
import { installed, signedWith, TEST_KEY } from '../../support/dnssec.js';
import { recordsFromText } from '../../support/zonetext.js';

let dir: string;
let zone: SignedZone;
let ours: ResourceRecord[];
let base: string;

/** RRSIG and NSEC records as `owner TYPE rdata` lines, owners lowercased, sorted. */
function denialAndSignatures(records: readonly ResourceRecord[]): string[] {
  return records
    .filter((r) => r.type === 46 || r.type === 47)
    .map((r) => `${r.owner.key} ${r.ttl} ${typeToText(r.type)} ${formatRdata(r.rdata)}`)
    .sort();
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'discodns-vectors-'));
  const loaded = await loadZones([path.join(repoRoot, 'zones', 'example.com.yaml')]);
  const content = loaded.zones.find((z) => z.origin.key.startsWith('\x07example\x03com'))!;
  zone = signedWith(buildZone(content.origin, content.records));
  ours = signedZoneRecords(zone);
  base = keyFileBase(zone.origin, TEST_KEY);
  writeFileSync(path.join(dir, `${base}.key`), formatPublicKeyFile(zone.origin, TEST_KEY, 1735689600));
  writeFileSync(path.join(dir, `${base}.private`), formatPrivateKeyFile(TEST_KEY, 1735689600), { mode: 0o600 });
  // The zone as the tools get it: what export prints, with the DNSKEY, CDS and CDNSKEY.
  const unsigned = ours.filter((r) => r.type !== 46 && r.type !== 47);
  writeFileSync(path.join(dir, 'example.com.zone'), formatZone(zone.origin, unsigned));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('RFC 8080 Ed25519 signatures, byte for byte', () => {
  it('equal ldns-signzone -i … -e … for every RRSIG and NSEC', (ctx) => {
    if (!installed('ldns-signzone')) return ctx.skip();
    run('ldns-signzone', ['-i', '20250101000000', '-e', '20250115000000', '-f', 'ldns.zone', '-o', 'example.com.', 'example.com.zone', base]);
    const theirs = recordsFromText(zone.origin, readFileSync(path.join(dir, 'ldns.zone'), 'utf8'));
    const mine = denialAndSignatures(ours);
    expect(mine.length).toBeGreaterThan(30);
    expect(mine).toEqual(denialAndSignatures(theirs));
  });

  it('equal dnssec-signzone -z -s … -e … for every RRSIG and NSEC', (ctx) => {
    if (!installed('dnssec-signzone')) return ctx.skip();
    run('dnssec-signzone', ['-P', '-z', '-O', 'full', '-s', '20250101000000', '-e', '20250115000000', '-o', 'example.com.', '-f', 'bind.zone', 'example.com.zone', base]);
    const theirs = recordsFromText(zone.origin, readFileSync(path.join(dir, 'bind.zone'), 'utf8'));
    const mine = denialAndSignatures(ours);
    expect(mine).toEqual(denialAndSignatures(theirs));
  });

  it('make the private key file the tools read back to the same key', () => {
    expect(readFileSync(path.join(dir, `${base}.private`), 'utf8')).toContain(`PrivateKey: ${privateKeyBytes(15, TEST_KEY.privateKey).toString('base64')}`);
  });
});

describe('DS (RFC 4509, SHA-256)', () => {
  const ours = (): string => {
    const ds = dsOf(zone.origin, TEST_KEY.dnskey);
    return `${ds.keyTag} ${ds.algorithm} ${ds.digestType} ${ds.digest.toString('hex').toUpperCase()}`;
  };

  it('equals dnssec-dsfromkey -2 on our key file', (ctx) => {
    if (!installed('dnssec-dsfromkey')) return ctx.skip();
    const out = run('dnssec-dsfromkey', ['-2', `${base}.key`]);
    expect(out.trim().split(/\s+/).slice(3).join(' ')).toBe(ours());
  });

  it('equals ldns-key2ds -2 on our key file', (ctx) => {
    if (!installed('ldns-key2ds')) return ctx.skip();
    const out = run('ldns-key2ds', ['-n', '-2', `${base}.key`]);
    expect(out.trim().split(/\s+/).slice(4).join(' ').toUpperCase()).toBe(ours());
  });
});
