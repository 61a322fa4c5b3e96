#!/usr/bin/env node
// Soak test, loopback only and bounded: `npm run soak -- --minutes M` (1 to 120).
//
// For M minutes, all at once, against one server started here on 127.0.0.1:
//   - dnsperf over UDP and over TCP at a fixed rate, on the discovery mix (valid queries);
//   - dnsperf over UDP with a random-subdomain flood (valid queries too: NXDOMAIN);
//   - malformed packets over UDP (bench/fuzz-core.mjs mutations; their answers not counted);
//   - slow TCP clients: some trickle a query a byte at a time (closed by tcp.partialTimeout),
//     some pipeline queries and never read (closed by the idle timeout), each reconnecting;
//   - every 10 s a zone file changes and the server gets SIGHUP; the new record must be served.
// Then prints queries sent, answered, lost and errors (responses other than NOERROR and
// NXDOMAIN), the reloads checked, the slow clients closed, and RSS and heap at start (after a
// warm-up), and end. Exits 1 on any lost valid query, any error response, any reload not
// served, a dead server, or RSS growth past --max-rss-growth-mb (default 48): the answer cache
// and the RRL table are bounded (cache.size 20,000 here, about 6 MB filled), so memory that
// keeps growing is a leak.
//
//   npm run soak -- [--minutes M] [--domains N] [--udp-qps Q] [--tcp-qps Q] [--flood-qps Q] [--max-rss-growth-mb X]
import { spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { mutate, query, rng, seeds } from './fuzz-core.mjs';
import { serverNodeFlags } from './node-flags.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    domains: { type: 'string', default: '500' },
    'udp-qps': { type: 'string', default: '3000' },
    'tcp-qps': { type: 'string', default: '1000' },
    'flood-qps': { type: 'string', default: '2000' },
    'malformed-pps': { type: 'string', default: '500' },
    'max-rss-growth-mb': { type: 'string', default: '48' },
  },
});
const minutes = Math.max(0.5, Math.min(Number(values.minutes), 120));
const seconds = Math.round(minutes * 60);
const WARMUP = Math.min(30, Math.round(seconds / 4));
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
if (!has('dnsperf')) {
  console.error('dnsperf is not installed (apt-get install -y dnsperf)');
  process.exit(1);
}
if (!existsSync(join(root, 'dist/cli.js'))) {
  console.error('dist/cli.js missing: run npm run build (npm run soak does)');
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'discodns-soak-'));
const zonesDir = join(work, 'zones');
const children = [];
const timers = [];
const sockets = new Set();
let stopping = false;
const report = { reloads: 0, reloadsServed: 0, slowlorisClosed: 0, noReadClosed: 0, malformedSent: 0, problems: [] };

/** RcvbufErrors of /proc/net/snmp: UDP datagrams dropped because a socket's buffer was full. */
function udpReceiveErrors() {
  const lines = readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((l) => l.startsWith('Udp:'));
  const names = lines[0].split(/\s+/);
  return Number(lines[1].split(/\s+/)[names.indexOf('RcvbufErrors')]);
}

function rssMb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function heapMb(metricsPort) {
  const text = await scrape(`http://127.0.0.1:${metricsPort}/metrics`);
  return Number(/^discodns_heap_used_bytes (\S+)$/m.exec(text)?.[1]) / 2 ** 20;
}

function freePort() {
  return new Promise((res) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => res(p));
    });
  });
}

