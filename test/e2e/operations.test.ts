// Issue 12, as an operator met it: a provider zone, a zones: file of customers, one customer
// with a file of its own, and the edits, reloads and restarts of a first week. Each numbered
// case of the issue, over real sockets, with `discodns ctl` as systemd's ExecReload runs it.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { cliPath, startDiscodns, type RunningDiscodns } from '../support/discodns.js';
import { buildQuery, normalize, udpExchange } from '../support/query.js';

// Each test starts one to three servers and reloads them: on a loaded 2-core machine, that takes a while.
vi.setConfig({ testTimeout: 60_000 });

const SOA = 6;
const TXT = 16;
const SRV = 33;

const running: RunningDiscodns[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'discodns-ops-'));
  dirs.push(d);
  return d;
}

async function start(zones: string, state: string, extra: string[] = []): Promise<RunningDiscodns> {
  const s = await startDiscodns(zones, ['--state', state, ...extra]);
  running.push(s);
  return s;
}

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}
function cli(args: string[]): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cliPath, ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}
const ctl = (s: RunningDiscodns, ...args: string[]): Promise<Ran> => cli(['ctl', '--socket', s.socket, ...args]);

async function ask(port: number, qname: string, qtype: number): Promise<{ rcode: string; answer: string[] }> {
  const out = await udpExchange(port, buildQuery({ id: 7, qname, qtype }), 2000);
  if (!out) return { rcode: 'TIMEOUT', answer: [] };
  const n = normalize(out);
  return { rcode: n.rcodeName, answer: n.answer };
}
async function serial(port: number, zone: string): Promise<number> {
  const { answer } = await ask(port, zone, SOA);
  const m = /SOA \S+ \S+ (\d+) /.exec(answer.join('\n'));
  if (!m) throw new Error(`no SOA for ${zone}: ${answer.join('\n')}`);
  return Number(m[1]);
}
const logs = (s: RunningDiscodns): { level: number; msg: string; [k: string]: unknown }[] =>
  s.stdout.flatMap((l) => {
    try {
      return [JSON.parse(l)];
    } catch {
      return [];
    }
  });

const CUSTOMERS = 300;
const customerNames = (n = CUSTOMERS): string[] => Array.from({ length: n }, (_, i) => `c${i + 1}.example`);

const PROVIDER = `zone: provider.test
nameservers: [ns1, ns2]
hosts:
  ns1: 192.0.2.1
  ns2: 192.0.2.2
  mail: 192.0.2.10
mx: [mail]
services:
  imaps: mail
  submissions: mail
records:
  - '@ TXT "who=provider"'
`;
const customers = (names: string[], who = 'customers'): string => `zones:
${names.map((n) => `  - ${n}`).join('\n')}
nameservers: [ns1.provider.test., ns2.provider.test.]
mx: [mail.provider.test.]
services:
  imaps: mail.provider.test.
  submissions: mail.provider.test.
records:
  - '@ TXT "who=${who}"'
`;
const OWN = `zone: big.example
nameservers: [ns1.provider.test., ns2.provider.test.]
hosts:
  mail: 198.51.100.25
services:
  imaps: mail
records:
  - '@ TXT "who=big"'
`;

/** The operator's directory: provider.yaml, customers.yaml (300 zones), big.yaml. */
function layout(): { dir: string; zones: string; state: string } {
  const dir = temp();
  const zones = join(dir, 'zones');
  const state = join(dir, 'state');
  cpSync(writeAll(join(dir, 'seed'), { 'provider.yaml': PROVIDER, 'customers.yaml': customers(customerNames()), 'big.yaml': OWN }), zones, { recursive: true });
  return { dir, zones, state };
}
function writeAll(dir: string, files: Record<string, string>): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
/** Writes a file with an mtime of our choosing (seconds). */
function write(file: string, text: string, mtime?: number): void {
  writeFileSync(file, text);
  if (mtime !== undefined) utimesSync(file, mtime, mtime);
}

