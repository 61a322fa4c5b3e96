// Prometheus endpoint, NSID (RFC 5001), CHAOS identity (RFC 4892) and the sampled query log.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Packet } from 'dns2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, repoRoot, startDiscodns, type RunningDiscodns } from '../support/discodns.js';
import { buildQuery, normalize, udpExchange } from '../support/query.js';

let server: RunningDiscodns;
let plain: RunningDiscodns;
let metricsPort: number;

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}
const scrape = async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();

beforeAll(async () => {
  metricsPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'discodns-metrics-'));
  const config = join(dir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      metrics: { enabled: true, listen: `127.0.0.1:${metricsPort}` },
      identity: { nsid: 'ns1.test', id: 'ns1.test', version: 'discodns-test' },
      log: { queries: true, querySampleRate: 1 },
    }),
  );
  [server, plain] = await Promise.all([startDiscodns('test/fixtures/conformance', ['--config', config]), startDiscodns('test/fixtures/conformance')]);
});
afterAll(async () => {
  await Promise.all([server?.stop(), plain?.stop()]);
});

describe('Prometheus metrics', () => {
  it('counts refused transfers and NOTIFY received', async () => {
    await udpExchange(server.port, buildQuery({ id: 40, qname: 'mail.test', qtype: 251 }));
    await udpExchange(server.port, buildQuery({ id: 41, qname: 'mail.test', qtype: 6, opcode: 4 }));
    const text = await scrape();
    expect(text).toMatch(/discodns_transfers_refused_total\{reason="acl"\} 1/);
    expect(text).toMatch(/discodns_notify_received_total 1/);
    expect(text).toMatch(/discodns_queries_total\{transport="udp",qtype="IXFR",rcode="REFUSED"\} 1/);
  });

  it('counts queries by transport, qtype and rcode, and reports zones and serials', async () => {
    for (let i = 0; i < 3; i++) await udpExchange(server.port, buildQuery({ id: i, qname: '_imaps._tcp.mail.test', qtype: 33 }));
    await udpExchange(server.port, buildQuery({ id: 9, qname: 'nope.mail.test', qtype: 1 }));
    await udpExchange(server.port, buildQuery({ id: 9, qname: 'mail.test', qtype: 4321 }));
    await udpExchange(server.port, Buffer.alloc(12)); // QDCOUNT 0: FORMERR
    const text = await scrape();
    expect(text).toMatch(/discodns_queries_total\{transport="udp",qtype="SRV",rcode="NOERROR"\} 3/);
    expect(text).toMatch(/discodns_queries_total\{transport="udp",qtype="A",rcode="NXDOMAIN"\} 1/);
    expect(text).toMatch(/discodns_queries_total\{transport="udp",qtype="other",rcode="NOERROR"\} 1/);
    expect(text).toMatch(/discodns_formerr_total 1/);
    expect(text).toMatch(/discodns_zones 1/);
    expect(text).toMatch(/discodns_zone_serial\{zone="mail\.test\."\} 2026112401/);
    expect(text).toMatch(/discodns_reloads_total\{outcome="ok"\} 1/);
    expect(text).toMatch(/discodns_last_reload_success_timestamp_seconds \d+/);
  });
  it('serves only /metrics: anything else is 404', async () => {
    for (const path of ['/', '/metric', '/metrics/', '/favicon.ico', '/../metrics']) {
      const r = await fetch(`http://127.0.0.1:${metricsPort}${path}`);
      expect(r.status, path).toBe(path === '/../metrics' ? 200 : 404); // fetch normalizes /../ away
    }
    expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { method: 'POST' })).status).toBe(405);
  });
  it("includes prom-client's process_* and nodejs_* metrics", async () => {
    const text = await scrape();
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^process_cpu_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d+/m);
    expect(text).toMatch(/^discodns_zones_last_known_good 0$/m);
  });
  it('the README documents every discodns_ metric', async () => {
    const text = await scrape();
    const names = new Set([...text.matchAll(/^# TYPE (discodns_\w+) /gm)].map((m) => m[1]!));
    expect(names.size).toBeGreaterThan(8);
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    for (const name of names) expect(readme, name).toContain(`\`${name}`);
  });
  it('is off by default', async () => {
    // The plain server logged no metrics address.
    expect(plain.stdout.find((l) => l.includes('"msg":"serving"'))).not.toMatch(/"metrics"/);
  });
});

describe('RFC 5001 NSID and RFC 4892 CHAOS identity', () => {
  const nsidQuery = () => {
    const q = buildQuery({ id: 5, qname: 'mail.test', qtype: 6, edns: { udpSize: 1232, options: [{ code: 3, data: Buffer.alloc(0) }] } });
    return q;
  };
  it('sends NSID to a client that asks, when configured', async () => {
    const out = (await udpExchange(server.port, nsidQuery()))!;
    expect(out.includes(Buffer.from('ns1.test'))).toBe(true);
    expect(normalize(out).rcodeName).toBe('NOERROR');
  });
  it('sends no NSID when not configured', async () => {
    const out = (await udpExchange(plain.port, nsidQuery()))!;
    expect(out.subarray(out.length - 2)).toEqual(Buffer.from([0, 0])); // OPT rdlength 0
  });
  it.each(['id.server', 'hostname.bind', 'version.bind', 'version.server'])('CH TXT %s answered when configured', async (qname) => {
    const out = (await udpExchange(server.port, buildQuery({ id: 6, qname, qtype: 16, qclass: 3 })))!;
    const p = Packet.parse(out);
    expect(p.header.rcode).toBe(0);
    expect(p.answers).toHaveLength(1);
    expect(p.answers[0]!.class).toBe(3);
    expect(String((p.answers[0] as { data?: unknown }).data)).toMatch(/ns1\.test|discodns-test/);
  });
  it('CH TXT version.bind is REFUSED when not configured', async () => {
    const out = (await udpExchange(plain.port, buildQuery({ id: 6, qname: 'version.bind', qtype: 16, qclass: 3 })))!;
    expect(normalize(out).rcodeName).toBe('REFUSED');
  });
});

describe('query log', () => {
  it('logs queries when enabled, with qname, qtype and rcode', async () => {
    await udpExchange(server.port, buildQuery({ id: 7, qname: 'autoconfig.mail.test', qtype: 1 }));
    await new Promise((r) => setTimeout(r, 200));
    const line = server.stdout.find((l) => l.includes('"kind":"query"') && l.includes('autoconfig.mail.test.'));
    expect(line).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ qtype: 'A', rcode: 0, transport: 'udp' });
  });
  it('is off by default', async () => {
    await udpExchange(plain.port, buildQuery({ id: 7, qname: 'autoconfig.mail.test', qtype: 1 }));
    await new Promise((r) => setTimeout(r, 200));
    expect(plain.stdout.some((l) => l.includes('"kind":"query"'))).toBe(false);
  });
});

describe('metrics.listen', () => {
  it('a port already taken: serve exits 1 naming metrics.listen', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    const dir = mkdtempSync(join(tmpdir(), 'discodns-metrics-'));
    try {
      const { execFile } = await import('node:child_process');
      const r = await new Promise<{ code: number; stderr: string }>((resolve) =>
        execFile(
          process.execPath,
          [cliPath, 'serve', '--zones', 'test/fixtures/conformance', '--state', join(dir, 'state'), '--listen', '127.0.0.1', '--port', '0'],
          { cwd: repoRoot, env: { ...process.env, DISCODNS_METRICS: 'true', DISCODNS_METRICS_LISTEN: `127.0.0.1:${port}` }, timeout: 15_000 },
          (err, _out, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stderr }),
        ),
      );
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`cannot listen on tcp 127\\.0\\.0\\.1:${port} \\(metrics\\.listen\\): EADDRINUSE; another program holds it: stop it, or choose another metrics\\.listen`));
    } finally {
      blocker.close();
    }
  });
});