/** dnsperf for the soak's length at a fixed rate; resolves with its counts. */
function dnsperf(args) {
  return new Promise((res) => {
    const child = spawn('dnsperf', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.on('close', () => {
      const num = (re) => Number((re.exec(out) ?? [])[1] ?? NaN);
      const codes = /Response codes:\s+(.*)/.exec(out)?.[1] ?? '';
      const errors = [...codes.matchAll(/([A-Z]+) (\d+)/g)].filter(([, rc]) => rc !== 'NOERROR' && rc !== 'NXDOMAIN').reduce((n, [, , c]) => n + Number(c), 0);
      res({ sent: num(/Queries sent:\s+(\d+)/), completed: num(/Queries completed:\s+(\d+)/), lost: num(/Queries lost:\s+(\d+)/), errors, codes, raw: out });
    });
  });
}

/** A zone the soak changes every 10 s: its TXT record says which change it is. */
function writeChangingZone(n) {
  writeFileSync(join(zonesDir, 'soak.test.yaml'), `zone: soak.test\nnameservers: [ns1]\nhosts:\n  ns1: 192.0.2.53\nrecords:\n  - 'change TXT "${n}"'\n  - 'n${n % 7} A 192.0.2.${n % 250}'\n`);
}

/** The text of the first TXT record in a response (no compression in our answers' rdata). */
function txtOf(m) {
  if (!m || m.readUInt16BE(6) === 0) return undefined;
  let at = 12;
  while (m[at] !== 0) at += m[at] + 1;
  at += 5; // root, QTYPE, QCLASS
  at += 2 + 2 + 2 + 4 + 2; // owner (a pointer), TYPE, CLASS, TTL, RDLENGTH
  return m.toString('latin1', at + 1, at + 1 + m[at]);
}

function askRaw(port, msg) {
  return new Promise((res) => {
    const s = dgram.createSocket('udp4');
    const t = setTimeout(() => {
      s.close();
      res(undefined);
    }, 2000);
    s.on('message', (m) => {
      clearTimeout(t);
      s.close();
      res(m);
    });
    s.send(msg, port, '127.0.0.1');
  });
}

/** A client that trickles a query one byte every 400 ms; the server must cut it off; it comes back. */
function slowloris(port) {
  if (stopping) return;
  const s = net.connect(port, '127.0.0.1');
  sockets.add(s);
  const q = query({ id: 1, qname: 'example.soak.test', qtype: 1 });
  const bytes = Buffer.concat([Buffer.from([0, q.length]), q]);
  let i = 0;
  const tick = setInterval(() => {
    if (i < bytes.length && !s.destroyed) s.write(bytes.subarray(i, ++i));
  }, 400);
  s.on('error', () => undefined);
  s.on('close', () => {
    clearInterval(tick);
    sockets.delete(s);
    if (i < bytes.length) report.slowlorisClosed++;
    if (!stopping) timers.push(setTimeout(() => slowloris(port), 200));
  });
}

/** A client that pipelines 5,000 queries and never reads; the idle timeout closes it; it comes back. */
function noReader(port) {
  if (stopping) return;
  const s = net.connect(port, '127.0.0.1');
  sockets.add(s);
  s.pause();
  const q = query({ id: 2, qname: '_imaps._tcp.d000001.bench.test', qtype: 33 });
  const one = Buffer.concat([Buffer.from([0, q.length]), q]);
  s.on('connect', () => s.write(Buffer.concat(Array.from({ length: 5000 }, () => one))));
  s.on('error', () => undefined);
  // A paused socket does not see the server close it until it reads: read after 12 s.
  const later = setTimeout(() => s.resume(), 12_000);
  s.on('close', () => {
    clearTimeout(later);
    sockets.delete(s);
    report.noReadClosed++;
    if (!stopping) timers.push(setTimeout(() => noReader(port), 200));
  });
}

let server;
let exitCode = 0;
try {
  const queries = join(work, 'queries.txt');
  spawnSync(process.execPath, [join(root, 'bench/gen-zones.mjs'), '--domains', values.domains, '--out', zonesDir, '--queries', queries], { stdio: 'inherit' });
  const flood = join(work, 'flood.txt');
  const n = Number(values.domains);
  writeFileSync(flood, Array.from({ length: 200_000 }, (_, i) => `${Math.random().toString(36).slice(2, 12)}.d${String(1 + (i % n)).padStart(6, '0')}.bench.test A`).join('\n') + '\n');
  let change = 0;
  writeChangingZone(change);
  const metricsPort = await freePort();
  const config = join(work, 'config.json');
  writeFileSync(config, JSON.stringify({ state: join(work, 'state'), cache: { size: 20_000 }, metrics: { enabled: true, listen: `127.0.0.1:${metricsPort}` } }));
  server = spawn(process.execPath, [...serverNodeFlags(root), join(root, 'dist/cli.js'), 'serve', '--zones', zonesDir, '--listen', '127.0.0.1', '--port', '0', '--config', config], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((res, rej) => {
    let buf = '';
    const t = setTimeout(() => rej(new Error('server did not start in 60 s')), 60_000);
    server.stdout.on('data', (c) => {
      buf += c;
      const m = /"port":(\d+).*?"msg":"serving"/.exec(buf);
      if (m) {
        clearTimeout(t);
        res(Number(m[1]));
      }
      if (buf.length > 1e6) buf = buf.slice(-1e5);
    });
    server.on('exit', (c) => rej(new Error(`server exited ${c}`)));
  });
  const rssStart = rssMb(server.pid);
  const heapStart = await heapMb(metricsPort);
  console.log(`soak: ${minutes} min against pid ${server.pid} on 127.0.0.1:${port}; ${n} domains; RSS at start ${rssStart.toFixed(1)} MB, heap ${heapStart.toFixed(1)} MB`);

  // -b 1024: 1 MB socket buffers, so that dnsperf's own socket does not drop replies in a burst.
  const perf = (file, qps, extra = []) => dnsperf(['-s', '127.0.0.1', '-p', String(port), '-d', file, '-l', String(seconds), '-c', '2', '-q', '100', '-Q', String(qps), '-T', '1', '-b', '1024', ...extra]);
  const udpErrors0 = udpReceiveErrors();
  const runs = [perf(queries, values['udp-qps']), perf(queries, values['tcp-qps'], ['-m', 'tcp']), perf(flood, values['flood-qps'])];
  // Malformed packets.
  const r = rng(42);
  const corpus = seeds();
  const junk = dgram.createSocket('udp4');
  junk.on('message', () => undefined);
  const perTick = Math.max(1, Math.round(Number(values['malformed-pps']) / 20));
  timers.push(
    setInterval(() => {
      for (let i = 0; i < perTick; i++) {
        junk.send(mutate(r, corpus[r.below(corpus.length)], corpus), port, '127.0.0.1');
        report.malformedSent++;
      }
    }, 50),
  );
  for (let i = 0; i < 4; i++) slowloris(port);
  for (let i = 0; i < 2; i++) noReader(port);
  // A changed zone and SIGHUP every 10 s; the change must be served.
  let pendingCheck = Promise.resolve();
  timers.push(
    setInterval(() => {
      pendingCheck = checkReload();
    }, 10_000),
  );
  const checkReload = async () => {
      change++;
      writeChangingZone(change);
      process.kill(server.pid, 'SIGHUP');
      report.reloads++;
      const expected = String(change);
      await new Promise((res) => setTimeout(res, 2000));
      const got = txtOf(await askRaw(port, query({ id: 8, qname: 'change.soak.test', qtype: 16 })));
      if (got === expected) report.reloadsServed++;
      else report.problems.push(`reload ${change}: change.soak.test TXT is ${JSON.stringify(got)}, not "${expected}"`);
  };
  let rssWarm = NaN;
  let heapWarm = NaN;
  timers.push(
    setTimeout(async () => {
      rssWarm = rssMb(server.pid);
      heapWarm = await heapMb(metricsPort);
      console.log(`soak: after ${WARMUP} s of load: RSS ${rssWarm.toFixed(1)} MB, heap ${heapWarm.toFixed(1)} MB`);
    }, WARMUP * 1000),
  );
  const samples = [];
  timers.push(setInterval(() => samples.push(rssMb(server.pid)), 60_000));
  const [udp, tcp, fl] = await Promise.all(runs);
  stopping = true;
  for (const t of timers) clearInterval(t);
  await pendingCheck;
  const udpErrors = udpReceiveErrors() - udpErrors0;
  for (const s of sockets) s.destroy();
  junk.close();
  await new Promise((res) => setTimeout(res, 1000));
  const alive = server.exitCode === null;
  const rssEnd = alive ? rssMb(server.pid) : NaN;
  const heapEnd = alive ? await heapMb(metricsPort) : NaN;
  const metrics = alive ? await scrape(`http://127.0.0.1:${metricsPort}/metrics`) : '';
  const metric = (re) => Number(re.exec(metrics)?.[1] ?? NaN);

  const sent = udp.sent + tcp.sent + fl.sent;
  const answered = udp.completed + tcp.completed + fl.completed;
  const lost = udp.lost + tcp.lost + fl.lost;
  const errors = udp.errors + tcp.errors + fl.errors;
  const growth = rssEnd - rssWarm;
  const bound = Number(values['max-rss-growth-mb']);
  console.log(`\nvalid queries: sent ${sent}, answered ${answered}, lost ${lost}, errors ${errors}`);
  console.log(`  UDP mix ${udp.completed}/${udp.sent} (${udp.codes})`);
  console.log(`  TCP mix ${tcp.completed}/${tcp.sent} (${tcp.codes})`);
  console.log(`  random-subdomain flood ${fl.completed}/${fl.sent} (${fl.codes})`);
  console.log(`malformed packets sent ${report.malformedSent}; FORMERR answered ${metric(/^discodns_formerr_total (\S+)$/m)}, dropped ${metric(/^discodns_malformed_dropped_total (\S+)$/m)}`);
  console.log(`slow TCP clients closed by the server: slowloris ${report.slowlorisClosed} (partial ${metric(/limit="partial"} (\S+)/)}), never reading ${report.noReadClosed} (idle ${metric(/limit="idle"} (\S+)/)}, paused ${metric(/^discodns_tcp_paused_total (\S+)$/m)})`);
  console.log(`reloads (SIGHUP with a changed zone): ${report.reloads}, change served after each: ${report.reloadsServed}`);
  console.log(`handler exceptions: ${metric(/^discodns_handler_bugs_total (\S+)$/m)}; UDP datagrams dropped for a full receive buffer, host-wide (any socket, the malformed sender's included): ${udpErrors}`);
  console.log(`RSS: start ${rssStart.toFixed(1)} MB, after warm-up ${rssWarm.toFixed(1)} MB, end ${rssEnd.toFixed(1)} MB (growth after warm-up ${growth.toFixed(1)} MB, bound ${bound} MB); per minute: ${samples.map((x) => x.toFixed(0)).join(' ')}`);
  console.log(`heap: start ${heapStart.toFixed(1)} MB, after warm-up ${heapWarm.toFixed(1)} MB, end ${heapEnd.toFixed(1)} MB`);
  const failures = [...report.problems];
  if (!alive) failures.push('the server died');
  if (lost > 0) failures.push(`${lost} valid queries lost`);
  if (errors > 0) failures.push(`${errors} error responses`);
  if (!(growth <= bound)) failures.push(`RSS grew ${growth.toFixed(1)} MB after warm-up, more than ${bound} MB`);
  if (report.reloadsServed < report.reloads) failures.push('a reload was not served');
  if (metric(/^discodns_handler_bugs_total (\S+)$/m) > 0) failures.push('handler exceptions');
  if (!(sent > 0)) failures.push('dnsperf sent nothing');
  console.log(failures.length ? `soak: FAILED: ${failures.join('; ')}` : 'soak: passed');
  if (failures.length) exitCode = 1;
} catch (e) {
  console.error(`soak: ${e.message}`);
  exitCode = 1;
} finally {
  stopping = true;
  for (const t of timers) clearInterval(t);
  for (const s of sockets) s.destroy();
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((res) => {
      const t = setTimeout(() => {
        if (server.exitCode === null) server.kill('SIGKILL');
        res();
      }, 6000);
      server.on('exit', () => {
        clearTimeout(t);
        res();
      });
    });
  }
  rmSync(work, { recursive: true, force: true });
}
process.exit(exitCode);

/** GET the metrics, once more if a kept-alive connection was closed under the first try. */
async function scrape(url) {
  try {
    return await fetch(url).then((r) => r.text());
  } catch {
    return fetch(url).then((r) => r.text());
  }
}
