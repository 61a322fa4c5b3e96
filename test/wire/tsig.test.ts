// RFC 8945 TSIG, checked both ways against the tools secondaries' operators use: requests signed
// by `kdig -y` and `dig -y` verify here, and responses signed here verify there (and a response
// signed with another secret does not). Then what §5.2 asks of a verifier, and the key files
// tsig-keygen and keymgr print.
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { name } from '../../src/dns/name.js';
import { DecodeError } from '../../src/wire/decode.js';
import { parseKeyFile } from '../../src/wire/tsig-keyfile.js';
import { findTsig, NOTAUTH, sign, TsigError, verifyRequest, verifyResponse, type TsigAlgorithm, type TsigKey } from '../../src/wire/tsig.js';
import { bareResponse } from '../../src/wire/xfr.js';
import { buildQuery } from '../support/query.js';
import { onPath } from '../support/secondaries.js';

const now = (): number => Math.floor(Date.now() / 1000);
const keyOf = (algorithm: TsigAlgorithm, keyName = 'xfr.'): TsigKey => ({ name: name(keyName), algorithm, secret: randomBytes(32) });
const ring = (...keys: TsigKey[]) => new Map(keys.map((k) => [k.name.key, k]));

/**
 * Runs `tool` against a one-shot UDP responder: the request it sends is verified with `key`,
 * answered with a response signed with `answerKey`; resolves with the verdict and the tool's output.
 */
function exchange(tool: string, args: string[], key: TsigKey, answerKey: TsigKey): Promise<{ verified: string; output: string }> {
  return new Promise((resolve, reject) => {
    const sock = createSocket('udp4');
    let verified = 'no request';
    sock.on('message', (msg, rinfo) => {
      const tsig = findTsig(msg);
      if (!tsig || tsig instanceof DecodeError) {
        verified = 'unsigned';
        return;
      }
      const v = verifyRequest(msg, tsig, ring(key), now());
      verified = v.ok ? 'ok' : `error ${v.error}`;
      const q = { qname: name('example.com.'), qtype: 6, qclass: 1 };
      const response = bareResponse(msg.readUInt16BE(0), 0, false, 0, q, true);
      sock.send(sign(response, answerKey, { chain: { kind: 'response', requestMac: tsig.mac }, timeSigned: now() }).message, rinfo.port, rinfo.address);
    });
    sock.bind(0, '127.0.0.1', () => {
      const port = (sock.address() as { port: number }).port;
      execFile(tool, [...args, '@127.0.0.1', '-p', String(port), 'example.com', 'SOA'], { timeout: 10_000 }, (_err, stdout, stderr) => {
        sock.close();
        resolve({ verified, output: stdout + stderr });
      });
    });
    sock.on('error', reject);
  });
}

const secretArg = (k: TsigKey): string => `${k.algorithm}:${k.name.key === name('xfr.').key ? 'xfr' : 'other'}:${k.secret.toString('base64')}`;

describe.skipIf(!onPath('kdig'))('RFC 8945 with kdig -y', () => {
  it.each(['hmac-sha256', 'hmac-sha384', 'hmac-sha512'] as const)('%s: kdig signs, we verify; we sign, kdig verifies', async (alg) => {
    const key = keyOf(alg);
    const r = await exchange('kdig', ['-y', secretArg(key), '+retry=0', '+timeout=3'], key, key);
    expect(r.verified).toBe('ok');
    expect(r.output).toMatch(/status: NOERROR/);
    expect(r.output).not.toMatch(/WARNING|failed|BADSIG/);
  });
  it('a response signed with another secret: kdig refuses it', async () => {
    const key = keyOf('hmac-sha256');
    const r = await exchange('kdig', ['-y', secretArg(key), '+retry=0', '+timeout=3'], key, { ...key, secret: randomBytes(32) });
    expect(r.verified).toBe('ok');
    expect(r.output).toMatch(/failed to verify TSIG/);
  });
});

