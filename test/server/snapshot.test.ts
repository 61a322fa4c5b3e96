// Memory bounds of the answer caches: random-subdomain floods and many existing names.
import { describe, expect, it } from 'vitest';
import { handleMessage } from '../../src/server/handler.js';
import { handlerOptions } from '../../src/server/identity.js';
import { newStats } from '../../src/server/stats.js';
import { buildQuery, normalize } from '../support/query.js';
import { EXAMPLE_ZONE, snapshotFromText } from '../support/zonetext.js';

const options = handlerOptions({ udpSize: 1232, nsid: '', id: '', version: '' });

describe('random-subdomain flood', () => {
  it('answers NXDOMAIN for every random name without caching anything per name', () => {
    const snapshot = snapshotFromText({ 'example.com.': EXAMPLE_ZONE }, 50);
    for (let i = 0; i < 2000; i++) {
      const qname = `zz-${Math.random().toString(36).slice(2, 2 + (i % 9) + 1)}.example.com`; // zz-: never an existing name
      const n = normalize(handleMessage(snapshot, buildQuery({ id: i, qname, qtype: 1 }), 'udp', options, newStats())!);
      expect(n.rcodeName).toBe('NXDOMAIN');
      expect(n.authority).toEqual(['example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. 2026112401 7200 3600 1209600 300']);
    }
    expect(snapshot.answers.size).toBe(0);
    expect(snapshot.negatives.size).toBe(1);
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
  it('answers NODATA for types an existing name lacks without caching anything per type', () => {
    const snapshot = snapshotFromText({ 'example.com.': EXAMPLE_ZONE }, 50);
    for (let qtype = 256; qtype < 1256; qtype++) { // past AXFR and IXFR, which get NOTIMP
      const n = normalize(handleMessage(snapshot, buildQuery({ id: qtype, qname: 'mail.example.com', qtype }), 'udp', options, newStats())!);
      expect(n.rcodeName).toBe('NOERROR');
      expect(n.answer).toEqual([]);
      expect(n.authority).toEqual(['example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. 2026112401 7200 3600 1209600 300']);
    }
    expect(snapshot.answers.size).toBe(0);
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
