// DNS Cookies end to end (RFC 7873, RFC 9018) with dig and kdig: a client cookie earns a server
// cookie, a replayed one is accepted (echoed), a forged one is replaced; over TCP too. The
// secret lives in the state directory across restarts, or comes from the configuration, where
// two servers sharing it accept each other's cookies.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscodns, type RunningDiscodns } from '../support/discodns.js';
import { buildQuery, normalize, udpExchange } from '../support/query.js';

const run = promisify(execFile);
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const SECRET = 'e5e973e5a6b2a43f48e7dc849e37bfcf';

function configFile(config: object): { file: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'discodns-cookies-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({ state: join(dir, 'state'), ...config }));
  return { file, dir };
}

let server: RunningDiscodns;
let state: { file: string; dir: string };
const shared: RunningDiscodns[] = [];
let off: RunningDiscodns;
// One after another: four starts at once on a busy 2-core host can take past startDiscodns's 10 s.
beforeAll(async () => {
  state = configFile({});
  const withSecret = configFile({ cookies: { secret: SECRET } });
  const disabled = configFile({ cookies: { enabled: false } });
  server = await startDiscodns('zones', ['--config', state.file, '--state', join(state.dir, 'state')]);
  shared[0] = await startDiscodns('zones', ['--config', withSecret.file]);
  shared[1] = await startDiscodns('zones', ['--config', withSecret.file]);
  off = await startDiscodns('zones', ['--config', disabled.file]);
}, 60_000);
afterAll(async () => {
  await Promise.all([server?.stop(), ...shared.map((s) => s.stop()), off?.stop()]);
});

/** The COOKIE dig or kdig printed (client and server cookie, lowercase hex). */
async function cookieFrom(tool: 'dig' | 'kdig', port: number, ...args: string[]): Promise<string | undefined> {
  const { stdout } = await run(tool, [`@127.0.0.1`, '-p', String(port), 'example.com', 'SOA', '+norec', ...args]);
  return /COOKIE: ([0-9a-fA-F]+)/.exec(stdout)?.[1]?.toLowerCase();
}

describe.skipIf(!has('dig'))('dig +cookie', () => {
  it('gets a server cookie (RFC 9018: version 1, 16 bytes)', async () => {
    const cookie = await cookieFrom('dig', server.port, '+cookie');
    expect(cookie).toMatch(/^[0-9a-f]{16}01000000[0-9a-f]{24}$/);
  });
  it('replaying it is accepted: the same cookie comes back', async () => {
    const cookie = (await cookieFrom('dig', server.port, '+cookie'))!;
    expect(await cookieFrom('dig', server.port, `+cookie=${cookie}`)).toBe(cookie);
  });
  it('a forged one is not: a new server cookie comes back', async () => {
    const cookie = (await cookieFrom('dig', server.port, '+cookie'))!;
    const forged = `${cookie.slice(0, 32)}${'0'.repeat(16)}`;
    const back = await cookieFrom('dig', server.port, `+cookie=${forged}`);
    expect(back).not.toBe(forged);
    expect(back!.slice(0, 16)).toBe(cookie.slice(0, 16));
  });
  it('over TCP too', async () => {
    const cookie = (await cookieFrom('dig', server.port, '+cookie', '+tcp'))!;
    expect(cookie).toMatch(/^[0-9a-f]{48}$/);
    expect(await cookieFrom('dig', server.port, `+cookie=${cookie}`, '+tcp')).toBe(cookie);
  });
});

describe.skipIf(!has('kdig'))('kdig +cookie', () => {
  it('gets a server cookie, replays it accepted, a forged one replaced', async () => {
    const cookie = (await cookieFrom('kdig', server.port, '+cookie'))!;
    expect(cookie).toMatch(/^[0-9a-f]{16}01000000[0-9a-f]{24}$/);
    expect(await cookieFrom('kdig', server.port, `+cookie=${cookie}`)).toBe(cookie);
    const forged = `${cookie.slice(0, 40)}00000000`;
    expect(await cookieFrom('kdig', server.port, `+cookie=${forged}`)).not.toBe(forged);
    expect(await cookieFrom('kdig', server.port, '+tcp', `+cookie=${cookie}`)).toBe(cookie);
  });
});

describe('RFC 7873 §5.2.2, §5.4 and the secret', () => {
  const cookieQuery = (data: Buffer, id = 9) => buildQuery({ id, qname: 'example.com', qtype: 6, edns: { udpSize: 1232, options: [{ code: 10, data }] } });
  it('a COOKIE option of 5 bytes is FORMERR', async () => {
    const r = await udpExchange(server.port, cookieQuery(Buffer.alloc(5)));
    expect(normalize(r!).rcodeName).toBe('FORMERR');
  });
  it('a query without a question learns a cookie: NOERROR; with a bad server cookie, BADCOOKIE', async () => {
    const bare = (data: Buffer) => {
      const q = cookieQuery(data);
      const end = q.indexOf(Buffer.from([0, 0, 6, 0, 1])) + 5; // past the question
      const out = Buffer.concat([q.subarray(0, 12), q.subarray(end)]);
      out.writeUInt16BE(0, 4);
      return out;
    };
    const ok = (await udpExchange(server.port, bare(Buffer.from('0102030405060708', 'hex'))))!;
    expect([ok[3]! & 0x0f, ok.readUInt16BE(4), ok.readUInt16BE(6)]).toEqual([0, 0, 0]);
    expect(ok.indexOf(Buffer.from([0, 10, 0, 24]))).toBeGreaterThan(0);
    const bad = (await udpExchange(server.port, bare(Buffer.alloc(24, 1))))!;
    const opt = bad.indexOf(Buffer.from([0, 0, 41]));
    expect(((bad[opt + 5]! << 4) | (bad[3]! & 0x0f))).toBe(23); // BADCOOKIE
  });
  it('with cookies off, the option is ignored: no COOKIE back', async () => {
    const r = (await udpExchange(off.port, cookieQuery(Buffer.from('0102030405060708', 'hex'))))!;
    expect(normalize(r).rcodeName).toBe('NOERROR');
    expect(r.indexOf(Buffer.from([0, 10, 0]))).toBeLessThan(0);
  });
  it('the generated secret is kept in the state directory, readable by its owner only, and outlives a restart', async () => {
    expect(statSync(join(state.dir, 'state', 'cookie-secret')).mode & 0o777).toBe(0o600);
    const client = Buffer.from('1122334455667788', 'hex');
    const first = (await udpExchange(server.port, cookieQuery(client)))!;
    const full = first.subarray(first.indexOf(Buffer.from([0, 10, 0, 24])) + 4).subarray(0, 24);
    await server.stop();
    server = await startDiscodns('zones', ['--config', state.file, '--state', join(state.dir, 'state')]);
    const again = (await udpExchange(server.port, cookieQuery(Buffer.from(full))))!;
    expect(again.includes(full)).toBe(true); // valid, so echoed
  });
  it('two servers configured with one secret accept each other\'s cookies (RFC 9018)', async () => {
    const client = Buffer.from('a1a2a3a4a5a6a7a8', 'hex');
    const first = (await udpExchange(shared[0]!.port, cookieQuery(client)))!;
    const full = Buffer.from(first.subarray(first.indexOf(Buffer.from([0, 10, 0, 24])) + 4).subarray(0, 24));
    const other = (await udpExchange(shared[1]!.port, cookieQuery(full)))!;
    expect(other.includes(full)).toBe(true);
  });
});
