// unbound as a validating resolver in front of discodns (ANCHORS.md): a trust anchor for each
// test zone, a stub zone pointing at discodns on loopback, started in the foreground and
// stopped by its PID. dig and delv read the answers.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './knot.js';
import { buildQuery, udpExchange } from './query.js';

export interface Unbound {
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
  readonly log: string[];
}

/** unbound on 127.0.0.1, validating the stub zones with `anchors` (DS or DNSKEY lines). */
export async function startUnbound(anchors: readonly string[], stubs: readonly { zone: string; port: number }[]): Promise<Unbound> {
  const dir = mkdtempSync(path.join(tmpdir(), 'discodns-unbound-'));
  const port = await freePort();
  const conf = [
    'server:',
    `  interface: 127.0.0.1@${port}`,
    '  port: ' + port,
    '  do-ip6: no',
    '  do-not-query-localhost: no',
    '  username: ""',
    '  chroot: ""',
    `  directory: "${dir}"`,
    '  pidfile: ""',
    '  use-syslog: no',
    '  logfile: ""',
    '  verbosity: 1',
    '  val-log-level: 2',
    '  num-threads: 1',
    '  so-reuseport: no',
    '  module-config: "validator iterator"',
    // 0x20: unbound asks discodns in random letter case; signatures must not care.
    '  use-caps-for-id: yes',
    '  aggressive-nsec: yes',
    '  harden-dnssec-stripped: yes',
    '  qname-minimisation: no',
    '  cache-min-ttl: 0',
    ...anchors.map((a) => `  trust-anchor: "${a.replace(/\t/g, ' ')}"`),
    'remote-control:',
    '  control-enable: no',
    ...stubs.flatMap((s) => ['stub-zone:', `  name: "${s.zone}"`, `  stub-addr: 127.0.0.1@${s.port}`]),
  ].join('\n');
  writeFileSync(path.join(dir, 'unbound.conf'), conf + '\n');
  const check = spawnSync('unbound-checkconf', [path.join(dir, 'unbound.conf')], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`unbound-checkconf: ${check.stdout}${check.stderr}\n${conf}`);
  const child = spawn('unbound', ['-d', '-c', path.join(dir, 'unbound.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  child.stdout.on('data', (c: Buffer) => log.push(c.toString()));
  child.stderr.on('data', (c: Buffer) => log.push(c.toString()));
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  // Ready once it answers.
  for (let i = 0; i < 100; i++) {
    const r = await udpExchange(port, buildQuery({ id: 1, qname: 'version.bind', qtype: 16, qclass: 3 }), 200);
    if (r) return { port, pid: child.pid!, stop, log };
    if (child.exitCode !== null) break;
  }
  await stop();
  throw new Error(`unbound did not start: ${log.join('')}`);
}

export interface Dug {
  readonly status: string;
  readonly flags: string[];
  readonly answer: string[];
  readonly authority: string[];
  readonly additional: string[];
  readonly text: string;
}

/** `dig +dnssec @127.0.0.1 -p PORT NAME TYPE`, read into status, flags and sections. */
export function dig(port: number, qname: string, qtype: string, extra: string[] = []): Dug {
  const r = spawnSync('dig', ['@127.0.0.1', '-p', String(port), '+dnssec', '+tries=1', '+time=5', '+nocookie', ...extra, qname, qtype], { encoding: 'utf8' });
  const text = r.stdout;
  const status = /status: ([A-Z]+)/.exec(text)?.[1] ?? 'NONE';
  const flags = /;; flags: ([a-z ]+);/.exec(text)?.[1]?.trim().split(' ') ?? [];
  const section = (name: string): string[] => {
    const m = new RegExp(`;; ${name} SECTION:\\n([\\s\\S]*?)(\\n\\n|$)`).exec(text);
    return m ? m[1]!.split('\n').filter((l) => l && !l.startsWith(';')) : [];
  };
  return { status, flags, answer: section('ANSWER'), authority: section('AUTHORITY'), additional: section('ADDITIONAL'), text };
}

/** `delv @127.0.0.1 -p PORT -a ANCHORS +root=ZONE NAME TYPE`: its first line says whether it validated. */
export function delv(port: number, anchorsFile: string, root: string, qname: string, qtype: string): string {
  const r = spawnSync('delv', ['@127.0.0.1', '-p', String(port), '-a', anchorsFile, `+root=${root}`, '+nocrypto', qname, qtype], { encoding: 'utf8', timeout: 20_000 });
  return `${r.stdout}${r.stderr}`;
}
