#!/usr/bin/env node
// DNSSEC figures, loopback only, bounded in time (the "Done when" asks for each):
//   signatures/s     signRRset over a discovery SRV set, from KeyObjects, algorithms 13 and 15
//   first DO query   per zone of a zones: definition: the first DO=1 answer (the zone built,
//                    its SRV set and the targets' A/AAAA signed) and the first NXDOMAIN (the
//                    NSEC chain built, the SOA and two NSECs signed), through handleMessage
//   memory per zone  heap held by N zones fully signed (every RRSIG and the NSEC chain kept)
//   100k start       `discodns serve` on 100,000 zones of one zones: file with dnssec.enabled:
//                    spawn to "serving", RSS, then one DO=1 answer that validates
// Writes bench/results/dnssec-<time>.json.
//
//   node bench/dnssec.mjs [--zones N] [--serve N] [--seconds S]
//     --zones N   zones for the in-process figures (default 10000)
//     --serve N   zones for the server start (default 100000; 0 skips it)
//     --seconds S per signing-rate measurement (default 2)
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { serverNodeFlags } from './node-flags.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const self = fileURLToPath(import.meta.url);
const { values } = parseArgs({
  options: {
    zones: { type: 'string', default: '10000' },
    serve: { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '2' },
    child: { type: 'string' },
  },
});
const dist = (p) => import(pathToFileURL(join(root, 'dist', p)).href);
const median = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)];
};

// ---- child: the in-process figures, in a fresh `node --expose-gc` ----
if (values.child === 'inprocess') {
  const { signingKey, privateKeyFromBytes } = await dist('dns/dnssec/key.js');
  const { signRRset } = await dist('dns/dnssec/sign.js');
  const { name } = await dist('dns/name.js');
  const { parseRecordLine } = await dist('dns/presentation.js');
  const { loadZones } = await dist('server/zonefiles.js');
  const { buildSnapshot } = await dist('server/snapshot.js');
  const { handleMessage } = await dist('server/handler.js');
  const { handlerOptions } = await dist('server/identity.js');
  const { newStats } = await dist('server/stats.js');
  const { Dnssec } = await dist('server/dnssec.js');
  const { signedZoneRecords } = await dist('dns/dnssec/zone-records.js');
  const { createHash } = await import('node:crypto');
  const { pino } = await import('pino');
  const out = {};
  const seconds = Number(values.seconds);

  // Signatures per second, one core.
  const origin = name('example.com.');
  const rrs = ['_imaps._tcp SRV 0 1 993 mail', '_imaps._tcp SRV 0 5 993 imap2.example.net.'].map((l) => parseRecordLine(l, origin, 3600));
  const rrset = { owner: rrs[0].owner, type: 33, ttl: 3600, rdatas: rrs.map((r) => r.rdata) };
  for (const alg of [13, 15]) {
    const key = signingKey(alg, 257, privateKeyFromBytes(alg, createHash('sha256').update(`bench ${alg}`).digest()));
    const window = { inception: 1_800_000_000, expiration: 1_801_000_000 };
    for (let i = 0; i < 500; i++) signRRset(rrset, key, origin, window);
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000) {
      for (let i = 0; i < 100; i++) signRRset(rrset, key, origin, window);
      n += 100;
    }
    out[`signaturesPerSecondAlg${alg}`] = Math.round((n * 1000) / (performance.now() - t0));
  }

  // First DO query per zone, and memory per fully signed zone.
  const n = Number(values.zones);
  const work = mkdtempSync(join(tmpdir(), 'discodns-dnssec-bench-'));
  try {
    spawnSync(process.execPath, [join(root, 'bench/gen-zones.mjs'), '--domains', String(n), '--out', join(work, 'zones'), '--single-file'], { stdio: 'ignore' });
    const loaded = await loadZones([join(work, 'zones')], new Map(), { dnssec: true });
    const config = { enabled: true, algorithm: 13, keys: 'csk', denial: 'nsec', cds: 'always', zskLifetime: 0, kskLifetime: 0, parentDsTtl: 86400, dsCheck: '' };
    const dnssec = new Dnssec(config, join(work, 'state'), pino({ level: 'silent' }));
    await dnssec.prepare(loaded.zones);
    const snapshot = buildSnapshot(loaded.zones, 100_000, dnssec.wrap);
    const options = handlerOptions({ udpSize: 1232, nsid: '', id: '', version: '' });
    const stats = newStats();
    const query = (qname, qtype, dnssecOk) => {
      const labels = qname.split('.').filter(Boolean).flatMap((l) => [Buffer.from([l.length]), Buffer.from(l)]);
      const opt = Buffer.from([0, 0, 41, 4, 0xd0, 0, 0, dnssecOk ? 0x80 : 0, 0, 0, 0]);
      return Buffer.concat([Buffer.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]), ...labels, Buffer.from([0, 0, qtype, 0, 1]), opt]);
    };
    const zoneName = (i) => `d${String(i).padStart(6, '0')}.bench.test`;
    // Warm the code paths on a few zones first.
    for (let i = 1; i <= 50; i++) {
      handleMessage(snapshot, query(`_imaps._tcp.${zoneName(i)}`, 33, true), 'udp', options, stats);
      handleMessage(snapshot, query(`nope.${zoneName(i)}`, 1, true), 'udp', options, stats);
    }
    const take = Math.min(n, 2000);
    const positive = [];
    const negative = [];
    const plain = [];
    for (let i = 51; i < 51 + take && i <= n; i++) {
      let t = performance.now();
      handleMessage(snapshot, query(`_submission._tcp.${zoneName(i)}`, 33, false), 'udp', options, stats);
      plain.push(performance.now() - t);
      t = performance.now();
      handleMessage(snapshot, query(`_imaps._tcp.${zoneName(i)}`, 33, true), 'udp', options, stats);
      positive.push(performance.now() - t);
      t = performance.now();
      handleMessage(snapshot, query(`nope.${zoneName(i)}`, 1, true), 'udp', options, stats);
      negative.push(performance.now() - t);
    }
    out.firstDoQueryUs = { firstDo0ZoneBuildUs: Math.round(median(plain) * 1000), srvWithAdditional: Math.round(median(positive) * 1000), nxdomainWithChain: Math.round(median(negative) * 1000), zones: plain.length };
    // Memory: every zone built, then every zone fully signed and kept (signatures in the
    // store, the chain in the zone): the heap each step adds, per zone.
    global.gc();
    global.gc();
    const empty = process.memoryUsage().heapUsed;
    for (const zone of snapshot.catalog.zones.values()) void zone.nodes.size;
    global.gc();
    global.gc();
    const before = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    let signatures = dnssec.stores.stats.made;
    for (const zone of snapshot.catalog.zones.values()) signedZoneRecords(zone);
    signatures = dnssec.stores.stats.made - signatures;
    const signMs = performance.now() - t0;
    global.gc();
    global.gc();
    const after = process.memoryUsage().heapUsed;
    out.fullySigned = { zones: n, signatures, signaturesPerZone: +(signatures / n).toFixed(1), ms: Math.round(signMs), zoneBytes: Math.round((before - empty) / n), signedBytes: Math.round((after - before) / n), storeSize: dnssec.stores.size };
    console.log(JSON.stringify(out));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  process.exit(0);
}

