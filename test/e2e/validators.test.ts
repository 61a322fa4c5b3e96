// Real validators on loopback, as resolvers in the field would see discodns: unbound (a
// trust anchor per zone, a stub zone at discodns, 0x20 random case on) sets AD, and delv
// (+root=ZONE, a static anchor) says "fully validated", for SRV with additional, CNAME to A,
// DNSKEY, NODATA, the _tcp empty non-terminal, names that do not exist, mixed-case names and
// compact denial, and answers wildcards synthesize (A, CNAME, NODATA, mixed case, an SRV
// target only a wildcard covers; RFC 4035 §3.1.3.3-4, RFC 9824 §3.3); with an anchor for another
// key, unbound answers SERVFAIL.

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../support/cli.js';
import { dsOf } from '../../src/dns/dnssec/ds.js';
import { name } from '../../src/dns/name.js';
import { repoRoot, startDiscodns, type RunningDiscodns } from '../support/discodns.js';
import { fixedKey, installed } from '../support/dnssec.js';
import { freePort } from '../support/knot.js';
import { buildQuery, udpExchange } from '../support/query.js';
import { delv, dig, startUnbound, type Unbound } from '../support/unbound.js';

const ready = installed('unbound') && installed('dig') && installed('delv');

let dir: string;
let server: RunningDiscodns;
let unbound: Unbound;
let anchors: string[];
let delvAnchors: string;
let metricsPort: number;

/** The sum of a metric's series, scraped now. */
async function metric(metricName: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) if (line.startsWith(`${metricName}{`) || line.startsWith(`${metricName} `)) sum += Number(line.split(' ').pop());
  return sum;
}

const ZONES = ['example.com.', 'shop.example.', 'compact.example.', 'wild.example.'];
const COMPACT = `zone: compact.example
dnssec: on
denial: compact
nameservers: [ns1.example.net.]
hosts:
  mail: 192.0.2.10
  '*.hosts': 192.0.2.20
services:
  imaps: mail
aliases:
  '*.cdn': mail
`;
/** Wildcards (RFC 4592) in an NSEC zone: addresses, a CNAME, TXT, and an SRV target only a wildcard covers. */
const WILD = `zone: wild.example
dnssec: on
nameservers: [ns1.example.net.]
hosts:
  mail: [192.0.2.10, 2001:db8::10]
  '*.hosts': [192.0.2.20, 2001:db8::20]
  known.hosts: 192.0.2.21
services:
  imaps: x.hosts
aliases:
  '*.cdn': mail
records:
  - '*.txt TXT "wild"'
`;

beforeAll(async () => {
  if (!ready) return;
  dir = tempDir({}, 'discodns-validators-');
  const zones = path.join(dir, 'zones');
  mkdirSync(zones);
  for (const f of ['example.com.yaml', 'hosted.yaml']) writeFileSync(path.join(zones, f), `dnssec: on\n${readFileSync(path.join(repoRoot, 'zones', f), 'utf8')}`);
  writeFileSync(path.join(zones, 'compact.yaml'), COMPACT);
  writeFileSync(path.join(zones, 'wild.yaml'), WILD);
  const state = path.join(dir, 'state');
  anchors = [];
  for (const z of ZONES) {
    const r = await cli(['ds', z, '--zones', zones, '--state', state]);
    anchors.push(...r.stdout.split('\n').filter((l) => l.includes('\tDS\t')));
  }
  delvAnchors = path.join(dir, 'anchors.conf');
  writeFileSync(delvAnchors, `trust-anchors {\n${anchors.map((a) => { const f = a.split(/\s+/); return `  ${f[0]} static-ds ${f[4]} ${f[5]} ${f[6]} "${f[7]}";`; }).join('\n')}\n};\n`);
  metricsPort = await freePort();
  const config = path.join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ metrics: { enabled: true, listen: `127.0.0.1:${metricsPort}` } }));
  server = await startDiscodns(zones, ['--state', state, '--config', config]);
  unbound = await startUnbound(anchors, ZONES.map((zone) => ({ zone, port: server.port })));
}, 60_000);

