// The CLI as a user runs it: check's exit codes and messages, export into Knot's checker,
// --help/--version, and a clear message when the port is taken.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliPath } from '../support/discodns.js';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}
function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cliPath, ...args], { env: { ...process.env, ...env }, timeout: 15_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
function tempZones(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'discodns-cli-'));
  for (const [n, text] of Object.entries(files)) writeFileSync(join(dir, n), text);
  return dir;
}

const GOOD = `zone: good.test
nameservers: [ns1]
hosts:
  ns1: 192.0.2.1
  mail: 192.0.2.10
mx: [mail]
services:
  imaps: mail
  submissions: mail
`;

describe('discodns check', () => {
  it('exits 0 on the example zones', async () => {
    const r = await cli(['check', 'zones']);
    expect(r.stdout).not.toMatch(/: error: /);
    expect(r.code).toBe(0);
  });
  it('exits 1 on an error, printing file:line:col: error: key: message', async () => {
    const dir = tempZones({ 'bad.yaml': GOOD.replace('192.0.2.10', '192.0.2.300') });
    const r = await cli(['check', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`${join(dir, 'bad.yaml').replace(/[/.]/g, '\\$&')}:5:\\d+: error: hosts\\.mail`));
  });
  it('--strict fails on warnings, plain check does not', async () => {
    const dir = tempZones({ 'warn.yaml': GOOD.replace('submissions: mail', 'submission: mail:465') });
    const plain = await cli(['check', dir]);
    expect(plain.stdout).toMatch(/warning/);
    expect(plain.code).toBe(0);
    expect((await cli(['check', '--strict', dir])).code).toBe(1);
  });
  it('prints its summary on stdout, in words that agree with their numbers', async () => {
    const one = await cli(['check', tempZones({ 'good.yaml': GOOD })]);
    expect(one.stdout.trim().split('\n').at(-1)).toBe('1 file, 1 zone (7 records) good; 0 errors, 0 warnings');
    const two = await cli(['check', tempZones({ 'good.yaml': GOOD, 'warn.yaml': GOOD.replace('good.test', 'warn.test').replace('submissions: mail', 'submission: mail:465') })]);
    expect(two.stdout.trim().split('\n').at(-1)).toBe('2 files, 2 zones (14 records) good; 0 errors, 1 warning');
    expect(two.stderr).toBe('');
  });
  it('a YAML indentation mistake is one error that says so, with the line', async () => {
    const dir = tempZones({ 'bad.yaml': GOOD.replace('  mail: 192.0.2.10', '   mail: 192.0.2.10') });
    const r = await cli(['check', dir]);
    expect(r.code).toBe(1);
    const errors = r.stdout.split('\n').filter((l) => l.includes(': error: '));
    expect(errors).toEqual([`${join(dir, 'bad.yaml')}:5:4: error: (yaml): indentation of line 5 ('mail: 192.0.2.10'): the entries of one mapping or list start in the same column, and what belongs under a key is indented more than the key`]);
  });
  it('a missing path is an error, not a crash', async () => {
    const r = await cli(['check', '/nonexistent/zones']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/no such file or directory/);
  });
});

