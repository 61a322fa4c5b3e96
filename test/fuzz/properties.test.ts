// Property tests (fast-check) over the three readers of untrusted bytes: the query parser, the
// message decoder, and the handler. Any byte string, or a real query mutated, gives a drop,
// FORMERR, or a response that our decoder and dns2 both read, for the query's ID, with the
// question echoed byte for byte; nothing throws. Then the mutation fuzzer (bench/fuzz-core.mjs)
// for the short pass CI runs: 50,000 inputs.
import { Packet } from 'dns2';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzInProcess, mutate, problemWith, rng, seeds } from '../../bench/fuzz-core.mjs';
import { sipKey } from '../../src/dns/siphash.js';
import { ClientAddress } from '../../src/server/client-address.js';
import { CookieJar } from '../../src/server/cookies.js';
import { handleMessage } from '../../src/server/handler.js';
import { handlerOptions } from '../../src/server/identity.js';
import { ResponseRateLimiter } from '../../src/server/rrl.js';
import { newStats } from '../../src/server/stats.js';
import { decodeMessage } from '../../src/wire/decode.js';
import { parseQuery } from '../../src/wire/query.js';
import { EXAMPLE_ZONE, snapshotFromText } from '../support/zonetext.js';

const snapshot = snapshotFromText({ 'example.com.': EXAMPLE_ZONE }, 1000);
const stats = newStats();
// Everything on: cookies, and RRL at a rate that still lets most answers through.
const options = {
  ...handlerOptions({ udpSize: 1232, nsid: 'fuzz', id: 'id', version: 'v' }),
  cookies: new CookieJar(sipKey(Buffer.alloc(16, 9)), sipKey(Buffer.alloc(16, 8))),
  rrl: new ResponseRateLimiter({ rate: 100_000, slip: 2, exempt: ['127.0.0.0/8'], tableSize: 1024, ipv4PrefixLength: 24, ipv6PrefixLength: 56 }, undefined),
};
const clients = ['192.0.2.1', '2001:db8::1', '127.0.0.1'].map((a) => new ClientAddress().set(a));
const code = { parseQuery, decodeMessage, Packet };
const handle = (msg: Buffer, i: number) => handleMessage(snapshot, msg, i % 3 === 1 ? 'tcp' : 'udp', options, stats, clients[i % 3]);

const bytes = fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a));
const corpus = seeds();
const mutated = fc.tuple(fc.integer({ min: 0, max: corpus.length - 1 }), fc.integer()).map(([i, s]) => mutate(rng(s), corpus[i]!, corpus));

describe('any bytes', () => {
  it('parseQuery never throws, and says drop, FORMERR, NOTIMP, a cookie-only query or a query within the message', () => {
    fc.assert(
      fc.property(fc.oneof(bytes, mutated), (msg) => {
        const p = parseQuery(msg);
        expect(['drop', 'formerr', 'notimp', 'cookie-only', 'query']).toContain(p.kind);
        if (p.kind === 'query') expect(p.questionEnd).toBeLessThanOrEqual(msg.length);
      }),
      { numRuns: 3000 },
    );
  });
  it('decodeMessage never throws: a message or a DecodeError', () => {
    fc.assert(
      fc.property(fc.oneof(bytes, mutated), (msg) => {
        decodeMessage(msg);
      }),
      { numRuns: 3000 },
    );
  });
  it('handleMessage: a drop, or a response both decoders read, the question echoed byte for byte', () => {
    fc.assert(
      fc.property(fc.oneof(bytes, mutated), fc.nat(), (msg, i) => {
        expect(problemWith(msg, handle(msg, i), code)).toBeUndefined();
      }),
      { numRuns: 5000 },
    );
  });
});

describe('the mutation fuzzer, short pass', () => {
  it('50,000 inputs: no exception, no response either decoder refuses', () => {
    const result = fuzzInProcess({ iterations: 50_000, seed: Date.now() & 0xffff, handle, ...code });
    expect(result.problems).toEqual([]);
    expect(result.outcomes).toBeGreaterThan(50);
    expect(stats.handlerBugs).toBe(0);
  });
});

describe('the oracle itself', () => {
  it('catches a response with a changed question byte, a truncated one, and a wrong ID', () => {
    const q = corpus[1]!;
    const good = handle(q, 0)!;
    expect(problemWith(q, good, code)).toBeUndefined();
    const changed = Buffer.from(good);
    changed[13] = changed[13]! ^ 0x20;
    expect(problemWith(q, changed, code)).toMatch(/echoed/);
    expect(problemWith(q, good.subarray(0, good.length - 3), code)).toBeDefined();
    const id = Buffer.from(good);
    id[0] = id[0]! ^ 1;
    expect(problemWith(q, id, code)).toMatch(/ID/);
  });
});
