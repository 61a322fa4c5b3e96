#!/usr/bin/env node
// Load benchmark, loopback only, bounded in time: discodns beside Knot, NSD and the node:dgram
// ceiling, the same dnsperf query file against each, in one run. Prints one table and writes
// bench/results/load-<time>.json. Peers that are not installed are skipped with one line.
//
//   npm run bench -- [--domains N] [--seconds S] [--rounds R] [--tcp] [--flood] [--do] [--dnssec]
//                    [--discodns-config FILE] [--paired-only]
//
//   --do      also measure each server with the DNSSEC OK bit set (dnsperf -D), as rows "… DO=1"
//   --dnssec  sign the zones: discodns with dnssec.enabled (keys in a temporary state directory),
//             Knot with `dnssec-signing: on` (a CSK, ECDSA P-256, as discodns), NSD serving
//             `discodns export --signed` (it serves only signed zone files)
//
// --discodns-config passes a configuration file to discodns (e.g. {"rrl":{"enabled":false}} to
// measure without rate limiting); --paired-only measures only the paired UDP ratio to the
// ceiling (no Knot, NSD, flood or rounds in turn): what an A/B of one setting needs.
//
// Every server first answers the query file for a few seconds unmeasured (JIT warm-up, and
// discodns compiling answers at first ask), then the servers are measured in turn, R rounds in
// rotation, and each figure is the median of its rounds: on a shared 2-core machine one run
// drifts by 20% or more, and a ratio taken within a round drifts much less. Last, discodns and
// the ceiling are measured paired: both pinned to one CPU and loaded at once, R rounds, which
// gives the UDP ratio with the host's noise on both sides of it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { serverNodeFlags } from './node-flags.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    domains: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    'warmup-seconds': { type: 'string', default: '3' },
    tcp: { type: 'boolean', default: false },
    flood: { type: 'boolean', default: false },
    do: { type: 'boolean', default: false },
    dnssec: { type: 'boolean', default: false },
    'flood-seconds': { type: 'string', default: '60' },
    'discodns-config': { type: 'string' },
    'paired-only': { type: 'boolean', default: false },
  },
});
const pairedOnly = values['paired-only'];
const domains = Number(values.domains);
const seconds = Math.min(Number(values.seconds), 60);
const rounds = Math.max(1, Math.min(Number(values.rounds), 10));
const warmupSeconds = Math.min(Number(values['warmup-seconds']), 30);
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
if (!has('dnsperf')) {
  console.error('dnsperf is not installed (apt-get install -y dnsperf): nothing to measure');
  process.exit(1);
}
if (!existsSync(join(root, 'dist/cli.js'))) {
  console.error('dist/cli.js missing: run npm run build');
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'discodns-bench-'));
const started = []; // { name, child } — stopped by PID at the end, whatever happens
const rss = (pid) => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
};

async function freePort() {
  return new Promise((res) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => res(p));
    });
  });
}

function waitForLine(child, re, ms) {
  return new Promise((res, rej) => {
    let buf = '';
    const t = setTimeout(() => rej(new Error(`no ${re} within ${ms} ms`)), ms);
    child.stdout.on('data', (c) => {
      buf += c;
      const m = re.exec(buf);
      if (m) {
        clearTimeout(t);
        res(m);
      }
    });
    child.on('exit', (code) => rej(new Error(`exited ${code}: ${buf.slice(-500)}`)));
  });
}

async function waitAnswering(port, qname = 'd000001.bench.test', qtype = 'SOA') {
  for (let i = 0; i < 600; i++) {
    const r = spawnSync('dig', ['@127.0.0.1', '-p', String(port), '+time=1', '+tries=1', qname, qtype], { encoding: 'utf8' });
    if (/status: NOERROR/.test(r.stdout ?? '') && !/ANSWER: 0,/.test(r.stdout ?? '')) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`nothing answers on ${port}`);
}

/**
 * CPU seconds (user + system, all threads) a process and its live children have used, from
 * /proc: NSD answers from a child it forks.
 */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    let children = [];
    try {
      children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    } catch {
      // no CONFIG_PROC_CHILDREN: the process alone
    }
    // utime and stime are fields 14 and 15, in USER_HZ (100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100 + children.reduce((t, c) => t + (cpuSeconds(Number(c)) || 0), 0);
  } catch {
    return NaN;
  }
}

