// A signed zone with two delegations, as real peers on loopback see it: parent.example (signed)
// cuts at secure.parent.example (a DS for the child's real key) and at insecure.parent.example (no
// DS), with glue below both cuts; a second discodns serves the children. What each part shows:
// - `export --signed` and an AXFR of the running zone pass ldns-verify-zone, dnssec-verify and
//   kzonecheck: NS at the cuts and glue unsigned, DS signed, the NSEC chain over the cuts and not
//   the glue (RFC 4035 §2.2, §2.3); a flipped bit in the DS's or the cut NSEC's RRSIG fails all three.
// - delv (+root, static anchor) validates the DS at the secure cut and the no-DS proof at the
//   insecure one. delv and unbound cannot follow a referral to a child on a port other than 53,
//   so drill -S checks the referral itself: the cut's NSEC in it proves the delegation insecure
//   (RFC 4035 §3.1.4, §5.2). unbound, with stubs for the parent and the children, validates the
//   chain into the secure child through the DS discodns serves (AD), and finds the insecure
//   child's answers insecure, not bogus.
// - One discodns serving the parent and both children answers DS at a child's apex from the
//   parent (RFC 4035 §3.1.4.1): delv walks the whole chain from it, unbound validates the secure
//   child and finds the unsigned one insecure (before, both were SERVFAIL: the child's NODATA).
// - Knot, a plain secondary (no dnssec-signing), transfers the zone over TSIG and serves it
//   unchanged: the same serial, discodns's own signatures, answers delv fully validates, and DO=1
//   answers around the cuts equal to discodns's record for record; a change arrives by NOTIFY
//   and an AXFR-style IXFR and validates there too. NSD, which serves only pre-signed zones,
//   serves the transferred zone and delv validates it there as well.
// Each of these fails when discodns drops the NSEC from an insecure referral, signs the NS set at
// a cut or the glue, links glue into the NSEC chain, lists DS at a cut without one, or leaves a DS
// unsigned (checked by breaking each in src/ once).

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../support/cli.js';
import { startDiscodns, type RunningDiscodns } from '../support/discodns.js';
import { installed } from '../support/dnssec.js';
import { servedSerial, startKnotSecondary, startNsdSecondary, waitFor, type Secondary } from '../support/secondaries.js';
import { freePort } from '../support/knot.js';
import { delv, dig, startUnbound, type Unbound } from '../support/unbound.js';

const ZONE = 'parent.example.';
const SECRET = randomBytes(32).toString('base64');

/** The parent: services, glue for both cuts, and a DS (the child's real one) at the secure cut. */
const parentYaml = (childDs: string, glue = true): string => `zone: parent.example
dnssec: on
nameservers: [ns1]
soa: { serial: 2026120601 }
external: [elsewhere.example]
hosts:
  ns1: 192.0.2.53
  mail: [192.0.2.10, 2001:db8::10]
${glue ? '  ns1.secure: 192.0.2.60\n  ns1.insecure: [192.0.2.61, 2001:db8::61]\n' : ''}mx: [mail]
services:
  imaps: mail
  submissions: mail:465
records:
  - 'secure NS ns1.secure.parent.example.'
  - 'secure DS ${childDs}'
  - 'insecure NS ns1.insecure.parent.example.'
  - 'insecure NS ns.elsewhere.example.'
`;

const SECURE_CHILD = `zone: secure.parent.example
dnssec: on
nameservers: [ns1]
hosts:
  ns1: 192.0.2.60
  www: 192.0.2.80
`;

const INSECURE_CHILD = `zone: insecure.parent.example
nameservers: [ns1]
hosts:
  ns1: [192.0.2.61, 2001:db8::61]
  www: 192.0.2.81
`;

const tools = {
  checkers: ['ldns-verify-zone', 'dnssec-verify', 'kzonecheck'].every(installed),
  kdig: installed('kdig'),
  delv: installed('delv') && installed('dig'),
  drill: installed('drill'),
  unbound: installed('unbound') && installed('unbound-checkconf') && installed('dig'),
  knot: installed('knotd') && installed('knotc') && installed('delv') && installed('dig'),
  nsd: installed('nsd') && installed('nsd-checkconf') && installed('delv'),
};

