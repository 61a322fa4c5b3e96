// RFC 8914 Extended DNS Errors and RFC 7873 cookies through the handler: EDE 20 only for a name
// outside every zone and only to a query with EDNS; cookies only when configured and when the
// caller says who the client is; the decoders read every such response.
import { describe, expect, it } from 'vitest';
import { sipKey } from '../../src/dns/siphash.js';
import { ClientAddress } from '../../src/server/client-address.js';
import { CookieJar } from '../../src/server/cookies.js';
import { handleMessage } from '../../src/server/handler.js';
import { handlerOptions } from '../../src/server/identity.js';
import { ResponseRateLimiter } from '../../src/server/rrl.js';
import { newStats } from '../../src/server/stats.js';
import { decodeMessage, type DecodedMessage } from '../../src/wire/decode.js';
import { buildQuery, normalize } from '../support/query.js';
import { EXAMPLE_ZONE, snapshotFromText } from '../support/zonetext.js';

const snapshot = snapshotFromText({ 'example.com.': EXAMPLE_ZONE });
const base = handlerOptions({ udpSize: 1232, nsid: '', id: '', version: '' });
const jar = new CookieJar(sipKey(Buffer.alloc(16, 7)), undefined, () => 1_800_000_000);
const client = new ClientAddress().set('192.0.2.55');
const decoded = (out: Buffer | undefined): DecodedMessage => {
  normalize(out!); // dns2 and our decoder agree, or this throws
  const m = decodeMessage(out!);
  if (m instanceof Error) throw m;
  return m;
};
const options = (m: DecodedMessage, code: number) => m.edns?.options.filter((o) => o.code === code) ?? [];

describe('RFC 8914: EDE 20 "Not Authoritative"', () => {
  it('with REFUSED for a name outside every zone, to a query with EDNS', () => {
    const m = decoded(handleMessage(snapshot, buildQuery({ id: 1, qname: 'example.org', qtype: 1, edns: { udpSize: 1232 } }), 'udp', base, newStats()));
    expect(m.rcode).toBe(5);
    expect(options(m, 15).map((o) => o.data.toString('hex'))).toEqual(['0014']);
  });
  it('never without EDNS, never on an answer from a zone', () => {
    expect(decoded(handleMessage(snapshot, buildQuery({ id: 1, qname: 'example.org', qtype: 1 }), 'udp', base, newStats())).edns).toBeUndefined();
    const inZone = decoded(handleMessage(snapshot, buildQuery({ id: 1, qname: 'nope.example.com', qtype: 1, edns: { udpSize: 1232 } }), 'udp', base, newStats()));
    expect(options(inZone, 15)).toEqual([]);
  });
});

describe('RFC 7873 through the handler', () => {
  const withCookie = (data: Buffer) => buildQuery({ id: 2, qname: 'mail.example.com', qtype: 1, edns: { udpSize: 1232, options: [{ code: 10, data }] } });
  it('a client cookie alone: the answer, with our cookie beside it', () => {
    const stats = newStats();
    const m = decoded(handleMessage(snapshot, withCookie(Buffer.alloc(8, 3)), 'udp', { ...base, cookies: jar }, stats, client));
    expect(m.answer).toHaveLength(1);
    const [cookie] = options(m, 10);
    expect(cookie!.data.subarray(0, 8)).toEqual(Buffer.alloc(8, 3));
    expect(cookie!.data).toHaveLength(24);
    expect(stats.cookieClientOnly).toBe(1);
    // Sent back, it is valid, and fresh: echoed as it is.
    const again = decoded(handleMessage(snapshot, withCookie(cookie!.data), 'udp', { ...base, cookies: jar }, stats, client));
    expect(options(again, 10)[0]!.data).toEqual(cookie!.data);
    expect(stats.cookieValid).toBe(1);
    // From another address it is not valid: a new one comes back.
    const elsewhere = decoded(handleMessage(snapshot, withCookie(cookie!.data), 'udp', { ...base, cookies: jar }, stats, new ClientAddress().set('192.0.2.56')));
    expect(options(elsewhere, 10)[0]!.data).not.toEqual(cookie!.data);
    expect(stats.cookieInvalid).toBe(1);
  });
  it('without a cookie jar, or without the client, the option is ignored', () => {
    const m = decoded(handleMessage(snapshot, withCookie(Buffer.alloc(8, 3)), 'udp', base, newStats(), client));
    expect(options(m, 10)).toEqual([]);
    expect(decoded(handleMessage(snapshot, withCookie(Buffer.alloc(5)), 'udp', base, newStats())).rcode).toBe(0);
  });
  it('a rate-limited slip to a client with a cookie is BADCOOKIE with a fresh cookie (§5.2.3)', () => {
    const rrl = new ResponseRateLimiter({ rate: 1, slip: 1, exempt: [], tableSize: 1024, ipv4PrefixLength: 24, ipv6PrefixLength: 56 }, undefined, () => 0);
    const opts = { ...base, cookies: jar, rrl };
    decoded(handleMessage(snapshot, withCookie(Buffer.alloc(8, 4)), 'udp', opts, newStats(), client));
    const limited = decoded(handleMessage(snapshot, withCookie(Buffer.alloc(8, 4)), 'udp', opts, newStats(), client));
    expect(limited.rcode).toBe(23);
    expect(limited.answer).toHaveLength(0);
    expect(options(limited, 10)[0]!.data).toHaveLength(24);
    // Without a cookie the slip is an empty truncated reply.
    const plain = decoded(handleMessage(snapshot, buildQuery({ id: 3, qname: 'mail.example.com', qtype: 1 }), 'udp', opts, newStats(), client));
    expect([plain.tc, plain.rcode, plain.answer.length]).toEqual([true, 0, 0]);
    // Over TCP, nothing is limited.
    expect(decoded(handleMessage(snapshot, buildQuery({ id: 4, qname: 'mail.example.com', qtype: 1 }), 'tcp', opts, newStats(), client)).answer).toHaveLength(1);
  });
});
