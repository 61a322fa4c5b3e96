#!/usr/bin/env node
// Scale benchmark: how long loading zone definitions takes and how much memory the result holds,
// for 1,000 / 10,000 / 100,000 generated domains, as one file per domain and as one `zones:` file.
// Each load runs in a fresh `node --expose-gc` child (the built dist/, with the server's node
// flags: bench/node-flags.mjs), which reports:
//   load      loadZones: read, parse and check every definition, build every zone's records
//   snapshot  buildSnapshot over those zones (what the server swaps in)
//   reload    loadZones again with the parse cache of the first load (no file changed), plus a
//             new snapshot while the old one is still held, as SIGHUP does
//   rss/heap  after the first load and snapshot, both held (and the parse cache, as the server
//             holds them), after two full GCs; peak RSS of the first load, and of load + reload
// Then the server itself (`discodns serve`, as npm start runs it) on the same zones:
//   serve ms  from spawn to its "serving" line: node start, load, its collection after load, bind
//   gc ms     that collection (server/serve.ts, collectLoadGarbage)
//   serve rss RSS 1 s after serving. The comparison with Knot uses these two.
//   restart ms  spawn to serving again, on the state directory the first start wrote (serials,
//            last-known-good copies): what a restart costs
// With knotd installed, Knot loads `discodns export` of the 10,000 per-file case in the same run.
// Prints one table and writes bench/results/scale-<time>.json. Temporary files are removed.
//
//   node bench/scale.mjs [--max N] [--all] [--no-knot] [--timeout SECONDS]
//     --max N    largest domain count to run (default 100000)
//     --all      also run 100,000 per-domain files (100,000 files: slow to generate and to load)
//     --no-knot  skip the Knot comparison
//     --timeout  per child, in seconds (default 300)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { serverNodeFlags } from './node-flags.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const self = fileURLToPath(import.meta.url);

// ---- child: one measured load, result as one JSON line on stdout ----

if (process.argv[2] === '--child') {
  const target = process.argv[3];
  const { loadZones } = await import(pathToFileURL(join(root, 'dist/server/zonefiles.js')).href);
  const { buildSnapshot } = await import(pathToFileURL(join(root, 'dist/server/snapshot.js')).href);
  const gc = () => {
    global.gc();
    global.gc();
  };
  const mb = (bytes) => Math.round(bytes / 2 ** 20);
  const cache = new Map();
  let t = performance.now();
  const loaded = await loadZones([target], cache);
  const loadMs = performance.now() - t;
  t = performance.now();
  const snapshot = buildSnapshot(loaded.zones, 10_000);
  const snapshotMs = performance.now() - t;
  const peakLoad = process.resourceUsage().maxRSS * 1024;
  gc();
  const mem = process.memoryUsage();
  t = performance.now();
  const again = await loadZones([target], cache);
  const next = buildSnapshot(again.zones, 10_000);
  const reloadMs = performance.now() - t;
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error').length;
  console.log(
    JSON.stringify({
      zones: loaded.zones.length,
      records: snapshot.recordCount,
      errors,
      reparsed: again.parsed,
      loadMs: Math.round(loadMs),
      snapshotMs: Math.round(snapshotMs),
      reloadMs: Math.round(reloadMs),
      rssMb: mb(mem.rss),
      heapMb: mb(mem.heapUsed),
      peakRssMb: mb(peakLoad),
      peakReloadRssMb: mb(process.resourceUsage().maxRSS * 1024),
      same: next.zoneCount === snapshot.zoneCount,
    }),
  );
  process.exit(0);
}

// ---- parent ----