let dir: string;
let parent: RunningDiscodns | undefined;
let children: RunningDiscodns | undefined;
/** The parent and both children in one server (glue then belongs to the children's definitions). */
let together: RunningDiscodns | undefined;
let unbound: Unbound | undefined;
let unboundTogether: Unbound | undefined;
let knot: Secondary | undefined;
let nsd: Secondary | undefined;
let knotPort: number;
let parentZones: string;
let childDsText: string;
/** `discodns ds parent.example`: the DS line, the anchor of every validator here. */
let anchorDs: string;
/** The anchor as a file of DS lines (ldns-verify-zone -k, drill -k) and as delv's trust-anchors. */
let anchorFile: string;
let delvAnchors: string;
let exported: string;

function run(cmd: string, args: string[]): { code: number; out: string } {
  const r = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

/** The three checkers' exit codes on a signed zone file. */
function verifyAll(file: string): { ldns: number; bind: number; knot: number } {
  return {
    ldns: run('ldns-verify-zone', ['-k', anchorFile, file]).code,
    bind: run('dnssec-verify', ['-z', '-o', ZONE, file]).code,
    knot: run('kzonecheck', ['-o', ZONE, '-d', 'on', file]).code,
  };
}

/** Zone text as fields per record: owner, ttl, class, type, rdata (tabs as export writes them). */
function records(text: string): string[][] {
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith(';') && !l.startsWith('$'))
    .map((l) => {
      const [owner, ttl, cls, type, ...rest] = l.split(/\s+/);
      return [owner!, ttl!, cls!, type!, rest.join(' ')];
    });
}

/** The zone text with one bit of the RRSIG at `owner` over `covered` flipped. */
function flipOneBit(text: string, owner: string, covered: string): string {
  let done = false;
  const out = text.split('\n').map((line) => {
    const f = line.split('\t');
    if (done || f[0] !== owner || f[3] !== 'RRSIG' || !f[4]?.startsWith(`${covered} `)) return line;
    done = true;
    const parts = f[4].split(' ');
    const sig = Buffer.from(parts[parts.length - 1]!, 'base64');
    sig[10] = sig[10]! ^ 0x01;
    parts[parts.length - 1] = sig.toString('base64');
    return [...f.slice(0, 4), parts.join(' ')].join('\t');
  });
  if (!done) throw new Error(`no RRSIG ${covered} at ${owner}`);
  return out.join('\n');
}

