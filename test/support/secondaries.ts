// Real secondaries on loopback, replicating from discodns: Knot (catalog zone and TSIG), BIND 9.18
// (catalog-zones) and NSD 4.6 (explicit zones). Each writes its own configuration into a
// temporary directory, starts in that directory, and is stopped by the PID it wrote; the
// directory goes with it. The configurations are the README's ("Running with secondaries").
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './knot.js';
import { buildQuery, udpExchange } from './query.js';

const execFileP = promisify(execFile);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface Secondary {
  readonly port: number;
  readonly dir: string;
  /** Everything the server logged so far. */
  log(): Promise<string>;
  stop(): Promise<void>;
}

export interface SecondaryOptions {
  /** discodns's address (default 127.0.0.1) and port. */
  readonly primaryAddress?: string;
  /** The secondary's own address (default 127.0.0.1). */
  readonly listen?: string;
  /** Settings for a test run by an unprivileged caller (NSD: no user switch, no RRL); default true. */
  readonly forTests?: boolean;
  readonly primaryPort: number;
  readonly keyName: string;
  readonly secret: string;
  /** The catalog zone to follow (Knot, BIND); its members are configured from it. */
  readonly catalog?: string;
  /** Zones configured one by one (NSD has no catalog support). */
  readonly zones?: readonly string[];
  /** Knot templates for catalog groups: group name → nothing more than the default. */
  readonly groups?: readonly string[];
  /** Our port; a free one when not given. */
  readonly port?: number;
}

export function onPath(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function readPid(file: string): Promise<number | undefined> {
  try {
    const n = Number.parseInt((await readFile(file, 'utf8')).trim(), 10);
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

async function stopPid(pid: number | undefined): Promise<void> {
  if (pid === undefined || !alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && alive(pid); i++) await sleep(50);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 40 && alive(pid); i++) await sleep(50);
}

async function readText(file: string): Promise<string> {
  return readFile(file, 'utf8').catch(() => '');
}

/** The SOA serial `port` serves for `zone` (AA answers only), or undefined. */
export async function servedSerial(port: number, zone: string): Promise<number | undefined> {
  const reply = await udpExchange(port, buildQuery({ id: Math.floor(Math.random() * 65535), qname: zone, qtype: 6 }), 300);
  if (!reply || reply.length < 12 || (reply[3]! & 0x0f) !== 0 || (reply[2]! & 0x04) === 0 || reply.readUInt16BE(6) === 0) return undefined;
  // The SOA's serial: the last 20 bytes of the first answer's rdata are serial and the four timers.
  let at = 12;
  while (reply[at] !== 0) at += reply[at]! + 1;
  at += 5; // root, QTYPE, QCLASS
  at += (reply[at]! & 0xc0) === 0xc0 ? 2 : 0; // owner (a pointer to the question)
  const rdlength = reply.readUInt16BE(at + 8);
  const end = at + 10 + rdlength;
  return reply.readUInt32BE(end - 20);
}

/** Polls `check` every 50 ms until it returns a value other than undefined, or `ms` pass. */
export async function waitFor<T>(ms: number, check: () => Promise<T | undefined>): Promise<T | undefined> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined || Date.now() > deadline) return v;
    await sleep(50);
  }
}

