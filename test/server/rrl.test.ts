// Response rate limiting (server/rrl.ts) on a clock the test moves: the bucket per prefix,
// class and zone; slip; exemption; a table that a flood of random sources cannot grow.
import { describe, expect, it } from 'vitest';
import { ClientAddress, parseAddress, parsePrefix } from '../../src/server/client-address.js';
import { Admit, ResponseRateLimiter, RrlClass, type RrlConfig } from '../../src/server/rrl.js';

const base: RrlConfig = { rate: 10, slip: 2, exempt: [], tableSize: 1024, ipv4PrefixLength: 24, ipv6PrefixLength: 56 };

function limiter(config: Partial<RrlConfig> = {}, lines: string[] = []) {
  const clock = { ms: 1000 };
  const log = { warn: (fields: object, msg: string) => lines.push(`${msg} ${JSON.stringify(fields)}`) };
  const rrl = new ResponseRateLimiter({ ...base, ...config }, log as never, () => clock.ms);
  return { rrl, clock, lines };
}
const from = (text: string) => new ClientAddress().set(text);
/** Verdicts of `n` responses in a row at one instant. */
function burst(rrl: ResponseRateLimiter, client: ClientAddress, n: number, cls: RrlClass = RrlClass.Answer, zone = 7) {
  const out = { send: 0, drop: 0, slip: 0 };
  for (let i = 0; i < n; i++) {
    const v = rrl.admit(client, cls, zone);
    if (v === Admit.Send) out.send++;
    else if (v === Admit.Drop) out.drop++;
    else out.slip++;
  }
  return out;
}

describe('a bucket: rate responses a second, a burst of one second', () => {
  it('sends the burst, then every second response over the rate slips and the rest drop', () => {
    const { rrl } = limiter();
    expect(burst(rrl, from('192.0.2.1'), 30)).toEqual({ send: 10, drop: 10, slip: 10 });
    expect(rrl.dropped).toBe(10);
    expect(rrl.slipped).toBe(10);
  });
  it('refills at the rate', () => {
    const { rrl, clock } = limiter();
    const c = from('192.0.2.1');
    burst(rrl, c, 30);
    clock.ms += 500; // half a second: five more
    expect(burst(rrl, c, 10).send).toBe(5);
    clock.ms += 10_000; // long quiet: a full burst again, never more
    expect(burst(rrl, c, 30).send).toBe(10);
  });
  it('slip 0 drops everything over the rate; slip 1 truncates everything', () => {
    expect(burst(limiter({ slip: 0 }).rrl, from('192.0.2.1'), 30)).toEqual({ send: 10, drop: 20, slip: 0 });
    expect(burst(limiter({ slip: 1 }).rrl, from('192.0.2.1'), 30)).toEqual({ send: 10, drop: 0, slip: 20 });
  });
  it('a steady stream above the rate gets the rate', () => {
    const { rrl, clock } = limiter({ rate: 100 });
    const c = from('192.0.2.1');
    let sent = 0;
    for (let ms = 0; ms < 10_000; ms++) {
      clock.ms += 1; // 1,000 queries a second for 10 s
      if (rrl.admit(c, RrlClass.Answer, 7) === Admit.Send) sent++;
    }
    expect(sent).toBeGreaterThanOrEqual(100 * 10);
    expect(sent).toBeLessThanOrEqual(100 * 11 + 1);
  });
});

describe('what shares a bucket', () => {
  it('clients of one /24 share one; the next /24 has its own', () => {
    const { rrl } = limiter();
    expect(burst(rrl, from('192.0.2.1'), 10).send).toBe(10);
    expect(burst(rrl, from('192.0.2.200'), 5).send).toBe(0);
    expect(burst(rrl, from('192.0.3.1'), 5).send).toBe(5);
  });
  it('IPv6 clients of one /56 share one; IPv4-mapped addresses count as IPv4', () => {
    const { rrl } = limiter();
    expect(burst(rrl, from('2001:db8:0:ff::1'), 10).send).toBe(10);
    expect(burst(rrl, from('2001:db8:0:1::2'), 5).send).toBe(0);
    expect(burst(rrl, from('2001:db8:0:100::1'), 5).send).toBe(5);
    expect(burst(rrl, from('192.0.2.9'), 10).send).toBe(10);
    expect(burst(rrl, from('::ffff:192.0.2.10'), 5).send).toBe(0);
  });
  it('each response class, and each zone, has its own; errors and large responses count per prefix', () => {
    const { rrl } = limiter();
    const c = from('198.51.100.1');
    expect(burst(rrl, c, 10, RrlClass.Nxdomain, 1).send).toBe(10);
    expect(burst(rrl, c, 5, RrlClass.Nxdomain, 1).send).toBe(0);
    expect(burst(rrl, c, 5, RrlClass.Nxdomain, 2).send).toBe(5);
    expect(burst(rrl, c, 5, RrlClass.Nodata, 1).send).toBe(5);
    expect(burst(rrl, c, 10, RrlClass.Error, 1).send).toBe(10);
    expect(burst(rrl, c, 5, RrlClass.Error, 2).send).toBe(0);
    expect(burst(rrl, c, 10, RrlClass.Large, 1).send).toBe(10);
    expect(burst(rrl, c, 5, RrlClass.Large, 9).send).toBe(0);
  });
});

