// Start the built discodns server (dist/cli.js) on a loopback port chosen by the
// kernel, learn the port from its `"msg":"serving"` log line, stop it by PID.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cliPath = join(repoRoot, 'dist', 'cli.js');

export interface RunningDiscodns {
  port: number;
  stop(): Promise<void>;
  /** Every stdout line so far (pino JSON), in order; keeps growing while the server runs. */
  stdout: string[];
  /** Every stderr line so far. */
  stderr: string[];
  pid: number;
  /** The state directory it runs with (a temporary one unless --state was given). */
  state: string;
  /** Its control socket. */
  socket: string;
  /** Resolves when the process has exited, with its exit code. */
  exited: Promise<number | null>;
}

export function discodnsBuilt(): boolean {
  return existsSync(cliPath);
}

/**
 * `node dist/cli.js serve --zones DIR --listen 127.0.0.1 --port 0 [--state TMP] [extraArgs…]`;
 * resolves once the `"msg":"serving"` line with a numeric `port` appears (10 s). Without a
 * --state in extraArgs the state goes to a temporary directory, removed when the server stops.
 */
export async function startDiscodns(zonesDir: string, extraArgs: string[] = []): Promise<RunningDiscodns> {
  if (!discodnsBuilt()) throw new Error(`${cliPath} does not exist: run \`npm run build\` first`);
  const given = extraArgs.indexOf('--state');
  const ownState = given < 0 ? mkdtempSync(join(tmpdir(), 'discodns-state-')) : undefined;
  const state = ownState ?? resolve(extraArgs[given + 1]!);
  const socketAt = extraArgs.indexOf('--socket');
  const socket = socketAt < 0 ? join(state, 'control.sock') : resolve(extraArgs[socketAt + 1]!);
  const child = spawn(
    process.execPath,
    [cliPath, 'serve', '--zones', resolve(zonesDir), '--listen', '127.0.0.1', '--port', '0', ...(ownState ? ['--state', ownState] : []), ...extraArgs],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn discodns');
  const stdout: string[] = [];
  const stderr: string[] = [];
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<void>((res) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      if (ownState) rmSync(ownState, { recursive: true, force: true });
      res();
    });
  });

  const lines = (sink: string[], onLine?: (l: string) => void) => {
    let rest = '';
    return (chunk: Buffer) => {
      rest += chunk.toString('utf8');
      let i: number;
      while ((i = rest.indexOf('\n')) >= 0) {
        const line = rest.slice(0, i);
        rest = rest.slice(i + 1);
        sink.push(line);
        onLine?.(line);
      }
    };
  };

  const stop = async (): Promise<void> => {
    if (exited) return;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      return;
    }
    const killTimer = setTimeout(() => {
      if (!exited) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }, 3000);
    await exitPromise;
    clearTimeout(killTimer);
  };

  const port = await new Promise<number>((res, rej) => {
    const timer = setTimeout(() => {
      rej(new Error(`discodns did not log "serving" within 10 s\nstdout:\n${stdout.join('\n')}\nstderr:\n${stderr.join('\n')}`));
    }, 10_000);
    child.stdout.on(
      'data',
      lines(stdout, (line) => {
        let rec: unknown;
        try {
          rec = JSON.parse(line);
        } catch {
          return;
        }
        if (rec && typeof rec === 'object') {
          const r = rec as { msg?: unknown; port?: unknown };
          if (r.msg === 'serving' && typeof r.port === 'number') {
            clearTimeout(timer);
            res(r.port);
          }
        }
      }),
    );
    child.stderr.on('data', lines(stderr));
    void exitPromise.then(() => {
      clearTimeout(timer);
      rej(
        new Error(
          `discodns exited (${exited?.code ?? exited?.signal}) before serving\nstdout:\n${stdout.join('\n')}\nstderr:\n${stderr.join('\n')}`,
        ),
      );
    });
  }).catch(async (err: unknown) => {
    await stop();
    throw err;
  });

  return { port, stop, stdout, stderr, pid, state, socket, exited: exitPromise.then(() => exited?.code ?? null) };
}

/** `node dist/cli.js export [--zones DIR] [ZONE…]`: resolves with stdout; rejects on a non-zero exit. */
export function exportZones(zonesDir: string | undefined, zones: string[] = []): Promise<string> {
  const args = [cliPath, 'export'];
  if (zonesDir !== undefined) args.push('--zones', resolve(zonesDir));
  args.push(...zones);
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, 15_000);
    child.on('error', rej);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      if (code === 0) res(stdout);
      else rej(new Error(`discodns export exited ${code ?? signal}: ${Buffer.concat(err).toString('utf8')}`));
    });
  });
}