const usage = 'usage: node bench/scale.mjs [--max N] [--all] [--no-knot] [--timeout SECONDS]';
let values;
try {
  ({ values } = parseArgs({
    options: {
      max: { type: 'string', default: '100000' },
      all: { type: 'boolean', default: false },
      'no-knot': { type: 'boolean', default: false },
      timeout: { type: 'string', default: '300' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  }));
} catch (err) {
  console.error(`${err.message}\n${usage}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const max = Number(values.max);
const timeoutMs = Number(values.timeout) * 1000;
if (!Number.isInteger(max) || max < 1 || !(timeoutMs > 0)) {
  console.error(usage);
  process.exit(2);
}
if (!existsSync(join(root, 'dist/server/zonefiles.js'))) {
  console.error('dist/ missing: run npm run build');
  process.exit(1);
}
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

const work = mkdtempSync(join(tmpdir(), 'discodns-scale-'));
const running = new Set(); // children, stopped by PID whatever happens
const cleanup = () => {
  for (const child of running) {
    try {
      child.kill('SIGKILL');
    } catch {}
  }
  rmSync(work, { recursive: true, force: true });
};
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    cleanup();
    process.exit(130);
  });
}

/** Runs a child to its end (killed after the timeout); resolves with its stdout. */
function run(cmd, args, { stderrLines } = {}) {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', stderrLines ? 'pipe' : 'inherit'] });
    running.add(child);
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    if (stderrLines) {
      let buf = '';
      child.stderr.on('data', (c) => {
        buf += c;
        for (let i; (i = buf.indexOf('\n')) >= 0; buf = buf.slice(i + 1)) stderrLines(buf.slice(0, i), child);
      });
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', rej);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      if (code === 0 || stderrLines) res(out);
      else rej(new Error(signal === 'SIGKILL' ? `timed out after ${timeoutMs / 1000} s` : `exited ${code ?? signal}`));
    });
  });
}

function generate(domains, single) {
  const dir = join(work, `${single ? 'one' : 'files'}-${domains}`);
  const args = [join(root, 'bench/gen-zones.mjs'), '--domains', String(domains), '--out', dir];
  if (single) args.push('--single-file');
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`gen-zones failed: ${r.stderr}`);
  return single ? join(dir, 'bench.yaml') : dir;
}

function freePort() {
  return new Promise((res) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

/** Knot loading the export of the zones under `dir`: ms until every zone has loaded, and RSS then. */
async function knot(dir, domains) {
  const exported = spawnSync(process.execPath, [join(root, 'dist/cli.js'), 'export', '--zones', dir], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (exported.status !== 0) throw new Error(`export failed: ${exported.stderr.slice(-500)}`);
  const kdir = join(work, 'knot');
  mkdirSync(join(kdir, 'zones'), { recursive: true });
  mkdirSync(join(kdir, 'run'));
  const zones = [];
  for (const chunk of exported.stdout.split(/^(?=; zone )/m)) {
    const origin = /^\$ORIGIN (\S+)$/m.exec(chunk)?.[1];
    if (!origin) continue;
    const file = join(kdir, 'zones', `${origin}zone`);
    writeFileSync(file, chunk);
    zones.push(`  - domain: ${origin}`, `    file: ${file}`);
  }
  const conf = [
    'server:', `    listen: 127.0.0.1@${await freePort()}`, '    udp-workers: 1', '    tcp-workers: 1', '    background-workers: 1', `    rundir: ${kdir}/run`,
    'database:', `    storage: ${kdir}/run`,
    'log:', '  - target: stderr', '    any: info',
    'template:', '  - id: default', '    zonefile-sync: -1', '    journal-content: none',
    'zone:', ...zones,
  ];
  writeFileSync(join(kdir, 'knot.conf'), conf.join('\n') + '\n');
  let loaded = 0;
  let result;
  let lastLine = '';
  const t0 = performance.now();
  await run('knotd', ['-c', join(kdir, 'knot.conf')], {
    stderrLines: (line, child) => {
      if (/error|critical/.test(line)) lastLine = line;
      if (!/loaded, serial/.test(line) || ++loaded !== domains) return;
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
      result = { loadMs: Math.round(performance.now() - t0), rssMb: Math.round(kb('VmRSS') / 1024), peakRssMb: Math.round(kb('VmHWM') / 1024) };
      child.kill('SIGTERM');
    },
  });
  rmSync(kdir, { recursive: true, force: true });
  if (!result) throw new Error(`knotd stopped after loading ${loaded} of ${domains} zones${lastLine ? `: ${lastLine}` : ''}`);
  return result;
}

/**
 * The server as users run it (its node flags, bench/node-flags.mjs): ms from spawn to its
 * "serving" line (node start, load, the collection after load, binding), that collection's ms,
 * and RSS 1 s after serving.
 */
function serve(zonesDir, stateDir) {
  const args = [...serverNodeFlags(root), join(root, 'dist/cli.js'), 'serve', '--zones', zonesDir, '--state', stateDir, '--listen', '127.0.0.1', '--port', '0', '--log-level', 'debug'];
  return new Promise((res, rej) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    running.add(child);
    const result = {};
    let buf = '';
    child.stdout.on('data', (c) => {
      buf += c;
      for (let i; (i = buf.indexOf('\n')) >= 0; buf = buf.slice(i + 1)) {
        const line = buf.slice(0, i);
        if (line.includes('"collected the garbage of the first load"')) result.gcMs = JSON.parse(line).ms;
        if (!line.includes('"msg":"serving')) continue;
        result.serveMs = Math.round(performance.now() - t0);
        setTimeout(() => {
          const kb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? NaN);
          result.serveRssMb = Math.round(kb / 1024);
          child.kill('SIGTERM');
        }, 1000);
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', rej);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      if (result.serveRssMb !== undefined) res(result);
      else rej(new Error(signal === 'SIGKILL' ? `timed out after ${timeoutMs / 1000} s` : `exited ${code ?? signal} before serving`));
    });
  });
}

const cases = [];
for (const domains of [1_000, 10_000, 100_000]) {
  if (domains > max) continue;
  cases.push({ domains, layout: 'files' }, { domains, layout: 'one zones: file' });
}
if (max >= 100_000 && !values.all) console.log('100,000 per-domain files: skipped (--all to run it)');
const wantKnot = !values['no-knot'] && max >= 10_000;
if (wantKnot && !has('knotd')) console.log('knot: not installed (apt-get install -y knot), skipped');

const results = [];
try {
  for (const c of cases) {
    if (c.domains === 100_000 && c.layout === 'files' && !values.all) continue;
    const target = generate(c.domains, c.layout !== 'files');
    try {
      const out = await run(process.execPath, [...serverNodeFlags(root), '--expose-gc', self, '--child', target]);
      const measured = JSON.parse(out.trim().split('\n').pop());
      const zonesDir = c.layout === 'files' ? target : dirname(target);
      const state = join(work, `state-${c.domains}-${c.layout === 'files' ? 'files' : 'one'}`);
      const served = await serve(zonesDir, state);
      // Again on the state the first start wrote (serials, last-known-good copies): a restart.
      const again = await serve(zonesDir, state);
      rmSync(state, { recursive: true, force: true });
      results.push({ ...c, server: 'discodns', ...measured, ...served, restartMs: again.serveMs });
    } catch (err) {
      results.push({ ...c, server: 'discodns', failed: err.message });
    }
    if (wantKnot && has('knotd') && c.domains === 10_000 && c.layout === 'files') {
      try {
        results.push({ ...c, server: 'knot', ...(await knot(target, c.domains)) });
      } catch (err) {
        results.push({ ...c, server: 'knot', failed: err.message });
      }
    }
    rmSync(c.layout === 'files' ? target : dirname(target), { recursive: true, force: true });
  }
} finally {
  cleanup();
}

const cell = (v, w) => String(v ?? '').padStart(w);
const head = ['domains', 'layout', 'server', 'load ms', 'snapshot ms', 'reload ms', 'rss MB', 'heap MB', 'peak MB', 'peak+reload', 'serve ms', 'restart ms', 'gc ms', 'serve rss', 'vs knot'];
const widths = [8, 16, 9, 9, 12, 10, 7, 8, 8, 12, 9, 11, 6, 10, 20];
console.log(head.map((h, i) => (i < 3 ? h.padEnd(widths[i]) : cell(h, widths[i]))).join(' '));
const knotRow = results.find((r) => r.server === 'knot' && !r.failed);
for (const r of results) {
  const ours = r.server === 'discodns' && r.domains === 10_000 && r.layout === 'files' && knotRow && !r.failed;
  // Against Knot's start-to-every-zone-loaded and its RSS then: the server's start-to-serving
  // (node start, load, collection, bind) and its RSS 1 s later, as users run it.
  const vs = ours ? `${(r.serveMs / knotRow.loadMs).toFixed(2)}× time, ${(r.serveRssMb / knotRow.rssMb).toFixed(2)}× rss` : '';
  const row = r.failed
    ? [r.domains, r.layout, r.server, `failed: ${r.failed}`]
    : r.server === 'knot'
      ? [r.domains, r.layout, r.server, r.loadMs, '', '', r.rssMb, '', r.peakRssMb, '', r.loadMs, '', '', r.rssMb, '']
      : [r.domains, r.layout, r.server, r.loadMs, r.snapshotMs, r.reloadMs, r.rssMb, r.heapMb, r.peakRssMb, r.peakReloadRssMb, r.serveMs, r.restartMs, r.gcMs ?? '-', r.serveRssMb, vs];
  console.log(row.map((v, i) => (i < 3 ? String(v).padEnd(widths[i]) : cell(v, widths[i]))).join(' '));
}
mkdirSync(join(root, 'bench/results'), { recursive: true });
const out = join(root, 'bench/results', `scale-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(out, JSON.stringify({ node: process.version, results }, null, 2) + '\n');
console.log(`written: ${out}`);
