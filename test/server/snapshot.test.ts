// Memory bounds of the answer caches: random-subdomain floods and many existing names.
import { describe, expect, it } from 'vitest';
import { handleMessage } from '../../src/server/handler.js';
import { handlerOptions } from '../../src/server/identity.js';
import { answerFor } from '../../src/server/snapshot.js';
import { newStats } from '../../src/server/stats.js';
import { parseQuery, queryKey, type Query } from '../../src/wire/query.js';
import { negativeLimit } from '../../src/server/answer-cache.js';
import { ANSWER_KEY, answerKeyLength, type CompiledAnswer } from '../../src/wire/compile.js';
import { assemble } from '../../src/wire/respond.js';
import { buildQuery, normalize } from '../support/query.js';
import { EXAMPLE_ZONE, snapshotFromText } from '../support/zonetext.js';

const options = handlerOptions({ udpSize: 1232, nsid: '', id: '', version: '' });

describe('random-subdomain flood', () => {
  it('answers NXDOMAIN for every random name without caching any name asked once, and answers stay', () => {
    const snapshot = snapshotFromText({ 'example.com.': EXAMPLE_ZONE }, 50);
    const mail = buildQuery({ id: 1, qname: 'mail.example.com', qtype: 1 });
    handleMessage(snapshot, mail, 'udp', options, newStats());
    for (let i = 0; i < 2000; i++) {
      const qname = `zz-${i}-${Math.random().toString(36).slice(2, 2 + (i % 9) + 1)}.example.com`; // zz-: never an existing name
      const n = normalize(handleMessage(snapshot, buildQuery({ id: i, qname, qtype: 1 }), 'udp', options, newStats())!);
      expect(n.rcodeName).toBe('NXDOMAIN');
      expect(n.authority).toEqual(['example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. 2026112401 7200 3600 1209600 300']);
    }
    expect(snapshot.answers.size).toBe(1);
    expect(snapshot.answers.negativeSize).toBe(0);
    expect(snapshot.answers.find(mail, parseQuery(mail) as Query)).toBeGreaterThanOrEqual(0);
    expect(snapshot.negatives.size).toBe(1);
  });

  it('answers a nonexistent name asked again from the negative lane, in the letter case asked', () => {
    const snapshot = snapshotFromText({ 'example.com.': EXAMPLE_ZONE }, 50);
    const ask = (qname: string) => normalize(handleMessage(snapshot, buildQuery({ id: 1, qname, qtype: 1 }), 'udp', options, newStats())!);
    const first = ask('nope.example.com');
    expect(snapshot.answers.negativeSize).toBe(0); // asked once: not cached
    ask('nope.example.com');
    expect(snapshot.answers.negativeSize).toBe(1); // asked twice: cached
    const again = ask('NoPe.Example.COM');
    expect(again).toEqual({ ...first, question: again.question });
    expect(again.question).toEqual(['NoPe.Example.COM. IN A']);
    expect(snapshot.answers.negativeSize).toBe(1); // found, not added again
  });
});

describe('random-subdomain flood over many zones', () => {
  it('keeps negative answers for at most cache.size zones, and still answers each zone with its own SOA', () => {
    const zones = Object.fromEntries(['a', 'b', 'c', 'd'].map((z) => [`${z}.test.`, `@ 3600 SOA ns1 hostmaster ${z === 'a' ? 1 : 2} 7200 3600 1209600 300\n@ NS ns1\nns1 A 192.0.2.1`]));
    const snapshot = snapshotFromText(zones, 2);
    for (let round = 0; round < 3; round++) {
      for (const z of ['a', 'b', 'c', 'd']) {
        const n = normalize(handleMessage(snapshot, buildQuery({ id: 1, qname: `zz${round}.${z}.test`, qtype: 1 }), 'udp', options, newStats())!);
        expect(n.rcodeName).toBe('NXDOMAIN');
        expect(n.authority).toEqual([`${z}.test. 300 IN SOA ns1.${z}.test. hostmaster.${z}.test. ${z === 'a' ? 1 : 2} 7200 3600 1209600 300`]);
      }
    }
    expect(snapshot.negatives.size).toBe(2);
  });
});

describe('existing names', () => {
  it('keeps at most cache.size names compiled, and still answers every one', () => {
    const hosts = Array.from({ length: 200 }, (_, i) => `h${i} A 192.0.2.${i % 250}`).join('\n');
    const snapshot = snapshotFromText({ 'example.com.': `${EXAMPLE_ZONE}\n${hosts}` }, 50);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 200; i++) {
        const n = normalize(handleMessage(snapshot, buildQuery({ id: i, qname: `h${i}.example.com`, qtype: 1 }), 'udp', options, newStats())!);
        expect(n.answer).toEqual([`h${i}.example.com. 3600 IN A 192.0.2.${i % 250}`]);
      }
    }
    expect(snapshot.answers.size).toBe(50);
  });
});

