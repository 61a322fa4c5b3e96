// SIGTERM/SIGINT: stop accepting, finish what is in flight, exit 0 within 5 s.
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliPath } from '../support/discodns.js';
import { buildQuery, normalize } from '../support/query.js';

function start(extra: string[] = ['--zones', 'test/fixtures/conformance']): Promise<{ pid: number; port: number; exit: Promise<{ code: number | null; ms: number }>; signalled: () => void }> {
  const child = spawn(process.execPath, [cliPath, 'serve', ...extra, '--state', mkdtempSync(join(tmpdir(), 'discodns-shutdown-')), '--listen', '127.0.0.1', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let signalledAt = 0;
  const exit = new Promise<{ code: number | null; ms: number }>((r) => child.on('exit', (code) => r({ code, ms: Date.now() - signalledAt })));
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (c: Buffer) => {
      buf += c.toString();
      const m = /"port":(\d+).*"msg":"serving"/.exec(buf);
      if (m) resolve({ pid: child.pid!, port: Number(m[1]), exit, signalled: () => (signalledAt = Date.now()) });
    });
    void exit.then(() => reject(new Error('exited before serving')));
  });
}

describe('graceful shutdown', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s: exits 0 quickly, closing an idle TCP connection', async (signal) => {
    const s = await start();
    const sock = net.connect(s.port, '127.0.0.1');
    await new Promise((r) => sock.on('connect', r));
    const closed = new Promise((r) => sock.on('close', r));
    sock.on('error', () => undefined);
    s.signalled();
    process.kill(s.pid, signal);
    const { code, ms } = await s.exit;
    await closed;
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5000);
  });

  it('answers a TCP query that arrived before the signal', async () => {
    const s = await start();
    const sock = net.connect(s.port, '127.0.0.1');
    await new Promise((r) => sock.on('connect', r));
    const q = buildQuery({ id: 99, qname: 'mail.test', qtype: 6 });
    const reply = new Promise<Buffer>((r) => {
      let buf = Buffer.alloc(0);
      sock.on('data', (c) => {
        buf = Buffer.concat([buf, c]);
        if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) r(buf.subarray(2));
      });
    });
    sock.on('error', () => undefined);
    sock.write(Buffer.concat([Buffer.from([0, q.length]), q]));
    const answer = await reply;
    s.signalled();
    process.kill(s.pid, 'SIGTERM');
    expect(normalize(answer).rcodeName).toBe('NOERROR');
    expect((await s.exit).code).toBe(0);
  });

  it('a second signal exits at once', async () => {
    const s = await start();
    // Hold a connection open so the first signal's graceful close has something to wait for.
    const sock = net.connect(s.port, '127.0.0.1');
    sock.on('error', () => undefined);
    await new Promise((r) => sock.on('connect', r));
    sock.pause();
    s.signalled();
    process.kill(s.pid, 'SIGTERM');
    process.kill(s.pid, 'SIGTERM');
    const { code, ms } = await s.exit;
    sock.destroy();
    expect(ms).toBeLessThan(1000);
    expect(code === 0 || code === 1).toBe(true);
  });

  // Shutdown with replication work outstanding: 3,000 zones notified to a socket that never
  // answers (retries pending) and an AXFR held half-sent by a client that does not read. The
  // NOTIFY ID exhaustion that hung a 100,000-zone start-up is covered in notify-out.test.ts.
  it('exits within 5 s with NOTIFYs unanswered and an AXFR held by a client that does not read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'discodns-shutdown-xfr-'));
    const silent = dgram.createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', r));
    const names = Array.from({ length: 3000 }, (_, i) => `  - d${String(i).padStart(5, '0')}.shutdown.test`);
    writeFileSync(join(dir, 'many.yaml'), `zones:\n${names.join('\n')}\nnameservers: [ns1]\nhosts:\n  ns1: 192.0.2.53\n  mail: 192.0.2.10\nmx: [mail]\nservices:\n  imaps: mail\n`);
    // A zone of ~2 MB, so that its AXFR outlasts the socket buffers of a client that stops reading.
    const txt = Array.from({ length: 8000 }, (_, i) => `  - 'r${i} TXT "${'x'.repeat(200)}"'`);
    writeFileSync(join(dir, 'big.yaml'), `zone: big.shutdown.test\nnameservers: [ns1]\nhosts:\n  ns1: 192.0.2.53\nrecords:\n${txt.join('\n')}\n`);
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ transfer: { allow: ['127.0.0.1/32'] }, notify: [{ address: '127.0.0.1', port: (silent.address()).port }] }));
    const s = await start(['--zones', dir, '--config', config]);
    try {
      const sock = net.connect(s.port, '127.0.0.1');
      sock.on('error', () => undefined);
      await new Promise((r) => sock.on('connect', r));
      const q = buildQuery({ id: 7, qname: 'big.shutdown.test', qtype: 252 });
      const first = new Promise<void>((r) => sock.once('data', () => r()));
      sock.write(Buffer.concat([Buffer.from([q.length >> 8, q.length & 0xff]), q]));
      await first;
      sock.pause();
      s.signalled();
      process.kill(s.pid, 'SIGTERM');
      const { code, ms } = await s.exit;
      sock.destroy();
      expect(ms).toBeLessThan(5000);
      expect(code === 0 || code === 1).toBe(true);
    } finally {
      silent.close();
      try { process.kill(s.pid, 'SIGKILL'); } catch { /* already gone */ }
    }
  }, 30_000);
});