/** Knot's configuration for a secondary of discodns (the README's, with test paths). */
export function knotSecondaryConf(dir: string, port: number, o: SecondaryOptions): string {
  const lines = [
    'server:',
    `    listen: ${o.listen ?? '127.0.0.1'}@${port}`,
    `    rundir: "${dir}"`,
    '    identity: ""',
    '    version: ""',
    '    nsid: ""',
    'log:',
    `  - target: "${dir}/knot.log"`,
    '    any: info',
    'database:',
    `    storage: "${dir}"`,
    'key:',
    `  - id: ${o.keyName}`,
    '    algorithm: hmac-sha256',
    `    secret: ${o.secret}`,
    'remote:',
    '  - id: discodns',
    `    address: ${o.primaryAddress ?? '127.0.0.1'}@${o.primaryPort}`,
    `    key: ${o.keyName}`,
    'acl:',
    '  - id: notify-from-discodns',
    `    address: ${o.primaryAddress ?? '127.0.0.1'}`,
    `    key: ${o.keyName}`,
    '    action: notify',
    'template:',
    '  - id: default',
    `    storage: "${dir}"`,
    '    master: discodns',
    '    acl: notify-from-discodns',
    '    zonefile-sync: -1',
    ...(o.groups ?? []).flatMap((g) => [`  - id: ${g}`, `    storage: "${dir}"`, '    master: discodns', '    acl: notify-from-discodns', '    zonefile-sync: -1']),
    'zone:',
  ];
  if (o.catalog) lines.push(`  - domain: ${o.catalog}`, '    catalog-role: interpret', `    catalog-template: [ default${(o.groups ?? []).map((g) => `, ${g}`).join('')} ]`);
  for (const z of o.zones ?? []) lines.push(`  - domain: ${z}`);
  return lines.join('\n') + '\n';
}

export async function startKnotSecondary(o: SecondaryOptions): Promise<Secondary> {
  const dir = await mkdtemp(join(tmpdir(), 'discodns-knot2-'));
  const port = o.port ?? (await freePort());
  const conf = join(dir, 'knot.conf');
  await writeFile(conf, knotSecondaryConf(dir, port, o));
  const pidFile = join(dir, 'knot.pid');
  let pid: number | undefined;
  const stop = async (): Promise<void> => {
    pid ??= await readPid(pidFile);
    await stopPid(pid);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await execFileP('knotc', ['-c', conf, 'conf-check']);
    await execFileP('knotd', ['-c', conf, '-d'], { timeout: 10_000 });
    pid = await waitFor(5000, () => readPid(pidFile));
    if (pid === undefined) throw new Error(`knotd wrote no ${pidFile}`);
  } catch (err) {
    const log = await readText(join(dir, 'knot.log'));
    await stop();
    throw new Error(`knotd did not start: ${(err as Error).message}\n${log}`);
  }
  return { port, dir, log: () => readText(join(dir, 'knot.log')), stop };
}

/** BIND 9.18's configuration for a secondary of discodns (the README's, with test paths). */
export function bindSecondaryConf(dir: string, port: number, o: SecondaryOptions): string {
  const lines = [
    'options {',
    `    directory "${dir}";`,
    `    pid-file "${dir}/named.pid";`,
    `    listen-on port ${port} { ${o.listen ?? '127.0.0.1'}; };`,
    '    listen-on-v6 { none; };',
    '    recursion no;',
    '    minimal-responses no-auth;',
    '    notify no;',
    '    dnssec-validation no;',
    // discodns sends NOTIFY from a port of its own; BIND takes it from the primary's address.
    ...(o.catalog ? [`    catalog-zones { zone "${o.catalog}" default-primaries port ${o.primaryPort} { ${o.primaryAddress ?? '127.0.0.1'} key "${o.keyName}"; } in-memory yes; };`] : []),
    '};',
    `key "${o.keyName}" { algorithm hmac-sha256; secret "${o.secret}"; };`,
    'controls { };',
  ];
  if (o.catalog) lines.push(`zone "${o.catalog}" { type secondary; primaries port ${o.primaryPort} { ${o.primaryAddress ?? '127.0.0.1'} key "${o.keyName}"; }; file "catalog.db"; };`);
  for (const z of o.zones ?? []) lines.push(`zone "${z}" { type secondary; primaries port ${o.primaryPort} { ${o.primaryAddress ?? '127.0.0.1'} key "${o.keyName}"; }; file "${z}db"; };`);
  return lines.join('\n') + '\n';
}

export async function startBindSecondary(o: SecondaryOptions): Promise<Secondary> {
  // freePort only finds a port free at that moment: an outgoing connection of a test running
  // beside this one can take it before named binds TCP (seen once: the battery's TCP queries
  // refused). named then runs on UDP alone, so a TCP listener is checked, and a fresh port tried.
  for (let attempt = 1; ; attempt++) {
    const bind = await startBindOnce(o);
    if (o.port !== undefined || attempt === 3 || (await acceptsTcp(bind.port))) return bind;
    await bind.stop();
  }
}