beforeAll(async () => {
  dir = tempDir({}, 'discodns-signed-peers-');
  const childZones = path.join(dir, 'children');
  parentZones = path.join(dir, 'parent');
  mkdirSync(childZones);
  mkdirSync(parentZones);
  writeFileSync(path.join(childZones, 'secure.yaml'), SECURE_CHILD);
  writeFileSync(path.join(childZones, 'insecure.yaml'), INSECURE_CHILD);
  const childArgs = ['--zones', childZones, '--state', path.join(dir, 'child-state')];
  const childDs = (await cli(['ds', 'secure.parent.example', ...childArgs])).stdout.split('\n').find((l) => l.includes('\tDS\t'));
  if (!childDs) throw new Error('discodns ds secure.parent.example printed no DS');
  childDsText = childDs.split('\t')[4]!;
  writeFileSync(path.join(parentZones, 'parent.yaml'), parentYaml(childDsText));

  const keyFile = path.join(dir, 'xfr.key');
  writeFileSync(keyFile, `key "xfr" {\n\talgorithm hmac-sha256;\n\tsecret "${SECRET}";\n};\n`);
  chmodSync(keyFile, 0o600);
  const config = path.join(dir, 'config.json');
  knotPort = await freePort();
  writeFileSync(config, JSON.stringify({ tsig: { keyFiles: [keyFile] }, transfer: { allow: ['127.0.0.1', 'key xfr'] }, notify: [{ address: '127.0.0.1', port: knotPort, key: 'xfr' }] }));
  const parentArgs = ['--zones', parentZones, '--state', path.join(dir, 'state'), '--config', config];

  const ds = await cli(['ds', ZONE, ...parentArgs]);
  anchorDs = ds.stdout.split('\n').find((l) => l.includes('\tDS\t')) ?? '';
  if (!anchorDs) throw new Error(`discodns ds ${ZONE}: ${ds.stderr}`);
  anchorFile = path.join(dir, 'anchor.ds');
  writeFileSync(anchorFile, `${anchorDs}\n`);
  const f = anchorDs.split(/\s+/);
  delvAnchors = path.join(dir, 'anchors.conf');
  writeFileSync(delvAnchors, `trust-anchors {\n  ${f[0]} static-ds ${f[4]} ${f[5]} ${f[6]} "${f[7]}";\n};\n`);
  const exportRun = await cli(['export', '--signed', ...parentArgs, ZONE]);
  if (exportRun.code !== 0) throw new Error(`export --signed: ${exportRun.stderr}`);
  exported = exportRun.stdout;

  // The same zones and keys in one server.
  const togetherZones = path.join(dir, 'together');
  mkdirSync(togetherZones);
  writeFileSync(path.join(togetherZones, 'parent.yaml'), parentYaml(childDs.split('\t')[4]!, false));
  writeFileSync(path.join(togetherZones, 'secure.yaml'), SECURE_CHILD);
  writeFileSync(path.join(togetherZones, 'insecure.yaml'), INSECURE_CHILD);
  for (const [state, zone] of [['state', 'parent.example'], ['child-state', 'secure.parent.example']] as const) {
    cpSync(path.join(dir, state, 'keys', zone), path.join(dir, 'together-state', 'keys', zone), { recursive: true });
  }

  [parent, children, together] = await Promise.all([
    startDiscodns(parentZones, ['--state', path.join(dir, 'state'), '--config', config]),
    startDiscodns(childZones, ['--state', path.join(dir, 'child-state')]),
    startDiscodns(togetherZones, ['--state', path.join(dir, 'together-state')]),
  ]);
  const started = await Promise.allSettled([
    tools.unbound
      ? startUnbound([anchorDs], [
          { zone: ZONE, port: parent.port },
          { zone: 'secure.parent.example.', port: children.port },
          { zone: 'insecure.parent.example.', port: children.port },
        ])
      : undefined,
    tools.knot ? startKnotSecondary({ primaryPort: parent.port, keyName: 'xfr', secret: SECRET, zones: [ZONE], port: knotPort }) : undefined,
    tools.unbound ? startUnbound([anchorDs], [{ zone: ZONE, port: together.port }]) : undefined,
    tools.nsd ? startNsdSecondary({ primaryPort: parent.port, keyName: 'xfr', secret: SECRET, zones: [ZONE] }) : undefined,
  ]);
  if (started[0].status === 'fulfilled') unbound = started[0].value;
  if (started[1].status === 'fulfilled') knot = started[1].value;
  if (started[2].status === 'fulfilled') unboundTogether = started[2].value;
  if (started[3].status === 'fulfilled') nsd = started[3].value;
  for (const s of started) if (s.status === 'rejected') throw s.reason;
}, 60_000);

