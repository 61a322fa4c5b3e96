// The systemd unit (systemd/discodns.service), its example config, and readiness notification
// (src/server/notify.ts). Checks that need systemd-analyze, systemd-notify or python3 are skipped
// on machines without them.

import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { notifyReady, notifyReloading, notifyStopping, type NotifyDone } from '../../src/server/notify.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const unitPath = join(repo, 'systemd/discodns.service');
const unitText = readFileSync(unitPath, 'utf8');

function runs(command: string, args: string[]): boolean {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

function systemdVersion(): number {
  const r = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
  if (r.status !== 0) return 0;
  return Number(/^systemd (\d+)/.exec(r.stdout)?.[1] ?? 0);
}

const analyzeVersion = systemdVersion();

/** Values of one key in the unit, in order (a key may be given several times). */
function settings(key: string): string[] {
  return unitText
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith(`${key}=`))
    .map((l) => l.slice(key.length + 1));
}

describe('systemd/discodns.service', () => {
  it('runs the built CLI with the production config', () => {
    expect(settings('ExecStart')).toEqual(['/usr/bin/node --max-semi-space-size=4 --expose-gc --no-allocation-site-pretenuring /opt/discodns/dist/cli.js serve --config /etc/discodns/config.json']);
  });

  it('gives node the V8 flags of the CLI\'s #! line, as npm start does (why: src/cli.ts)', () => {
    const shebang = readFileSync(join(repo, 'src/cli.ts'), 'utf8').split('\n', 1)[0]!;
    const flags = /^#!\/usr\/bin\/env -S node((?: --[\w-]+(?:=\S+)?)+)$/.exec(shebang)?.[1]?.trim();
    expect(flags, shebang).toMatch(/^--/);
    const start = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).scripts.start as string;
    expect(start).toBe(`node ${flags} dist/cli.js serve --zones zones`);
    expect(settings('ExecStart')[0]).toMatch(new RegExp(`^/usr/bin/node ${flags} /opt/discodns/dist/cli\\.js `));
  });

  it('reloads through discodns ctl, which waits and fails when anything was rejected; restarts on failure', () => {
    expect(settings('ExecReload')).toEqual(['/usr/bin/node /opt/discodns/dist/cli.js ctl --config /etc/discodns/config.json reload']);
    expect(settings('Restart')).toEqual(['on-failure']);
  });

  it('keeps its state in StateDirectory= and its control socket in RuntimeDirectory=, which serve and ctl both read', () => {
    expect(settings('StateDirectory')).toEqual(['discodns']);
    expect(settings('StateDirectoryMode')).toEqual(['0700']);
    expect(settings('RuntimeDirectory')).toEqual(['discodns']);
    expect(settings('Environment')).toEqual(['DISCODNS_STATE=%S/discodns DISCODNS_CONTROL_SOCKET=%t/discodns/control.sock']);
  });

  it('waits for READY=1, which systemd-notify (a child of node) sends', () => {
    expect(settings('Type')).toEqual(['notify']);
    expect(settings('NotifyAccess')).toEqual(['all']);
  });

  it('keeps what port 53 needs and what V8 needs', () => {
    expect(settings('DynamicUser')).toEqual(['yes']);
    expect(settings('AmbientCapabilities')).toEqual(['CAP_NET_BIND_SERVICE']);
    expect(settings('CapabilityBoundingSet')).toEqual(['CAP_NET_BIND_SERVICE']);
    // V8's JIT writes code and then executes it; a user namespace voids CAP_NET_BIND_SERVICE.
    expect(unitText).not.toMatch(/^\s*MemoryDenyWriteExecute\s*=\s*(yes|true|on|1)\s*$/im);
    expect(unitText).not.toMatch(/^\s*PrivateUsers\s*=\s*(yes|true|on|1|self|identity)\s*$/im);
    // A filtered system call must fail, not kill node (which probes e.g. pkey_alloc at start-up).
    expect(settings('SystemCallErrorNumber')).toEqual(['EPERM']);
  });
});