function acceptsTcp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

async function startBindOnce(o: SecondaryOptions): Promise<Secondary> {
  const dir = await mkdtemp(join(tmpdir(), 'discodns-bind-'));
  const port = o.port ?? (await freePort());
  const conf = join(dir, 'named.conf');
  await writeFile(conf, bindSecondaryConf(dir, port, o));
  const logFile = join(dir, 'named.log');
  const pidFile = join(dir, 'named.pid');
  await execFileP('named-checkconf', [conf]).catch((e: { stdout?: string; stderr?: string }) => {
    throw new Error(`named-checkconf: ${e.stdout ?? ''}${e.stderr ?? ''}`);
  });
  // -g: foreground, log to stderr (kept in named.log); -u is not used: the test runs as the caller.
  const { openSync } = await import('node:fs');
  const out = openSync(logFile, 'a');
  const child = spawn('named', ['-g', '-c', conf, '-n', '1'], { cwd: dir, stdio: ['ignore', out, out], detached: false });
  const pid = child.pid;
  const stop = async (): Promise<void> => {
    await stopPid(pid);
    await rm(dir, { recursive: true, force: true });
  };
  const started = await waitFor(10_000, async () => ((await readText(logFile)).includes('running') ? true : !alive(pid ?? 0) ? false : undefined));
  if (!started) {
    const log = await readText(logFile);
    await stop();
    throw new Error(`named did not start:\n${log}`);
  }
  void pidFile;
  return { port, dir, log: () => readText(logFile), stop };
}

/** NSD 4.6's configuration for a secondary of discodns (the README's, with test paths). */
export function nsdSecondaryConf(dir: string, port: number, o: SecondaryOptions): string {
  const lines = [
    'server:',
    `  ip-address: ${o.listen ?? '127.0.0.1'}@${port}`,
    '  server-count: 1',
    ...(o.forTests === false ? [] : ['  username: ""']),
    `  zonesdir: "${dir}"`,
    '  database: ""',
    `  pidfile: "${dir}/nsd.pid"`,
    `  xfrdfile: "${dir}/xfrd.state"`,
    `  zonelistfile: "${dir}/zone.list"`,
    `  logfile: "${dir}/nsd.log"`,
    '  verbosity: 2',
    ...(o.forTests === false ? [] : ['  rrl-ratelimit: 0']),
    'remote-control:',
    '  control-enable: no',
    'key:',
    `  name: ${o.keyName}`,
    '  algorithm: hmac-sha256',
    `  secret: "${o.secret}"`,
    'pattern:',
    '  name: discodns',
    `  request-xfr: ${o.primaryAddress ?? '127.0.0.1'}@${o.primaryPort} ${o.keyName}`,
    `  allow-notify: ${o.primaryAddress ?? '127.0.0.1'} ${o.keyName}`,
  ];
  for (const z of o.zones ?? []) lines.push('zone:', `  name: ${z}`, `  zonefile: "${z}zone"`, '  include-pattern: discodns');
  return lines.join('\n') + '\n';
}

export async function startNsdSecondary(o: SecondaryOptions): Promise<Secondary> {
  const dir = await mkdtemp(join(tmpdir(), 'discodns-nsd-'));
  const port = o.port ?? (await freePort());
  const conf = join(dir, 'nsd.conf');
  await writeFile(conf, nsdSecondaryConf(dir, port, o));
  const pidFile = join(dir, 'nsd.pid');
  let pid: number | undefined;
  const stop = async (): Promise<void> => {
    pid ??= await readPid(pidFile);
    await stopPid(pid);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await execFileP('nsd-checkconf', [conf]);
    await execFileP('nsd', ['-c', conf], { timeout: 10_000 });
    pid = await waitFor(5000, () => readPid(pidFile));
    if (pid === undefined) throw new Error(`nsd wrote no ${pidFile}`);
  } catch (err) {
    const log = await readText(join(dir, 'nsd.log'));
    await stop();
    throw new Error(`nsd did not start: ${(err as Error).message}\n${log}`);
  }
  return { port, dir, log: () => readText(join(dir, 'nsd.log')), stop };
}
