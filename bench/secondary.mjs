#!/usr/bin/env node
// A Knot secondary pulling N generated domains from discodns through the catalog zone, on
// loopback: how long until Knot serves every one, and how many bytes the AXFRs took; then one
// record changed in one domain: the time from the reload to Knot serving the new serial
// (NOTIFY, then IXFR), and the size of that IXFR. Knot's own log is the measure.
//
//   npm run build && node bench/secondary.mjs --domains 10000 [--single-file]
//
// Every process started here is stopped by its PID; the temporary directory is removed.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { domains: { type: 'string', default: '10000' }, 'single-file': { type: 'boolean', default: false }, timeout: { type: 'string', default: '900' } } });
const n = Number(values.domains);
const single = values['single-file'];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'discodns-bench-secondary-'));
const zones = join(dir, 'zones');
const knotDir = join(dir, 'knot');
mkdirSync(knotDir);
execFileSync(process.execPath, [join(root, 'bench', 'gen-zones.mjs'), '--domains', String(n), '--out', zones, ...(single ? ['--single-file'] : [])], { stdio: 'ignore' });
const secret = randomBytes(32).toString('base64');
const knotPort = await freePort();
writeFileSync(
  join(dir, 'config.json'),
  JSON.stringify({
    tsig: { keys: [{ name: 'xfr', algorithm: 'hmac-sha256', secret }] },
    transfer: { allow: ['key xfr'], notifyRate: 1000 },
    notify: [{ address: '127.0.0.1', port: knotPort, key: 'xfr' }],
    catalog: { zone: 'catalog.invalid' },
    state: join(dir, 'state'),
    cache: { size: 10000 },
  }),
);

let discodns;
let knotPid;
const stopAll = () => {
  try {
    if (knotPid) process.kill(knotPid, 'SIGTERM');
  } catch {}
  try {
    if (discodns?.pid) process.kill(discodns.pid, 'SIGTERM');
  } catch {}
};
process.on('exit', () => {
  stopAll();
  rmSync(dir, { recursive: true, force: true });
});
// Killed or interrupted: leave through 'exit', so Knot and discodns are stopped too.
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(1));

const flags = readFileSync(join(root, 'dist', 'cli.js'), 'utf8').split('\n')[0].split(' ').filter((w) => w.startsWith('--'));
const started = performance.now();
discodns = spawn(process.execPath, [...flags, join(root, 'dist', 'cli.js'), 'serve', '--config', join(dir, 'config.json'), '--zones', zones, '--listen', '127.0.0.1', '--port', '0', '--log-level', 'info'], { stdio: ['ignore', 'pipe', 'inherit'] });
const out = [];
let rest = '';
discodns.stdout.on('data', (c) => {
  rest += c;
  let i;
  while ((i = rest.indexOf('\n')) >= 0) {
    out.push(rest.slice(0, i));
    rest = rest.slice(i + 1);
  }
});
let port;
for (let t = 0; t < 600 && port === undefined; t++) {
  await sleep(100);
  for (const l of out) if (l.includes('"msg":"serving"')) port = JSON.parse(l).port;
}
if (port === undefined) throw new Error('discodns did not start');
const serving = (performance.now() - started) / 1000;

const conf = `server:
    listen: 127.0.0.1@${knotPort}
    rundir: "${knotDir}"
    identity: ""
    version: ""
    nsid: ""
log:
  - target: "${knotDir}/knot.log"
    any: info
database:
    storage: "${knotDir}"
key:
  - id: xfr
    algorithm: hmac-sha256
    secret: ${secret}
remote:
  - id: discodns
    address: 127.0.0.1@${port}
    key: xfr
acl:
  - id: notify-from-discodns
    address: 127.0.0.1
    key: xfr
    action: notify
template:
  - id: default
    storage: "${knotDir}"
    master: discodns
    acl: notify-from-discodns
    zonefile-sync: -1
zone:
  - domain: catalog.invalid
    catalog-role: interpret
    catalog-template: default
`;
writeFileSync(join(knotDir, 'knot.conf'), conf);
const knotStart = performance.now();
execFileSync('knotd', ['-c', join(knotDir, 'knot.conf'), '-d']);
for (let t = 0; t < 100 && !knotPid; t++) {
  await sleep(50);
  try {
    knotPid = Number(readFileSync(join(knotDir, 'knot.pid'), 'utf8'));
  } catch {}
}
const log = () => readFileSync(join(knotDir, 'knot.log'), 'utf8');