describe.skipIf(analyzeVersion === 0)('systemd-analyze', () => {
  let dir: string;
  let unit: string;

  beforeAll(() => {
    // A copy whose ExecStart names this machine's node, so that verify does not stop at a missing
    // /usr/bin/node; everything else is the file as shipped.
    dir = mkdtempSync(join(tmpdir(), 'discodns-unit-'));
    unit = join(dir, 'discodns.service');
    const text = unitText.replace(/^(ExecStart|ExecReload)=\/usr\/bin\/node /gm, `$1=${process.execPath} `);
    expect(text).toContain(`ExecStart=${process.execPath} `);
    expect(text).toContain(`ExecReload=${process.execPath} `);
    writeFileSync(unit, text);
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('verify accepts every setting', () => {
    const r = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
    // Lines about other units on this machine are not ours to judge; lines about ours must not exist
    // (unknown key, invalid value, missing executable, …).
    const ours = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => l.includes('discodns'));
    expect(ours).toEqual([]);
    expect(r.status).toBe(0);
  });

  it.skipIf(analyzeVersion < 250)('security rates the exposure 2.0 or lower', () => {
    const r = spawnSync('systemd-analyze', ['security', '--offline=yes', '--no-pager', unit], { encoding: 'utf8' });
    const out = r.stdout.replace(new RegExp('\u001b\\[[0-9;]*m', 'g'), '');
    const m = /Overall exposure level for \S+: (\d+(?:\.\d+)?)/.exec(out);
    expect(m, `${out}\n${r.stderr}`).not.toBeNull();
    expect(Number(m![1])).toBeLessThanOrEqual(2.0);
  });
});

describe('systemd/config.example.json', () => {
  it('is a valid configuration for port 53 on every address', () => {
    const result = loadConfig(join(repo, 'systemd/config.example.json'), {}, {});
    expect('error' in result ? result.error : '').toBe('');
    if (!('config' in result)) return;
    expect(result.config.listen).toEqual(['0.0.0.0', '::']);
    expect(result.config.port).toBe(53);
    expect(result.config.zones).toBe('/etc/discodns/zones');
    expect(result.config.log.format).toBe('json');
  });
});

/** Resolves with the callback's argument. */
function notified(send: (done: NotifyDone) => void): Promise<Error | null> {
  return new Promise((resolve) => send(resolve));
}

describe('notify', () => {
  const saved = { NOTIFY_SOCKET: process.env.NOTIFY_SOCKET, PATH: process.env.PATH };
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'discodns-notify-'));
  });

  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** A fake systemd-notify first on PATH that records that it ran and exits with `code`. */
  function fakeNotify(code: number): string {
    const bin = mkdtempSync(join(dir, 'bin-'));
    const marker = join(bin, 'ran');
    writeFileSync(join(bin, 'systemd-notify'), `#!/bin/sh\necho "$@" >> '${marker}'\necho 'fake failure' >&2\nexit ${code}\n`);
    chmodSync(join(bin, 'systemd-notify'), 0o755);
    process.env.PATH = `${bin}:${saved.PATH ?? ''}`;
    return marker;
  }

  it('sends nothing without $NOTIFY_SOCKET', async () => {
    delete process.env.NOTIFY_SOCKET;
    const marker = fakeNotify(0);
    expect(await notified(notifyReady)).toBeNull();
    expect(await notified(notifyReloading)).toBeNull();
    expect(await notified(notifyStopping)).toBeNull();
    expect(existsSync(marker)).toBe(false);
  });

  it('reports a failing systemd-notify through the callback instead of throwing', async () => {
    process.env.NOTIFY_SOCKET = join(dir, 'nobody-listens');
    const marker = fakeNotify(1);
    const error = await notified(notifyReady);
    expect(error?.message).toContain('fake failure');
    expect(readFileSync(marker, 'utf8')).toBe('READY=1\n');
  });

  it('reports a missing systemd-notify through the callback instead of throwing', async () => {
    process.env.NOTIFY_SOCKET = join(dir, 'nobody-listens');
    process.env.PATH = join(dir, 'no-such-dir');
    const error = await notified(notifyReady);
    expect(error?.message).toMatch(/ENOENT/);
  });

  const canReceive = runs('python3', ['-c', 'import socket']) && spawnSync('sh', ['-c', 'command -v systemd-notify']).status === 0;

  it.skipIf(!canReceive)('delivers READY=1 and friends, in order, to the notify socket', async () => {
    // Stands in for the service manager: binds a unix datagram socket, prints each message with its
    // own CLOCK_MONOTONIC time, and closes the barrier fd systemd-notify passes so that it returns.
    const receiver = `
import socket, sys, os, array, json, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print(json.dumps({"bound": True}), flush=True)
while True:
    msg, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(64))
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds = array.array("i"); fds.frombytes(data[: len(data) - len(data) % fds.itemsize])
            for fd in fds: os.close(fd)
    print(json.dumps({"msg": msg.decode(), "usec": time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000}), flush=True)
`;
    const socketPath = join(dir, 'notify.sock');
    const python = spawn('python3', ['-c', receiver, socketPath], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const lines = createInterface({ input: python.stdout })[Symbol.asyncIterator]();
      const next = async (): Promise<{ bound?: boolean; msg?: string; usec?: number }> => {
        const line = await lines.next();
        if (line.done) throw new Error('the receiver exited');
        return JSON.parse(line.value) as { bound?: boolean; msg?: string; usec?: number };
      };
      expect((await next()).bound).toBe(true);

      process.env.NOTIFY_SOCKET = socketPath;
      const results = Promise.all([notified(notifyReloading), notified(notifyReady), notified(notifyStopping)]);
      const received: { msg: string; usec: number }[] = [];
      while (received.length < 3) {
        const m = await next();
        if (m.msg !== undefined && m.msg !== 'BARRIER=1') received.push({ msg: m.msg, usec: m.usec ?? 0 });
      }
      expect(await results).toEqual([null, null, null]);

      expect(received.map((r) => r.msg.split('\n')[0])).toEqual(['RELOADING=1', 'READY=1', 'STOPPING=1']);
      // MONOTONIC_USEC is CLOCK_MONOTONIC, the clock systemd compares it with.
      const sent = Number(/^MONOTONIC_USEC=(\d+)$/m.exec(received[0]!.msg)?.[1]);
      expect(Math.abs(received[0]!.usec - sent)).toBeLessThan(5_000_000);
    } finally {
      if (python.pid !== undefined && python.exitCode === null) process.kill(python.pid, 'SIGTERM');
    }
  });
});