const median = (xs) => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};

function dnsperfArgs(port, queries, tcp, runSeconds, dnssecOk = false) {
  const args = ['-s', '127.0.0.1', '-p', String(port), '-d', queries, '-l', String(runSeconds), '-c', '4', '-q', '200', '-T', '1'];
  if (tcp) args.push('-m', 'tcp');
  if (dnssecOk) args.push('-D');
  return args;
}

function dnsperf(port, queries, tcp, runSeconds = seconds, dnssecOk = false) {
  const r = spawnSync('dnsperf', dnsperfArgs(port, queries, tcp, runSeconds, dnssecOk), { encoding: 'utf8', timeout: (runSeconds + 30) * 1000 });
  return dnsperfResult(r.stdout ?? '');
}

/** dnsperf over UDP on CPU `cpu` (taskset), not waited for: the paired measurement runs two at once. */
function dnsperfOnCpu(cpu, port, queries) {
  return new Promise((res) => {
    const child = spawn('taskset', ['-c', String(cpu), 'dnsperf', ...dnsperfArgs(port, queries, false, seconds)], { stdio: ['ignore', 'pipe', 'ignore'], timeout: (seconds + 30) * 1000 });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.on('close', () => res(dnsperfResult(out)));
  });
}

function dnsperfResult(out) {
  const num = (re) => Number((re.exec(out) ?? [])[1]);
  return {
    qps: num(/Queries per second:\s+([\d.]+)/),
    lost: num(/Queries lost:\s+(\d+)/),
    avgMs: num(/Average Latency \(s\):\s+([\d.]+)/) * 1000,
    maxMs: num(/Average Latency \(s\):.*max ([\d.]+)/) * 1000,
    completed: num(/Queries completed:\s+(\d+)/),
  };
}

/**
 * The default mix (issue 4): 80% existing discovery names and types, 10% the same in random
 * letter case, 5% NODATA, 5% NXDOMAIN; deterministic, so runs compare.
 */
function defaultMix(n, count) {
  const existing = [
    ['_submissions._tcp', 'SRV'], ['_submission._tcp', 'SRV'], ['_imaps._tcp', 'SRV'], ['_imap._tcp', 'SRV'],
    ['_pop3s._tcp', 'SRV'], ['_caldavs._tcp', 'SRV'], ['_caldavs._tcp', 'TXT'], ['_carddavs._tcp', 'SRV'],
    ['_carddavs._tcp', 'TXT'], ['_autodiscover._tcp', 'SRV'], ['autoconfig', 'A'], ['autodiscover', 'A'],
    ['mail', 'A'], ['mail', 'AAAA'], ['@', 'MX'], ['@', 'SOA'],
  ];
  const nodata = [['mail', 'TXT'], ['@', 'SRV'], ['_imaps._tcp', 'A'], ['_tcp', 'SRV']];
  // mulberry32: a 32-bit generator in integer arithmetic. (An LCG in doubles loses its low bits
  // past 2^53 and cycled after a few hundred names, so the "1000 domains" mix asked ~1500 pairs.)
  let seed = 1;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = (a) => a[Math.floor(rand() * a.length)];
  const domain = () => `d${String(1 + Math.floor(rand() * n)).padStart(6, '0')}.bench.test`;
  const fqdn = (label, d) => (label === '@' ? d : `${label}.${d}`);
  const mixCase = (s) => [...s].map((c) => (rand() < 0.5 ? c.toUpperCase() : c)).join('');
  const lines = [];
  for (let i = 0; i < count; i++) {
    const r = rand();
    if (r < 0.8) { const [l, t] = pick(existing); lines.push(`${fqdn(l, domain())} ${t}`); }
    else if (r < 0.9) { const [l, t] = pick(existing); lines.push(`${mixCase(fqdn(l, domain()))} ${t}`); }
    else if (r < 0.95) { const [l, t] = pick(nodata); lines.push(`${fqdn(l, domain())} ${t}`); }
    else lines.push(`nope${i}.${domain()} A`);
  }
  return lines;
}