const AXFR = /\] AXFR, incoming, remote [^,]+, finished, [0-9.]+ seconds, (\d+) messages, (\d+) bytes/g;
let done = 0;
let bytes = 0;
let messages = 0;
const deadline = Date.now() + Number(values.timeout) * 1000;
while (Date.now() < deadline) {
  await sleep(250);
  const text = log();
  done = 0;
  bytes = 0;
  messages = 0;
  for (const m of text.matchAll(AXFR)) {
    done++;
    messages += Number(m[1]);
    bytes += Number(m[2]);
  }
  if (done >= n + 1) break; // the members and the catalog
}
const allServed = (performance.now() - knotStart) / 1000;
if (done < n + 1) console.error(`only ${done - 1} of ${n} zones arrived in ${values.timeout} s`);
const catalogLine = [...log().matchAll(/\[catalog\.invalid\.\] AXFR, incoming, remote [^,]+, finished, [0-9.]+ seconds, (\d+) messages, (\d+) bytes/g)][0];

// One record added to one domain: reload, then NOTIFY → IXFR → served.
const target = 'd000001.bench.test.';
const file = single ? join(zones, 'bench.yaml') : join(zones, 'd000001.bench.test.yaml');
if (!single) {
  appendFileSync(file, `\n  - '_bench TXT "changed"'\n`);
  const { utimesSync } = await import('node:fs');
  utimesSync(file, new Date(), new Date(Date.now() + 5000));
}
let notifyDelay;
let ixfr;
if (!single) {
  const before = log().length;
  const reloadAt = performance.now();
  process.kill(discodns.pid, 'SIGHUP');
  const re = new RegExp(`\\[${target.replace(/\./g, '\\.')}\\] refresh, remote [^,]+, zone updated`);
  while (performance.now() - reloadAt < 30_000) {
    await sleep(20);
    if (re.test(log().slice(before))) break;
  }
  notifyDelay = (performance.now() - reloadAt) / 1000;
  const m = new RegExp(`\\[${target.replace(/\./g, '\\.')}\\] IXFR, incoming, remote [^,]+, finished, [0-9.]+ seconds, (\\d+) messages, (\\d+) bytes`).exec(log().slice(before));
  ixfr = m ? { messages: Number(m[1]), bytes: Number(m[2]) } : 'no IXFR in the log';
}
const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${discodns.pid}/status`, 'utf8'))[1]) / 1024;
console.log(
  JSON.stringify(
    {
      domains: n,
      layout: single ? 'one zones: file' : 'one file per domain',
      discodnsSpawnToServingSeconds: +serving.toFixed(2),
      knotStartToAllServedSeconds: +allServed.toFixed(2),
      zonesTransferred: done - 1,
      axfrMessages: messages,
      axfrBytes: bytes,
      catalogAxfr: catalogLine ? { messages: Number(catalogLine[1]), bytes: Number(catalogLine[2]) } : undefined,
      reloadToServedOnKnotSeconds: notifyDelay === undefined ? undefined : +notifyDelay.toFixed(3),
      reloadMs: out.filter((l) => l.includes('"msg":"reloaded"')).map((l) => JSON.parse(l).ms)[0],
      ixfrForOneRecord: ixfr,
      discodnsRssMb: Math.round(rss),
    },
    null,
    2,
  ),
);
stopAll();
await sleep(1000);
process.exit(0);
