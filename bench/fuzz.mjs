#!/usr/bin/env node
// Fuzzing, loopback only and bounded: `npm run fuzz -- --iterations N`.
//
// 1. In process: N mutated inputs (bench/fuzz-core.mjs) through the query parser, the message
//    decoder and the handler of dist/, each response read by our decoder and dns2 with the
//    question echoed byte for byte. Reports the slowest input.
// 2. Over the network: N mutated packets to a running server (started here on 127.0.0.1 and a
//    free port, or --port P for one already running on 127.0.0.1), half over UDP and half over
//    TCP, in batches; every response must decode, and after each batch a known query must get
//    the answer it got before the first batch, over UDP and over TCP.
//
//   npm run fuzz -- [--iterations N] [--in-process N] [--seed S] [--port P] [--batch B] [--zones DIR]
//
// Exits 1 on any problem, printing the input that caused it in hex.
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import dns2 from 'dns2';
import { pino } from 'pino';
import { fuzzInProcess, mutate, problemWith, query, rng, seeds } from './fuzz-core.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    iterations: { type: 'string', default: '10000' },
    'in-process': { type: 'string' },
    seed: { type: 'string' },
    port: { type: 'string' },
    batch: { type: 'string', default: '1000' },
    zones: { type: 'string', default: join(root, 'zones') },
  },
});
// Bounded: at most 100 million inputs either way.
const iterations = Math.min(Number(values.iterations), 1e8);
const inProcess = Math.min(Number(values['in-process'] ?? values.iterations), 1e8);
const seed = values.seed !== undefined ? Number(values.seed) : Date.now() & 0x7fffffff;
const batchSize = Math.max(10, Math.min(Number(values.batch), 100_000));
if (!existsSync(join(root, 'dist/cli.js'))) {
  console.error('dist/cli.js missing: run npm run build (npm run fuzz does)');
  process.exit(1);
}
const dist = (p) => import(pathToFileURL(join(root, 'dist', p)).href);
const { parseQuery } = await dist('wire/query.js');
const { decodeMessage } = await dist('wire/decode.js');
const { Packet } = dns2;
const code = { parseQuery, decodeMessage, Packet };
let failed = false;
console.log(`fuzz: seed ${seed}`);

// 1. In process.
if (inProcess > 0) {
  const { handleMessage } = await dist('server/handler.js');
  const { handlerOptions } = await dist('server/identity.js');
  const { newStats } = await dist('server/stats.js');
  const { ClientAddress } = await dist('server/client-address.js');
  const { CookieJar } = await dist('server/cookies.js');
  const { sipKey } = await dist('dns/siphash.js');
  const { ResponseRateLimiter } = await dist('server/rrl.js');
  const { ZoneReloader } = await dist('server/reload.js');
  const { StateDir } = await dist('server/state.js');
  // The reloader reads zone serials from a state directory (issue 12): an empty one, never written.
  const stateDir = mkdtempSync(join(tmpdir(), 'discodns-fuzz-state-'));
  const { snapshot } = await new ZoneReloader(resolve(values.zones), 10_000, () => undefined, pino({ level: 'silent' }), StateDir.readOnly(stateDir)).initial();
  rmSync(stateDir, { recursive: true, force: true });
  const stats = newStats();
  const options = {
    ...handlerOptions({ udpSize: 1232, nsid: 'fuzz', id: 'id', version: 'v' }),
    cookies: new CookieJar(sipKey(Buffer.alloc(16, 9)), sipKey(Buffer.alloc(16, 8))),
    rrl: new ResponseRateLimiter({ rate: 100_000, slip: 2, exempt: ['127.0.0.0/8'], tableSize: 1024, ipv4PrefixLength: 24, ipv6PrefixLength: 56 }, undefined),
  };
  const clients = ['192.0.2.1', '2001:db8::1', '127.0.0.1'].map((a) => new ClientAddress().set(a));
  const start = performance.now();
  const result = fuzzInProcess({
    iterations: inProcess,
    seed,
    ...code,
    handle: (msg, i) => handleMessage(snapshot, msg, i % 3 === 1 ? 'tcp' : 'udp', options, stats, clients[i % 3]),
    onProgress: (done, problems, outcomes) => console.log(`  in process: ${done} inputs, ${problems} problems, ${outcomes} outcomes`),
  });
  const seconds = (performance.now() - start) / 1000;
  console.log(`in process: ${result.inputs} inputs in ${seconds.toFixed(1)} s (${Math.round(result.inputs / seconds)}/s), problems ${result.problems.length}, handler exceptions ${stats.handlerBugs}, distinct outcomes ${result.outcomes}, corpus ${result.corpus}`);
  console.log(`in process: slowest input ${result.slowest.ms.toFixed(3)} ms (parse + decode + handle + both decoders on the response): ${result.slowest.input}`);
  for (const p of result.problems.slice(0, 10)) console.log(`  PROBLEM ${p.problem}\n    input ${p.input}`);
  if (result.problems.length || stats.handlerBugs) failed = true;
}

