// Zone transfers from the running server (RFC 5936, RFC 1995, RFC 8945): refused unless the
// source or the TSIG key is allowed, and then no zone data leaves; allowed, every message of a
// transfer larger than 64 KiB signed, which kdig and dig verify; several transfers and queries
// on one connection; IXFR increments after a reload.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { name } from '../../src/dns/name.js';
import { DecodeError, decodeMessage, type DecodedMessage } from '../../src/wire/decode.js';
import { findTsig, sign, type TsigKey } from '../../src/wire/tsig.js';
import { startDiscodns, type RunningDiscodns } from '../support/discodns.js';
import { onPath, waitFor } from '../support/secondaries.js';
import { buildQuery, encodeName } from '../support/query.js';

const execFileP = promisify(execFile);
const SECRET = randomBytes(32);
const OTHER = randomBytes(32);
const xfr: TsigKey = { name: name('xfr.'), algorithm: 'hmac-sha256', secret: SECRET };
const other: TsigKey = { name: name('other.'), algorithm: 'hmac-sha256', secret: OTHER };
const now = (): number => Math.floor(Date.now() / 1000);

/** A zone over 64 KiB: 1,500 TXT records of 60 bytes. */
function bigZone(): string {
  const lines = ['zone: big.test', 'nameservers: [ns1.provider.example.]', 'soa: { serial: 10 }', 'records:'];
  for (let i = 0; i < 1500; i++) lines.push(`  - 'r${i} TXT "${'x'.repeat(60)}"'`);
  return lines.join('\n') + '\n';
}

const SMALL = (serial: number, extra = ''): string => `zone: small.test\nnameservers: [ns1.provider.example.]\nsoa: { serial: ${serial} }\nhosts:\n  mail: 192.0.2.10\n${extra}`;

/** Sends `msg` over TCP and reads messages until the transfer's closing SOA, an error rcode, or the count. */
function transfer(port: number, msgs: Buffer[], until: (replies: DecodedMessage[]) => boolean, timeoutMs = 5000): Promise<{ raw: Buffer[]; decoded: DecodedMessage[] }> {
  return new Promise((resolve, reject) => {
    const raw: Buffer[] = [];
    const decoded: DecodedMessage[] = [];
    let buf = Buffer.alloc(0);
    const sock = connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => {
      sock.destroy();
      resolve({ raw, decoded });
    }, timeoutMs);
    sock.on('connect', () => sock.write(Buffer.concat(msgs.map((m) => Buffer.concat([Buffer.from([m.length >> 8, m.length & 0xff]), m])))));
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const m = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + m.length);
        const d = decodeMessage(m);
        if (d instanceof DecodeError) return reject(d);
        raw.push(Buffer.from(m));
        decoded.push(d);
      }
      if (until(decoded)) {
        clearTimeout(timer);
        sock.destroy();
        resolve({ raw, decoded });
      }
    });
    sock.on('error', reject);
  });
}

/** Done after one message with an error rcode, or after the second SOA of `count` transfers. */
const transfersDone =
  (count = 1) =>
  (r: DecodedMessage[]): boolean =>
    r.some((m) => m.rcode !== 0) || r.flatMap((m) => m.answer).filter((a) => a.type === 6).length >= 2 * count;

function query(qname: string, qtype: number, id = 1): Buffer {
  return buildQuery({ id, qname, qtype });
}

/** An IXFR request: the client's SOA in authority (RFC 1995 §3). */
function ixfrQuery(zone: string, serial: number, id = 2): Buffer {
  const q = buildQuery({ id, qname: zone, qtype: 251 });
  q.writeUInt16BE(1, 8); // NSCOUNT
  const owner = encodeName(zone);
  const rdata = Buffer.concat([Buffer.from([0]), Buffer.from([0]), Buffer.alloc(20)]);
  rdata.writeUInt32BE(serial, 2);
  const head = Buffer.alloc(10);
  head.writeUInt16BE(6, 0);
  head.writeUInt16BE(1, 2);
  head.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([q, owner, head, rdata]);
}