describe('case 1: a zones directory that is missing or unreadable', () => {
  it('on reload: nothing is removed, the reload is "failed", ctl reload exits 1, the log line is at error', async () => {
    const { dir, zones, state } = layout();
    const s = await start(zones, state);
    expect((await ask(s.port, 'c7.example', TXT)).answer.join()).toMatch(/who=customers/);
    renameSync(zones, join(dir, 'zones.tmp'));
    const r = await ctl(s, 'reload');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^reload: failed: zones directory ${zones.replace(/[/.]/g, '\\$&')}: no such file or directory; every zone stays as it was`));
    for (const name of ['provider.test', 'c1.example', `c${CUSTOMERS}.example`, 'big.example']) expect((await ask(s.port, name, SOA)).rcode).toBe('NOERROR');
    const line = logs(s).find((l) => l.msg.startsWith('reload failed'))!;
    expect(line).toMatchObject({ level: 50, outcome: 'failed', zones: CUSTOMERS + 2 });
    // SIGHUP takes the same path.
    process.kill(s.pid, 'SIGHUP');
    await until(() => logs(s).filter((l) => l.msg.startsWith('reload failed')).length === 2);
    expect((await ask(s.port, 'c7.example', SOA)).rcode).toBe('NOERROR');
    renameSync(join(dir, 'zones.tmp'), zones);
    const back = await ctl(s, 'reload');
    expect(back.code).toBe(0);
    expect(back.stdout).toMatch(/^reload: ok/);
    // The directory is back as it was: nothing changed, nothing parsed again.
    expect(back.stdout).toMatch(/^changed: 0$/m);
    expect(logs(s).filter((l) => l.msg.startsWith('reloaded')).at(-1)).toMatchObject({ changed: 0, parsedFiles: 0 });
  });

  it('at start-up: serve exits 1 saying why; --allow-empty starts with no zones', async () => {
    const dir = temp();
    const r = await cli(['serve', '--zones', join(dir, 'nonexistent'), '--state', join(dir, 'state'), '--listen', '127.0.0.1', '--port', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/zones directory \S+nonexistent: no such file or directory; nothing to serve \(give --zones DIR, or --allow-empty to start with no zones\)/);
    const empty = await start(join(dir, 'nonexistent'), join(dir, 'state'), ['--allow-empty']);
    expect(logs(empty).find((l) => l.msg === 'serving')).toMatchObject({ zoneCount: 0 });
  });

  it('at start-up with every file rejected and no last-known-good copy: exit 1', async () => {
    const dir = temp();
    const zones = writeAll(join(dir, 'zones'), { 'a.yaml': OWN.replace('198.51.100.25', '198.51.100.300') });
    const r = await cli(['serve', '--zones', zones, '--state', join(dir, 'state'), '--listen', '127.0.0.1', '--port', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no zone to serve: the one definition file is rejected \(see the errors above\), with no last-known-good copy in \S+; fix that, or start with --allow-empty/);
  });
});

describe('case 2: a broken file, then a restart', () => {
  it('the restart serves the rejected file from its last-known-good copy, says so, and ctl shows it', async () => {
    const { zones, state } = layout();
    let s = await start(zones, state);
    await ctl(s, 'status'); // state written once the first load is through
    const broken = customers(customerNames()).replace('mail.provider.test.]', 'mail.provider.test.]\nttl: forever');
    write(join(zones, 'customers.yaml'), broken);
    const r = await ctl(s, 'reload');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^reload: partial/m);
    expect(r.stdout).toMatch(new RegExp(`^rejected: ${CUSTOMERS}: c1\\.example\\. .* … ${CUSTOMERS - 50} more \\(${CUSTOMERS} kept on the version served before\\)$`, 'm'));
    expect(r.stdout).toMatch(/^ {2}\S+customers\.yaml:\d+:6: error: ttl: 'forever' is not a TTL/m);
    expect(r.stdout).toMatch(new RegExp(`^last-known-good: ${CUSTOMERS} zones$`, 'm'));
    await s.stop();
    expect(existsSync(join(state, 'last-good', 'customers.yaml'))).toBe(true);

    s = await start(zones, state);
    expect((await ask(s.port, 'c123.example', TXT)).answer.join()).toMatch(/who=customers/);
    expect(logs(s).find((l) => l.msg === 'serving')).toMatchObject({ level: 40, zoneCount: CUSTOMERS + 2, lastKnownGood: CUSTOMERS });
    const why = logs(s).find((l) => String(l.msg).includes('last-known-good copy'))!;
    expect(why.level).toBe(50);
    expect(why.msg).toMatch(/customers\.yaml:\d+: 'forever' is not a TTL.*; its 300 zones are served from its last-known-good copy \S+last-good\/customers\.yaml until it is fixed/);
    const status = await ctl(s, 'status');
    expect(status.stdout).toMatch(new RegExp(`^zones: ${CUSTOMERS + 2}$`, 'm'));
    expect(status.stdout).toMatch(new RegExp(`^last-known-good: ${CUSTOMERS} zones$`, 'm'));
    const zone = await ctl(s, 'zone', 'c5.example');
    expect(zone.stdout).toMatch(/^last-known-good: yes, from \S+last-good\/customers\.yaml$/m);
    expect(zone.stdout).toMatch(/^source: \S+zones\/customers\.yaml:6$/m);

    // Fixed: the file's zones are its own again.
    write(join(zones, 'customers.yaml'), customers(customerNames(), 'fixed'));
    const fixed = await ctl(s, 'reload');
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toMatch(/^last-known-good: 0 zones$/m);
    expect((await ask(s.port, 'c123.example', TXT)).answer.join()).toMatch(/who=fixed/);
  });
});

describe('case 3: one bad entry in a zones: list', () => {
  it('rejects that entry only, saying why; the rest survives a later break and a restart', async () => {
    const { zones, state } = layout();
    // bücher.example is served (as xn--bcher-kva.example); ab--ü.example is no valid IDN.
    write(join(zones, 'customers.yaml'), customers([...customerNames(10), 'ab--ü.example']));
    let s = await start(zones, state);
    for (const name of customerNames(10)) expect((await ask(s.port, name, SOA)).rcode).toBe('NOERROR');
    const line = logs(s).find((l) => l.file === join(zones, 'customers.yaml'))!;
    expect(line.level).toBe(50);
    expect((line.problems as string[])[0]).toMatch(/zones\[10\]: 'ab--ü\.example' is not a valid internationalized name: .*; the other zones of the list are served/);
    // That version is what the other ten are served from: it is their last-known-good copy.
    expect((await ctl(s, 'reload')).code).toBe(1);
    expect(readFileSync(join(state, 'last-good', 'customers.yaml'), 'utf8')).toContain('ab--ü.example');
    await s.stop();
    write(join(zones, 'customers.yaml'), 'zones: [c1.example\n');
    s = await start(zones, state);
    for (const name of customerNames(10)) expect((await ask(s.port, name, SOA)).rcode).toBe('NOERROR');
  });
});

describe('case 3 and the issue\'s own words: a file of its own overrides the list entry', () => {
  it('the own file wins, with a warning naming both places', async () => {
    const { zones, state } = layout();
    write(join(zones, 'customers.yaml'), customers([...customerNames(10), 'big.example']));
    const s = await start(zones, state);
    expect((await ask(s.port, 'big.example', TXT)).answer.join()).toMatch(/who=big/);
    expect((await ask(s.port, 'c3.example', TXT)).answer.join()).toMatch(/who=customers/);
    const line = logs(s).find((l) => l.file === join(zones, 'customers.yaml'))!;
    expect(line.level).toBe(40);
    expect((line.problems as string[]).join('\n')).toMatch(/zone big\.example\. is also defined in a file of its own \(\S+big\.yaml:1\): that definition is served, not this entry/);
  });
});

describe('extends: a customer with one exception', () => {
  it('takes the provider definition and overrides key by key', async () => {
    const { zones, state } = layout();
    write(join(zones, 'odd.yaml'), `zone: odd.example\nextends: customers.yaml\nservices:\n  submissions: off\nrecords:\n  - 'extra TXT "odd"'\n`);
    const s = await start(zones, state);
    expect((await ask(s.port, '_imaps._tcp.odd.example', SRV)).answer.join()).toMatch(/SRV 0 1 993 mail\.provider\.test\./);
    expect((await ask(s.port, '_submissions._tcp.odd.example', SRV)).answer.join()).toMatch(/SRV 0 0 0 \./);
    expect((await ask(s.port, 'extra.odd.example', TXT)).answer.join()).toMatch(/odd/);
    expect((await ask(s.port, 'odd.example', TXT)).answer.join()).toMatch(/who=customers/);
    // A change in the base is a change in the zone that extends it.
    write(join(zones, 'customers.yaml'), customers(customerNames(), 'renamed'));
    await ctl(s, 'reload');
    expect((await ask(s.port, 'odd.example', TXT)).answer.join()).toMatch(/who=renamed/);
    // A circle is an error in the file that closes it, not a hang.
    write(join(zones, 'customers.yaml'), customers(customerNames()).replace('zones:', 'extends: odd.yaml\nzones:'));
    const r = await ctl(s, 'reload');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/extends goes round in a circle \((customers|odd)\.yaml → (customers|odd)\.yaml → (customers|odd)\.yaml\)/);
    expect((await ask(s.port, 'odd.example', TXT)).answer.join()).toMatch(/who=renamed/); // kept
  });
});

describe('case 4: serials only grow', () => {
  it('a change with the mtime set into the past gets a larger serial; an mtime change alone does not', async () => {
    const { zones, state } = layout();
    const file = join(zones, 'big.yaml');
    const s = await start(zones, state);
    const s1 = await serial(s.port, 'big.example');
    write(file, OWN.replace('who=big', 'who=big2'), Date.UTC(2025, 0, 1) / 1000); // touch -d 2025-01-01
    expect((await ctl(s, 'reload')).code).toBe(0);
    const s2 = await serial(s.port, 'big.example');
    expect(s2).toBeGreaterThan(s1);
    utimesSync(file, Date.UTC(2024, 0, 1) / 1000, Date.UTC(2024, 0, 1) / 1000); // touched, not changed
    await ctl(s, 'reload');
    expect(await serial(s.port, 'big.example')).toBe(s2);
    // The same after a restart, and in a copy of the directory made a second later.
    await s.stop();
    const again = await start(zones, state);
    expect(await serial(again.port, 'big.example')).toBe(s2);
    expect(await serial(again.port, 'c9.example')).toBe(await serial(again.port, 'c10.example'));
  });

  it('two edits within one second give two serials, each larger', async () => {
    const { zones, state } = layout();
    const file = join(zones, 'big.yaml');
    const s = await start(zones, state);
    const s1 = await serial(s.port, 'big.example');
    // Both edits carry the same whole second, as a file edited twice in a second does; and
    // the clock is in that second too, or close: the serial cannot come from either alone.
    const second = Math.floor(Date.now() / 1000);
    write(file, OWN.replace('who=big', 'who=one'), second + 0.1);
    await ctl(s, 'reload');
    const s2 = await serial(s.port, 'big.example');
    write(file, OWN.replace('who=big', 'who=two'), second + 0.2);
    await ctl(s, 'reload');
    const s3 = await serial(s.port, 'big.example');
    expect(s2).toBeGreaterThan(s1);
    expect(s3).toBeGreaterThan(s2);
    expect((await ask(s.port, 'big.example', TXT)).answer.join()).toMatch(/who=two/);
  });

  it('a fixed serial that goes back keeps the zone as it was and says why', async () => {
    const { zones, state } = layout();
    const file = join(zones, 'big.yaml');
    write(file, OWN.replace('records:', 'soa:\n  serial: 2026120105\nrecords:'));
    const s = await start(zones, state);
    write(file, OWN.replace('who=big', 'who=new').replace('records:', 'soa:\n  serial: 2026120101\nrecords:'));
    const r = await ctl(s, 'reload');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/big\.yaml:8:11: error: soa\.serial: zone big\.example\.: serial 2026120101 is below 2026120105, the serial served before/);
    expect(await serial(s.port, 'big.example')).toBe(2026120105);
    expect((await ask(s.port, 'big.example', TXT)).answer.join()).toMatch(/who=big/);
  });
});

describe('case 5: logs a person can read', () => {
  it('a broken list of 300 zones: one line for the file, one reloaded line at warn with counts', async () => {
    const { zones, state } = layout();
    const s = await start(zones, state);
    const before = s.stdout.length;
    write(join(zones, 'customers.yaml'), customers(customerNames()).replace('mail.provider.test.]', 'mail.provider.test.]\nttl: forever'));
    await ctl(s, 'reload');
    const lines = logs({ ...s, stdout: s.stdout.slice(before) });
    expect(lines.filter((l) => l.level >= 40)).toHaveLength(2);
    expect(lines.find((l) => l.file === join(zones, 'customers.yaml'))).toMatchObject({ level: 50, errors: 1, warnings: 0 });
    expect(lines.find((l) => l.msg.startsWith('reloaded'))).toMatchObject({ level: 40, outcome: 'partial', rejected: CUSTOMERS, kept: CUSTOMERS, lastKnownGood: CUSTOMERS, rejectedFiles: 1 });
  });

  it('every error of a file is found; the log lists the first 20, then how many more', async () => {
    const { zones, state } = layout();
    const s = await start(zones, state);
    const hosts = Array.from({ length: 25 }, (_, i) => `  h${i}: 192.0.2.${300 + i}`).join('\n');
    write(join(zones, 'big.yaml'), OWN.replace('hosts:', `hosts:\n${hosts}`));
    const r = await ctl(s, 'reload');
    expect(r.stdout.split('\n').filter((l) => /big\.yaml:\d+:\d+: error: hosts\.h\d+/.test(l))).toHaveLength(25);
    const line = logs(s).find((l) => l.file === join(zones, 'big.yaml'))!;
    expect(line).toMatchObject({ level: 50, errors: 25 });
    expect(line.problems).toHaveLength(21);
    expect((line.problems as string[])[20]).toBe('and 5 more');
  });
});

describe('discodns ctl', () => {
  it('reload: exit 0 and what changed, for a clean reload', async () => {
    const { zones, state } = layout();
    const s = await start(zones, state);
    write(join(zones, 'new.yaml'), OWN.replace('big.example', 'new.example'));
    write(join(zones, 'big.yaml'), OWN.replace('who=big', 'who=bigger'));
    const r = await ctl(s, 'reload');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^reload: ok in \d+ ms\nadded: 1: new\.example\.\nchanged: 1: big\.example\.\nremoved: 0\nrejected: 0\nlast-known-good: 0 zones\nzones: 303, records: \d+\n$/);
    rmSync(join(zones, 'new.yaml'));
    const gone = await ctl(s, 'reload');
    expect(gone.stdout).toMatch(/^removed: 1: new\.example\.$/m);
    expect((await ask(s.port, 'new.example', SOA)).rcode).toBe('REFUSED');
  });

  it('check: what a reload would do, without doing it', async () => {
    const { zones, state } = layout();
    const s = await start(zones, state);
    write(join(zones, 'big.yaml'), OWN.replace('198.51.100.25', '198.51.100.256'));
    const r = await ctl(s, 'check');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^check \(nothing applied\): partial/);
    expect(r.stdout).toMatch(/big\.yaml:4:9: error: hosts\.mail: '198\.51\.100\.256' is not an IPv4 or IPv6 address/);
    expect((await ask(s.port, 'big.example', TXT)).answer.join()).toMatch(/who=big/);
    expect(logs(s).some((l) => l.msg.startsWith('reload'))).toBe(false);
  });

  it('status, zones and zone NAME', async () => {
    const { zones, state } = layout();
    const s = await start(zones, state);
    const status = await ctl(s, 'status');
    expect(status.code).toBe(0);
    for (const field of [/^pid: \d+$/, /^uptime: \d+ s$/, /^zones: 302$/, /^records: \d+$/, /^last-known-good: 0 zones$/, /^last reload: ok at \S+ \(302 added, 0 changed, 0 removed, 0 rejected\)$/, new RegExp(`^listen: 127\\.0\\.0\\.1:${s.port} \\(udp, tcp\\)$`), /^memory: rss \d+ MB, heap \d+ MB$/]) {
      expect(status.stdout).toMatch(new RegExp(field.source, 'm'));
    }
    const list = await ctl(s, 'zones');
    expect(list.stdout.trim().split('\n')).toHaveLength(302);
    expect(list.stdout).toMatch(/^big\.example\. serial \d+ \S+big\.yaml:1$/m);
    const one = await ctl(s, 'zone', 'big.example');
    expect(one.stdout).toMatch(/^zone: big\.example\.\nserial: \d+\nsource: \S+big\.yaml:1\nlast-known-good: no\nrecords: \d+\ndnssec: off\n$/);
    const none = await ctl(s, 'zone', 'nowhere.example');
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no zone nowhere\.example is served here/);
  });

  it('zone NAME of a signed zone: key set, keys, and what signing has cost so far', async () => {
    const { zones, state } = layout();
    write(join(zones, 'big.yaml'), `dnssec: on\n${OWN}`);
    const s = await start(zones, state);
    const before = await ctl(s, 'zone', 'big.example');
    expect(before.stdout).toMatch(/^dnssec: signed, key set big\.example, denial nsec, keys \d+ csk active \(algorithm 13\); signatures made 0, kept 0$/m);
    const q = buildQuery({ id: 9, qname: '_imaps._tcp.big.example', qtype: 33, edns: { udpSize: 1232, do: true } });
    expect(await udpExchange(s.port, q, 2000)).toBeDefined();
    const after = await ctl(s, 'zone', 'big.example');
    const made = /signatures made (\d+), kept (\d+), next re-sign (\S+)$/m.exec(after.stdout);
    expect(made, after.stdout).not.toBeNull();
    expect(Number(made![1])).toBeGreaterThan(0);
    expect(Number(made![2])).toBeGreaterThan(0);
    expect(Date.parse(made![3]!)).toBeGreaterThan(Date.now());
  });

  it('the socket is 0600; a second server on it is refused; one left by a killed server is taken over', async () => {
    const { zones, state } = layout();
    const s = await start(zones, state);
    const { statSync } = await import('node:fs');
    expect(statSync(s.socket).mode & 0o777).toBe(0o600);
    const second = await cli(['serve', '--zones', zones, '--state', state, '--listen', '127.0.0.1', '--port', '0']);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/another discodns is running with the control socket \S+control\.sock .*: stop it, or give this one another --state or --socket/);
    expect((await ctl(s, 'status')).code).toBe(0); // the first is untouched
    process.kill(s.pid, 'SIGKILL');
    await s.exited;
    expect(existsSync(s.socket)).toBe(true);
    const third = await start(zones, state);
    expect((await ctl(third, 'status')).code).toBe(0);
  });

  it('no server: a message that says what to check, exit 1', async () => {
    const r = await cli(['ctl', '--state', temp(), 'status']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot reach discodns at \S+control\.sock: no such socket: is discodns running, with this --state \(or --socket\)\?/);
  });
});

describe('the state directory', () => {
  it('one that cannot be created is reported; the server serves without it', async () => {
    const { dir, zones } = layout();
    const notADirectory = join(dir, 'state-file');
    writeFileSync(notADirectory, 'not a directory\n');
    const s = await start(zones, notADirectory);
    expect(logs(s).find((l) => String(l.msg).startsWith(`state directory ${notADirectory} cannot be written`))).toMatchObject({ level: 40 });
    expect(logs(s).find((l) => String(l.msg).includes('serving without it: discodns ctl cannot reach this server'))).toMatchObject({ level: 50 });
    expect((await ask(s.port, 'c1.example', SOA)).rcode).toBe('NOERROR');
    process.kill(s.pid, 'SIGHUP');
    await until(() => logs(s).some((l) => l.msg.startsWith('reloaded')));
  });

  it('a corrupted serials file is reported and rebuilt', async () => {
    const { zones, state } = layout();
    let s = await start(zones, state);
    const s1 = await serial(s.port, 'big.example');
    await s.stop();
    const file = join(state, 'serials');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^big\.example\. .*$/m, 'big.example. \u0000\u0001 garbage'));
    s = await start(zones, state);
    expect(logs(s).find((l) => l.msg.startsWith('state:'))).toMatchObject({ level: 40 });
    expect(logs(s).find((l) => l.msg.startsWith('state:'))!.msg).toMatch(/serials: 1 line could not be read \(the first: line \d+\)/);
    expect(await serial(s.port, 'c1.example')).toBeGreaterThan(0);
    expect(await serial(s.port, 'big.example')).toBeGreaterThanOrEqual(s1);
    await until(() => /^big\.example\. \d+ [0-9a-f]{16}$/m.test(readFileSync(file, 'utf8')));
  });
});

describe('last-known-good copies', () => {
  it('are listed in SHA256SUMS; a copy that does not match is reported and not used', async () => {
    const { zones, state } = layout();
    let s = await start(zones, state);
    expect((await ctl(s, 'reload')).code).toBe(0); // returns once the state is written
    const sums = readFileSync(join(state, 'last-good', 'SHA256SUMS'), 'utf8');
    expect(sums).toMatch(/^[0-9a-f]{64} {2}big\.yaml$/m);
    expect(sums).toMatch(/^[0-9a-f]{64} {2}customers\.yaml$/m);
    await s.stop();
    write(join(zones, 'big.yaml'), OWN.replace('198.51.100.25', 'nowhere'));
    writeFileSync(join(state, 'last-good', 'big.yaml'), OWN.replace('who=big', 'who=tampered'));
    s = await start(zones, state);
    expect(logs(s).find((l) => String(l.msg).includes('does not match its digest'))).toMatchObject({ level: 40 });
    expect((await ask(s.port, 'big.example', SOA)).rcode).toBe('REFUSED');
    expect((await ask(s.port, 'c1.example', SOA)).rcode).toBe('NOERROR');
  });

  it('of a file that is deleted are deleted too, so that its zones do not come back at a restart', async () => {
    const { zones, state } = layout();
    const s = await start(zones, state);
    rmSync(join(zones, 'big.yaml'));
    expect((await ctl(s, 'reload')).stdout).toMatch(/^removed: 1: big\.example\.$/m);
    expect(existsSync(join(state, 'last-good', 'big.yaml'))).toBe(false);
    expect(readFileSync(join(state, 'last-good', 'SHA256SUMS'), 'utf8')).not.toMatch(/big\.yaml/);
  });
});

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
