#!/usr/bin/env node
// Reload stall: how long queries wait while discodns reloads N domains. A probe sends one UDP
// query at a time to 127.0.0.1 (next as soon as the answer arrives, 2 s timeout) and records
// round-trip times; we measure a full reload (every file touched) and a one-file reload.
//   npm run build && node bench/reload.mjs [--domains 10000]
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { serverNodeFlags } from './node-flags.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { domains: { type: 'string', default: '10000' } } });
const domains = Number(values.domains);
const work = mkdtempSync(join(tmpdir(), 'discodns-reload-'));
const zones = join(work, 'zones');
spawnSync(process.execPath, [join(root, 'bench/gen-zones.mjs'), '--domains', String(domains), '--out', zones], { stdio: 'inherit' });

const child = spawn(process.execPath, [...serverNodeFlags(root), join(root, 'dist/cli.js'), 'serve', '--zones', zones, '--state', join(work, 'state'), '--listen', '127.0.0.1', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const lines = [];
let buf = '';
const waiters = [];
child.stdout.on('data', (c) => {
  buf += c;
  let i;
  while ((i = buf.indexOf('\n')) >= 0) {
    const line = buf.slice(0, i);
    buf = buf.slice(i + 1);
    lines.push(line);
    for (const w of [...waiters]) {
      if (!line.includes(w.text)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(JSON.parse(line));
    }
  }
});
const waitFor = (text) => new Promise((r) => waiters.push({ text, resolve: r }));

const query = Buffer.from([0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 5, ...Buffer.from('_imaps'), 4, ...Buffer.from('_tcp'), 7, ...Buffer.from('d000001'), 5, ...Buffer.from('bench'), 4, ...Buffer.from('test'), 0, 0, 33, 0, 1]);
function probe(port, stop) {
  const sock = dgram.createSocket('udp4');
  const rtts = [];
  let lost = 0;
  return new Promise((res) => {
    const send = () => {
      if (stop()) {
        sock.close();
        return res({ rtts, lost });
      }
      const t0 = performance.now();
      const timer = setTimeout(() => {
        lost++;
        sock.removeAllListeners('message');
        send();
      }, 2000);
      sock.once('message', () => {
        clearTimeout(timer);
        rtts.push(performance.now() - t0);
        setTimeout(send, 1);
      });
      sock.send(query, port, '127.0.0.1');
    };
    send();
  });
}

try {
  const serving = await waitFor('"msg":"serving"');
  console.log(`${domains} domains loaded in ${serving.loadMs} ms`);
  for (const kind of ['full', 'one-file']) {
    const files = readdirSync(zones);
    const t = Date.now() / 1000 + (kind === 'full' ? 10 : 20);
    for (const f of kind === 'full' ? files : files.slice(0, 1)) utimesSync(join(zones, f), t, t);
    let done = false;
    const p = probe(serving.port, () => done);
    await new Promise((r) => setTimeout(r, 200));
    const reloaded = waitFor('"msg":"reloaded');
    process.kill(child.pid, 'SIGHUP');
    const summary = await reloaded;
    await new Promise((r) => setTimeout(r, 200));
    done = true;
    const { rtts, lost } = await p;
    rtts.sort((a, b) => a - b);
    console.log(`${kind} reload: ${summary.ms} ms (${summary.parsedFiles} files parsed); probe: ${rtts.length} answered, ${lost} lost, median ${rtts[rtts.length >> 1].toFixed(2)} ms, p99 ${rtts[Math.floor(rtts.length * 0.99)].toFixed(2)} ms, max ${rtts.at(-1).toFixed(2)} ms`);
  }
} finally {
  child.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}