// 2. Over the network.
if (iterations > 0) {
  const work = mkdtempSync(join(tmpdir(), 'discodns-fuzz-'));
  let child;
  let port = values.port !== undefined ? Number(values.port) : undefined;
  try {
    if (port === undefined) {
      const config = join(work, 'config.json');
      // Loopback is exempt from RRL by default: every packet gets the server's full attention.
      writeFileSync(config, JSON.stringify({ state: join(work, 'state'), tcp: { maxPerSource: 100 } }));
      child = spawn(process.execPath, [join(root, 'dist/cli.js'), 'serve', '--zones', resolve(values.zones), '--listen', '127.0.0.1', '--port', '0', '--config', config], { stdio: ['ignore', 'pipe', 'inherit'] });
      port = await new Promise((res, rej) => {
        let buf = '';
        const t = setTimeout(() => rej(new Error('server did not start in 30 s')), 30_000);
        child.stdout.on('data', (c) => {
          buf += c;
          const m = /"msg":"serving".*?"port":(\d+)/.exec(buf) ?? /"port":(\d+).*?"msg":"serving"/.exec(buf);
          if (m) {
            clearTimeout(t);
            res(Number(m[1]));
          }
          if (buf.length > 1e6) buf = buf.slice(-1e5);
        });
        child.on('exit', (c) => rej(new Error(`server exited ${c}`)));
      });
      child.stdout.resume();
    }
    const known = query({ id: 0xbeef, qname: '_imaps._tcp.example.com', qtype: 33 });
    const expected = await udpAsk(port, known);
    if (!expected || (expected[3] & 0x0f) !== 0 || expected.readUInt16BE(6) === 0) throw new Error('the known query _imaps._tcp.example.com SRV got no answer before fuzzing');
    const r = rng(seed ^ 0x5a5a5a5a);
    const corpus = seeds();
    const totals = { udpSent: 0, tcpSent: 0, udpAnswers: 0, tcpAnswers: 0, tcpReconnects: 0, checks: 0, problems: [] };
    const problem = (what, input) => {
      if (totals.problems.length < 20) totals.problems.push({ what, input: input?.toString('hex') });
    };
    const udp = dgram.createSocket('udp4');
    udp.on('message', (m) => {
      totals.udpAnswers++;
      const p = problemWith(undefined, m, code);
      if (p) problem(`UDP response: ${p}`, m);
    });
    await new Promise((res) => udp.bind(0, '127.0.0.1', res));
    const started = performance.now();
    for (let done = 0; done < iterations; ) {
      const n = Math.min(batchSize, iterations - done);
      const inputs = Array.from({ length: n }, () => mutate(r, corpus[r.below(corpus.length)], corpus));
      const half = Math.ceil(n / 2);
      for (let i = 0; i < half; i++) {
        udp.send(inputs[i], port, '127.0.0.1');
        totals.udpSent++;
        if (i % 64 === 63) await new Promise((res) => setImmediate(res));
      }
      const tcp = await tcpSend(port, inputs.slice(half), problem);
      totals.tcpSent += tcp.sent;
      totals.tcpAnswers += tcp.answers;
      totals.tcpReconnects += tcp.reconnects;
      done += n;
      // The server still answers the known query exactly as before, over both transports.
      await new Promise((res) => setTimeout(res, 20));
      const [u, t] = [await udpAsk(port, known), await tcpAsk(port, known)];
      totals.checks++;
      if (!u || !u.equals(expected)) problem(`after ${done} packets: the known query over UDP got ${u ? 'a different answer' : 'no answer'}`, u);
      if (!t || !t.equals(expected)) problem(`after ${done} packets: the known query over TCP got ${t ? 'a different answer' : 'no answer'}`, t);
      if (child && child.exitCode !== null) {
        problem(`the server exited (${child.exitCode}) after ${done} packets`);
        break;
      }
      if (done % 100_000 < n) console.log(`  network: ${done} packets, ${totals.problems.length} problems`);
    }
    udp.close();
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `network: ${totals.udpSent} UDP and ${totals.tcpSent} TCP packets in ${seconds.toFixed(1)} s, ${totals.udpAnswers} and ${totals.tcpAnswers} responses, ` +
        `${totals.tcpReconnects} TCP connections closed by the server (bad framing), ${totals.checks} checks of the known query, problems ${totals.problems.length}`,
    );
    for (const p of totals.problems) console.log(`  PROBLEM ${p.what}${p.input ? `\n    bytes ${p.input}` : ''}`);
    if (totals.problems.length) failed = true;
  } catch (e) {
    console.log(`network: ${e.message}`);
    failed = true;
  } finally {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((res) => {
        const t = setTimeout(() => {
          if (child.exitCode === null) child.kill('SIGKILL');
          res();
        }, 5000);
        child.on('exit', () => {
          clearTimeout(t);
          res();
        });
      });
    }
    rmSync(work, { recursive: true, force: true });
  }
}
console.log(failed ? 'fuzz: FAILED' : 'fuzz: no problem found');
process.exit(failed ? 1 : 0);