// ---- parent ----
const results = {};
const child = spawnSync(process.execPath, ['--expose-gc', ...serverNodeFlags(root).filter((f) => f !== '--expose-gc'), self, '--child', 'inprocess', '--zones', values.zones, '--seconds', values.seconds], { encoding: 'utf8', timeout: 600_000 });
if (child.status !== 0) {
  console.error(child.stderr);
  process.exit(1);
}
Object.assign(results, JSON.parse(child.stdout.trim().split('\n').pop()));
console.log(`signatures/s, one core: algorithm 13 ${results.signaturesPerSecondAlg13}, algorithm 15 ${results.signaturesPerSecondAlg15}`);
const f = results.firstDoQueryUs;
console.log(`first queries of a zone (median of ${f.zones} zones of a zones: definition): DO=0 SRV (zone built) ${f.firstDo0ZoneBuildUs} us; then first DO=1 SRV with additional ${f.srvWithAdditional} us; first DO=1 NXDOMAIN (NSEC chain) ${f.nxdomainWithChain} us`);
const m = results.fullySigned;
console.log(`fully signed: ${m.zones} zones, ${m.signaturesPerZone} signatures each, in ${m.ms} ms; heap per zone: built ${m.zoneBytes} bytes, signatures and NSEC chain ${m.signedBytes} bytes more`);

const serveN = Number(values.serve);
if (serveN > 0) {
  const work = mkdtempSync(join(tmpdir(), 'discodns-dnssec-serve-'));
  let server;
  try {
    spawnSync(process.execPath, [join(root, 'bench/gen-zones.mjs'), '--domains', String(serveN), '--out', join(work, 'zones'), '--single-file'], { stdio: 'ignore' });
    const start = async (label) => {
      const t0 = performance.now();
      server = spawn(process.execPath, [...serverNodeFlags(root), join(root, 'dist/cli.js'), 'serve', '--zones', join(work, 'zones'), '--state', join(work, 'state'), '--listen', '127.0.0.1', '--port', '0'], {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, DISCODNS_DNSSEC: 'true' },
      });
      const line = await new Promise((res, rej) => {
        let buf = '';
        server.stdout.on('data', (c) => {
          buf += c;
          const mm = /^\{.*"msg":"serving".*\}$/m.exec(buf);
          if (mm) res(JSON.parse(mm[0]));
        });
        server.on('exit', (code) => rej(new Error(`exited ${code}`)));
      });
      const ms = Math.round(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 1000));
      const rssMb = Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))[1]) / 1024);
      const dig = spawnSync('dig', ['@127.0.0.1', '-p', String(line.port), '+dnssec', '+norec', `_imaps._tcp.d${String(serveN).padStart(6, '0')}.bench.test`, 'SRV'], { encoding: 'utf8' });
      const signed = /\tRRSIG\tSRV /.test(dig.stdout);
      server.kill('SIGTERM');
      await new Promise((r) => server.on('exit', r));
      return { label, ms, rssMb, signed, loadMs: line.loadMs };
    };
    // The first start makes the key set; the second is every start after.
    results.serve = [await start('first start (key set made)'), await start('next start (keys read)')];
    for (const s of results.serve) console.log(`${serveN} zones, one zones: file, dnssec.enabled, ${s.label}: serving after ${s.ms} ms (load ${s.loadMs} ms), RSS ${s.rssMb} MB, DO=1 answer signed: ${s.signed}`);
  } finally {
    if (server && server.exitCode === null) server.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  }
}
mkdirSync(join(root, 'bench/results'), { recursive: true });
const out = join(root, 'bench/results', `dnssec-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(out, JSON.stringify(results, null, 2));
console.log(`written ${out}`);