/** Random-subdomain attack: every name new, none exists. */
function floodNames(n, count) {
  const lines = [];
  for (let i = 0; i < count; i++) lines.push(`${Math.random().toString(36).slice(2, 12)}.d${String(1 + (i % n)).padStart(6, '0')}.bench.test A`);
  return lines;
}

function svgChart(rows) {
  const max = Math.max(...rows.map((r) => r.qps));
  const h = 28;
  const bars = rows.map((r, i) => {
    const w = Math.round((r.qps / max) * 560);
    const y = 30 + i * h;
    return `<text x="10" y="${y + 17}" font-size="13">${r.server} (${r.transport})</text><rect x="230" y="${y + 4}" width="${w}" height="18" fill="${r.server === 'discodns' ? '#2a7' : '#888'}"/><text x="${236 + w}" y="${y + 17}" font-size="12">${Math.round(r.qps)}/s</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="${40 + rows.length * h}" font-family="sans-serif"><text x="10" y="18" font-size="14">queries/s, ${domains} domains, dnsperf on loopback</text>${bars.join('')}</svg>\n`;
}

const results = [];
const flood = [];
const paired = [];
try {
  const zonesDir = join(work, 'zones');
  const queries = join(work, 'queries.txt');
  spawnSync(process.execPath, [join(root, 'bench/gen-zones.mjs'), '--domains', String(domains), '--out', zonesDir], { stdio: 'inherit' });
  writeFileSync(queries, defaultMix(domains, 200_000).join('\n') + '\n');

  // discodns (with --dnssec: every zone signed, keys made in a state directory of this run)
  const state = join(work, 'state');
  const ddEnv = { ...process.env, ...(values.dnssec ? { DISCODNS_DNSSEC: 'true' } : {}) };
  const configArgs = values['discodns-config'] ? ['--config', resolve(values['discodns-config'])] : [];
  const dd = spawn(process.execPath, [...serverNodeFlags(root), join(root, 'dist/cli.js'), 'serve', '--zones', zonesDir, '--state', state, '--listen', '127.0.0.1', '--port', '0', ...configArgs], { stdio: ['ignore', 'pipe', 'inherit'], env: ddEnv });
  started.push({ name: 'discodns', child: dd });
  const line = JSON.parse((await waitForLine(dd, /^\{.*"msg":"serving".*\}$/m, 120_000))[0]);
  const servers = [{ name: 'discodns', port: line.port, pid: dd.pid, loadMs: line.loadMs, rssMb: rss(dd.pid) }];

  // Knot and NSD load discodns's own export of the same zones.
  // With --dnssec Knot signs them itself; NSD serves discodns's signed export (the same keys).
  const exportZones = (dir, signed) => {
    const args = [join(root, 'dist/cli.js'), 'export', '--zones', zonesDir, '--state', state, ...(signed ? ['--signed'] : [])];
    const exported = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 30, env: ddEnv }).stdout;
    const files = [];
    mkdirSync(join(work, dir));
    for (const chunk of exported.split(/^(?=; zone )/m)) {
      const origin = /^\$ORIGIN (\S+)$/m.exec(chunk)?.[1];
      if (!origin) continue;
      const file = join(work, dir, `${origin}zone`);
      writeFileSync(file, chunk);
      files.push({ origin, file });
    }
    return files;
  };
  const zoneFiles = exportZones('zf', false);
  const nsdFiles = values.dnssec ? exportZones('zf-signed', true) : zoneFiles;

  if (has('knotd') && !pairedOnly) {
    const port = await freePort();
    const run = join(work, 'knot');
    mkdirSync(run);
    const conf = [
      'server:', `    listen: 127.0.0.1@${port}`, '    udp-workers: 1', '    tcp-workers: 1', '    background-workers: 1', `    rundir: ${run}`,
      'database:', `    storage: ${run}`,
      ...(values.dnssec ? ['policy:', '  - id: csk', '    algorithm: ecdsap256sha256', '    single-type-signing: on'] : []),
      'template:', '  - id: default', '    zonefile-sync: -1',
      ...(values.dnssec ? ['    dnssec-signing: on', '    dnssec-policy: csk'] : ['    journal-content: none']),
      'zone:', ...zoneFiles.flatMap((z) => [`  - domain: ${z.origin}`, `    file: ${z.file}`]),
    ].join('\n');
    writeFileSync(join(run, 'knot.conf'), conf + '\n');
    const t0 = Date.now();
    const knot = spawn('knotd', ['-c', join(run, 'knot.conf')], { stdio: ['ignore', 'ignore', 'ignore'] });
    started.push({ name: 'knot', child: knot });
    await waitAnswering(port);
    // Knot signs each zone as it loads it: measured once the last one answers signed.
    if (values.dnssec) await waitAnswering(port, `d${String(domains).padStart(6, '0')}.bench.test`, 'DNSKEY');
    servers.push({ name: 'knot', port, pid: knot.pid, loadMs: Date.now() - t0, rssMb: rss(knot.pid) });
  } else if (!pairedOnly) console.log('knot: not installed (apt-get install -y knot), skipped');

  if (has('nsd') && !pairedOnly) {
    const port = await freePort();
    const run = join(work, 'nsd');
    mkdirSync(run);
    const conf = [
      'server:', `  ip-address: 127.0.0.1@${port}`, '  server-count: 1', '  username: ""', `  zonesdir: "${join(work, values.dnssec ? 'zf-signed' : 'zf')}"`, '  database: ""',
      `  pidfile: "${run}/nsd.pid"`, `  xfrdfile: "${run}/xfrd.state"`, `  zonelistfile: "${run}/zone.list"`, `  logfile: "${run}/nsd.log"`, '  rrl-ratelimit: 0',
      'remote-control:', '  control-enable: no',
      ...nsdFiles.flatMap((z) => ['zone:', `  name: ${z.origin}`, `  zonefile: ${z.file}`]),
    ].join('\n');
    writeFileSync(join(run, 'nsd.conf'), conf + '\n');
    const t0 = Date.now();
    const nsd = spawn('nsd', ['-d', '-c', join(run, 'nsd.conf')], { stdio: ['ignore', 'ignore', 'ignore'] });
    started.push({ name: 'nsd', child: nsd });
    await waitAnswering(port);
    servers.push({ name: 'nsd', port, pid: nsd.pid, loadMs: Date.now() - t0, rssMb: rss(nsd.pid) });
  } else if (!pairedOnly) console.log('nsd: not installed (apt-get install -y nsd), skipped');

  const ceiling = spawn(process.execPath, [join(root, 'bench/ceiling.mjs'), '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  started.push({ name: 'ceiling', child: ceiling });
  const cport = Number((await waitForLine(ceiling, /ready (\d+)/, 10_000))[1]);
  servers.push({ name: 'node:dgram ceiling', port: cport, pid: ceiling.pid, udpOnly: true });

  if (values.flood && !pairedOnly) {
    const floodFile = join(work, 'flood.txt');
    writeFileSync(floodFile, floodNames(domains, 500_000).join('\n') + '\n');
    const fs = Math.min(Number(values['flood-seconds']), 120);
    const floodDo = values.do ? servers.filter((x) => !x.udpOnly).map((x) => ({ ...x, name: `${x.name} DO=1`, dnssecOk: true })) : [];
    for (const s of [...servers.filter((x) => !x.udpOnly), ...floodDo]) {
      const rssStart = rss(s.pid);
      const cpu0 = cpuSeconds(s.pid);
      const r = dnsperf(s.port, floodFile, false, fs, s.dnssecOk);
      const cpuUsPerQuery = ((cpuSeconds(s.pid) - cpu0) * 1e6) / r.completed;
      flood.push({ server: s.name, qps: r.qps, lost: r.lost, cpuUsPerQuery, rssStartMb: rssStart, rssEndMb: rss(s.pid), seconds: fs });
    }
  }
  // With --do, each DNS server is measured twice over UDP: without and with the DO bit.
  const withDo = values.do ? servers.filter((s) => !s.udpOnly).map((s) => ({ ...s, name: `${s.name} DO=1`, dnssecOk: true, udpOnly: true })) : [];
  if (pairedOnly && warmupSeconds > 0) for (const s of servers) dnsperf(s.port, queries, false, warmupSeconds);
  for (const transport of pairedOnly ? [] : values.tcp ? ['udp', 'tcp'] : ['udp']) {
    const measured = [...servers, ...withDo].filter((s) => transport === 'udp' || !s.udpOnly);
    if (warmupSeconds > 0) for (const s of measured) dnsperf(s.port, queries, transport === 'tcp', warmupSeconds, s.dnssecOk);
    const runs = new Map(measured.map((s) => [s.name, []]));
    for (let round = 0; round < rounds; round++) {
      for (const s of measured) {
        const cpu0 = cpuSeconds(s.pid);
        const r = dnsperf(s.port, queries, transport === 'tcp', seconds, s.dnssecOk);
        runs.get(s.name).push({ ...r, round, cpuUsPerQuery: ((cpuSeconds(s.pid) - cpu0) * 1e6) / r.completed });
      }
    }
    for (const s of measured) {
      const rs = runs.get(s.name);
      results.push({
        server: s.name,
        transport,
        qps: median(rs.map((r) => r.qps)),
        qpsMin: Math.min(...rs.map((r) => r.qps)),
        qpsMax: Math.max(...rs.map((r) => r.qps)),
        avgMs: median(rs.map((r) => r.avgMs)),
        maxMs: Math.max(...rs.map((r) => r.maxMs)),
        lost: rs.reduce((n, r) => n + r.lost, 0),
        cpuUsPerQuery: median(rs.map((r) => r.cpuUsPerQuery)),
        loadMs: s.loadMs,
        rssMb: s.rssMb,
        runs: rs,
      });
    }
  }

  // Paired: discodns and the ceiling on one CPU, loaded at once by two dnsperf on another, so
  // that whatever else the host runs slows both alike. The sequential rounds above measure each
  // server in its own 10 s, and on a shared host one round of the ceiling ran from 0.66 to 1.39
  // times discodns's. With both saturated, the scheduler gives each half the CPU, and the ratio
  // of queries answered is the inverse ratio of their costs per query.
  const ours = servers[0]; // discodns
  const ceil = servers.find((s) => s.name === 'node:dgram ceiling');
  if (!has('taskset') || availableParallelism() < 2) {
    console.log('paired UDP ratio: needs taskset (util-linux) and 2 CPUs, skipped');
  } else {
    const serverCpu = availableParallelism() - 1;
    // -a: every thread of the process (node's workers too).
    for (const s of [ours, ceil]) spawnSync('taskset', ['-a', '-p', '-c', String(serverCpu), String(s.pid)], { stdio: 'ignore' });
    for (let round = 0; round < rounds; round++) {
      const cpu0 = [cpuSeconds(ours.pid), cpuSeconds(ceil.pid)];
      const [a, b] = await Promise.all([dnsperfOnCpu(0, ours.port, queries), dnsperfOnCpu(0, ceil.port, queries)]);
      const cpuA = ((cpuSeconds(ours.pid) - cpu0[0]) * 1e6) / a.completed;
      const cpuB = ((cpuSeconds(ceil.pid) - cpu0[1]) * 1e6) / b.completed;
      paired.push({ round, discodns: a.completed, ceiling: b.completed, lost: [a.lost, b.lost], cpuUsPerQuery: [cpuA, cpuB], ratio: a.completed / b.completed, cpuRatio: cpuB / cpuA });
    }
  }
} finally {
  for (const { child } of started) if (child.exitCode === null) child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  for (const { child } of started) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
}

const base = (t) => results.find((r) => r.server === 'discodns' && r.transport === t)?.qps;
if (values.dnssec) console.log('\nzones signed: discodns (dnssec.enabled, lazy), Knot (dnssec-signing: on, CSK P-256), NSD (discodns export --signed)');
console.log(`\n${domains} domains, dnsperf -c 4 -q 200 -T 1 on loopback, ${warmupSeconds} s warm-up, then ${rounds} round(s) of ${seconds} s per server in rotation`);
console.log('queries/s, latency and CPU per query: median of the rounds; max ms: worst round; lost: all rounds\n');
console.log('server               transport  queries/s  (min-max of rounds)  avg ms  max ms  lost  CPU us/q  vs discodns  load ms  RSS MB');
for (const r of results) {
  const range = `${(r.qpsMin / 1000).toFixed(0)}k-${(r.qpsMax / 1000).toFixed(0)}k`;
  console.log(
    `${r.server.padEnd(20)} ${r.transport.padEnd(9)} ${r.qps.toFixed(0).padStart(10)}  ${range.padStart(19)} ${r.avgMs.toFixed(3).padStart(7)} ${r.maxMs.toFixed(2).padStart(7)} ${String(r.lost).padStart(5)} ${r.cpuUsPerQuery.toFixed(1).padStart(9)} ${(r.qps / base(r.transport)).toFixed(2).padStart(12)} ${String(r.loadMs ?? '-').padStart(8)} ${String(r.rssMb ?? '-').padStart(7)}`,
  );
}
// The ratio the UDP target is stated in, taken within each round (runs next to each other in
// time), then the median: the least noisy reading of discodns beside the node:dgram ceiling.
const udp = (name) => results.find((r) => r.server === name && r.transport === 'udp');
let ceilingRatio;
if (udp('discodns') && udp('node:dgram ceiling')) {
  const perRound = udp('discodns').runs.map((r, i) => r.qps / udp('node:dgram ceiling').runs[i].qps);
  ceilingRatio = median(perRound);
  console.log(`\nUDP, discodns / node:dgram ceiling: ${ceilingRatio.toFixed(2)} (median of rounds: ${perRound.map((x) => x.toFixed(2)).join(', ')})`);
}
if (values.do) {
  // Within each round, as above: DO=1 beside DO=0 of the same server, and beside Knot's DO=1.
  const ratioOf = (a, b) => (udp(a) && udp(b) ? median(udp(a).runs.map((r, i) => r.qps / udp(b).runs[i].qps)) : undefined);
  const show = (x) => (x === undefined ? '-' : x.toFixed(2));
  console.log(`UDP, discodns DO=1 / discodns DO=0: ${show(ratioOf('discodns DO=1', 'discodns'))}; discodns DO=1 / knot DO=1: ${show(ratioOf('discodns DO=1', 'knot DO=1'))}; knot DO=1 / knot DO=0: ${show(ratioOf('knot DO=1', 'knot'))}`);
}
let pairedRatio;
if (paired.length) {
  pairedRatio = median(paired.map((p) => p.ratio));
  const pairedCpuRatio = median(paired.map((p) => p.cpuRatio));
  console.log(
    `UDP, discodns / node:dgram ceiling, paired (both on one CPU, loaded at once): ${pairedRatio.toFixed(2)} (rounds: ${paired.map((p) => p.ratio.toFixed(2)).join(', ')}); ` +
      `by CPU per query: ${pairedCpuRatio.toFixed(2)} (${median(paired.map((p) => p.cpuUsPerQuery[0])).toFixed(1)} against ${median(paired.map((p) => p.cpuUsPerQuery[1])).toFixed(1)} us)`,
  );
}
if (flood.length) {
  // One run of flood-seconds per server, not rounds: its queries/s moves with the host as much
  // as a single mix round does. CPU per query, against the mix's, moves much less.
  console.log('\nrandom-subdomain flood (every name new and nonexistent)');
  console.log('server               queries/s   lost  CPU us/q  vs mix q/s  vs mix CPU  RSS start MB  RSS end MB');
  for (const f of flood) {
    const mix = udp(f.server);
    f.qpsVsMix = mix ? f.qps / mix.qps : undefined;
    f.cpuVsMix = mix ? mix.cpuUsPerQuery / f.cpuUsPerQuery : undefined;
    const ratio = (x) => (x === undefined ? '-' : x.toFixed(2));
    console.log(`${f.server.padEnd(20)} ${f.qps.toFixed(0).padStart(10)} ${String(f.lost).padStart(6)} ${f.cpuUsPerQuery.toFixed(1).padStart(9)} ${ratio(f.qpsVsMix).padStart(11)} ${ratio(f.cpuVsMix).padStart(11)} ${String(f.rssStartMb).padStart(13)} ${String(f.rssEndMb).padStart(11)}`);
  }
}
mkdirSync(join(root, 'bench/results'), { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const out = join(root, 'bench/results', `load-${stamp}`);
writeFileSync(`${out}.json`, JSON.stringify({ domains, seconds, rounds, warmupSeconds, dnssec: values.dnssec, do: values.do, ceilingRatio, pairedRatio, paired, results, flood }, null, 2));
writeFileSync(`${out}.svg`, svgChart(results));
console.log(`\nwritten ${out}.json and .svg`);