describe('exempt prefixes', () => {
  it('loopback by default; listed prefixes; nothing else', () => {
    const { rrl } = limiter({ exempt: ['127.0.0.0/8', '::1/128', '192.0.2.0/25', '2001:db8::/32'] });
    for (const a of ['127.0.0.1', '127.9.9.9', '::1', '192.0.2.127', '2001:db8:ffff::1', '::ffff:127.0.0.1']) expect(rrl.exempt(from(a)), a).toBe(true);
    for (const a of ['128.0.0.1', '::2', '192.0.2.128', '2001:db9::1']) expect(rrl.exempt(from(a)), a).toBe(false);
  });
  it('[] exempts no one, loopback included', () => {
    const { rrl } = limiter({ exempt: [] });
    expect(rrl.exempt(from('127.0.0.1'))).toBe(false);
    expect(rrl.exempt(from('::1'))).toBe(false);
  });
});

describe('the table: a fixed number of buckets', () => {
  it('a flood from random sources uses no more than the table, and does not reset a limited bucket', () => {
    const { rrl } = limiter({ tableSize: 4096 });
    const attacked = from('203.0.113.7');
    burst(rrl, attacked, 20);
    const random = new ClientAddress();
    let attackedSent = 0;
    for (let i = 0; i < 200_000; i++) {
      random.set(`${(i * 7919) & 255}.${(i >>> 8) & 255}.${(i >>> 16) & 255}.1`);
      rrl.admit(random, RrlClass.Nxdomain, i);
      if (i % 100 === 0 && rrl.admit(attacked, RrlClass.Answer, 7) === Admit.Send) attackedSent++;
    }
    expect(rrl.slots).toBe(4096);
    expect(rrl.bucketsInUse()).toBeLessThanOrEqual(4096);
    expect(attackedSent).toBe(0); // the clock did not move: the limited bucket must not come back full
  });
});

describe('logging: a line when a prefix starts and stops being limited, itself limited', () => {
  it('start, then stop after two quiet seconds', () => {
    const { rrl, clock, lines } = limiter();
    burst(rrl, from('192.0.2.1'), 30);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('limiting responses to a prefix');
    expect(lines[0]).toContain('"prefix":"192.0.2.0/24"');
    rrl.sweep();
    expect(lines).toHaveLength(1);
    clock.ms += 2500;
    rrl.sweep();
    expect(lines[1]).toContain('no longer limited');
  });
  it('a burst of lines, then one a second, and a count of those suppressed', () => {
    const { rrl, lines } = limiter();
    for (let i = 0; i < 60; i++) burst(rrl, from(`10.0.${i}.1`), 12);
    expect(lines.length).toBe(20);
    rrl.sweep();
    expect(lines.some((l) => l.includes('suppressed'))).toBe(true);
  });
});

describe('addresses as node gives them', () => {
  it.each([
    ['192.0.2.1', 4, 'c0000201'],
    ['::1', 6, '00000000000000000000000000000001'],
    ['2001:db8::10', 6, '20010db8000000000000000000000010'],
    ['fe80::1%eth0', 6, 'fe800000000000000000000000000001'],
    ['::ffff:198.51.100.7', 4, 'c6336407'],
    ['1:2:3:4:5:6:7:8', 6, '00010002000300040005000600070008'],
    ['2001:db8::', 6, '20010db8000000000000000000000000'],
  ])('%s', (text, family, hex) => {
    const out = new Uint8Array(16);
    expect(parseAddress(text, out)).toBe(family);
    expect(Buffer.from(out.subarray(0, family === 4 ? 4 : 16)).toString('hex')).toBe(hex);
  });
  it.each(['', '1.2.3', '1.2.3.256', '1.2.3.4.5', ':::', '1::2::3', '12345::', 'g::1', '1:2:3:4:5:6:7:8:9'])('not an address: %j', (text) => {
    expect(parseAddress(text, new Uint8Array(16))).toBe(0);
  });
  it('prefixes as rrl.exempt writes them', () => {
    expect(parsePrefix('192.0.2.0/24')).toMatchObject({ family: 4, length: 24 });
    expect(parsePrefix('::1')).toMatchObject({ family: 6, length: 128 });
    expect(parsePrefix('10.0.0.0/33')).toMatch(/0 to 32/);
    expect(parsePrefix('example.com/8')).toMatch(/not an address/);
  });
});