describe('random-type flood', () => {
  it('answers NODATA for types an existing name lacks, caching per type only in the negative lane', () => {
    const snapshot = snapshotFromText({ 'example.com.': EXAMPLE_ZONE }, 50);
    for (let i = 0; i < 2000; i++) { // each type twice, so that each is cached
      const qtype = 256 + (i >> 1); // past AXFR and IXFR, which get NOTIMP
      const n = normalize(handleMessage(snapshot, buildQuery({ id: qtype, qname: 'mail.example.com', qtype }), 'udp', options, newStats())!);
      expect(n.rcodeName).toBe('NOERROR');
      expect(n.answer).toEqual([]);
      expect(n.authority).toEqual(['example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. 2026112401 7200 3600 1209600 300']);
    }
    expect(snapshot.answers.size).toBe(0);
    expect(snapshot.answers.negativeSize).toBe(negativeLimit(50));
  });

  it('still follows a CNAME for any type, caching one answer per type asked', () => {
    const snapshot = snapshotFromText({ 'example.com.': EXAMPLE_ZONE }, 50);
    for (const qtype of [1, 28, 16, 999]) {
      const n = normalize(handleMessage(snapshot, buildQuery({ id: qtype, qname: 'autoconfig.example.com', qtype }), 'udp', options, newStats())!);
      expect(n.answer[0]).toBe('autoconfig.example.com. 3600 IN CNAME mail.example.com.');
    }
    expect(snapshot.answers.size).toBe(4);
  });
});

describe('the answer cache, keyed by query hash', () => {
  const ask = (snapshot: ReturnType<typeof snapshotFromText>, qname: string, qtype: number) =>
    normalize(handleMessage(snapshot, buildQuery({ id: 1, qname, qtype }), 'udp', options, newStats())!);

  it('finds the answer cached for a name asked in another letter case', () => {
    const snapshot = snapshotFromText({ 'example.com.': EXAMPLE_ZONE }, 50);
    ask(snapshot, 'mail.example.com', 1);
    const n = ask(snapshot, 'MAIL.Example.COM', 1);
    expect(n.answer.map((r) => r.toLowerCase())).toEqual(['mail.example.com. 3600 in a 192.0.2.10']);
    expect(snapshot.answers.size).toBe(1);
  });

  it('does not lowercase QTYPE bytes that happen to be letters (type 65 is 0x00 0x41)', () => {
    // 'mail' has A (0x0001) but no HTTPS (65) and no type 97 (0x0061): both are NODATA, and
    // neither may be taken for the other or for A.
    const snapshot = snapshotFromText({ 'example.com.': `${EXAMPLE_ZONE}\nwww 3600 TYPE65 \\# 3 000100\nwww 3600 TYPE97 \\# 1 ff` }, 50);
    expect(ask(snapshot, 'www.example.com', 65).answer).toEqual(['www.example.com. 3600 IN TYPE65 \\# 3 000100']);
    expect(ask(snapshot, 'www.example.com', 97).answer).toEqual(['www.example.com. 3600 IN TYPE97 \\# 1 ff']);
    expect(ask(snapshot, 'www.example.com', 65).answer).toEqual(['www.example.com. 3600 IN TYPE65 \\# 3 000100']);
  });

  it('checks a hit against the name and type asked, so two queries with one hash are both cached, each with its own answer', () => {
    const snapshot = snapshotFromText({ 'example.com.': EXAMPLE_ZONE }, 50);
    const a = buildQuery({ id: 1, qname: 'mail.example.com', qtype: 1 });
    const b = buildQuery({ id: 2, qname: 'ns1.example.com', qtype: 1 });
    const pa = parseQuery(a);
    const pb = parseQuery(b);
    if (pa.kind !== 'query' || pb.kind !== 'query') throw new Error('did not parse');
    const collided = { ...pb, hash: pa.hash }; // as if the two names hashed alike
    const keyOf = (t: CompiledAnswer) => t.bytes.toString('latin1', t.at + ANSWER_KEY, t.at + ANSWER_KEY + answerKeyLength(t.bytes, t.at));
    expect(keyOf(answerFor(snapshot, a, pa))).toBe(queryKey(a, pa));
    expect(keyOf(answerFor(snapshot, b, collided))).toBe(queryKey(b, pb));
    expect(keyOf(answerFor(snapshot, a, pa))).toBe(queryKey(a, pa));
    expect(snapshot.answers.size).toBe(2);
    const t = answerFor(snapshot, b, collided);
    expect(normalize(assemble(b, collided, t.bytes, t.at, 1232, options.edns)).answer).toEqual(['ns1.example.com. 3600 IN A 192.0.2.53']);
    expect(snapshot.answers.size).toBe(2); // found, not compiled again
  });
});
