// RFC 9018 Appendix A, byte for byte: the server cookies a server with these secrets makes and
// accepts, for an IPv4 client, another one with reserved bytes set, and an IPv6 client after a
// secret rollover.
import { describe, expect, it } from 'vitest';
import { ipv4Bytes, ipv6Bytes } from '../../src/dns/ip.js';
import { sipKey } from '../../src/dns/siphash.js';
import { checkServerCookie, cookieNeedsRefresh, cookieShape, writeFullCookie, type CookieSecrets } from '../../src/wire/cookies.js';

const secret = (h: string) => sipKey(Buffer.from(h, 'hex'));
const A = secret('e5e973e5a6b2a43f48e7dc849e37bfcf');
const OLD = secret('dd3bdf9344b678b185a6f5cb60fca715');
const NEW = secret('445536bcd2513298075a5d379663c962');
const v4 = (t: string) => ipv4Bytes(t);
const v6 = (t: string) => ipv6Bytes(t);

function reply(clientCookie: string, ip: Buffer, key = A, now: number): string {
  const out = new Uint8Array(24);
  writeFullCookie(out, 0, Buffer.from(clientCookie, 'hex'), 0, ip, ip.length, key, now);
  return Buffer.from(out).toString('hex');
}
function check(option: string, ip: Buffer, secrets: CookieSecrets, now: number): number {
  const b = Buffer.from(option, 'hex');
  return checkServerCookie(b, 0, b.length, ip, ip.length, secrets, now);
}

describe('RFC 9018 Appendix A', () => {
  it('A.1: a client cookie alone gets a new server cookie', () => {
    expect(reply('2464c4abcf10c957', v4('198.51.100.100'), A, 1559731985)).toBe('2464c4abcf10c957010000005cf79f111f8130c3eee29480');
  });
  it('A.2: the same client, 40 minutes later: valid, and renewed', () => {
    const sent = '2464c4abcf10c957010000005cf79f111f8130c3eee29480';
    expect(check(sent, v4('198.51.100.100'), { current: A, previous: undefined }, 1559734385)).toBe(0);
    expect(cookieNeedsRefresh(Buffer.from(sent, 'hex'), 0, 0, 1559734385)).toBe(true);
    expect(reply('2464c4abcf10c957', v4('198.51.100.100'), A, 1559734385)).toBe('2464c4abcf10c957010000005cf7a871d4a564a1442aca77');
  });
  it('A.3: reserved bytes set still validate; the reply has them zero', () => {
    const sent = 'fc93fc62807ddb8601abcdef5cf78f71a314227b6679ebf5';
    // Issued 09:46:25, checked at 09:50 (the example's reply at 11:38:20 is past the hour).
    expect(check(sent, v4('203.0.113.203'), { current: A, previous: undefined }, 1559727985 + 200)).toBe(0);
    expect(cookieNeedsRefresh(Buffer.from(sent, 'hex'), 0, 0, 1559727985 + 200)).toBe(true);
    expect(reply('fc93fc62807ddb86', v4('203.0.113.203'), A, 1559734700)).toBe('fc93fc62807ddb86010000005cf7a9acf73a7810aca2381e');
  });
  it('A.4: IPv6, made with the previous secret, accepted after the rollover and renewed with the new', () => {
    const sent = '22681ab97d52c298010000005cf7c57926556bd0934c72f8';
    const ip = v6('2001:db8:220:1:59de:d0f4:8769:82b8');
    expect(check(sent, ip, { current: NEW, previous: OLD }, 1559741961)).toBe(1);
    expect(check(sent, ip, { current: NEW, previous: undefined }, 1559741961)).toBe(-1);
    expect(reply('22681ab97d52c298', ip, NEW, 1559741961)).toBe('22681ab97d52c298010000005cf7c609a6bb79d16625507a');
  });
});

describe('RFC 9018 §4.3: what is not valid', () => {
  const sent = '2464c4abcf10c957010000005cf79f111f8130c3eee29480';
  const ip = v4('198.51.100.100');
  const secrets = { current: A, previous: undefined };
  it('older than an hour, or more than 5 minutes ahead', () => {
    expect(check(sent, ip, secrets, 1559731985 + 3600)).toBe(0);
    expect(check(sent, ip, secrets, 1559731985 + 3601)).toBe(-1);
    expect(check(sent, ip, secrets, 1559731985 - 300)).toBe(0);
    expect(check(sent, ip, secrets, 1559731985 - 301)).toBe(-1);
  });
  it('from another address, with another client cookie, or one hash bit changed', () => {
    expect(check(sent, v4('198.51.100.101'), secrets, 1559731985)).toBe(-1);
    expect(check(`2464c4abcf10c958${sent.slice(16)}`, ip, secrets, 1559731985)).toBe(-1);
    expect(check(`${sent.slice(0, -1)}1`, ip, secrets, 1559731985)).toBe(-1);
  });
  it('another version, or another length', () => {
    expect(check(`2464c4abcf10c957020000005cf79f111f8130c3eee29480`, ip, secrets, 1559731985)).toBe(-1);
    expect(check(`${sent}00`, ip, secrets, 1559731985)).toBe(-1);
  });
});

describe('RFC 7873 §5.2.2: COOKIE option lengths', () => {
  it.each([
    [0, 'malformed'],
    [7, 'malformed'],
    [8, 'client-only'],
    [9, 'malformed'],
    [15, 'malformed'],
    [16, 'with-server'],
    [24, 'with-server'],
    [40, 'with-server'],
    [41, 'malformed'],
  ])('%i bytes: %s', (length, shape) => {
    expect(cookieShape(length)).toBe(shape);
  });
});