describe('discodns export', () => {
  it('prints zone text with the SOA first', async () => {
    const dir = tempZones({ 'good.yaml': GOOD });
    const r = await cli(['export', '--zones', dir, 'good.test']);
    expect(r.code).toBe(0);
    const records = r.stdout.split('\n').filter((l) => l && !l.startsWith(';') && !l.startsWith('$'));
    expect(records[0]).toMatch(/^good\.test\.\t3600\tIN\tSOA\tns1\.good\.test\. hostmaster\.good\.test\. /);
    expect(r.stdout).toMatch(/_imaps\._tcp\.good\.test\.\t3600\tIN\tSRV\t0 1 993 mail\.good\.test\./);
  });
  it('an unknown zone is an error naming it', async () => {
    const r = await cli(['export', '--zones', 'zones', 'nothere.test']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no zone 'nothere\.test'/);
  });
  it('--split DIR writes one file per zone, named after it', async () => {
    const out = join(tempZones({}), 'split');
    const r = await cli(['export', '--zones', 'zones', '--state', tempZones({}), '--split', out]);
    expect(r.code).toBe(0);
    const files = readdirSync(out).sort();
    expect(files).toEqual(['customer-b.example.zone', 'example.com.zone', 'example.org.zone', 'shop.example.zone']);
    for (const f of files) expect(readFileSync(join(out, f), 'utf8')).toMatch(new RegExp(`^\\$ORIGIN ${f.replace(/\.zone$/, '').replace(/\./g, '\\.')}\\.$`, 'm'));
    if (has('kzonecheck')) {
      for (const f of files) {
        const check = spawnSync('kzonecheck', ['-v', '-o', f.replace(/\.zone$/, ''), join(out, f)], { encoding: 'utf8' });
        expect(check.status, `${f}: ${check.stdout}${check.stderr}`).toBe(0);
        expect(`${check.stdout}${check.stderr}`).not.toMatch(/out-of-zone/);
      }
    }
  });
  it.skipIf(!has('kzonecheck'))('kzonecheck accepts every exported example zone', async () => {
    const listed = await cli(['export', '--zones', 'zones']);
    expect(listed.code).toBe(0);
    const zones = [...listed.stdout.matchAll(/^\$ORIGIN (\S+)$/gm)].map((m) => m[1]!);
    expect(zones.length).toBeGreaterThanOrEqual(2);
    for (const zone of zones) {
      const text = (await cli(['export', '--zones', 'zones', zone])).stdout;
      const file = join(mkdtempSync(join(tmpdir(), 'discodns-export-')), 'zone');
      writeFileSync(file, text);
      const check = spawnSync('kzonecheck', ['-v', '-o', zone, file], { encoding: 'utf8' });
      expect(check.status, `${zone}: ${check.stdout}${check.stderr}`).toBe(0);
      // One zone's export holds that zone and nothing else.
      expect(`${check.stdout}${check.stderr}`, zone).not.toMatch(/out-of-zone/);
      if (has('ldns-read-zone')) {
        const ldns = spawnSync('ldns-read-zone', [file], { encoding: 'utf8' });
        expect(ldns.status, `${zone}: ${ldns.stderr}`).toBe(0);
      }
    }
  });
});

describe('help, version, bad flags', () => {
  it('--version prints the package version', async () => {
    expect((await cli(['--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
  it.each(['serve', 'check', 'export', 'ctl'])('%s --help', async (cmd) => {
    const r = await cli([cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`discodns ${cmd}`);
    expect(r.stdout).not.toMatch(/undefined/);
  });
  it('serve --help shows each key with its flag, variable and default', async () => {
    const r = await cli(['serve', '--help']);
    expect(r.stdout).toMatch(/^ {2}listen {2}\(--listen, DISCODNS_LISTEN=a,b; default \["127\.0\.0\.1","::1"\]\)$/m);
    expect(r.stdout).toMatch(/^ {2}state {2}\(--state, DISCODNS_STATE; default "state"\)$/m);
    expect(r.stdout).toMatch(/^ {2}control\.socket {2}\(--socket, DISCODNS_CONTROL_SOCKET; default <state>\/control\.sock\)$/m);
    expect(r.stdout).toMatch(/^ {2}edns\.udpSize {2}\(DISCODNS_EDNS_UDP_SIZE; default 1232\)$/m);
    expect(r.stdout).toMatch(/^ {2}external {2}\(DISCODNS_EXTERNAL=a,b; default \[\]\)$/m);
    expect(r.stdout).toMatch(/^ {2}rrl\.exempt {2}\(DISCODNS_RRL_EXEMPT=a,b; default \["127\.0\.0\.0\/8","::1\/128"\]\)$/m);
    expect(r.stdout).not.toMatch(/\(;/);
  });
  it('a bad config value names the key and what is allowed', async () => {
    const r = await cli(['serve', '--zones', 'zones', '--state', tempZones({})], { DISCODNS_EDNS_UDP_SIZE: '99' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/edns\.udpSize.*512 to 4096/);
  });
});

describe('listen errors', () => {
  it('a taken port exits non-zero with the address and what to do', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      // UDP on that port may be free; TCP is not: the message must name TCP and the port.
      const r = await cli(['serve', '--zones', 'zones', '--state', tempZones({}), '--listen', '127.0.0.1', '--port', String(port)]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`cannot listen on tcp 127\\.0\\.0\\.1:${port}: EADDRINUSE`));
    } finally {
      blocker.close();
    }
  });
});