/** One UDP query, its reply or undefined after three tries of a second. */
async function udpAsk(port, msg) {
  for (let attempt = 0; attempt < 3; attempt++) {
    const reply = await new Promise((res) => {
      const s = dgram.createSocket('udp4');
      const t = setTimeout(() => {
        s.close();
        res(undefined);
      }, 1000);
      s.on('message', (m) => {
        clearTimeout(t);
        s.close();
        res(m);
      });
      s.send(msg, port, '127.0.0.1');
    });
    if (reply) return reply;
  }
  return undefined;
}

/** One TCP query on a new connection: the reply, or undefined. */
function tcpAsk(port, msg) {
  return new Promise((res) => {
    const s = net.connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    const t = setTimeout(() => {
      s.destroy();
      res(undefined);
    }, 3000);
    s.on('connect', () => s.write(Buffer.concat([Buffer.from([msg.length >> 8, msg.length & 0xff]), msg])));
    s.on('data', (c) => {
      buf = Buffer.concat([buf, c]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        clearTimeout(t);
        s.destroy();
        res(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      }
    });
    s.on('error', () => {
      clearTimeout(t);
      res(undefined);
    });
  });
}

/**
 * The inputs, framed, on one connection (a new one when the server closes it: a length of 0
 * closes it, as do inputs that end up over its size limit), reading and checking every response.
 */
async function tcpSend(port, inputs, problem) {
  let sent = 0;
  let answers = 0;
  let reconnects = 0;
  let i = 0;
  while (i < inputs.length) {
    const batch = [];
    // Up to the first zero-length message, which the server answers by closing.
    while (i < inputs.length) {
      const m = inputs[i++];
      batch.push(m);
      if (m.length === 0) break;
    }
    const framed = Buffer.concat(batch.flatMap((m) => [Buffer.from([m.length >> 8, m.length & 0xff]), m]));
    await new Promise((res) => {
      const s = net.connect(port, '127.0.0.1');
      let buf = Buffer.alloc(0);
      let got = 0;
      const expectMost = batch.length;
      const finish = () => {
        clearTimeout(t);
        s.destroy();
        res();
      };
      const t = setTimeout(finish, 2000);
      s.on('connect', () => s.end(framed));
      s.on('data', (c) => {
        buf = Buffer.concat([buf, c]);
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          const m = buf.subarray(2, 2 + buf.readUInt16BE(0));
          buf = buf.subarray(2 + buf.readUInt16BE(0));
          got++;
          const p = problemWith(undefined, m, code);
          if (p) problem(`TCP response: ${p}`, m);
        }
        if (got >= expectMost) finish();
      });
      s.on('close', () => {
        if (batch[batch.length - 1]?.length === 0) reconnects++;
        answers += got;
        finish();
      });
      s.on('error', () => undefined);
    });
    sent += batch.length;
  }
  return { sent, answers, reconnects };
}