afterAll(async () => {
  await unbound?.stop();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const CASES: { q: string; type: string; status: string; what: string }[] = [
  { q: '_imaps._tcp.example.com.', type: 'SRV', status: 'NOERROR', what: 'SRV with its targets in additional' },
  { q: 'autoconfig.example.com.', type: 'A', status: 'NOERROR', what: 'CNAME to A' },
  { q: 'example.com.', type: 'DNSKEY', status: 'NOERROR', what: 'DNSKEY' },
  { q: 'example.com.', type: 'CDS', status: 'NOERROR', what: 'CDS' },
  { q: 'mail.example.com.', type: 'TXT', status: 'NOERROR', what: 'NODATA' },
  { q: '_tcp.example.com.', type: 'SRV', status: 'NOERROR', what: 'the _tcp empty non-terminal' },
  { q: 'nope.example.com.', type: 'A', status: 'NXDOMAIN', what: 'a name that does not exist' },
  { q: 'x.y.mail.example.com.', type: 'AAAA', status: 'NXDOMAIN', what: 'a name below a leaf' },
  { q: '_IMAPS._Tcp.ExAmPlE.cOm.', type: 'SRV', status: 'NOERROR', what: 'a mixed-case qname' },
  { q: 'NOPE.Example.COM.', type: 'MX', status: 'NXDOMAIN', what: 'a mixed-case name that does not exist' },
  { q: '_submissions._tcp.shop.example.', type: 'SRV', status: 'NOERROR', what: 'a zone of a zones: definition (shared key)' },
  { q: 'nope.shop.example.', type: 'A', status: 'NXDOMAIN', what: 'a nonexistent name there' },
  { q: 'nope.compact.example.', type: 'A', status: 'NOERROR', what: 'compact denial of a name (RFC 9824: NOERROR)' },
  { q: 'mail.compact.example.', type: 'TXT', status: 'NOERROR', what: 'compact denial NODATA' },
  { q: '_tcp.compact.example.', type: 'SRV', status: 'NOERROR', what: 'compact denial at an empty non-terminal' },
  // RFC 4035 §3.1.3.3, §3.1.3.4: answers a wildcard synthesizes.
  { q: 'x.hosts.wild.example.', type: 'A', status: 'NOERROR', what: 'a wildcard A answer' },
  { q: 'a.b.hosts.wild.example.', type: 'AAAA', status: 'NOERROR', what: 'a wildcard answer two labels below' },
  { q: 'x.hosts.wild.example.', type: 'MX', status: 'NOERROR', what: 'wildcard NODATA' },
  { q: 'y.txt.wild.example.', type: 'A', status: 'NOERROR', what: 'wildcard NODATA, one NSEC doing both' },
  { q: 'img.cdn.wild.example.', type: 'A', status: 'NOERROR', what: 'a wildcard CNAME to A' },
  { q: 'Mixed.HoStS.Wild.EXAMPLE.', type: 'A', status: 'NOERROR', what: 'a mixed-case name under a wildcard' },
  { q: '*.hosts.wild.example.', type: 'A', status: 'NOERROR', what: 'the wildcard asked by name' },
  { q: '*.x.hosts.wild.example.', type: 'A', status: 'NOERROR', what: 'a name starting with * that a wildcard answers' },
  { q: '*.x.hosts.compact.example.', type: 'A', status: 'NOERROR', what: 'compact denial: a name starting with * that a wildcard answers' },
  { q: 'known.hosts.wild.example.', type: 'AAAA', status: 'NOERROR', what: 'NODATA at a name beside a wildcard' },
  { q: 'x.known.hosts.wild.example.', type: 'A', status: 'NXDOMAIN', what: 'a name below a name beside a wildcard' },
  { q: '_imaps._tcp.wild.example.', type: 'SRV', status: 'NOERROR', what: 'SRV whose target only a wildcard covers' },
  { q: 'x.hosts.compact.example.', type: 'A', status: 'NOERROR', what: 'compact denial: a wildcard answer (RFC 9824 §3.3)' },
  { q: 'x.hosts.compact.example.', type: 'MX', status: 'NOERROR', what: 'compact denial: wildcard NODATA' },
  { q: 'Img.CDN.compact.example.', type: 'A', status: 'NOERROR', what: 'compact denial: a wildcard CNAME, mixed case' },
];

describe.skipIf(!ready)('unbound validates (AD)', () => {
  it.each(CASES)('$what: $q $type', ({ q, type, status }) => {
    const r = dig(unbound.port, q, type);
    expect(r.status, r.text).toBe(status);
    expect(r.flags, r.text).toContain('ad');
  });

  it('the SRV answer carries its targets\' addresses, signed', () => {
    const r = dig(server.port, '_imaps._tcp.example.com.', 'SRV', ['+norec']);
    expect(r.additional.filter((l) => /\tRRSIG\t(A|AAAA) /.test(l))).toHaveLength(2);
  });

  it('a wildcard answer from discodns: the wildcard\'s RRSIG (labels 3) and the NSEC covering the next closer name', () => {
    const r = dig(server.port, 'x.hosts.wild.example.', 'A', ['+norec']);
    expect(r.answer.some((l) => /^x\.hosts\.wild\.example\.\s+\d+\s+IN\s+RRSIG\s+A 13 3 /.test(l)), r.text).toBe(true);
    expect(r.authority.filter((l) => /\sIN\s+NSEC\s/.test(l)), r.text).toHaveLength(1);
    const viaUnbound = dig(unbound.port, 'x.hosts.wild.example.', 'A');
    expect(viaUnbound.answer.some((l) => /\sA\s+192\.0\.2\.20$/.test(l)), viaUnbound.text).toBe(true);
  });

  it('a burst of nonexistent names in one NSEC interval costs discodns one query (aggressive NSEC, RFC 8198)', async () => {
    expect(dig(unbound.port, 'burst-first.example.com.', 'A').status).toBe('NXDOMAIN');
    const before = await metric('discodns_queries_total');
    for (let i = 0; i < 20; i++) expect(dig(unbound.port, `burst${i}-${Date.now()}.example.com.`, 'A').status).toBe('NXDOMAIN');
    expect((await metric('discodns_queries_total')) - before).toBeLessThanOrEqual(2);
  });
});

describe.skipIf(!ready)('a DO=1 random-subdomain flood', () => {
  it('makes no signature per name asked (discodns_dnssec_signatures_total)', async () => {
    const ask = (qname: string) => udpExchange(server.port, buildQuery({ id: 5, qname, qtype: 1, edns: { udpSize: 1232, do: true } }));
    await ask('warm.example.com.');
    await ask('warm.shop.example.');
    const before = await metric('discodns_dnssec_signatures_total');
    for (let i = 0; i < 1000; i++) await ask(`${Math.random().toString(36).slice(2)}.${i % 2 ? 'example.com' : 'shop.example'}.`);
    const made = (await metric('discodns_dnssec_signatures_total')) - before;
    // At most every NSEC of the two zones once: never one per name.
    expect(made).toBeLessThan(40);
    expect(await metric('discodns_dnssec_zone_store_size')).toBeLessThan(100);
  });
});

describe.skipIf(!ready)('a DO=1 flood under a wildcard', () => {
  it('makes no signature per name asked (discodns_dnssec_signatures_total)', async () => {
    const ask = (qname: string, qtype = 1) => udpExchange(server.port, buildQuery({ id: 6, qname, qtype, edns: { udpSize: 1232, do: true } }));
    await ask('warm.hosts.wild.example.');
    await ask('warm.hosts.wild.example.', 28);
    await ask('zzz.hosts.wild.example.');
    const before = await metric('discodns_dnssec_signatures_total');
    for (let i = 0; i < 500; i++) await ask(`${Math.random().toString(36).slice(2)}.hosts.wild.example.`, i % 2 ? 1 : 28);
    // The A and AAAA of *.hosts and the NSECs below it are signed already: nothing per name.
    expect((await metric('discodns_dnssec_signatures_total')) - before).toBeLessThanOrEqual(2);
  });
});

describe.skipIf(!ready)('delv: fully validated', () => {
  it.each(CASES.filter((c) => !c.q.includes('compact')))('$what: $q $type', ({ q, type }) => {
    const root = ZONES.find((z) => q.toLowerCase().endsWith(z))!;
    expect(delv(server.port, delvAnchors, root, q, type)).toMatch(/; (negative response, )?fully validated/);
  });
});

describe.skipIf(!ready)('a key the resolver does not trust', () => {
  it('gives SERVFAIL', async () => {
    const wrong = dsOf(name('example.com.'), fixedKey('not the key discodns signs with', 13).dnskey);
    const other = await startUnbound([`example.com. 3600 IN DS ${wrong.keyTag} 13 2 ${wrong.digest.toString('hex')}`], [{ zone: 'example.com.', port: server.port }]);
    try {
      for (const [q, t] of [['_imaps._tcp.example.com.', 'SRV'], ['nope.example.com.', 'A']] as const) {
        const r = dig(other.port, q, t);
        expect(r.status, r.text).toBe('SERVFAIL');
      }
    } finally {
      await other.stop();
    }
  });
});