afterAll(async () => {
  await Promise.all([unbound?.stop(), unboundTogether?.stop(), knot?.stop(), nsd?.stop(), parent?.stop(), children?.stop(), together?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('export --signed of a zone with a secure and an insecure delegation (RFC 4035 §2.2, §2.3)', () => {
  it('signs DS and the NSEC at each cut, not the NS set there nor the glue; the chain skips the glue', () => {
    const rrs = records(exported);
    const at = (owner: string) => rrs.filter((r) => r[0] === owner);
    const types = (owner: string) => at(owner).map((r) => (r[3] === 'RRSIG' ? `RRSIG ${r[4]!.split(' ')[0]}` : r[3]));
    expect(new Set(types('secure.parent.example.'))).toEqual(new Set(['NS', 'DS', 'RRSIG DS', 'NSEC', 'RRSIG NSEC']));
    expect(new Set(types('insecure.parent.example.'))).toEqual(new Set(['NS', 'NSEC', 'RRSIG NSEC']));
    expect(at('secure.parent.example.').find((r) => r[3] === 'NSEC')![4]).toMatch(/ NS DS RRSIG NSEC$/);
    expect(at('insecure.parent.example.').find((r) => r[3] === 'NSEC')![4]).toMatch(/ NS RRSIG NSEC$/);
    expect(types('ns1.secure.parent.example.')).toEqual(['A']);
    expect(new Set(types('ns1.insecure.parent.example.'))).toEqual(new Set(['A', 'AAAA']));
  });

  it.skipIf(!tools.checkers)('passes ldns-verify-zone -k, dnssec-verify -z and kzonecheck -d on; a flipped bit in the RRSIG over the DS, or over the insecure cut\'s NSEC, fails all three', () => {
    const file = path.join(dir, 'exported.zone');
    writeFileSync(file, exported);
    expect(verifyAll(file)).toEqual({ ldns: 0, bind: 0, knot: 0 });
    for (const [owner, covered] of [['secure.parent.example.', 'DS'], ['insecure.parent.example.', 'NSEC']] as const) {
      const broken = path.join(dir, `broken-${covered}.zone`);
      writeFileSync(broken, flipOneBit(exported, owner, covered));
      const bad = verifyAll(broken);
      expect(bad.ldns, `ldns-verify-zone, ${owner} ${covered}`).not.toBe(0);
      expect(bad.bind, `dnssec-verify, ${owner} ${covered}`).not.toBe(0);
      expect(bad.knot, `kzonecheck, ${owner} ${covered}`).not.toBe(0);
    }
  });
});

describe.skipIf(!tools.kdig)('kdig AXFR of the running signed zone (RFC 5936)', () => {
  let axfr: string;
  beforeAll(() => {
    const r = run('kdig', ['@127.0.0.1', '-p', String(parent!.port), ZONE, 'AXFR', '+nocomments', '+nostats', '+noheader']);
    // The closing SOA of the transfer is not part of the zone file.
    const lines = r.out.split('\n').filter((l) => l && !l.startsWith(';'));
    expect(lines[0]).toMatch(/\tSOA\t/);
    expect(lines[lines.length - 1]).toMatch(/\tSOA\t/);
    axfr = lines.slice(0, -1).join('\n') + '\n';
  });

  it('carries the records export --signed writes: every RRSIG and NSEC, NS at the cuts and glue unsigned', () => {
    // Signatures differ in their bytes (ECDSA), not in what they cover.
    const shape = (text: string) => records(text).map((r) => (r[3] === 'RRSIG' ? [r[0], r[3], r[4]!.split(' ').slice(0, 3).join(' ')] : r).join(' ').toLowerCase()).sort();
    expect(shape(axfr)).toEqual(shape(exported));
    expect(records(axfr).length).toBeGreaterThan(40);
  });

  it.skipIf(!tools.checkers)('saved, passes ldns-verify-zone -k, dnssec-verify -z and kzonecheck -d on', () => {
    const file = path.join(dir, 'axfr.zone');
    writeFileSync(file, axfr);
    expect(verifyAll(file)).toEqual({ ldns: 0, bind: 0, knot: 0 });
  });
});

describe.skipIf(!tools.delv)('delv (+root=parent.example, static anchor): fully validated', () => {
  it.each([
    { q: '_imaps._tcp.parent.example.', type: 'SRV', want: /^; fully validated/m, what: 'an SRV answer' },
    { q: 'nope.parent.example.', type: 'A', want: /^; negative response, fully validated/m, what: 'a name that does not exist (NXDOMAIN)' },
    { q: 'secure.parent.example.', type: 'DS', want: /^; fully validated\nsecure\.parent\.example\.\s.*\tDS\t/m, what: 'the DS at the secure cut, signed by the parent (RFC 4035 §2.4)' },
    { q: 'insecure.parent.example.', type: 'DS', want: /^; negative response, fully validated/m, what: 'no DS at the insecure cut: its NSEC lists NS, not DS (RFC 4035 §5.2)' },
  ])('$what: $q $type', ({ q, type, want }) => {
    expect(delv(parent!.port, delvAnchors, ZONE, q, type)).toMatch(want);
  });
});

describe.skipIf(!tools.drill)('drill -S follows a referral from the signed parent (RFC 4035 §3.1.4)', () => {
  it.each(['www.insecure.parent.example.', 'insecure.parent.example.', 'a.b.insecure.parent.example.'])('%s A: the referral\'s NSEC at the cut proves the delegation insecure', (q) => {
    const r = run('drill', ['-S', '-k', anchorFile, '-p', String(parent!.port), '@127.0.0.1', q, 'A']);
    expect(r.out).toMatch(/insecure\.parent\.example\. \(NSEC mail\.parent\.example\. NS RRSIG NSEC \)\n\s*\|---parent\.example\. \(DNSKEY keytag: \d+ alg: 13 flags: 257\)/);
    expect(r.out).toMatch(/Existence denied or verifiably insecure\n;; Chase successful/);
  });
});

describe.skipIf(!installed('dig'))('the referrals discodns sends from a signed zone (RFC 4035 §3.1.4)', () => {
  it('insecure: NS and glue unsigned, the cut\'s NSEC and its RRSIG, no AA', () => {
    const r = dig(parent!.port, 'www.insecure.parent.example.', 'A', ['+norec']);
    expect(r.flags, r.text).not.toContain('aa');
    expect(r.authority.map((l) => l.split(/\s+/)[3]).sort(), r.text).toEqual(['NS', 'NS', 'NSEC', 'RRSIG']);
    expect(r.additional.map((l) => l.split(/\s+/)[3]).sort(), r.text).toEqual(['A', 'AAAA']);
  });
  it('secure: NS unsigned, the DS and its RRSIG, glue unsigned, no AA', () => {
    const r = dig(parent!.port, 'www.secure.parent.example.', 'A', ['+norec']);
    expect(r.flags, r.text).not.toContain('aa');
    expect(r.authority.map((l) => l.split(/\s+/)[3]).sort(), r.text).toEqual(['DS', 'NS', 'RRSIG']);
    expect(r.additional.map((l) => l.split(/\s+/)[3]).sort(), r.text).toEqual(['A']);
  });
});

describe.skipIf(!tools.unbound)('unbound (anchor for parent.example, stubs to the parent and to the children)', () => {
  it.each([
    { q: '_imaps._tcp.parent.example.', type: 'SRV', status: 'NOERROR', ad: true, what: 'an SRV answer of the parent' },
    { q: 'nope.parent.example.', type: 'A', status: 'NXDOMAIN', ad: true, what: 'NXDOMAIN in the parent' },
    { q: 'secure.parent.example.', type: 'DS', status: 'NOERROR', ad: true, what: 'the DS at the secure cut' },
    { q: 'insecure.parent.example.', type: 'DS', status: 'NOERROR', ad: true, what: 'no DS at the insecure cut (NODATA)' },
    { q: 'www.secure.parent.example.', type: 'A', status: 'NOERROR', ad: true, what: 'the secure child, through the DS discodns serves for it' },
    { q: 'nope.secure.parent.example.', type: 'A', status: 'NXDOMAIN', ad: true, what: 'NXDOMAIN in the secure child' },
    { q: 'www.insecure.parent.example.', type: 'A', status: 'NOERROR', ad: false, what: 'the insecure child: proven insecure, answered, not bogus' },
  ])('$what: $q $type → $status, AD $ad', ({ q, type, status, ad }) => {
    const r = dig(unbound!.port, q, type);
    expect(r.status, `${r.text}\n${unbound!.log.join('')}`).toBe(status);
    if (ad) expect(r.flags, r.text).toContain('ad');
    else expect(r.flags, r.text).not.toContain('ad');
  });
});

// RFC 4035 §3.1.4.1: a server authoritative for the parent and the child answers DS from the
// parent; delv, asking everything of that one server, then walks the whole chain.
describe('one server for the parent and both children: DS comes from the parent', () => {
  it.skipIf(!tools.delv).each([
    { q: 'www.secure.parent.example.', type: 'A', want: /^; fully validated\nwww\.secure/m, what: 'the secure child, through the parent\'s DS' },
    { q: 'secure.parent.example.', type: 'DS', want: /^; fully validated\nsecure\.parent\.example\.\s.*\tDS\t/m, what: 'the DS at the secure child\'s apex' },
    { q: 'insecure.parent.example.', type: 'DS', want: /^; negative response, fully validated/m, what: 'no DS at the unsigned child\'s apex' },
    { q: 'www.insecure.parent.example.', type: 'A', want: /^; unsigned answer\nwww\.insecure/m, what: 'the unsigned child, proven insecure' },
  ])('delv: $what ($q $type)', ({ q, type, want }) => {
    expect(delv(together!.port, delvAnchors, ZONE, q, type)).toMatch(want);
  });

  it.skipIf(!tools.unbound).each([
    { q: 'www.secure.parent.example.', type: 'A', ad: true },
    { q: 'nope.secure.parent.example.', type: 'A', ad: true },
    { q: 'www.insecure.parent.example.', type: 'A', ad: false },
  ])('unbound, one stub for parent.example: $q $type answered, AD $ad', ({ q, type, ad }) => {
    const r = dig(unboundTogether!.port, q, type);
    expect(r.status, `${r.text}\n${unboundTogether!.log.join('')}`).toBe(q.startsWith('nope') ? 'NXDOMAIN' : 'NOERROR');
    if (ad) expect(r.flags, r.text).toContain('ad');
    else expect(r.flags, r.text).not.toContain('ad');
  });
});

describe.skipIf(!tools.knot)('Knot as a plain secondary of the signed zone (TSIG, no dnssec-signing)', () => {
  beforeAll(async () => {
    const serial = await servedSerial(parent!.port, ZONE);
    const same = await waitFor(20_000, async () => ((await servedSerial(knot!.port, ZONE)) === serial ? true : undefined));
    expect(same, `Knot did not serve serial ${serial}\n${await knot!.log()}`).toBe(true);
  }, 30_000);

  it('serves the serial discodns serves', async () => {
    expect(await servedSerial(knot!.port, ZONE)).toBe(2026120601);
  });

  it('serves discodns\'s own signatures: it did not re-sign', () => {
    for (const [q, t] of [[ZONE, 'SOA'], ['_imaps._tcp.parent.example.', 'SRV'], ['secure.parent.example.', 'DS']] as const) {
      const rrsig = (port: number) => dig(port, q, t, ['+norec']).answer.filter((l) => /\tRRSIG\t/.test(l));
      const ours = rrsig(parent!.port);
      expect(ours).toHaveLength(1);
      expect(rrsig(knot!.port)).toEqual(ours);
    }
  });

  it.each([
    { q: '_imaps._tcp.parent.example.', type: 'SRV', want: /^; fully validated/m, what: 'an SRV answer' },
    { q: 'nope.parent.example.', type: 'A', want: /^; negative response, fully validated/m, what: 'NXDOMAIN' },
    { q: 'secure.parent.example.', type: 'DS', want: /^; fully validated\nsecure\.parent\.example\.\s.*\tDS\t/m, what: 'the DS at the secure cut' },
    { q: 'insecure.parent.example.', type: 'DS', want: /^; negative response, fully validated/m, what: 'no DS at the insecure cut' },
  ])('delv against Knot with discodns\'s anchor: $what ($q $type) fully validated', ({ q, type, want }) => {
    expect(delv(knot!.port, delvAnchors, ZONE, q, type)).toMatch(want);
  });

  it.skipIf(!tools.drill)('Knot\'s referral at the insecure cut carries discodns\'s NSEC proof, which drill -S accepts', () => {
    const r = run('drill', ['-S', '-k', anchorFile, '-p', String(knot!.port), '@127.0.0.1', 'www.insecure.parent.example.', 'A']);
    expect(r.out).toMatch(/Existence denied or verifiably insecure\n;; Chase successful/);
  });

  const QUERIES: [string, string][] = [
    ['secure.parent.example.', 'DS'], ['insecure.parent.example.', 'DS'], ['secure.parent.example.', 'NS'], ['insecure.parent.example.', 'NS'],
    ['www.secure.parent.example.', 'A'], ['www.insecure.parent.example.', 'A'], ['ns1.insecure.parent.example.', 'A'], ['ns1.secure.parent.example.', 'AAAA'],
    ['www.insecure.parent.example.', 'DS'], ['secure.parent.example.', 'A'], ['insecure.parent.example.', 'SOA'], ['insecure.parent.example.', 'NSEC'],
    ['secure.parent.example.', 'DNSKEY'], ['nope.parent.example.', 'A'], ['mail.parent.example.', 'TXT'], ['_tcp.parent.example.', 'SRV'],
    ['parent.example.', 'NSEC'], ['z.parent.example.', 'A'], ['secure.parent.example.', 'ANY'], ['insecure.parent.example.', 'RRSIG'],
    ['_imaps._tcp.parent.example.', 'SRV'], ['parent.example.', 'DNSKEY'], ['WWW.Insecure.Parent.Example.', 'A'], ['Secure.PARENT.example.', 'DS'],
  ];
  // Knot serves discodns's signatures: its answers, from the same data, are an oracle for ours.
  it.each(QUERIES)('answers DO=1 %s %s as discodns does, record for record', (q, t) => {
    const view = (port: number) => {
      const r = dig(port, q, t, ['+norec']);
      // Names compared without case (Knot compresses to the qname as asked, keeping its case); signatures exactly.
      const norm = (s: string[]) => s.map((l) => l.split(/\s+/).map((f, i, all) => (all[3] === 'RRSIG' && i > 11 ? f : f.toLowerCase())).join(' ')).sort();
      return { status: r.status, aa: r.flags.includes('aa'), answer: norm(r.answer), authority: norm(r.authority), additional: norm(r.additional) };
    };
    expect(view(parent!.port)).toEqual(view(knot!.port));
  });
});

// NSD serves only pre-signed zones: what discodns transfers is all it has.
describe.skipIf(!tools.nsd)('NSD as a secondary of the signed zone', () => {
  beforeAll(async () => {
    const same = await waitFor(20_000, async () => ((await servedSerial(nsd!.port, ZONE)) === 2026120601 ? true : undefined));
    expect(same, `NSD did not serve serial 2026120601\n${await nsd!.log()}`).toBe(true);
  }, 30_000);

  it.each([
    { q: '_imaps._tcp.parent.example.', type: 'SRV', want: /^; fully validated/m },
    { q: 'nope.parent.example.', type: 'A', want: /^; negative response, fully validated/m },
    { q: 'secure.parent.example.', type: 'DS', want: /^; fully validated\nsecure\.parent\.example\.\s.*\tDS\t/m },
    { q: 'insecure.parent.example.', type: 'DS', want: /^; negative response, fully validated/m },
  ])('delv against NSD with discodns\'s anchor: $q $type', ({ q, type, want }) => {
    expect(delv(nsd!.port, delvAnchors, ZONE, q, type)).toMatch(want);
  });

  it.skipIf(!tools.drill)('NSD\'s referral at the insecure cut carries the NSEC proof, which drill -S accepts', () => {
    const r = run('drill', ['-S', '-k', anchorFile, '-p', String(nsd!.port), '@127.0.0.1', 'www.insecure.parent.example.', 'A']);
    expect(r.out).toMatch(/Existence denied or verifiably insecure\n;; Chase successful/);
  });
});

// Last: it changes the parent. RFC 1996 NOTIFY, then the transfer (IXFR of a signed zone is
// answered whole, AXFR-style, RFC 1995 §4): Knot serves the new version, still discodns's.
describe.skipIf(!tools.knot)('a change of the signed zone reaches Knot', () => {
  it('within 5 s of the reload, with the new serial, and its new data and new NSEC validate', async () => {
    const yaml = parentYaml(childDsText).replace('serial: 2026120601', 'serial: 2026120602').replace('  submissions: mail:465\n', '  submissions: mail:465\n  jmap: mail\n');
    writeFileSync(path.join(parentZones, 'parent.yaml'), yaml);
    const reloads = parent!.stdout.filter((l) => l.includes('"msg":"reloaded')).length;
    process.kill(parent!.pid, 'SIGHUP');
    expect(await waitFor(10_000, async () => (parent!.stdout.filter((l) => l.includes('"msg":"reloaded')).length > reloads ? true : undefined))).toBe(true);
    expect(await servedSerial(parent!.port, ZONE)).toBe(2026120602);
    const took = await waitFor(5000, async () => ((await servedSerial(knot!.port, ZONE)) === 2026120602 ? true : undefined));
    expect(took, `Knot did not serve serial 2026120602 within 5 s\n${await knot!.log()}`).toBe(true);
    const log = await knot!.log();
    expect(log).toMatch(/\[parent\.example\.\] notify, incoming, .*serial 2026120602/);
    expect(log).toMatch(/\[parent\.example\.\] IXFR, incoming, .*AXFR-style IXFR/);
    expect(delv(knot!.port, delvAnchors, ZONE, '_jmap._tcp.parent.example.', 'SRV')).toMatch(/^; fully validated/m);
    // The NSEC chain changed with the new name: the denial of a name beside it still validates.
    expect(delv(knot!.port, delvAnchors, ZONE, '_a._tcp.parent.example.', 'SRV')).toMatch(/^; negative response, fully validated/m);
    for (const [q, t] of [['_jmap._tcp.parent.example.', 'SRV'], ['_a._tcp.parent.example.', 'SRV'], ['insecure.parent.example.', 'DS']] as const) {
      const view = (port: number) => {
        const r = dig(port, q, t, ['+norec']);
        return [...r.answer, ...r.authority].map((l) => l.split(/\s+/).join(' ')).sort();
      };
      expect(view(knot!.port)).toEqual(view(parent!.port));
    }
  }, 30_000);
});