const signed = (msg: Buffer, key: TsigKey, time = now()): Buffer => sign(msg, key, { chain: { kind: 'request' }, timeSigned: time }).message;

describe('zone transfers from the running server', () => {
  let dir: string;
  let server: RunningDiscodns;
  const keyFile = (): string => join(dir, 'keys.conf');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'discodns-xfr-'));
    await import('node:fs/promises').then((fs) => fs.mkdir(join(dir, 'zones')));
    await writeFile(join(dir, 'zones', 'big.yaml'), bigZone());
    await writeFile(join(dir, 'zones', 'small.yaml'), SMALL(1));
    await writeFile(join(dir, 'zones', 'open.yaml'), 'zone: open.test\nnameservers: [ns1.provider.example.]\ntransfer: { allow: [127.0.0.1] }\n');
    await writeFile(join(dir, 'zones', 'closed.yaml'), 'zone: closed.test\nnameservers: [ns1.provider.example.]\ntransfer: none\n');
    await writeFile(keyFile(), `key "xfr" { algorithm hmac-sha256; secret "${SECRET.toString('base64')}"; };\nkey "other" { algorithm hmac-sha256; secret "${OTHER.toString('base64')}"; };\n`, { mode: 0o600 });
    await writeFile(join(dir, 'config.json'), JSON.stringify({ tsig: { keyFiles: [keyFile()] }, transfer: { allow: ['key xfr', '192.0.2.0/24'] }, state: join(dir, 'state') }));
    server = await startDiscodns(join(dir, 'zones'), ['--config', join(dir, 'config.json'), '--state', join(dir, 'state')]);
  });
  afterAll(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  describe('refused, and no zone data leaves', () => {
    const noData = (m: DecodedMessage): void => {
      expect(m.answer).toEqual([]);
      expect(m.authority).toEqual([]);
    };
    it('AXFR without a key, from a source no prefix allows: REFUSED', async () => {
      const { decoded } = await transfer(server.port, [query('small.test', 252)], transfersDone());
      expect(decoded).toHaveLength(1);
      expect(decoded[0]!.rcode).toBe(5);
      noData(decoded[0]!);
    });
    it('AXFR signed with a configured key the ACL does not name: REFUSED, signed', async () => {
      const { decoded, raw } = await transfer(server.port, [signed(query('small.test', 252), other)], transfersDone());
      expect(decoded[0]!.rcode).toBe(5);
      noData(decoded[0]!);
      const tsig = findTsig(raw[0]!);
      expect(tsig && !(tsig instanceof DecodeError) && tsig.mac.length).toBe(32);
    });
    it('AXFR signed with an unknown key: NOTAUTH, TSIG error BADKEY (17), unsigned', async () => {
      const unknown: TsigKey = { ...xfr, name: name('nobody.') };
      const { decoded, raw } = await transfer(server.port, [signed(query('small.test', 252), unknown)], transfersDone());
      expect(decoded[0]!.rcode).toBe(9);
      noData(decoded[0]!);
      const tsig = findTsig(raw[0]!);
      expect(tsig instanceof DecodeError || tsig === undefined ? undefined : { error: tsig.error, mac: tsig.mac.length }).toEqual({ error: 17, mac: 0 });
    });
    it('AXFR signed with the wrong secret: NOTAUTH, BADSIG (16)', async () => {
      const wrong: TsigKey = { ...xfr, secret: randomBytes(32) };
      const { decoded, raw } = await transfer(server.port, [signed(query('small.test', 252), wrong)], transfersDone());
      expect(decoded[0]!.rcode).toBe(9);
      noData(decoded[0]!);
      const tsig = findTsig(raw[0]!);
      expect(tsig && !(tsig instanceof DecodeError) && tsig.error).toBe(16);
    });
    it('AXFR signed 10 minutes ago (fudge 300 s): NOTAUTH, BADTIME (18), signed, our time in Other Data', async () => {
      const { decoded, raw } = await transfer(server.port, [signed(query('small.test', 252), xfr, now() - 600)], transfersDone());
      expect(decoded[0]!.rcode).toBe(9);
      noData(decoded[0]!);
      const tsig = findTsig(raw[0]!);
      if (!tsig || tsig instanceof DecodeError) throw new Error('no TSIG');
      expect(tsig.error).toBe(18);
      expect(tsig.mac.length).toBe(32);
      expect(tsig.other.length).toBe(6);
      expect(Math.abs(tsig.other.readUIntBE(0, 6) - now())).toBeLessThan(5);
    });
    it('each refusal is logged once per source and zone per minute', async () => {
      for (let i = 0; i < 3; i++) await transfer(server.port, [query('big.test', 252, 10 + i)], transfersDone());
      const lines = server.stdout.filter((l) => l.includes('"msg":"transfer refused"') && l.includes('big.test.'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).not.toContain(SECRET.toString('base64'));
    });
  });

  describe("a definition's transfer: adds to the global rules, or with none removes them", () => {
    it('transfer: { allow: [127.0.0.1] }: unsigned from loopback, allowed', async () => {
      const { decoded } = await transfer(server.port, [query('open.test', 252)], transfersDone());
      expect(decoded[0]!.rcode).toBe(0);
      expect(decoded.flatMap((m) => m.answer).filter((a) => a.type === 6)).toHaveLength(2);
    });
    it('transfer: none: even the allowed key is refused', async () => {
      const { decoded } = await transfer(server.port, [signed(query('closed.test', 252), xfr)], transfersDone());
      expect(decoded[0]!.rcode).toBe(5);
      expect(decoded[0]!.answer).toEqual([]);
    });
  });

  describe('allowed by key', () => {
    it('AXFR of a zone over 64 KiB: SOA first and last, several messages, the question in the first only, each signed', async () => {
      const { decoded, raw } = await transfer(server.port, [signed(query('big.test', 252), xfr)], transfersDone());
      expect(decoded.length).toBeGreaterThan(1);
      for (const r of raw) expect(r.length).toBeLessThanOrEqual(65535);
      expect(decoded.map((m) => m.questions.length)).toEqual([1, ...decoded.slice(1).map(() => 0)]);
      const records = decoded.flatMap((m) => m.answer);
      expect(records[0]!.type).toBe(6);
      expect(records[records.length - 1]!.type).toBe(6);
      expect(records.filter((r) => r.type === 16)).toHaveLength(1500);
      for (const r of raw) expect(findTsig(r)).toBeDefined();
    });

    it.skipIf(!onPath('kdig'))('kdig verifies every message of the signed transfer', async () => {
      const { stdout, stderr } = await execFileP('kdig', ['-y', `hmac-sha256:xfr:${SECRET.toString('base64')}`, '@127.0.0.1', '-p', String(server.port), 'big.test', 'AXFR']);
      expect(stderr).not.toMatch(/TSIG|signature/i);
      expect(stdout).toMatch(/Received \d+ B \((\d+) messages, 1503 records\)/);
      expect(Number(/\((\d+) messages/.exec(stdout)![1])).toBeGreaterThan(1);
    });

    it.skipIf(!onPath('dig'))('dig -y verifies it too, and a signed ordinary query gets a signed answer', async () => {
      const axfr = await execFileP('dig', ['-y', `hmac-sha256:xfr:${SECRET.toString('base64')}`, '@127.0.0.1', '-p', String(server.port), 'big.test', 'AXFR']);
      expect(axfr.stdout).not.toMatch(/Couldn't verify|tsig verify failure/i);
      expect(axfr.stdout).toMatch(/XFR size: 1503 records \(messages [2-9]/);
      const soa = await execFileP('dig', ['-y', `hmac-sha256:xfr:${SECRET.toString('base64')}`, '@127.0.0.1', '-p', String(server.port), 'small.test', 'SOA', '+norec']);
      expect(soa.stdout).toMatch(/status: NOERROR/);
      expect(soa.stdout).toMatch(/TSIG PSEUDOSECTION/);
      expect(soa.stdout).not.toMatch(/Couldn't verify/);
    });

    it('two transfers and a query on one connection, answered in order', async () => {
      const msgs = [signed(query('small.test', 252, 21), xfr), signed(query('small.test', 252, 22), xfr), query('mail.small.test', 1, 23)];
      const { decoded } = await transfer(server.port, msgs, (r) => r.some((m) => m.id === 23));
      expect(decoded.map((m) => m.id)).toEqual([21, 22, 23]);
      expect(decoded[2]!.answer[0]!.type).toBe(1);
    });

    it('IXFR: one SOA when current; the increment after a reload; the whole zone from a serial the history never had', async () => {
      const current = await transfer(server.port, [signed(ixfrQuery('small.test', 1), xfr)], (r) => r.length > 0);
      expect(current.decoded[0]!.answer.map((a) => a.type)).toEqual([6]);
      await writeFile(join(dir, 'zones', 'small.yaml'), SMALL(2, 'records:\n  - \'_new TXT "added"\'\n'));
      process.kill(server.pid, 'SIGHUP');
      await waitFor(5000, async () => (server.stdout.some((l) => l.includes('"msg":"reloaded"')) ? true : undefined));
      // The history is written right after the swap: wait for the increment rather than the full answer.
      const incremental = await waitFor(5000, async () => {
        const r = await transfer(server.port, [signed(ixfrQuery('small.test', 1), xfr)], transfersDone());
        const answer = r.decoded.flatMap((m) => m.answer);
        return answer.length === 5 ? answer : undefined;
      });
      expect(incremental?.map((a) => (a.rdata.kind === 'SOA' ? `SOA ${a.rdata.serial}` : a.rdata.kind))).toEqual(['SOA 2', 'SOA 1', 'SOA 2', 'TXT', 'SOA 2']);
      const full = await transfer(server.port, [signed(ixfrQuery('small.test', 0), xfr)], transfersDone());
      // AXFR-style: the current SOA, then the zone's records (not an older SOA), then the SOA.
      const kinds = full.decoded.flatMap((m) => m.answer).map((a) => a.rdata.kind);
      expect([kinds[0], kinds[kinds.length - 1], kinds.slice(1, -1).sort()]).toEqual(['SOA', 'SOA', ['A', 'NS', 'TXT']]);
    });

    it('IXFR over UDP: the increment when it fits', async () => {
      const { udpExchange } = await import('../support/query.js');
      const reply = await udpExchange(server.port, signed(ixfrQuery('small.test', 1, 31), xfr));
      const d = decodeMessage(reply!);
      if (d instanceof DecodeError) throw d;
      expect(d.tc).toBe(false);
      expect(d.answer).toHaveLength(5);
    });

    it('after a restart the history is still there (the state directory\'s journal)', async () => {
      await server.stop();
      server = await startDiscodns(join(dir, 'zones'), ['--config', join(dir, 'config.json'), '--state', join(dir, 'state')]);
      const r = await transfer(server.port, [signed(ixfrQuery('small.test', 1), xfr)], transfersDone());
      expect(r.decoded.flatMap((m) => m.answer).map((a) => (a.rdata.kind === 'SOA' ? `SOA ${a.rdata.serial}` : a.rdata.kind))).toEqual(['SOA 2', 'SOA 1', 'SOA 2', 'TXT', 'SOA 2']);
      const { readFileSync } = await import('node:fs');
      const journal = readFileSync(join(dir, 'state', 'journal', 'ixfr'), 'utf8');
      expect(journal).toContain('"zone":"small.test.","from":1,"to":2');
    });

    it('IXFR over UDP of a zone that does not fit: its SOA alone, TC set (RFC 1995 §2)', async () => {
      const { udpExchange } = await import('../support/query.js');
      const reply = await udpExchange(server.port, signed(ixfrQuery('big.test', 1, 32), xfr));
      const d = decodeMessage(reply!);
      if (d instanceof DecodeError) throw d;
      expect(d.tc).toBe(true);
      expect(d.answer.map((a) => a.type)).toEqual([6]);
    });
  });
});
