#!/usr/bin/env node
// Response rate limiting measured with dnsperf from one non-exempt source, loopback only and
// bounded: the built server on 127.0.0.1 with rrl.exempt [] (loopback limited too), dnsperf
// bound to 127.0.0.2 sending the example zone's discovery names (one zone: one bucket per class)
// above the rate. Prints full answers a second against rrl.rate, and the share of the responses
// over the rate that slipped (sent truncated) and that were dropped; then the same stream with a
// valid server cookie (dnsperf -E), which RRL must let through whole.
//
//   npm run build && node bench/rrl.mjs [--seconds S] [--qps Q] [--rate R] [--slip N]
import { spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { query } from './fuzz-core.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    qps: { type: 'string', default: '2000' },
    rate: { type: 'string', default: '200' },
    slip: { type: 'string', default: '2' },
  },
});
const seconds = Math.min(Number(values.seconds), 120);
if (spawnSync('sh', ['-c', 'command -v dnsperf']).status !== 0 || !existsSync(join(root, 'dist/cli.js'))) {
  console.error('needs dnsperf and a build (npm run build)');
  process.exit(1);
}
const work = mkdtempSync(join(tmpdir(), 'discodns-rrl-'));
let server;
try {
  const metricsPort = await new Promise((res) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => res(p));
    });
  });
  const config = join(work, 'config.json');
  writeFileSync(config, JSON.stringify({ state: join(work, 'state'), rrl: { exempt: [], rate: Number(values.rate), slip: Number(values.slip) }, metrics: { enabled: true, listen: `127.0.0.1:${metricsPort}` } }));
  server = spawn(process.execPath, [join(root, 'dist/cli.js'), 'serve', '--zones', join(root, 'zones'), '--listen', '127.0.0.1', '--port', '0', '--config', config], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((res, rej) => {
    let buf = '';
    server.stdout.on('data', (c) => {
      buf += c;
      const m = /"port":(\d+).*?"msg":"serving"/.exec(buf);
      if (m) res(Number(m[1]));
    });
    server.on('exit', (c) => rej(new Error(`server exited ${c}`)));
  });
  server.stdout.resume();
  const names = ['_submissions._tcp', '_submission._tcp', '_imaps._tcp', '_caldavs._tcp', '_carddavs._tcp', '_autodiscover._tcp'];
  const file = join(work, 'queries.txt');
  writeFileSync(file, names.map((n) => `${n}.example.com SRV`).join('\n') + '\n');

  const metrics = async () => {
    const text = await scrape(`http://127.0.0.1:${metricsPort}/metrics`);
    const sum = (re) => [...text.matchAll(re)].reduce((n, m) => n + Number(m[1]), 0);
    return {
      full: sum(/^discodns_queries_total\{transport="udp"[^}]*\} (\S+)$/gm),
      dropped: sum(/^discodns_rrl_responses_dropped_total (\S+)$/gm),
      slipped: sum(/^discodns_rrl_responses_slipped_total (\S+)$/gm),
    };
  };
  const run = async (label, extra) => {
    const before = await metrics();
    const r = spawnSync('dnsperf', ['-a', '127.0.0.2', '-s', '127.0.0.1', '-p', String(port), '-d', file, '-l', String(seconds), '-Q', values.qps, '-c', '1', '-q', '500', '-t', '1', ...extra], { encoding: 'utf8', timeout: (seconds + 30) * 1000 });
    const after = await metrics();
    const num = (re) => Number(re.exec(r.stdout)?.[1] ?? NaN);
    const sent = num(/Queries sent:\s+(\d+)/);
    const completed = num(/Queries completed:\s+(\d+)/);
    const full = after.full - before.full;
    const slipped = after.slipped - before.slipped;
    const dropped = after.dropped - before.dropped;
    const over = slipped + dropped;
    console.log(`${label}: dnsperf -a 127.0.0.2 -Q ${values.qps} for ${seconds} s: sent ${sent}, responses ${completed} (dnsperf counts truncated ones), lost ${num(/Queries lost:\s+(\d+)/)}`);
    console.log(`  full answers ${full} = ${(full / seconds).toFixed(1)}/s against rrl.rate ${values.rate}/s (a full bucket of ${values.rate} at the start, then the rate: at most ${Number(values.rate) * (seconds + 1)} in ${seconds} s)`);
    console.log(`  over the rate ${over}: slipped (truncated, or BADCOOKIE to a cookie client) ${slipped} = ${over ? ((100 * slipped) / over).toFixed(1) : '-'}%, dropped ${dropped} = ${over ? ((100 * dropped) / over).toFixed(1) : '-'}% (slip ${values.slip})`);
    return { sent, completed, full, slipped, dropped };
  };
  console.log(`RRL: rrl.rate ${values.rate}, rrl.slip ${values.slip}, rrl.exempt []; queries for 6 discovery names of one zone`);
  await run('no cookie', []);
  // A server cookie for 127.0.0.2: ask once with a client cookie from that address.
  const client = Buffer.from('0011223344556677', 'hex');
  const reply = await new Promise((res) => {
    const s = dgram.createSocket('udp4');
    s.bind(0, '127.0.0.2', () => s.send(query({ id: 1, qname: 'example.com', qtype: 6, edns: { options: [[10, client]] } }), port, '127.0.0.1'));
    s.on('message', (m) => {
      s.close();
      res(m);
    });
  });
  const at = reply.indexOf(Buffer.from([0, 10, 0, 24]));
  const cookie = reply.subarray(at + 4, at + 28).toString('hex');
  // Wait until the bucket has emptied, so that the cookie run starts as the first did.
  await new Promise((r) => setTimeout(r, 2000));
  await run(`valid server cookie ${cookie}`, ['-E', `10:${cookie}`]);
} finally {
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => server.on('exit', r));
  }
  rmSync(work, { recursive: true, force: true });
}

/** GET the metrics, once more if a kept-alive connection was closed under the first try. */
async function scrape(url) {
  try {
    return await fetch(url).then((r) => r.text());
  } catch {
    return fetch(url).then((r) => r.text());
  }
}