describe.skipIf(!onPath('dig'))('RFC 8945 with dig -y', () => {
  it.each(['hmac-sha256', 'hmac-sha512'] as const)('%s: dig signs, we verify; we sign, dig verifies', async (alg) => {
    const key = keyOf(alg);
    const r = await exchange('dig', ['-y', secretArg(key), '+tries=1', '+time=3'], key, key);
    expect(r.verified).toBe('ok');
    expect(r.output).toMatch(/status: NOERROR/);
    expect(r.output).not.toMatch(/Couldn't verify/);
  });
  it('a response signed with another secret: dig says it could not verify it', async () => {
    const key = keyOf('hmac-sha256');
    const r = await exchange('dig', ['-y', secretArg(key), '+tries=1', '+time=3'], key, { ...key, secret: randomBytes(32) });
    expect(r.output).toMatch(/Couldn't verify signature|tsig verify failure|BADSIG/i);
  });
});

describe('RFC 8945 §5.2: what a verifier checks, in order', () => {
  const key = keyOf('hmac-sha256');
  const request = (k: TsigKey, time = now()) => sign(buildQuery({ id: 77, qname: 'example.com', qtype: 252 }), k, { chain: { kind: 'request' }, timeSigned: time }).message;
  const verify = (msg: Buffer, at = now()) => {
    const tsig = findTsig(msg);
    if (!tsig || tsig instanceof DecodeError) throw new Error('no TSIG');
    return verifyRequest(msg, tsig, ring(key), at);
  };
  it('a good request verifies', () => expect(verify(request(key)).ok).toBe(true));
  it('§5.2.1 an unknown key name: BADKEY', () => expect(verify(request(keyOf('hmac-sha256', 'nobody.')))).toMatchObject({ ok: false, rcode: NOTAUTH, error: TsigError.BADKEY }));
  it('§5.2.1 the right name with another algorithm: BADKEY', () => expect(verify(request({ ...key, algorithm: 'hmac-sha512' }))).toMatchObject({ ok: false, error: TsigError.BADKEY }));
  it('§5.2.2 one byte of the message changed: BADSIG', () => {
    const m = request(key);
    m[13] = m[13]! ^ 0x20; // a letter of the question's name, before the TSIG record
    expect(verify(m)).toMatchObject({ ok: false, error: TsigError.BADSIG });
  });
  it('§5.2.3 signed 301 s ago with fudge 300: BADTIME; 299 s: fine', () => {
    expect(verify(request(key), now() + 301)).toMatchObject({ ok: false, error: TsigError.BADTIME });
    expect(verify(request(key), now() + 299).ok).toBe(true);
  });
  it('§5.2.2.1 a MAC truncated to half the hash verifies; shorter, or longer than the hash: FORMERR', () => {
    /** The message with its TSIG record written again with the MAC cut to `to` bytes. */
    const truncate = (m: Buffer, to: number): Buffer => {
      const t = findTsig(m);
      if (!t || t instanceof DecodeError) throw new Error('no TSIG');
      const base = Buffer.from(m.subarray(0, t.at));
      const u16 = (v: number): Buffer => Buffer.from([v >> 8, v & 0xff]);
      const time = Buffer.alloc(6);
      time.writeUIntBE(t.timeSigned, 0, 6);
      const rdata = Buffer.concat([t.algorithm.wire, time, u16(t.fudge), u16(to), t.mac.subarray(0, to), u16(t.originalId), u16(t.error), u16(0)]);
      const head = Buffer.alloc(10);
      head.writeUInt16BE(250, 0);
      head.writeUInt16BE(255, 2);
      head.writeUInt16BE(rdata.length, 8);
      return Buffer.concat([base, t.keyName.wire, head, rdata]);
    };
    expect(verify(truncate(request(key), 16)).ok).toBe(true);
    expect(verify(truncate(request(key), 12))).toMatchObject({ ok: false, rcode: 1 });
  });
  it('a response is verified against the request MAC (NOTIFY out reads the answer so)', () => {
    const req = sign(buildQuery({ id: 5, qname: 'example.com', qtype: 6, opcode: 4 }), key, { chain: { kind: 'request' }, timeSigned: now() });
    const resp = bareResponse(5, 4, false, 0, { qname: name('example.com.'), qtype: 6, qclass: 1 });
    const signed = sign(resp, key, { chain: { kind: 'response', requestMac: req.mac }, timeSigned: now() }).message;
    expect(verifyResponse(signed, key, req.mac, now())).toBeUndefined();
    expect(verifyResponse(signed, key, randomBytes(32), now())).toMatch(/BADSIG|16/);
  });
});

describe('key files: what tsig-keygen and keymgr -t print', () => {
  it.skipIf(!onPath('tsig-keygen'))('tsig-keygen -a hmac-sha512', () => {
    const text = execFileSync('tsig-keygen', ['-a', 'hmac-sha512', 'transfer-key'], { encoding: 'utf8' });
    const { keys, problems } = parseKeyFile(text, false);
    expect(problems).toEqual([]);
    expect(keys.map((k) => [k.name.key, k.algorithm, k.secret.length])).toEqual([[name('transfer-key.').key, 'hmac-sha512', 64]]);
  });
  it.skipIf(!onPath('keymgr'))("keymgr -t (Knot's key: section)", () => {
    const text = execFileSync('keymgr', ['-t', 'xfr', 'hmac-sha256'], { encoding: 'utf8' });
    const { keys, problems } = parseKeyFile(text, false);
    expect(problems).toEqual([]);
    expect(keys.map((k) => [k.name.key, k.algorithm, k.secret.length])).toEqual([[name('xfr.').key, 'hmac-sha256', 32]]);
  });
  it('hmac-md5 and hmac-sha1 are refused unless allowed; a problem never quotes the secret', () => {
    const secret = randomBytes(16).toString('base64');
    const text = `# comment\nkey "old" { algorithm hmac-md5; secret "${secret}"; };\n`;
    const refused = parseKeyFile(text, false);
    expect(refused.keys).toEqual([]);
    expect(refused.problems[0]?.message).toMatch(/hmac-md5 is refused/);
    expect(JSON.stringify(refused.problems)).not.toContain(secret);
    expect(parseKeyFile(text, true).keys).toHaveLength(1);
  });
  it('a broken clause is reported with its line', () => {
    expect(parseKeyFile('key "a" {\n  algorithm hmac-sha256;\n  secret "not base64!";\n};\n', false).problems).toEqual([{ line: 1, message: 'key "a": secret is not base64 (as tsig-keygen prints it)' }]);
  });
});
