// The DNSSEC commands as an operator runs them: `discodns ds` for the registrar (its DS equal
// to dnssec-dsfromkey's on our key files), `export --signed` checked by ldns-verify-zone,
// dnssec-verify and kzonecheck (and refused by all three once a signature bit is flipped),
// keys made once and kept, private keys never printed, `check` on TLSA in an unsigned zone.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/discodns.js';
import { cli, tempDir } from '../support/cli.js';
import { installed } from '../support/dnssec.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A working directory with zones/ (the example definitions, signed) and an empty state/. */
function setup(extraConfig: Record<string, unknown> = {}): { dir: string; args: string[] } {
  const dir = tempDir({}, 'discodns-dnssec-cli-');
  dirs.push(dir);
  mkdirSync(path.join(dir, 'zones'));
  for (const f of ['example.com.yaml', 'hosted.yaml']) {
    const text = readFileSync(path.join(repoRoot, 'zones', f), 'utf8');
    writeFileSync(path.join(dir, 'zones', f), `dnssec: on\n${text}`);
  }
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ dnssec: extraConfig }));
  return { dir, args: ['--zones', path.join(dir, 'zones'), '--state', path.join(dir, 'state'), '--config', path.join(dir, 'config.json')] };
}

function run(cmd: string, args: string[], cwd: string): { code: number; out: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

/** The three checkers on a signed zone file; their exit codes. */
function verifyAll(dir: string, file: string, zone: string, anchor: string, ignoreKsk: boolean): { ldns: number; bind: number; knot: number } {
  return {
    ldns: run('ldns-verify-zone', ['-k', anchor, file], dir).code,
    bind: run('dnssec-verify', [...(ignoreKsk ? ['-z'] : []), '-o', zone, file], dir).code,
    knot: run('kzonecheck', ['-o', zone, '-d', 'on', file], dir).code,
  };
}

/** The zone text with one bit of the RRSIG over `covered` flipped. */
function flipOneBit(text: string, covered: string): string {
  return text.replace(new RegExp(`(RRSIG\\t${covered} [^\\n]* )([A-Za-z0-9+/=]+)\\n`), (_m, head: string, b64: string) => {
    const sig = Buffer.from(b64, 'base64');
    sig[10] = sig[10]! ^ 0x01;
    return `${head}${sig.toString('base64')}\n`;
  });
}

const TOOLS = ['ldns-verify-zone', 'dnssec-verify', 'kzonecheck', 'dnssec-dsfromkey'];

describe('discodns ds ZONE', () => {
  it('prints DS (SHA-256) and DNSKEY, one a line, from keys made once in the state directory', async () => {
    const { dir, args } = setup();
    const first = await cli(['ds', 'example.com', ...args]);
    expect(first.code).toBe(0);
    const lines = first.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^example\.com\.\t3600\tIN\tDS\t[0-9]+ 13 2 [0-9A-F]{64}$/);
    expect(lines[1]).toMatch(/^example\.com\.\t3600\tIN\tDNSKEY\t257 3 13 \S+$/);
    expect(first.stderr).toContain('made the key set example.com');
    const again = await cli(['ds', 'example.com.', ...args]);
    expect(again.stdout).toBe(first.stdout);
    expect(again.stderr).toBe('');
    const keyDir = path.join(dir, 'state', 'keys', 'example.com');
    const files = readdirSync(keyDir).sort();
    expect(files).toEqual([expect.stringMatching(/^Kexample\.com\.\+013\+[0-9]{5}\.key$/), expect.stringMatching(/^Kexample\.com\.\+013\+[0-9]{5}\.private$/), 'timings']);
    for (const f of files) expect(statSync(path.join(keyDir, f)).mode & 0o777).toBe(0o600);
    expect(statSync(keyDir).mode & 0o777).toBe(0o700);
    if (installed('dnssec-dsfromkey')) {
      const bind = run('dnssec-dsfromkey', ['-2', files[0]!], keyDir);
      expect(bind.out.trim().split(/\s+/).slice(3).join(' ')).toBe(lines[0]!.split('\t')[4]);
    }
  });

  it('shares one key among the zones of a zones: definition; the DS still differs per zone', async () => {
    const { args } = setup();
    const a = (await cli(['ds', 'example.org', ...args])).stdout.trim().split('\n');
    const b = (await cli(['ds', 'shop.example', ...args])).stdout.trim().split('\n');
    expect(a[1]!.split('\t')[4]).toBe(b[1]!.split('\t')[4]); // the same DNSKEY
    expect(a[0]!.split(' ').pop()).not.toBe(b[0]!.split(' ').pop()); // digests of different owners
  });

  it('says what to do for a zone that is not signed, or not served', async () => {
    const { dir, args } = setup();
    writeFileSync(path.join(dir, 'zones', 'plain.yaml'), 'zone: plain.test\nnameservers: [ns1.example.net.]\n');
    const r = await cli(['ds', 'plain.test', ...args]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not signed: add dnssec: on/);
    expect((await cli(['ds', 'nowhere.test', ...args])).stderr).toMatch(/no zone 'nowhere.test'/);
  });
});

