// Response rate limiting end to end: the built server with loopback not exempt, a client bound
// to 127.0.0.2 sending above the rate. Counts only, never speed: how many answers, truncated
// replies and silences a stream gets, against the rate and the time the stream took.
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscodns, type RunningDiscodns } from '../support/discodns.js';
import { buildQuery } from '../support/query.js';

const RATE = 20;
const SRV = 33;
const COOKIE = 10;

async function serve(config: object): Promise<RunningDiscodns> {
  const dir = mkdtempSync(join(tmpdir(), 'discodns-rrl-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({ state: join(dir, 'state'), ...config }));
  return startDiscodns('zones', ['--config', file]);
}

let limited: RunningDiscodns;
let whitelisted: RunningDiscodns;
beforeAll(async () => {
  [limited, whitelisted] = await Promise.all([
    serve({ rrl: { rate: RATE, slip: 2, exempt: [] } }),
    serve({ rrl: { rate: RATE, slip: 2, exempt: ['127.0.0.2/32'] } }),
  ]);
});
afterAll(async () => {
  await Promise.all([limited?.stop(), whitelisted?.stop()]);
});

interface Tally {
  sent: number;
  full: number;
  truncated: number;
  badcookie: number;
  silent: number;
  ms: number;
  replies: Buffer[];
}

function bound(): Promise<Socket> {
  const sock = createSocket('udp4');
  return new Promise((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(0, '127.0.0.2', () => resolve(sock));
  });
}

/** `n` queries from 127.0.0.2 in batches of 10 every 50 ms (200 a second), then 500 ms for stragglers. */
async function stream(port: number, n: number, cookie?: Buffer): Promise<Tally> {
  const sock = await bound();
  const replies = new Map<number, Buffer>();
  sock.on('message', (m) => replies.set(m.readUInt16BE(0), m));
  const start = Date.now();
  for (let i = 0; i < n; i += 10) {
    for (let j = i; j < Math.min(n, i + 10); j++) {
      const edns = cookie ? { udpSize: 1232, options: [{ code: COOKIE, data: cookie }] } : undefined;
      sock.send(buildQuery({ id: j, qname: '_imaps._tcp.example.com', qtype: SRV, edns }), port, '127.0.0.1');
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const ms = Date.now() - start;
  await new Promise((r) => setTimeout(r, 500));
  sock.close();
  const t: Tally = { sent: n, full: 0, truncated: 0, badcookie: 0, silent: n - replies.size, ms, replies: [...replies.values()] };
  for (const r of replies.values()) {
    const tc = (r[2]! & 0x02) !== 0;
    const rcode = r[3]! & 0x0f;
    if (tc) t.truncated++;
    else if (rcode === 7) t.badcookie++; // 23 & 0xf; the OPT carries the upper bits
    else if (r.readUInt16BE(6) > 0) t.full++;
  }
  return t;
}

/** The COOKIE option data of a response, if any. */
function cookieOf(r: Buffer): Buffer | undefined {
  const i = r.indexOf(Buffer.from([0, COOKIE, 0, 24]));
  return i < 0 ? undefined : r.subarray(i + 4, i + 28);
}

describe('RRL: a stream above the rate from one non-exempt source', () => {
  it('gets answers at about the rate, and every second response over it truncated', async () => {
    const t = await stream(limited.port, 400);
    const seconds = t.ms / 1000;
    // A full bucket (one second of the rate), then the rate for the time the stream took.
    expect(t.full).toBeGreaterThanOrEqual(RATE);
    expect(t.full).toBeLessThanOrEqual(Math.ceil(RATE * (1 + seconds)) + 2);
    const over = t.sent - t.full;
    expect(t.truncated).toBeGreaterThanOrEqual(Math.floor(over / 2) - 2);
    expect(t.truncated).toBeLessThanOrEqual(Math.ceil(over / 2) + 2);
    expect(t.silent).toBeGreaterThanOrEqual(Math.floor(over / 2) - 2);
    // A truncated reply is empty, and echoes the question.
    const tc = t.replies.find((r) => r[2]! & 0x02)!;
    expect([tc.readUInt16BE(4), tc.readUInt16BE(6), tc.readUInt16BE(8)]).toEqual([1, 0, 0]);
  });

  it('a valid server cookie restores full answers; a forged one does not', async () => {
    // Learn a server cookie: any reply to a client cookie carries one (a BADCOOKIE slip too).
    const client = Buffer.from('0102030405060708', 'hex');
    let full: Buffer | undefined;
    for (let i = 0; i < 20 && !full; i++) {
      const t = await stream(limited.port, 1, client);
      full = t.replies.map(cookieOf).find((c) => c !== undefined);
    }
    expect(full).toBeDefined();
    const good = await stream(limited.port, 400, full!);
    expect(good.full).toBe(good.sent);
    const forged = Buffer.from(full!);
    forged[23]! ^= 0xff;
    const bad = await stream(limited.port, 400, forged);
    expect(bad.full).toBeLessThan(bad.sent / 2);
    // To a client that sent a cookie, a slip is BADCOOKIE with a fresh cookie (RFC 7873 §5.2.3).
    expect(bad.badcookie).toBeGreaterThan(0);
    expect(bad.truncated).toBe(0);
  });
});

describe('RRL: a whitelisted prefix', () => {
  it('is not limited', async () => {
    const t = await stream(whitelisted.port, 400);
    expect(t.full).toBe(t.sent);
  });
});
