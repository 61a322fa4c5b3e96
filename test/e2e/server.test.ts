// End to end: the built CLI serving the example zones over real UDP and TCP sockets on
// 127.0.0.1, queried with dns2's clients, raw packets, and dig/kdig when installed.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Packet, TCPClient, UDPClient } from 'dns2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscodns, type RunningDiscodns } from '../support/discodns.js';
import { buildQuery, encodeName, normalize, tcpExchange, udpExchange } from '../support/query.js';

const run = promisify(execFile);
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const SRV = 33;

let server: RunningDiscodns;
let idleServer: RunningDiscodns;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'discodns-e2e-'));
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ tcp: { idleTimeout: 300 } }));
  [server, idleServer] = await Promise.all([startDiscodns('zones'), startDiscodns('zones', ['--config', config])]);
});
afterAll(async () => {
  await Promise.all([server?.stop(), idleServer?.stop()]);
});

describe('discovery records over UDP and TCP with dns2 clients', () => {
  it('UDP: _imaps._tcp.example.com SRV with target addresses in additional', async () => {
    const resolve = UDPClient({ dns: '127.0.0.1', port: server.port, retryOverTCP: false });
    const res = await resolve('_imaps._tcp.example.com', 'SRV');
    expect(res.header.aa).toBe(1);
    expect(res.answers.length).toBeGreaterThanOrEqual(1);
    expect(res.answers.every((a) => a.type === Packet.TYPE.SRV && a.port === 993)).toBe(true);
    expect(res.additionals.some((a) => a.type === Packet.TYPE.A)).toBe(true);
  });
  it('TCP: _submissions._tcp.example.com SRV on 465', async () => {
    const resolve = TCPClient({ dns: '127.0.0.1', port: server.port });
    const res = await resolve('_submissions._tcp.example.com', 'SRV');
    expect(res.answers.map((a) => a.port)).toEqual([465]);
  });
  it('the startup log line names the zones, record count and load time', () => {
    const line = server.stdout.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'serving');
    expect(line).toBeDefined();
    expect(line!.zones).toContain('example.com.');
    expect(line!.records).toBeGreaterThan(10);
    expect(typeof line!.loadMs).toBe('number');
  });
});

describe('malformed packets get FORMERR or are dropped, and the server keeps answering', () => {
  const h = (qd: number, ar = 0) => {
    const b = Buffer.alloc(12);
    b.writeUInt16BE(0x4242, 0);
    b.writeUInt16BE(qd, 4);
    b.writeUInt16BE(ar, 10);
    return b;
  };
  const q = Buffer.concat([encodeName('example.com'), Buffer.from([0, 6, 0, 1])]);
  const opt = Buffer.from([0, 0, 41, 4, 0xd0, 0, 0, 0, 0, 0, 0]);
  const cases: [string, Buffer, 'drop' | 'FORMERR'][] = [
    ['short (5 bytes)', Buffer.alloc(5), 'drop'],
    ['QR=1', Buffer.concat([Buffer.from([0x42, 0x42, 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0]), q]), 'drop'],
    ['QDCOUNT 0', h(0), 'FORMERR'],
    ['QDCOUNT 2', Buffer.concat([h(2), q, q]), 'FORMERR'],
    ['truncated question', Buffer.concat([h(1), q.subarray(0, 6)]), 'FORMERR'],
    ['pointer in question', Buffer.concat([h(1), Buffer.from([0xc0, 12, 0, 1, 0, 1])]), 'FORMERR'],
    ['two OPTs', Buffer.concat([h(1, 2), q, opt, opt]), 'FORMERR'],
  ];
  it.each(cases.map(([n, m, e]) => [`${n} → ${e}`, m, e] as const))('%s', async (_n, msg, expected) => {
    const out = await udpExchange(server.port, msg, expected === 'drop' ? 300 : 2000);
    if (expected === 'drop') expect(out).toBeUndefined();
    else expect(normalize(out!).rcodeName).toBe('FORMERR');
    const ok = await udpExchange(server.port, buildQuery({ id: 77, qname: 'example.com', qtype: 6 }));
    expect(normalize(ok!).rcodeName).toBe('NOERROR');
  });
});