describe('discodns export --signed', () => {
  const cases: { name: string; config: Record<string, unknown>; ignoreKsk: boolean }[] = [
    { name: 'a CSK, algorithm 13', config: {}, ignoreKsk: true },
    { name: 'a CSK, algorithm 15', config: { algorithm: 15 }, ignoreKsk: true },
    { name: 'a KSK and a ZSK', config: { keys: 'ksk+zsk' }, ignoreKsk: false },
  ];
  it.skipIf(!TOOLS.every(installed)).each(cases)('with $name: ldns-verify-zone -k, dnssec-verify and kzonecheck -d on accept it; one flipped bit and all three refuse it', async ({ config, ignoreKsk }) => {
    const { dir, args } = setup(config);
    for (const zone of ['example.com.', 'shop.example.']) {
      const r = await cli(['export', '--signed', ...args, zone]);
      expect(r.code).toBe(0);
      expect(r.stdout).not.toMatch(/PrivateKey/);
      const file = path.join(dir, `${zone}zone`);
      writeFileSync(file, r.stdout);
      const anchor = path.join(dir, `${zone}anchor`);
      const ds = (await cli(['ds', zone, ...args])).stdout.split('\n').filter((l) => l.includes('\tDS\t'));
      writeFileSync(anchor, ds.join('\n') + '\n');
      expect(verifyAll(dir, file, zone, anchor, ignoreKsk)).toEqual({ ldns: 0, bind: 0, knot: 0 });
      const broken = path.join(dir, `${zone}broken`);
      const flipped = flipOneBit(r.stdout, 'SRV');
      expect(flipped).not.toBe(r.stdout);
      writeFileSync(broken, flipped);
      const bad = verifyAll(dir, broken, zone, anchor, ignoreKsk);
      expect(bad.ldns).not.toBe(0);
      expect(bad.bind).not.toBe(0);
      expect(bad.knot).not.toBe(0);
      if (!ignoreKsk) expect(r.stdout.match(/\tDNSKEY\t/g)).toHaveLength(2);
    }
  });

  it.skipIf(!TOOLS.every(installed))('a zone with wildcards: signed as owned by *.x (RFC 4034 §3.1.3: labels without the *), accepted by all three', async () => {
    const { dir, args } = setup();
    const wild = `zone: wild.test\ndnssec: on\nnameservers: [ns1.example.net.]\nhosts:\n  mail: 192.0.2.10\n  '*.hosts': [192.0.2.20, 2001:db8::20]\naliases:\n  '*.cdn': mail\nrecords:\n  - '* TXT "apex wildcard"'\n`;
    writeFileSync(path.join(dir, 'zones', 'wild.yaml'), wild);
    const r = await cli(['export', '--signed', ...args, 'wild.test']);
    expect(r.code, r.stderr).toBe(0);
    const labels = (owner: string, covered: string) => new RegExp(`^${owner.replace(/[.*]/g, (c) => `\\${c}`)}\\t\\d+\\tIN\\tRRSIG\\t${covered} \\d+ (\\d+) `, 'm').exec(r.stdout)?.[1];
    expect(labels('*.hosts.wild.test.', 'A')).toBe('3');
    expect(labels('*.hosts.wild.test.', 'AAAA')).toBe('3');
    expect(labels('*.cdn.wild.test.', 'CNAME')).toBe('3');
    expect(labels('*.wild.test.', 'TXT')).toBe('2');
    const file = path.join(dir, 'wild.test.zone');
    writeFileSync(file, r.stdout);
    const anchor = path.join(dir, 'wild.test.anchor');
    writeFileSync(anchor, (await cli(['ds', 'wild.test', ...args])).stdout.split('\n').filter((l) => l.includes('\tDS\t')).join('\n') + '\n');
    expect(verifyAll(dir, file, 'wild.test.', anchor, true)).toEqual({ ldns: 0, bind: 0, knot: 0 });
  });

  it('prints a zone without dnssec unsigned, as plain export does', async () => {
    const { dir, args } = setup();
    writeFileSync(path.join(dir, 'zones', 'plain.yaml'), 'zone: plain.test\nnameservers: [ns1.example.net.]\n');
    const r = await cli(['export', '--signed', ...args, 'plain.test']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/RRSIG|NSEC|DNSKEY/);
  });
});

describe('discodns check: TLSA (DANE) needs a signed zone', () => {
  const zone = (signed: string) => `zone: dane.test\n${signed}nameservers: [ns1.example.net.]\nrecords:\n  - '_25._tcp.mail TLSA 3 1 1 ${'ab'.repeat(32)}'\n`;
  it('warns at the record in an unsigned zone, with the fix', async () => {
    const dir = tempDir({ 'dane.yaml': zone('') });
    dirs.push(dir);
    const r = await cli(['check', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/dane\.yaml:4:\d+: warning: .*TLSA \(DANE\) is used only from a signed zone .*dnssec: on/);
    expect((await cli(['check', '--strict', dir])).code).toBe(1);
  });
  it('says nothing when the zone is signed, by its definition or by the configuration', async () => {
    const dir = tempDir({ 'dane.yaml': zone('dnssec: on\n') });
    dirs.push(dir);
    expect((await cli(['check', dir])).stdout).not.toMatch(/TLSA/);
    const plain = tempDir({ 'dane.yaml': zone('') });
    dirs.push(plain);
    expect((await cli(['check', plain], { DISCODNS_DNSSEC: 'true' })).stdout).not.toMatch(/TLSA/);
  });
});

describe('discodns ctl', () => {
  it('ds-seen with no key waiting for its DS says so; key-roll is recorded for the server; keys lists them', async () => {
    const { dir, args } = setup();
    await cli(['ds', 'example.com', ...args]);
    const seen = await cli(['ctl', 'ds-seen', 'example.com', ...args]);
    expect(seen.code).toBe(1);
    expect(seen.stderr).toMatch(/no key of key set example.com waits for its DS/);
    const roll = await cli(['ctl', 'key-roll', 'example.com', ...args]);
    expect(roll.code).toBe(0);
    expect(readFileSync(path.join(dir, 'state', 'keys', 'example.com', 'roll'), 'utf8')).toMatch(/^[0-9]+\n$/);
    const keys = await cli(['ctl', 'keys', ...args]);
    expect(keys.stdout).toMatch(/^example\.com \(.*\)\n  [0-9]+ csk alg 13 active/m);
  });
});