describe('ExecReload as systemd runs it', () => {
  // The unit's Environment= and ExecReload= against a running server, with %S and %t and the
  // install paths pointed at a temporary directory: what `systemctl reload discodns` runs.
  const unitEnv = (root: string): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const assignment of settings('Environment')[0]!.split(' ')) {
      const [k, v] = assignment.split('=') as [string, string];
      env[k] = v.replace('%S', join(root, 'var/lib')).replace('%t', join(root, 'run'));
    }
    return env;
  };
  const reloadCommand = (): string[] => {
    const [node, cli, ...args] = settings('ExecReload')[0]!.split(' ');
    expect([node, cli]).toEqual(['/usr/bin/node', '/opt/discodns/dist/cli.js']);
    return [join(repo, 'dist/cli.js'), ...args.map((a) => (a === '/etc/discodns/config.json' ? join(root, 'config.json') : a))];
  };
  let root: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'discodns-unit-run-'));
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('exits 0 after a clean reload and 1 after one that rejected a file', async () => {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(root, 'var/lib/discodns'), { recursive: true });
    mkdirSync(join(root, 'run/discodns'), { recursive: true });
    const zones = join(root, 'zones');
    mkdirSync(zones);
    writeFileSync(join(root, 'config.json'), JSON.stringify({ zones, listen: ['127.0.0.1'], port: 0 }));
    writeFileSync(join(zones, 'a.yaml'), 'zone: a.test\nnameservers: [ns1.elsewhere.test.]\n');
    const env = unitEnv(root);
    const server = spawn(process.execPath, [join(repo, 'dist/cli.js'), 'serve', '--config', join(root, 'config.json')], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        let buf = '';
        server.stdout.on('data', (c: Buffer) => {
          buf += c.toString();
          if (buf.includes('"msg":"serving"')) resolve();
        });
        server.on('exit', () => reject(new Error(`exited: ${buf}`)));
      });
      expect(existsSync(join(root, 'run/discodns/control.sock'))).toBe(true);
      const reload = () => spawnSync(process.execPath, reloadCommand(), { env, encoding: 'utf8' });
      const clean = reload();
      expect(clean.status, clean.stderr).toBe(0);
      expect(clean.stdout).toMatch(/^reload: ok/);
      expect(existsSync(join(root, 'var/lib/discodns/serials'))).toBe(true);
      expect(existsSync(join(root, 'var/lib/discodns/last-good/a.yaml'))).toBe(true);
      writeFileSync(join(zones, 'a.yaml'), 'zone: a.test\nnameservers: [ns1.elsewhere.test.]\nttl: soon\n');
      const broken = reload();
      expect(broken.status).toBe(1);
      expect(broken.stdout).toMatch(/^reload: partial/);
      expect(broken.stdout).toMatch(/a\.yaml:3:6: error: ttl: 'soon' is not a TTL/);
    } finally {
      if (server.pid !== undefined && server.exitCode === null) process.kill(server.pid, 'SIGTERM');
    }
  });
});