describe('RFC 7766: TCP framing, pipelining, idle timeout', () => {
  it('answers 50 pipelined queries on one connection', async () => {
    const msgs = Array.from({ length: 50 }, (_, i) => buildQuery({ id: i, qname: i % 2 ? '_imaps._tcp.example.com' : 'nope.example.com', qtype: SRV }));
    const replies = await tcpExchange(server.port, msgs);
    expect(replies.map((r) => r.readUInt16BE(0)).sort((a, b) => a - b)).toEqual(msgs.map((_, i) => i));
    expect(replies.every((r) => normalize(r).flags.aa)).toBe(true);
  });
  it('assembles a query split across segments, and several queries in one segment', async () => {
    const one = buildQuery({ id: 5, qname: 'example.com', qtype: 6 });
    const framed = Buffer.concat([Buffer.from([0, one.length]), one, Buffer.from([0, one.length]), one]);
    const replies = await new Promise<Buffer[]>((resolve, reject) => {
      const sock = net.connect(server.port, '127.0.0.1');
      const got: Buffer[] = [];
      let buf = Buffer.alloc(0);
      sock.on('data', (c) => {
        buf = Buffer.concat([buf, c]);
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          got.push(buf.subarray(2, 2 + buf.readUInt16BE(0)));
          buf = buf.subarray(2 + buf.readUInt16BE(0));
        }
        if (got.length === 2) {
          sock.destroy();
          resolve(got);
        }
      });
      sock.on('error', reject);
      // First byte alone, then the rest in two more writes with pauses between.
      sock.write(framed.subarray(0, 1));
      setTimeout(() => sock.write(framed.subarray(1, 9)), 50);
      setTimeout(() => sock.write(framed.subarray(9)), 100);
    });
    expect(replies.map((r) => normalize(r).rcodeName)).toEqual(['NOERROR', 'NOERROR']);
  });
  it('closes an idle connection after the configured timeout', async () => {
    const closedAfter = await new Promise<number>((resolve) => {
      const start = Date.now();
      const sock = net.connect(idleServer.port, '127.0.0.1');
      sock.on('close', () => resolve(Date.now() - start));
      sock.on('error', () => undefined);
    });
    expect(closedAfter).toBeGreaterThanOrEqual(250);
    expect(closedAfter).toBeLessThan(5000);
  });
});

describe.skipIf(!has('dig'))('dig', () => {
  it('gets every discovery record of example.com with AA', async () => {
    for (const [qname, type] of [
      ['_submissions._tcp.example.com', 'SRV'],
      ['_submission._tcp.example.com', 'SRV'],
      ['_imaps._tcp.example.com', 'SRV'],
      ['_imap._tcp.example.com', 'SRV'],
      ['_caldavs._tcp.example.com', 'SRV'],
      ['_caldavs._tcp.example.com', 'TXT'],
      ['_carddavs._tcp.example.com', 'TXT'],
      ['_autodiscover._tcp.example.com', 'SRV'],
      ['autoconfig.example.com', 'A'],
      ['example.com', 'MX'],
    ]) {
      const { stdout } = await run('dig', ['@127.0.0.1', '-p', String(server.port), '+norec', '+time=2', '+tries=1', qname!, type!]);
      expect(stdout, `${qname} ${type}`).toMatch(/status: NOERROR/);
      expect(stdout).toMatch(/flags: qr aa;/);
      expect(stdout).toMatch(/ANSWER: [1-9]/);
    }
  });
  it('over TCP (+tcp)', async () => {
    const { stdout } = await run('dig', ['@127.0.0.1', '-p', String(server.port), '+tcp', '+norec', '_imaps._tcp.example.com', 'SRV']);
    expect(stdout).toMatch(/status: NOERROR/);
  });
});

describe.skipIf(!has('kdig'))('kdig', () => {
  it('NXDOMAIN with the SOA in authority', async () => {
    const { stdout } = await run('kdig', ['@127.0.0.1', '-p', String(server.port), '+norec', 'nope.example.com', 'A']);
    expect(stdout).toMatch(/status: NXDOMAIN/);
    expect(stdout).toMatch(/AUTHORITY SECTION:\s*\nexample\.com\.\s+300\s+IN\s+SOA/);
  });
});
