// Whatever happens to stdout, the server keeps answering and stops when told: a pipe whose
// reader has gone (`serve | head -3`, a log shipper that died) and a pipe nobody reads (a stalled
// journald) must neither block the process nor keep it alive past its 5 s shutdown cap.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliPath } from '../support/discodns.js';
import { buildQuery, normalize, udpExchange } from '../support/query.js';

interface Started {
  child: ChildProcessWithoutNullStreams;
  port: number;
  exit: Promise<number | null>;
}

const children: ChildProcessWithoutNullStreams[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A server (logging every query, or not), its port read from stdout, which is then left alone. */
function start(queries = true): Promise<Started> {
  const dir = mkdtempSync(join(tmpdir(), 'discodns-stdout-'));
  dirs.push(dir);
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ log: { queries } }));
  const child = spawn(
    process.execPath,
    [cliPath, 'serve', '--config', config, '--state', join(dir, 'state'), '--zones', 'test/fixtures/conformance', '--listen', '127.0.0.1', '--port', '0'],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  children.push(child);
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (c: Buffer): void => {
      buf += c.toString();
      const m = /"port":(\d+).*"msg":"serving"/.exec(buf);
      if (!m) return;
      child.stdout.off('data', onData);
      resolve({ child, port: Number(m[1]), exit });
    };
    child.stdout.on('data', onData);
    void exit.then(() => reject(new Error(`exited before serving: ${buf}`)));
  });
}

/** Sends `n` queries one after another; how many were answered NOERROR. */
async function ask(port: number, n: number): Promise<number> {
  let answered = 0;
  for (let i = 0; i < n; i++) {
    const out = await udpExchange(port, buildQuery({ id: i & 0xffff, qname: '_imaps._tcp.mail.test', qtype: 33 }), 1000);
    if (out && normalize(out).rcodeName === 'NOERROR') answered++;
  }
  return answered;
}

async function stopsWithin(s: Started, ms: number): Promise<{ code: number | null; ms: number }> {
  const t0 = Date.now();
  s.child.kill('SIGTERM');
  const code = await Promise.race([s.exit, new Promise<'late'>((r) => setTimeout(() => r('late'), ms + 2000))]);
  expect(code, 'still running after SIGTERM').not.toBe('late');
  return { code: code as number | null, ms: Date.now() - t0 };
}

describe('a closed stdout', () => {
  it('keeps answering (and logging into it), and SIGTERM ends the server within 5 s', async () => {
    const s = await start();
    s.child.stdout.destroy(); // the reader goes away: every later write gets EPIPE
    expect(await ask(s.port, 300)).toBe(300);
    const { code, ms } = await stopsWithin(s, 5000);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5000);
  });

  it('SIGTERM ends the server within 5 s when "stopping" is the first line to meet the closed pipe', async () => {
    // `serve | head -3`: head has gone before anything else is logged. pino's own destination
    // then retried the "stopping" line forever, blocking the process (issue 12).
    const s = await start(false);
    s.child.stdout.destroy();
    expect(await ask(s.port, 10)).toBe(10);
    const { code, ms } = await stopsWithin(s, 5000);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5000);
  });
});

describe('a stdout nobody reads', () => {
  it('keeps answering once the pipe is full, and SIGTERM ends the server within 5 s', async () => {
    const s = await start();
    s.child.stdout.pause(); // nothing more is read: the pipe (64 KiB) fills with query lines
    // About 200 bytes a line: 3,000 queries are 600 KB, far past the pipe's capacity.
    expect(await ask(s.port, 3000)).toBe(3000);
    const { code, ms } = await stopsWithin(s, 5000);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5000);
  }, 60_000);

  it('a second signal exits at once', async () => {
    const s = await start();
    s.child.stdout.pause();
    expect(await ask(s.port, 1000)).toBe(1000);
    const t0 = Date.now();
    s.child.kill('SIGTERM');
    s.child.kill('SIGTERM');
    await s.exit;
    expect(Date.now() - t0).toBeLessThan(1000);
  }, 60_000);
});
