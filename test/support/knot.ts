// Knot DNS as a test oracle: serve zone files on a loopback port, answer the same
// queries as discodns, compare (see ANCHORS.md). Every knotd started here is
// stopped by the PID in its own rundir/knot.pid.
import { execFile, execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { buildQuery, udpExchange } from './query.js';

const execFileP = promisify(execFile);

export interface KnotZone {
  /** Zone apex, with or without the trailing dot. */
  origin: string;
  /** Path of an RFC 1035 zone file. */
  file: string;
}

export interface RunningServer {
  port: number;
  stop(): Promise<void>;
}

function onPath(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Is `knotd` on PATH? (Conformance suites skip themselves when it is not.) */
export function knotAvailable(): boolean {
  return onPath('knotd');
}

/** Is `kzonecheck` on PATH? */
export function kzonecheckAvailable(): boolean {
  return onPath('kzonecheck');
}

/**
 * Run `kzonecheck -o ORIGIN FILE`. Resolves with its output; rejects (with the
 * output in the message) when the zone does not pass.
 */
export async function kzonecheck(origin: string, file: string): Promise<string> {
  try {
    const { stdout, stderr } = await execFileP('kzonecheck', ['-o', origin, file]);
    return stdout + stderr;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`kzonecheck -o ${origin} ${file} failed: ${e.stdout ?? ''}${e.stderr ?? ''}${e.message}`);
  }
}

async function tryPort(port: number): Promise<number | undefined> {
  const tcp = createServer();
  const tcpPort = await new Promise<number | undefined>((res) => {
    tcp.once('error', () => res(undefined));
    tcp.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      const addr = tcp.address();
      res(typeof addr === 'object' && addr !== null ? addr.port : undefined);
    });
  });
  if (tcpPort === undefined) {
    tcp.close();
    return undefined;
  }
  const udp = createSocket('udp4');
  const ok = await new Promise<boolean>((res) => {
    udp.once('error', () => res(false));
    udp.bind({ address: '127.0.0.1', port: tcpPort, exclusive: true }, () => res(true));
  });
  await new Promise<void>((res) => udp.close(() => res()));
  await new Promise<void>((res) => tcp.close(() => res()));
  return ok ? tcpPort : undefined;
}

/**
 * A port on 127.0.0.1 that is free for both UDP and TCP right now (there is a
 * small race between closing our sockets and the caller binding it; callers
 * that fail to bind should retry with a fresh port).
 */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = await tryPort(0);
    if (port !== undefined) return port;
  }
  throw new Error('no free UDP+TCP port on 127.0.0.1 after 50 tries');
}

function knotConf(dir: string, port: number, zones: KnotZone[]): string {
  const lines = [
    'server:',
    `    listen: 127.0.0.1@${port}`,
    '    udp-workers: 1',
    '    tcp-workers: 1',
    '    background-workers: 1',
    `    rundir: "${dir}"`,
    // Running as root is fine: no `user:` means knotd stays the user that started it.
    // No CHAOS identity/version answers: discodns refuses CH unless configured.
    '    identity: ""',
    '    version: ""',
    'log:',
    '  - target: stderr',
    '    any: warning',
    'database:',
    `    storage: "${dir}"`,
    'zone:',
  ];
  for (const z of zones) {
    const origin = z.origin.endsWith('.') ? z.origin : `${z.origin}.`;
    lines.push(
      `  - domain: ${origin}`,
      `    file: "${resolve(z.file)}"`,
      '    zonefile-sync: -1',
      '    zonefile-load: whole',
      '    journal-content: none',
    );
  }
  return lines.join('\n') + '\n';
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function readPid(file: string): Promise<number | undefined> {
  try {
    const n = Number.parseInt((await readFile(file, 'utf8')).trim(), 10);
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

async function stopPid(pid: number): Promise<void> {
  if (!alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 60 && alive(pid); i++) await sleep(50);
  if (alive(pid)) {
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 40 && alive(pid); i++) await sleep(50);
  }
}

/**
 * Start knotd on a free loopback port serving `zones`, wait until it answers a
 * SOA query for each zone, and return its port and a stop() that ends it by PID
 * and removes its temporary directory.
 */
export async function startKnot(zones: KnotZone[]): Promise<RunningServer> {
  if (zones.length === 0) throw new Error('startKnot: no zones');
  let lastErr: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startKnotOnce(zones);
    } catch (err) {
      lastErr = err;
    }
  }
  throw lastErr;
}

async function startKnotOnce(zones: KnotZone[]): Promise<RunningServer> {
  const dir = await mkdtemp(join(tmpdir(), 'discodns-knot-'));
  const port = await freePort();
  const conf = join(dir, 'knot.conf');
  await writeFile(conf, knotConf(dir, port, zones));
  const pidFile = join(dir, 'knot.pid');
  let pid: number | undefined;
  const stop = async () => {
    pid ??= await readPid(pidFile);
    if (pid !== undefined) await stopPid(pid);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await execFileP('knotc', ['-c', conf, 'conf-check']).catch((err: { stderr?: string; message: string }) => {
      throw new Error(`knotc conf-check failed: ${err.stderr ?? err.message}`);
    });
    // -d: daemonize; the parent returns once the child has started and written its pidfile.
    await execFileP('knotd', ['-c', conf, '-d'], { timeout: 10_000 }).catch(
      (err: { stderr?: string; message: string }) => {
        throw new Error(`knotd failed to start: ${err.stderr ?? err.message}`);
      },
    );
    const deadline = Date.now() + 10_000;
    const pending = new Set(zones.map((z) => (z.origin.endsWith('.') ? z.origin : `${z.origin}.`)));
    let id = 1;
    while (pending.size > 0) {
      if (Date.now() > deadline) {
        throw new Error(`knotd on port ${port} did not answer SOA for ${[...pending].join(', ')} within 10 s`);
      }
      pid ??= await readPid(pidFile);
      if (pid !== undefined && !alive(pid)) throw new Error(`knotd (pid ${pid}) exited during startup`);
      for (const origin of [...pending]) {
        const reply = await udpExchange(port, buildQuery({ id: id++, qname: origin, qtype: 6 }), 200);
        // NOERROR + AA + at least one answer: the zone is loaded.
        if (reply && reply.length >= 12 && (reply[3]! & 0x0f) === 0 && (reply[2]! & 0x04) !== 0 && reply.readUInt16BE(6) > 0) {
          pending.delete(origin);
        }
      }
      if (pending.size > 0) await sleep(50);
    }
    pid ??= await readPid(pidFile);
    if (pid === undefined) throw new Error(`knotd answered on port ${port} but wrote no ${pidFile}`);
    return { port, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
